"""The organisation's whole book as a beancount file, and its verification against SQL.

``export_book`` renders every posted voucher in posting order. ``verify_book`` loads that file
with beancount (as bean-check does), re-computes the SHA-256 chain from the rendered vouchers,
and compares every account's balance at the end of every month between SQL and beancount.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.jobs.registry import Progress, job_kind
from coopledger.ledger import beans
from coopledger.ledger.books import get_book
from coopledger.ledger.models import Voucher, VoucherState
from coopledger.ledger.queries import accounts, bean_account_names, monthly_sql_changes
from coopledger.ledger.standards import STANDARDS
from coopledger.ledger.vouchers import chain_hash, voucher_transaction
from coopledger.orgs.models import Organisation

BATCH = 500


def _noop(_percent: int, _message: str) -> None:
    return None


def posted_vouchers(org: Organisation) -> list[int]:
    """Ids of posted vouchers in posting order."""
    return list(db.session.scalars(sa.select(Voucher.id).where(
        Voucher.organisation_id == org.id, Voucher.state == VoucherState.POSTED)
        .order_by(Voucher.post_seq)))


def _transactions(org: Organisation, ids: list[int], progress: Progress, share: int,
                  ) -> list[tuple[Voucher, beans.BeanTransaction]]:
    result: list[tuple[Voucher, beans.BeanTransaction]] = []
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        loaded = {v.id: v for v in db.session.scalars(
            sa.select(Voucher).where(Voucher.id.in_(chunk))
            .options(selectinload(Voucher.lines), selectinload(Voucher.preparer),
                     selectinload(Voucher.reviewer)))}
        result.extend((loaded[i], voucher_transaction(loaded[i])) for i in chunk)
        progress(share * (start + len(chunk)) // max(len(ids), 1), N_("正在读取凭证"))
    return result


def book_spec(org: Organisation, txns: list[beans.BeanTransaction]) -> beans.BookSpec:
    """What to render: options mapped onto the chart, every account, the vouchers by date."""
    std = STANDARDS[org.standard]
    names = bean_account_names(org)
    all_accounts = accounts(org)
    by_code = {a.code: a for a in all_accounts}
    book = get_book(org)
    first = min([t.on for t in txns] + ([book.opened_on] if book.opened_on else []),
                default=dt.date(2000, 1, 1))
    opened = dt.date(first.year, 1, 1)
    bean_accounts = tuple(beans.BeanAccount(names[a.id], opened, a.closed_on)
                          for a in all_accounts)

    def option(code: str) -> str:
        return names[by_code[code].id].split(":", 1)[1]

    ordered = sorted(txns, key=lambda t: (t.on, t.link))
    return beans.BookSpec(title=org.code, current_earnings=option(std.current_earnings),
                          previous_earnings=option(std.retained[0]), accounts=bean_accounts,
                          transactions=tuple(ordered))


def export_book(org: Organisation, progress: Progress = _noop) -> str:
    """The whole book as beancount text."""
    pairs = _transactions(org, posted_vouchers(org), progress, 80)
    text = beans.render_book(book_spec(org, [t for _v, t in pairs]))
    progress(100, N_("已生成账簿文件"))
    return text


@dataclass
class Verification:
    """What verify-ledger found."""

    vouchers: int = 0
    beancount_errors: list[str] = field(default_factory=list)
    chain_errors: list[str] = field(default_factory=list)
    balance_differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No error and no difference."""
        return not (self.beancount_errors or self.chain_errors or self.balance_differences)


def verify_book(org: Organisation, progress: Progress = _noop) -> Verification:
    """Load the rendered book, re-check the hash chain and compare monthly balances."""
    result = Verification()
    pairs = _transactions(org, posted_vouchers(org), progress, 40)
    result.vouchers = len(pairs)
    head = ""
    for voucher, txn in pairs:
        head = chain_hash(head, beans.transaction_text(txn))
        if head != voucher.chain_hash:
            result.chain_errors.append(f"{voucher.on} {voucher.label}: hash mismatch")
            head = voucher.chain_hash or ""
    if head != get_book(org).chain_head:
        result.chain_errors.append("book chain head does not match the last voucher")
    progress(50, N_("正在用 beancount 检查账簿"))
    loaded = beans.load(beans.render_book(book_spec(org, [t for _v, t in pairs])))
    result.beancount_errors.extend(loaded.errors)
    progress(85, N_("正在核对各科目每月余额"))
    result.balance_differences = compare_balances(org, beans.monthly_changes(loaded))
    progress(100, N_("核对完成"))
    return result


def compare_balances(org: Organisation,
                     bean_changes: dict[tuple[str, int, int], Decimal]) -> list[str]:
    """Every account's month-end balance in SQL against beancount's; differences as text."""
    names = bean_account_names(org)
    sql: dict[str, dict[tuple[int, int], Decimal]] = defaultdict(dict)
    for (account_id, sql_year, sql_month), amount in monthly_sql_changes(org).items():
        sql[names[account_id]][(sql_year, sql_month)] = amount
    bean: dict[str, dict[tuple[int, int], Decimal]] = defaultdict(dict)
    for (bean_name, bean_year, bean_month), amount in bean_changes.items():
        bean[bean_name][(bean_year, bean_month)] = amount
    months = sorted({m for series in (*sql.values(), *bean.values()) for m in series})
    differences = []
    for name in sorted(set(sql) | set(bean)):
        running_sql = running_bean = Decimal("0.00")
        for year_month in months:
            running_sql += sql[name].get(year_month, Decimal(0))
            running_bean += bean[name].get(year_month, Decimal(0))
            if running_sql != running_bean:
                differences.append(f"{name} {year_month[0]}-{year_month[1]:02d}: "
                                   f"SQL {running_sql} ≠ beancount {running_bean}")
    return differences


VERIFY_KIND = "ledger.verify"


@job_kind(VERIFY_KIND)
def verify_job(params: dict[str, object], progress: Progress, out_dir: object) -> None:
    """Background verification from the books page; the report is the job's message."""
    org = db.session.get(Organisation, int(str(params["organisation_id"])))
    if org is None:
        return
    outcome = verify_book(org, progress)
    problems = outcome.beancount_errors + outcome.chain_errors + outcome.balance_differences
    if not outcome.ok:
        raise CoopLedgerError(N_("核对发现 %(n)d 处问题：%(first)s"), n=len(problems),
                              first="; ".join(problems[:5]))
    progress(100, N_("核对通过：beancount 无错误，哈希链完整，各科目每月余额一致。"))


