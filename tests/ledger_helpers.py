"""Helpers for tests of the books: open a book and make vouchers in a chosen state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from coopledger import dates
from coopledger.auth.models import User
from coopledger.ledger import periods, rules, vouchers
from coopledger.ledger.models import Voucher
from coopledger.orgs.models import Organisation

ZERO = Decimal("0.00")
OPENED = dt.date(2024, 1, 1)


def line(summary: str, code: str, debit: str = "0", credit: str = "0") -> rules.Line:
    return rules.Line(summary, code, Decimal(debit), Decimal(credit))


def run(voucher: Voucher, accountant: User, reviewer: User, upto: str = "posted") -> Voucher:
    if upto == "draft":
        return voucher
    vouchers.submit_voucher(voucher, by=accountant)
    if upto == "submitted":
        return voucher
    vouchers.review_voucher(voucher, by=reviewer)
    if upto == "reviewed":
        return voucher
    return vouchers.post_voucher(voucher, by=reviewer, today=dates.today())


def book_with_vouchers(org: Organisation, accountant: User, reviewer: User,
                       on: dt.date = OPENED) -> Voucher:
    """Open the book with cash 5,000, bank 95,000 and capital 100,000, posted."""
    opening = periods.open_books(org, on=on, balances=[
        line("期初余额", "101", "5000.00"), line("期初余额", "102", "95000.00"),
        line("期初余额", "301", credit="100000.00")], by=accountant, today=dates.today())
    return run(opening, accountant, reviewer)


def make_voucher(org: Organisation, accountant: User, reviewer: User, *, upto: str = "posted",
                 on: dt.date = dt.date(2024, 3, 5), amount: str = "8000.00",
                 debit: str = "102", credit: str = "501", summary: str = "收到土地租金",
                 ) -> Voucher:
    voucher = vouchers.save_voucher(org, voucher=None, on=on, lines=[
        line(summary, debit, amount), line(summary, credit, credit=amount)],
        attachment_count=1, by=accountant, today=dates.today())
    return run(voucher, accountant, reviewer, upto)


def year_end_if_any(org: Organisation, year: int, *, by: User) -> list[Voucher]:
    """The year-end vouchers, or none when the year has no income or expense to carry."""
    try:
        return periods.year_end_vouchers(org, year, on=dt.date(year + 1, 1, 1), by=by,
                                         today=dates.today())
    except periods.PeriodError as err:
        if "没有需要结转的损益" not in err.template:
            raise
        return []
