"""Booking contract money: oldest-first settlement, income by the years a receipt pays for,
advances for later years, and balanced voucher lines for every purpose."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.contracts.booking import (
    Accounts,
    Due,
    deferral_lines,
    income_by_year,
    payment_lines,
    settle,
    split_now_and_later,
)
from coopledger.contracts.money_models import Purpose
from coopledger.contracts.rules import LeaseTerms, lease_schedule
from coopledger.ledger.rules import check_lines

D = Decimal
ACCOUNTS = Accounts(cash="10201", income="501", payable="211", investment="131",
                    investment_income="511")


def _due(line_id: int, year: int, amount: str, *, month: int = 1) -> Due:
    start = dt.date(year, month, 1)
    end = start.replace(year=year + 1) - dt.timedelta(days=1)
    return Due(line_id, start + dt.timedelta(days=90), start, end, D(amount))


def test_a_receipt_settles_the_oldest_due_lines_first_and_reports_the_excess() -> None:
    dues = [_due(3, 2026, "5000.00"), _due(1, 2024, "5000.00"), _due(2, 2025, "5000.00")]
    partial = settle(dues, D("7000.00"))
    assert [(d.line_id, part) for d, part in partial.allocations] == [
        (1, D("5000.00")), (2, D("2000.00"))]
    assert partial.excess == 0
    over = settle(dues, D("16000.00"))
    assert [part for _d, part in over.allocations] == [D("5000.00")] * 3
    assert over.excess == D("1000.00")


def test_a_contract_year_across_two_calendar_years_is_income_of_both_by_days() -> None:
    # 2025-07-01..2026-06-30 is 365 days: 184 in 2025, 181 in 2026.
    line = _due(1, 2025, "3650.00", month=7)
    assert income_by_year([(line, D("3650.00"))]) == {2025: D("1840.00"), 2026: D("1810.00")}


def test_lump_sum_rent_for_three_years_is_income_now_and_an_advance_for_later_years() -> None:
    dues = [_due(1, 2026, "5350.80"), _due(2, 2027, "5350.80"), _due(3, 2028, "5350.80")]
    paid = settle(dues, D("16052.40"))
    now, later = split_now_and_later(income_by_year(paid.allocations), 2026)
    assert now == D("5350.80")
    assert later == {2027: D("5350.80"), 2028: D("5350.80")}
    lines = payment_lines(Purpose.RENT, ACCOUNTS, summary="收取租金", amount=D("16052.40"),
                          income_now=now, advance=sum(later.values(), D(0)))
    assert [(x.account_code, x.debit, x.credit) for x in lines] == [
        ("10201", D("16052.40"), 0), ("501", 0, D("5350.80")), ("211", 0, D("10701.60"))]
    assert check_lines(lines) == D("16052.40")


@pytest.mark.parametrize(("purpose", "expected"), [
    (Purpose.DEPOSIT_IN, [("10201", "800.00", "0"), ("211", "0", "800.00")]),
    (Purpose.DEPOSIT_OUT, [("211", "800.00", "0"), ("10201", "0", "800.00")]),
    (Purpose.INVESTMENT_OUT, [("131", "800.00", "0"), ("10201", "0", "800.00")]),
    (Purpose.DIVIDEND, [("10201", "800.00", "0"), ("511", "0", "800.00")]),
    (Purpose.PROFIT, [("10201", "800.00", "0"), ("511", "0", "800.00")]),
])
def test_each_purpose_books_to_its_accounts(purpose: Purpose,
                                            expected: list[tuple[str, str, str]]) -> None:
    lines = payment_lines(purpose, ACCOUNTS, summary="款项", amount=D("800.00"),
                          income_now=D("800.00"))
    assert [(x.account_code, x.debit, x.credit) for x in lines] == [
        (code, D(debit), D(credit)) for code, debit, credit in expected]
    check_lines(lines)


def test_advance_rent_becomes_income_of_its_year() -> None:
    lines = deferral_lines(ACCOUNTS, summary="预收租金转收入", amount=D("5350.80"))
    assert [(x.account_code, x.debit, x.credit) for x in lines] == [
        ("211", D("5350.80"), 0), ("501", 0, D("5350.80"))]


def test_income_and_advance_must_add_up_to_the_receipt() -> None:
    with pytest.raises(ValueError, match="!="):
        payment_lines(Purpose.RENT, ACCOUNTS, summary="x", amount=D("10.00"),
                      income_now=D("4.00"), advance=D("5.00"))


def test_due_dates_fall_the_agreed_days_after_each_period_starts() -> None:
    terms = LeaseTerms(start=dt.date(2024, 1, 1), end=dt.date(2025, 12, 31), area=D("2"),
                       price_per_mu=D("800"), half_yearly=True, due_after_days=30)
    assert [line.due_on for line in lease_schedule(terms)] == [
        dt.date(2024, 1, 31), dt.date(2024, 7, 31), dt.date(2025, 1, 31), dt.date(2025, 7, 31)]


@given(amount=st.integers(min_value=1, max_value=10**9),
       parts=st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=12),
       year=st.integers(min_value=2020, max_value=2035))
def test_settled_money_is_never_lost_or_invented(amount: int, parts: list[int],
                                                 year: int) -> None:
    dues = [_due(i, year + i % 5, f"{p / 100:.2f}", month=1 + i % 12)
            for i, p in enumerate(parts)]
    total = D(amount) / 100
    settlement = settle(dues, total)
    settled = sum((part for _d, part in settlement.allocations), D(0))
    assert settled + settlement.excess == total
    assert all(part <= due.outstanding for due, part in settlement.allocations)
    by_year = income_by_year(settlement.allocations)
    assert sum(by_year.values(), D(0)) == settled
    now, later = split_now_and_later(by_year, year)
    assert now + sum(later.values(), D(0)) == settled
