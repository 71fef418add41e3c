"""contracts/rules.py: lease schedules (steps, grain price, partial and leap years, exact fen)
and the spreading of lump-sum rent over the years it covers."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.contracts.rules import (
    LeaseTerms,
    ScheduleError,
    lease_schedule,
    spread_lump_sum,
    step_factor,
    total,
)

D = dt.date


def test_ten_percent_every_five_years_compounds() -> None:
    terms = LeaseTerms(D(2024, 3, 1), D(2039, 2, 28), Decimal("100.5"),
                       price_per_mu=Decimal("800"), step_percent=Decimal("10"), step_years=5)
    lines = lease_schedule(terms)
    assert [line.amount for line in lines] == (
        [Decimal("80400.00")] * 5 + [Decimal("88440.00")] * 5 + [Decimal("97284.00")] * 5)
    assert [line.due_on for line in lines[:2]] == [D(2024, 3, 1), D(2025, 3, 1)]
    assert lines[3].period_end == D(2028, 2, 29)          # the leap day belongs to year 3
    assert step_factor(terms, 10) == Decimal("1.21")


def test_a_short_last_year_is_paid_by_days() -> None:
    terms = LeaseTerms(D(2025, 1, 1), D(2026, 3, 31), Decimal("10"), price_per_mu=Decimal("730"))
    lines = lease_schedule(terms)
    assert [(line.period_start, line.period_end, line.amount) for line in lines] == [
        (D(2025, 1, 1), D(2025, 12, 31), Decimal("7300.00")),
        (D(2026, 1, 1), D(2026, 3, 31), Decimal("1800.00"))]   # 90 of 365 days


def test_half_yearly_halves_add_up_to_the_year_exactly() -> None:
    terms = LeaseTerms(D(2024, 1, 1), D(2024, 12, 31), Decimal("3.3333"),
                       price_per_mu=Decimal("777.77"), half_yearly=True)
    lines = lease_schedule(terms)
    assert len(lines) == 2
    assert total(lines) == Decimal("2592.54")               # 3.3333 × 777.77 = 2592.5407
    assert lines[1].period_start == D(2024, 7, 1)           # 182 days / 184 days
    assert [line.amount for line in lines] == [Decimal("1289.19"), Decimal("1303.35")]


def test_grain_rent_uses_each_years_price_or_estimates_from_the_last_one() -> None:
    terms = LeaseTerms(D(2024, 1, 1), D(2026, 12, 31), Decimal("10"),
                       grain_jin_per_mu=Decimal("600"))
    lines = lease_schedule(terms, grain_prices={2024: Decimal("1.35"), 2025: Decimal("1.40")})
    assert [(line.amount, line.price_year, line.estimated) for line in lines] == [
        (Decimal("8100.00"), 2024, False), (Decimal("8400.00"), 2025, False),
        (Decimal("8400.00"), 2025, True)]
    with pytest.raises(ScheduleError, match="2024 年"):
        lease_schedule(terms, grain_prices={2025: Decimal("1.4")})


@pytest.mark.parametrize(("terms", "reason"), [
    (LeaseTerms(D(2025, 1, 2), D(2025, 1, 1), Decimal(1), price_per_mu=Decimal(1)),
     "早于开始日期"),
    (LeaseTerms(D(2025, 1, 1), D(2026, 1, 1), Decimal(0), price_per_mu=Decimal(1)),
     "面积必须大于零"),
    (LeaseTerms(D(2025, 1, 1), D(2026, 1, 1), Decimal(1), price_per_mu=Decimal(0)),
     "租金必须大于零"),
    (LeaseTerms(D(2025, 1, 1), D(2026, 1, 1), Decimal(1)), "须且只能"),
    (LeaseTerms(D(2025, 1, 1), D(2026, 1, 1), Decimal(1), price_per_mu=Decimal(1),
                step_percent=Decimal(10)), "递增间隔"),
])
def test_bad_terms_are_refused(terms: LeaseTerms, reason: str) -> None:
    with pytest.raises(ScheduleError) as excinfo:
        lease_schedule(terms)
    assert reason in str(excinfo.value)


def test_lump_sum_rent_is_income_of_the_years_it_covers() -> None:
    parts = spread_lump_sum(Decimal("30000.00"), D(2024, 3, 1), D(2027, 2, 28))
    assert parts == {2024: Decimal("8383.56"), 2025: Decimal("10000.00"),
                     2026: Decimal("10000.00"), 2027: Decimal("1616.44")}
    assert sum(parts.values()) == Decimal("30000.00")


@given(start=st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31)),
       years=st.integers(min_value=0, max_value=30), extra_days=st.integers(0, 364),
       area=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(5000), places=4),
       price=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(3000), places=2),
       half=st.booleans())
def test_schedules_cover_every_day_once_and_lines_are_whole_fen(
        start: dt.date, years: int, extra_days: int, area: Decimal, price: Decimal,
        half: bool) -> None:
    end = start + dt.timedelta(days=365 * years + extra_days)
    lines = lease_schedule(LeaseTerms(start, end, area, price_per_mu=price, half_yearly=half))
    assert lines[0].period_start == start
    assert lines[-1].period_end == end
    for before, after in itertools.pairwise(lines):
        assert after.period_start == before.period_end + dt.timedelta(days=1)
    assert all(line.amount == line.amount.quantize(Decimal("0.01")) >= 0 for line in lines)
