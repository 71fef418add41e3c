"""shares/rules.py: the fold, the register invariant, request checks at edge dates, land shares."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.shares.models import OperationKind as K
from coopledger.shares.rules import (
    Op,
    ShareRuleError,
    Window,
    check_buyback_cap,
    check_register,
    check_request,
    fold,
    land_shares,
)

D = dt.date
A, B, C = 1, 2, 99   # two households and the collective
LAND = 10
NAMES = {A: "陈大山户", B: "王德明户", C: "石安村股份经济合作社"}
WINDOWS: dict[int, Window | None] = {A: Window(D(2024, 1, 1), D(2025, 6, 30)),
                                     B: Window(D(2024, 3, 1), None), C: None}


def op(number: int, kind: K, qty: str, on: dt.date, source: int | None = None,
       target: int | None = None) -> Op:
    return Op(number, kind, LAND, source, target, Decimal(qty), on)


HISTORY = [op(1, K.SUBSCRIBE, "3", D(2024, 1, 1), target=A),
           op(2, K.SUBSCRIBE, "2", D(2024, 3, 1), target=B),
           op(3, K.PLEDGE, "1", D(2024, 5, 1), source=A)]


def test_fold_applies_moves_and_keeps_pledges_apart() -> None:
    holdings, pledged = fold([*HISTORY, op(4, K.TRANSFER, "1.5", D(2024, 6, 1), A, B)])
    assert holdings == {(A, LAND): Decimal("1.5"), (B, LAND): Decimal("3.5")}
    assert pledged[(A, LAND)] == Decimal("1")
    before, _ = fold(HISTORY, as_of=D(2024, 2, 29))
    assert before == {(A, LAND): Decimal("3")}


def test_pledged_shares_cannot_be_transferred() -> None:
    check_register(HISTORY, op(4, K.TRANSFER, "2", D(2024, 6, 1), A, B), NAMES)
    with pytest.raises(ShareRuleError) as excinfo:
        check_register(HISTORY, op(4, K.TRANSFER, "2.0001", D(2024, 6, 1), A, B), NAMES)
    assert "陈大山户在 2024-06-01 可用（未质押）的股份只有 2.0000 股，不够 2.0001 股" in str(
        excinfo.value)


def test_an_operation_in_the_past_cannot_break_a_later_one() -> None:
    later = [*HISTORY, op(4, K.TRANSFER, "2", D(2024, 6, 1), A, B)]
    with pytest.raises(ShareRuleError) as excinfo:
        check_register(later, op(5, K.BUYBACK, "1", D(2024, 2, 1), source=A), NAMES)
    assert "2024-06-01" in str(excinfo.value)


def test_two_operations_the_same_day_follow_their_numbers() -> None:
    same_day = [op(1, K.SUBSCRIBE, "1", D(2024, 4, 1), target=B)]
    check_register(same_day, op(2, K.TRANSFER, "1", D(2024, 4, 1), B, A), NAMES)
    with pytest.raises(ShareRuleError):
        check_register(same_day, op(0, K.TRANSFER, "1", D(2024, 4, 1), B, A), NAMES)


def test_release_needs_a_pledge() -> None:
    check_register(HISTORY, op(4, K.RELEASE, "1", D(2024, 7, 1), source=A), NAMES)
    with pytest.raises(ShareRuleError) as excinfo:
        check_register(HISTORY, op(4, K.RELEASE, "1.5", D(2024, 7, 1), source=A), NAMES)
    assert "没有这么多已质押的股份" in str(excinfo.value)


@pytest.mark.parametrize(("day", "ok"), [
    (D(2024, 1, 1), True),      # the join day
    (D(2025, 6, 30), True),     # the leave day
    (D(2023, 12, 31), False),   # before joining
    (D(2025, 7, 1), False),     # after leaving
])
def test_membership_dates_are_inclusive(day: dt.date, ok: bool) -> None:
    request = op(9, K.INCREASE, "1", day, target=A)
    if ok:
        check_request(request, today=D(2026, 1, 1), windows=WINDOWS, collective_only=False,
                      names=NAMES)
    else:
        with pytest.raises(ShareRuleError) as excinfo:
            check_request(request, today=D(2026, 1, 1), windows=WINDOWS,
                          collective_only=False, names=NAMES)
        assert "不是本社成员" in str(excinfo.value)


def test_future_dates_and_odd_quantities_are_refused() -> None:
    with pytest.raises(ShareRuleError, match="今天之后"):
        check_request(op(9, K.INCREASE, "1", D(2026, 1, 2), target=B), today=D(2026, 1, 1),
                      windows=WINDOWS, collective_only=False, names=NAMES)
    with pytest.raises(ShareRuleError, match="四位小数"):
        check_request(op(9, K.INCREASE, "1.00001", D(2025, 1, 2), target=B),
                      today=D(2026, 1, 1), windows=WINDOWS, collective_only=False, names=NAMES)


def test_who_may_hold_which_class() -> None:
    with pytest.raises(ShareRuleError, match="集体股只能由村集体经济组织持有"):
        check_request(op(9, K.SUBSCRIBE, "1", D(2025, 1, 2), target=B), today=D(2026, 1, 1),
                      windows=WINDOWS, collective_only=True, names=NAMES)
    with pytest.raises(ShareRuleError, match="只能持有集体股"):
        check_request(op(9, K.SUBSCRIBE, "1", D(2025, 1, 2), target=C), today=D(2026, 1, 1),
                      windows=WINDOWS, collective_only=False, names=NAMES)
    check_request(op(9, K.SUBSCRIBE, "1", D(2025, 1, 2), target=C), today=D(2026, 1, 1),
                  windows=WINDOWS, collective_only=True, names=NAMES)


def test_buyback_cap() -> None:
    check_buyback_cap(Decimal("3"), already=Decimal("2"), outstanding=Decimal("100"),
                      cap_percent=Decimal("5"), year=2025)
    with pytest.raises(ShareRuleError) as excinfo:
        check_buyback_cap(Decimal("3.0001"), already=Decimal("2"), outstanding=Decimal("100"),
                          cap_percent=Decimal("5"), year=2025)
    assert "超过年度上限 5.0000 股（总股数的 5%）" in str(excinfo.value)


@pytest.mark.parametrize(("rounding", "decimals", "shares"), [
    ("half_up", 2, "0.74"), ("down", 2, "0.73"), ("half_up", 0, "1"), ("half_up", 4, "0.7360")])
def test_land_shares(rounding: str, decimals: int, shares: str) -> None:
    value, calculation = land_shares(Decimal("0.9200"), Decimal("0.8000"), Decimal("1"),
                                     decimals=decimals, rounding=rounding)
    assert value == Decimal(shares)
    assert calculation.startswith("0.9200 亩 × 0.8000 × 1 股/亩 = 0.736 → ")


operations = st.lists(st.tuples(
    st.sampled_from([K.SUBSCRIBE, K.TRANSFER, K.BUYBACK, K.PLEDGE, K.RELEASE, K.GIFT]),
    st.integers(min_value=1, max_value=500), st.integers(min_value=0, max_value=700),
    st.sampled_from([A, B]), st.sampled_from([A, B])), max_size=40)


@given(operations)
def test_accepted_operations_never_leave_anyone_negative(ops: list[tuple[K, int, int, int, int]],
                                                         ) -> None:
    accepted: list[Op] = []
    for number, (kind, centi, offset, first, second) in enumerate(ops, start=1):
        candidate = Op(number, kind, LAND, None if kind is K.SUBSCRIBE else first,
                       second if kind in (K.SUBSCRIBE, K.TRANSFER, K.GIFT) else None,
                       Decimal(centi) / 100, D(2024, 1, 1) + dt.timedelta(days=offset))
        if candidate.source is not None and candidate.source == candidate.target:
            continue
        try:
            check_register(accepted, candidate, NAMES)
        except ShareRuleError:
            continue
        accepted.append(candidate)
    for day in (D(2024, 1, 1) + dt.timedelta(days=n) for n in range(0, 720, 30)):
        holdings, pledged = fold(accepted, as_of=day)
        assert all(v >= 0 for v in holdings.values())
        assert all(0 <= pledged.get(k, Decimal(0)) <= holdings.get(k, Decimal(0))
                   for k in pledged)
