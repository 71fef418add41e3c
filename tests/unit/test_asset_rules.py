"""Depreciation: straight-line and units of production to the fen, the month after acquisition,
the last month taking the rounding, refusals, and disposal results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.assets.rules import (
    AssetRuleError,
    Method,
    Terms,
    check_terms,
    disposal,
    schedule,
    straight_line,
    units_of_production,
)

D = Decimal


def test_straight_line_starts_the_month_after_and_the_last_month_takes_the_rounding() -> None:
    """A tractor bought 2024-05-20 for 30,000.00, 5 % residual, 10 years: 28,500.00 over 120
    months = 237.50 a month from June 2024; exact, so the last month (May 2034) is 237.50 too.
    A pump of 1,000.00, 0 % residual, 3 years: 1,000 / 36 = 27.777… → 27.78 a month for 35
    months (972.30), the 36th takes 27.70."""
    tractor = Terms(D("30000.00"), D(5), 120, dt.date(2024, 5, 20))
    assert straight_line(tractor, 2024, 5, accumulated=D(0)) == D("0.00")
    months = schedule(tractor)
    assert (months[0], months[-1], len(months)) == (
        (2024, 6, D("237.50")), (2034, 5, D("237.50")), 120)
    pump = Terms(D("1000.00"), D(0), 36, dt.date(2025, 1, 3))
    months = schedule(pump)
    assert [m[2] for m in months[:35]] == [D("27.78")] * 35
    assert months[-1] == (2028, 1, D("27.70"))
    assert sum(m[2] for m in months) == D("1000.00")


def test_units_of_production_stops_when_the_units_are_used_up() -> None:
    """A harvester of 50,000.00, 10 % residual, 3,000 hours: 45,000 / 3,000 = 15.00 an hour;
    120 hours → 1,800.00; the month that reaches 3,000 hours takes what is left."""
    harvester = Terms(D("50000.00"), D(10), 96, dt.date(2024, 1, 10), Method.UNITS, D(3000))
    assert units_of_production(harvester, units=D(120), units_before=D(0),
                               accumulated=D(0)) == D("1800.00")
    assert units_of_production(harvester, units=D(200), units_before=D(2900),
                               accumulated=D("43400.00")) == D("1600.00")
    assert units_of_production(harvester, units=D(10), units_before=D(3100),
                               accumulated=D("45000.00")) == D("0.00")


@pytest.mark.parametrize(("terms", "sentence"), [
    (Terms(D("100"), D(5), 0, dt.date(2024, 1, 1)), "使用年限必须大于零。"),
    (Terms(D("100"), D(-1), 12, dt.date(2024, 1, 1)), "残值率须在 0% 至 100% 之间（现为 -1%）。"),
    (Terms(D("100"), D(100), 12, dt.date(2024, 1, 1)), "残值率须在 0% 至 100% 之间（现为 100%）。"),
    (Terms(D("0"), D(5), 12, dt.date(2024, 1, 1)), "固定资产原值必须大于零。"),
    (Terms(D("100"), D(5), 12, dt.date(2024, 1, 1), Method.UNITS), "工作量法须填写预计总工作量"),
])
def test_impossible_terms_are_refused(terms: Terms, sentence: str) -> None:
    with pytest.raises(AssetRuleError) as caught:
        check_terms(terms)
    assert sentence in str(caught.value)


def test_disposal_result_is_proceeds_less_costs_less_book_value() -> None:
    """Sold for 8,000 with 300 costs; cost 30,000, depreciated 23,750: book value 6,250 →
    gain 1,450. Scrapped for nothing: loss of the book value."""
    assert disposal(D("30000"), D("23750"), D("8000"), D("300")) == D("1450")
    assert disposal(D("30000"), D("23750"), D(0), D(0)) == D("-6250")


@given(original=st.integers(min_value=1, max_value=10**9), residual=st.integers(0, 99),
       life=st.integers(1, 600), day=st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)))
def test_straight_line_months_add_up_to_the_depreciable_amount(
        original: int, residual: int, life: int, day: dt.date) -> None:
    terms = Terms(D(original) / 100, D(residual), life, day)
    months = schedule(terms)
    assert sum((m[2] for m in months), D(0)) == terms.depreciable
    assert len(months) <= life
    assert all(m[2] >= 0 for m in months)
