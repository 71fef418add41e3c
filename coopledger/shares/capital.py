"""Capital in the books: the voucher draft for a register operation that moves capital.

Capital shares paid in (Dr 银行存款 / Cr 股金·资本), capital bought back (the reverse), and, in a
cooperative under the 2021 standard, land management rights contributed as 无形资产 (Dr 无形资产
/ Cr 股金) or withdrawn (the reverse). The amount is shares × the class's unit value; nothing is
drafted when the class has no unit value or the books are not open. The draft is reviewed and
posted the normal way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from coopledger.ledger import rules as ledger_rules
from coopledger.ledger.books import accounts_by_code, get_book
from coopledger.ledger.models import Account, Voucher
from coopledger.ledger.standards import STANDARDS
from coopledger.ledger.vouchers import save_voucher
from coopledger.money import round_money
from coopledger.orgs.models import AccountingStandard
from coopledger.shares.models import OperationKind, ShareKind, ShareOperation

if TYPE_CHECKING:
    import datetime as dt

    from coopledger.auth.models import User

CAPITAL_ACCOUNT = "301"       # 股金 (合作社) / 资本 (村集体)
INTANGIBLE_ACCOUNT = "161"    # 无形资产: contributed land management rights
IN_KINDS = (OperationKind.SUBSCRIBE, OperationKind.INCREASE)


def _leaf(accounts: dict[str, Account], code: str) -> Account:
    account = accounts[code]
    while account.children:
        account = account.children[0]
    return account


def capital_voucher(op: ShareOperation, *, on: dt.date, by: User | None,
                    today: dt.date) -> Voucher | None:
    """Draft the voucher for ``op`` if it moves capital; None otherwise."""
    kind, share_class = op.kind, op.share_class
    if by is None or share_class.unit_value <= 0:
        return None
    org = op.organisation
    if get_book(org).opened_on is None:
        return None
    if share_class.kind is ShareKind.CAPITAL:
        other = STANDARDS[org.standard].bank
    elif share_class.kind is ShareKind.LAND and org.standard is AccountingStandard.COOP_2021:
        other = INTANGIBLE_ACCOUNT
    else:
        return None
    if kind not in (*IN_KINDS, OperationKind.BUYBACK):
        return None
    accounts = accounts_by_code(org)
    amount = round_money(op.quantity * share_class.unit_value)
    summary = (f"股权变更第{op.number}号 {kind.label} {op.quantity:f}股 "
               f"（{op.effective_on.isoformat()}）")
    debit, credit = (other, CAPITAL_ACCOUNT) if kind in IN_KINDS else (CAPITAL_ACCOUNT, other)
    zero = Decimal("0.00")
    lines = [ledger_rules.Line(summary, _leaf(accounts, debit).code, amount, zero),
             ledger_rules.Line(summary, _leaf(accounts, credit).code, zero, amount)]
    return save_voucher(org, voucher=None, on=on, lines=lines, attachment_count=0, by=by,
                        today=today)
