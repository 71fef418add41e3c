"""The money index (issue 21, county scale): per posted voucher that touches 库存现金 or
银行存款, its net effect on cash, whether it touches a bank account and whether it pays money
out (``VoucherMoney``); per ordinary voucher that pays money out, what it debits to each other
account (``VoucherPayment``). Kept in the transaction that posts (:func:`add_posted`), like
the month-balance index, so the township dashboard's voucher rules (supervision) sum a row per
voucher rather than every line; bulk loaders rebuild it (:func:`rebuild`); ``verify-ledger``
compares it with the lines (:func:`differences`); both read the lines with the same queries
(:func:`_expected`), and the migration that built it for the books already there the same SQL.

Which accounts are money is the chart's: the leaves under the standard's 库存现金 and 银行存款
codes (``standards.STANDARDS``). SQL voucher lines stay the system of record (DESIGN §5).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from coopledger.extensions import db
from coopledger.ledger.models import (
    Account,
    Category,
    Voucher,
    VoucherKind,
    VoucherLine,
    VoucherMoney,
    VoucherPayment,
)
from coopledger.ledger.standards import STANDARDS
from coopledger.money import to_fen

if TYPE_CHECKING:
    from collections.abc import Iterable

    from coopledger.orgs.models import Organisation

Rows = tuple[list[dict[str, Any]], list[dict[str, Any]]]


def _rows(voucher: Voucher, lines: Iterable[tuple[str, Category, int, int, int]],
          cash_code: str, bank_code: str) -> Rows:
    """The index rows of one voucher from its lines (code, category, account id, debit fen,
    credit fen)."""
    cash = 0
    banked = pays = touches = False
    debits: dict[int, list[Any]] = {}
    for code, category, account_id, debit, credit in lines:
        if code.startswith(cash_code) or code.startswith(bank_code):
            touches = True
            pays = pays or credit > 0
            if code.startswith(cash_code):
                cash += debit - credit
            else:
                banked = True
        elif debit > 0:
            entry = debits.setdefault(account_id, [0, category is Category.EXPENSE])
            entry[0] += debit
    if not touches:
        return [], []
    money = [{"voucher_id": voucher.id, "organisation_id": voucher.organisation_id,
              "on": voucher.on, "cash": cash, "banked": banked, "pays": pays}]
    payments = [{"voucher_id": voucher.id, "account_id": account_id,
                 "organisation_id": voucher.organisation_id, "on": voucher.on,
                 "amount": amount, "expense": expense}
                for account_id, (amount, expense) in sorted(debits.items())] \
        if pays and voucher.kind is VoucherKind.ORDINARY else []
    return money, payments


def _write(rows: Rows) -> None:
    money, payments = rows
    if money:
        db.session.execute(sa.insert(VoucherMoney), money)
    if payments:
        db.session.execute(sa.insert(VoucherPayment), payments)


def add_posted(voucher: Voucher, *, chart: Sequence[Any]) -> None:
    """Add a voucher that has just been posted to the index (``chart``: the organisation's
    accounts as ``queries.chart_rows`` reads them for the posting)."""
    standard = STANDARDS[voucher.organisation.standard]
    accounts = {row.id: (row.code, row.category) for row in chart}
    _write(_rows(voucher, ((*accounts[line.account_id], line.account_id, to_fen(line.debit),
                            to_fen(line.credit)) for line in voucher.lines),
                 standard.cash, standard.bank))


def _expected(org: Organisation) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The index rows the organisation's posted lines give, as two queries (the same rows as
    :func:`add_posted` writes, voucher by voucher): a rebuild inserts them, verify-ledger
    compares them with what is stored."""
    standard = STANDARDS[org.standard]
    lines = VoucherLine.__table__.c
    debit = sa.type_coerce(lines.debit, sa.BigInteger)
    credit = sa.type_coerce(lines.credit, sa.BigInteger)
    is_cash = Account.code.startswith(standard.cash)
    is_money = sa.or_(is_cash, Account.code.startswith(standard.bank))
    money = (sa.select(lines.voucher_id, lines.organisation_id, lines.on,
                       sa.func.sum(sa.case((is_cash, debit - credit), else_=0)),
                       sa.func.max(sa.case((is_cash, 0), else_=1)) == 1,
                       sa.func.max(sa.case((credit > 0, 1), else_=0)) == 1)
             .join(Account, Account.id == lines.account_id)
             .where(lines.organisation_id == org.id, lines.posted.is_(True), is_money)
             .group_by(lines.voucher_id, lines.organisation_id, lines.on))
    # whether the line's voucher pays money out, read over the voucher's lines in one pass
    # (a join of the lines with their paying vouchers is planned per voucher when the
    # table's statistics are stale: quadratic on a big book)
    pays = sa.func.max(sa.case((sa.and_(is_money, credit > 0), 1), else_=0)).over(
        partition_by=lines.voucher_id)
    marked = (sa.select(lines.voucher_id, lines.account_id, lines.organisation_id, lines.on,
                        debit.label("debit"), Account.category.label("category"),
                        sa.case((is_money, 1), else_=0).label("money"), pays.label("pays"))
              .join(Account, Account.id == lines.account_id)
              .where(lines.organisation_id == org.id, lines.posted.is_(True)).subquery())
    payments = (sa.select(marked.c.voucher_id, marked.c.account_id, marked.c.organisation_id,
                          marked.c.on, sa.func.sum(marked.c.debit),
                          marked.c.category == Category.EXPENSE)
                .join(Voucher, Voucher.id == marked.c.voucher_id)
                .where(marked.c.pays == 1, marked.c.debit > 0, marked.c.money == 0,
                       Voucher.kind == VoucherKind.ORDINARY)
                .group_by(marked.c.voucher_id, marked.c.account_id, marked.c.organisation_id,
                          marked.c.on, marked.c.category))
    return money, payments


