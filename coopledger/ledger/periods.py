"""Closing and reopening months, opening the books, and generating the year-end vouchers.

A month closes only when every voucher dated in it is posted and every earlier month is
closed. Reopening is an admin action with a reason, refused once a published disclosure
covers the month (the disclosure package registers that check in :data:`REOPEN_GUARDS`).
Year end drafts two vouchers dated 31 December: 损益 → 本年收益/本年盈余, then 本年收益 and
各项分配 → 未分配; they are reviewed and posted like any other voucher.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger.audit.services import record
from coopledger.dates import utcnow
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger import rules
from coopledger.ledger.books import accounts_by_code, get_book, lock_book, period_for
from coopledger.ledger.models import (
    Account,
    Category,
    Period,
    Voucher,
    VoucherKind,
    VoucherState,
)
from coopledger.ledger.queries import leaf_balances
from coopledger.ledger.standards import STANDARDS, StandardAccounts
from coopledger.ledger.vouchers import save_voucher

if TYPE_CHECKING:
    from coopledger.auth.models import User
    from coopledger.orgs.models import Organisation


class PeriodError(CoopLedgerError):
    """A period action that is not allowed now."""

    message = N_("结账操作未能完成。")


# Each guard may raise a CoopLedgerError to refuse reopening (organisation, year, month).
REOPEN_GUARDS: list[Callable[[Organisation, int, int], None]] = []


def _unposted(org_id: int, *conditions: sa.ColumnElement[bool]) -> int:
    return db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(
        Voucher.organisation_id == org_id, Voucher.state != VoucherState.POSTED,
        *conditions)) or 0


def unposted_in(org_id: int, year: int, month: int) -> int:
    """How many vouchers dated in the month are not posted (closing waits for them)."""
    return _unposted(org_id, Voucher.year == year, Voucher.month == month)


def earlier_open_month(org_id: int, year: int, month: int) -> Period | None:
    """The earliest month before this one that is still open (closed in order)."""
    return db.session.scalar(sa.select(Period).where(
        Period.organisation_id == org_id, Period.closed_at.is_(None),
        (Period.year * 100 + Period.month) < year * 100 + month,
    ).order_by(Period.year, Period.month).limit(1))


def close_month(org: Organisation, year: int, month: int, *, by: User) -> Period:
    """Lock a month: nothing dated in it can be saved, posted or reversed any more. The
    blocking items of the month-end checklist (ledger.month_end) are its refusals."""
    period = period_for(org.id, year, month, lock=True)
    if period.is_closed:
        raise PeriodError(N_("%(year)d年%(month)d月已经结账。"), year=year, month=month)
    waiting = unposted_in(org.id, year, month)
    if waiting:
        raise PeriodError(N_("%(year)d年%(month)d月还有 %(n)d 张凭证未记账，全部记账后才能结账。"),
                          year=year, month=month, n=waiting)
    earlier_open = earlier_open_month(org.id, year, month)
    if earlier_open is not None:
        raise PeriodError(N_("请先结账 %(year)d年%(month)d月。"), year=earlier_open.year,
                          month=earlier_open.month)
    period.closed_at = utcnow()
    period.closed_by_id = by.id
    db.session.flush()
    record("period.close", org, by=by, label=f"{org.name} {year}-{month:02d}",
           after={"year": year, "month": month})
    return period


def reopen_month(org: Organisation, year: int, month: int, *, reason: str, by: User) -> Period:
    """Unlock the latest closed month (admin only, with a reason)."""
    if not reason.strip():
        raise PeriodError(N_("反结账必须填写原因。"))
    period = period_for(org.id, year, month, lock=True)
    if not period.is_closed:
        raise PeriodError(N_("%(year)d年%(month)d月没有结账。"), year=year, month=month)
    later = db.session.scalar(sa.select(Period).where(
        Period.organisation_id == org.id, Period.closed_at.is_not(None),
        (Period.year * 100 + Period.month) > year * 100 + month).limit(1))
    if later is not None:
        raise PeriodError(N_("请先反结账 %(year)d年%(month)d月。"), year=later.year,
                          month=later.month)
    for guard in REOPEN_GUARDS:
        guard(org, year, month)
    period.closed_at = None
    period.closed_by_id = None
    db.session.flush()
    record("period.reopen", org, by=by, label=f"{org.name} {year}-{month:02d}",
           after={"year": year, "month": month, "reason": reason.strip()})
    return period


def open_books(org: Organisation, *, on: dt.date, balances: list[rules.Line],
               by: User, today: dt.date) -> Voucher:
    """Record opening balances (建账) as the opening voucher; debits must equal credits."""
    get_book(org)
    book = lock_book(org.id)
    if book.opened_on is not None:
        raise PeriodError(N_("已于 %(on)s 建账，期初余额不能再改；请用凭证调整。"),
                          on=book.opened_on.isoformat())
    lines = [line for line in balances if line.debit or line.credit]
    if not lines:
        raise PeriodError(N_("请至少填写一个科目的期初余额。"))
    existing = db.session.scalar(sa.select(Voucher).where(
        Voucher.organisation_id == org.id, Voucher.kind == VoucherKind.OPENING))
    if existing is not None and existing.state is not VoucherState.DRAFT:
        raise PeriodError(N_("期初余额凭证已提交审核，请等待审核记账或退回后再修改。"))
    try:
        rules.check_lines(lines)
    except rules.VoucherRuleError as err:
        raise PeriodError(N_("期初余额借贷不平衡，不能建账：%(reason)s"), reason=str(err)) from None
    return save_voucher(org, voucher=existing, on=on, lines=lines, attachment_count=0, by=by,
                        kind=VoucherKind.OPENING, today=today)


def year_end_vouchers(org: Organisation, year: int, *, on: dt.date, by: User,
                      today: dt.date) -> list[Voucher]:
    """Draft the year-end closing vouchers from the posted balances of the year (under the
    book's lock, so they are drafted once), dated 31 December.

    Only once the year is over (``on``, the day they are drafted, is after 31 December) and
    every voucher dated in the year is posted: a closing drafted earlier would leave later
    December vouchers unclosed. If the year already has its closing vouchers and a voucher was
    posted into it afterwards (possible only after an admin reopened December), the 损益
    accounts are no longer zero: what is left is closed by a supplementary closing voucher
    (补充结转), so every 损益 account is zero again at the year end.
    """
    lock_book(org.id)
    std = STANDARDS[org.standard]
    end = dt.date(year, 12, 31)
    if on <= end:
        raise PeriodError(N_("%(year)d年还没有结束：年终结转须在 %(year)d 年 12 月 31 日之后进行，"
                             "以免之后记入本年的凭证没有结转。"), year=year)
    if _unposted(org.id, Voucher.year == year):
        raise PeriodError(N_("%(year)d年还有未记账的凭证，全部记账后才能结转。"), year=year)
    supplementary = db.session.scalar(sa.select(Voucher.id).where(
        Voucher.organisation_id == org.id, Voucher.kind == VoucherKind.CLOSING,
        Voucher.year == year).limit(1)) is not None
    accounts = accounts_by_code(org)
    by_id = {a.id: a for a in accounts.values()}
    balances = leaf_balances(org, as_of=end)
    pl = {by_id[i].code: (by_id[i].name, bal) for i, bal in balances.items()
          if by_id[i].category in (Category.INCOME, Category.EXPENSE)}
    first = rules.closing_lines(pl, year=year, current_earnings=std.current_earnings)
    result = -sum((bal for _name, bal in pl.values()), Decimal("0.00"))
    if supplementary and not first:
        raise PeriodError(N_("%(year)d年的结转凭证已经生成，损益类科目已全部结平。"), year=year)
    word = std.retained[1][-2:]           # 收益 (村集体) or 盈余 (合作社)
    second = rules.transfer_result_lines(result, year=year, current_earnings=std.current_earnings,
                                         retained=std.retained[0], word=word)
    second += _appropriation_lines(std, balances, by_id, year)
    created = []
    for lines in (first, second):
        if not lines:
            continue
        if supplementary:
            lines = [rules.Line(f"补充{line.summary}", line.account_code, line.debit,
                                line.credit) for line in lines]
        created.append(save_voucher(org, voucher=None, on=end, lines=lines, attachment_count=0,
                                    by=by, kind=VoucherKind.CLOSING, today=today))
    if not created:
        raise PeriodError(N_("%(year)d年没有需要结转的损益。"), year=year)
    return created


def _appropriation_lines(std: StandardAccounts, balances: dict[int, Decimal],
                         by_id: dict[int, Account], year: int) -> list[rules.Line]:
    """收益分配's appropriation sub-accounts carried into 未分配 at the year end."""
    retained = std.retained[0]
    lines: list[rules.Line] = []
    for account_id, balance in sorted(balances.items()):
        account = by_id[account_id]
        if account.code.startswith(std.appropriations[0]) and balance:
            summary = f"结转{year}年{account.name}"
            debit, credit = (retained, account.code) if balance > 0 else (account.code, retained)
            lines += [rules.Line(summary, debit, abs(balance), Decimal("0.00")),
                      rules.Line(summary, credit, Decimal("0.00"), abs(balance))]
    return lines


def open_books_from_text(org: Organisation, on_text: str,
                         entered: list[tuple[str, str, str]], *, by: User,
                         today: dt.date) -> Voucher:
    """Opening balances typed on the page: (code, debit text, credit text) per account."""
    from coopledger.money import MoneyInputError, parse_money

    try:
        on = dt.date.fromisoformat(on_text)
    except ValueError:
        raise PeriodError(N_("请填写建账日期。")) from None
    lines = []
    for code, debit_text, credit_text in entered:
        try:
            debit = parse_money(debit_text) if debit_text else Decimal("0.00")
            credit = parse_money(credit_text) if credit_text else Decimal("0.00")
        except MoneyInputError as err:
            raise PeriodError(N_("科目 %(code)s：%(reason)s"), code=code, reason=str(err)) from None
        if debit and credit:
            raise PeriodError(N_("科目 %(code)s 的借方和贷方只能填一个。"), code=code)
        lines.append(rules.Line("期初余额", code, debit, credit))
    return open_books(org, on=on, balances=lines, by=by, today=today)