_MONEY = ("voucher_id", "organisation_id", "on", "cash", "banked", "pays")
_PAYMENTS = ("voucher_id", "account_id", "organisation_id", "on", "amount", "expense")


def rebuild(organisation_id: int) -> int:
    """Build an organisation's index afresh from its posted lines (bulk loaders, as
    ``month_index.rebuild``); returns the vouchers indexed."""
    from coopledger.orgs.models import Organisation

    org = db.session.get(Organisation, organisation_id)
    if org is None:
        return 0
    db.session.execute(sa.delete(VoucherPayment).where(
        VoucherPayment.organisation_id == org.id))
    db.session.execute(sa.delete(VoucherMoney).where(VoucherMoney.organisation_id == org.id))
    money, payments = _expected(org)
    db.session.execute(sa.insert(VoucherMoney).from_select(list(_MONEY), money))
    db.session.execute(sa.insert(VoucherPayment).from_select(list(_PAYMENTS), payments))
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(VoucherMoney).where(
        VoucherMoney.organisation_id == org.id)) or 0)


def differences(org: Organisation) -> list[str]:
    """Where the stored index differs from the posted lines (empty when it agrees)."""
    money, payments = _expected(org)
    found = []
    for name, model, columns, expected in (("money", VoucherMoney, _MONEY, money),
                                           ("payments", VoucherPayment, _PAYMENTS, payments)):
        stored = {_row(row, name) for row in db.session.execute(
            sa.select(*[getattr(model, c) for c in columns]).where(
                model.organisation_id == org.id))}
        wanted = {_row(row, name) for row in db.session.execute(expected)}
        if stored != wanted:
            wrong = sorted({row[0] for row in stored ^ wanted})
            found.append(f"money index ({name}) differs from the posted lines: vouchers "
                         f"{wrong[:10]}")
    return found


def _row(row: Sequence[Any], name: str) -> tuple[Any, ...]:
    """A stored or expected row in one form: amounts as integers, flags as booleans."""
    if name == "money":
        voucher_id, org_id, on, cash, banked, pays = row
        return (int(voucher_id), int(org_id), on, int(cash), bool(banked), bool(pays))
    voucher_id, account_id, org_id, on, amount, expense = row
    return (int(voucher_id), int(account_id), int(org_id), on, int(amount), bool(expense))
