"""Property: over random registers and years — parcels contributed and withdrawn, land shares
subscribed, inherited, transferred, given and bought back — a plan's parts add up to its pools,
the 亩-days of 保底 are conserved by every move (the land earns once, whoever holds it), and no
household that held nothing all year is paid a dividend or 保底."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from coopledger.distribution.guarantee_rules import LandHeld, Spell, land_held
from coopledger.distribution.rules import Guarantee, days_in_year, share_days, split
from coopledger.shares.models import OperationKind
from coopledger.shares.rules import Op

D = Decimal
LAND = 1
HOUSEHOLDS = 5                         # account n ↔ household n (1..5)
KINDS = (OperationKind.INHERIT, OperationKind.TRANSFER, OperationKind.GIFT,
         OperationKind.BUYBACK)

parcel = st.tuples(st.integers(1, HOUSEHOLDS), st.integers(1, 500),      # household, 亩 × 100
                   st.integers(-200, 300), st.one_of(st.none(), st.integers(0, 500)))
move = st.tuples(st.sampled_from(KINDS), st.integers(1, HOUSEHOLDS), st.integers(1, HOUSEHOLDS),
                 st.one_of(st.just(100), st.integers(1, 100)),          # percent of holding
                 st.integers(-100, 400))


def _build(year: int, parcels: list[tuple[int, int, int, int | None]],
           moves: list[tuple[OperationKind, int, int, int, int]],
           ) -> tuple[list[Spell], list[Op]]:
    """Parcels as contribution spells with a land-share subscription each (1 share per 亩);
    moves of a percentage of the giver's holding on their day, kept only when possible."""
    start = dt.date(year, 1, 1)
    spells: list[Spell] = []
    events: list[tuple[dt.date, int, OperationKind, int | None, int, Decimal]] = []
    for n, (household, hundredths, since, length) in enumerate(parcels):
        area = D(hundredths) / 100
        on = start + dt.timedelta(days=since)
        until = on + dt.timedelta(days=length) if length is not None else None
        spells.append(Spell(n, household, area, on, until))
        events.append((on, 0, OperationKind.SUBSCRIBE, None, household, area))
    for move_kind, giver, taker, percent, offset in moves:
        events.append((start + dt.timedelta(days=offset), 1, move_kind, giver, taker,
                       D(percent)))
    held = dict.fromkeys(range(1, HOUSEHOLDS + 1), D(0))
    ops: list[Op] = []
    for number, (on, _order, kind, source, target, amount) in enumerate(
            sorted(events, key=lambda e: (e[0], e[1])), start=1):
        if kind is OperationKind.SUBSCRIBE:
            held[target] += amount
            ops.append(Op(number, kind, LAND, None, target, amount, on))
            continue
        assert source is not None
        quantity = (held[source] * amount / 100).quantize(D("0.0001"))
        if quantity <= 0 or (kind is not OperationKind.BUYBACK and source == target):
            continue
        held[source] -= quantity
        if kind is OperationKind.BUYBACK:
            ops.append(Op(number, kind, LAND, source, None, quantity, on))
        else:
            held[target] += quantity
            ops.append(Op(number, kind, LAND, source, target, quantity, on))
    return spells, ops


def _land_days(spells: list[Spell], year: int) -> Decimal:
    """Σ 亩 × days each parcel was contributed within ``year``."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    total = D(0)
    for spell in spells:
        begin, end = max(spell.since, first), min(spell.until or last, last)
        if end >= begin:
            total += spell.area * ((end - begin).days + 1)
    return total


@settings(max_examples=300)
@given(year=st.integers(2020, 2030), parcels=st.lists(parcel, min_size=1, max_size=8),
       moves=st.lists(move, max_size=12), pool_fen=st.integers(0, 10**9))
def test_pools_add_up_land_is_conserved_and_nobody_idle_is_paid(
        year: int, parcels: list[tuple[int, int, int, int | None]],
        moves: list[tuple[OperationKind, int, int, int, int]], pool_fen: int) -> None:
    spells, ops = _build(year, parcels, moves)
    days = days_in_year(year)
    held = share_days(ops, year)
    weights = {account: h.share_days / days for (account, _class), h in held.items()}
    pool = D(pool_fen) / 100
    dividends = split(pool, weights)
    if any(weights.values()):
        assert sum(dividends.values(), D(0)) == pool
    land = land_held(spells, ops, {a: a for a in range(1, HOUSEHOLDS + 1)}, year)
    # Moves only move land: without buy-backs the 亩-days of the year are those of the
    # contributions (to the 8th decimal a partial move is carried at, × 366 days per move);
    # a buy-back only ever ends some.
    earned = sum((h.area_days for h in land.values()), D(0))
    slack = D("0.00000001") * 366 * (len(ops) + 1)
    if not any(op.kind is OperationKind.BUYBACK for op in ops):
        assert abs(earned - _land_days(spells, year)) <= slack
    assert earned <= _land_days(spells, year) + slack
    rate = D("800.00")
    dues = {h: Guarantee(x.area_days, rate, year_days=days).due for h, x in land.items()}
    for household in range(1, HOUSEHOLDS + 1):
        holding = held.get((household, LAND))
        idle = holding is None or holding.share_days == 0
        if idle:
            assert dividends.get(household, D(0)) == 0
            assert dues.get(household, D(0)) == 0, (household, land.get(household))


def test_a_buy_back_of_every_land_share_ends_the_households_guarantee() -> None:
    """The regression the property found: land shares bought back in full before the year, the
    parcel still in the pool — the household holds nothing and is paid no 保底."""
    spells, ops = _build(2024, [(1, 300, -200, None)], [(OperationKind.BUYBACK, 1, 1, 100, -100)])
    assert share_days(ops, 2024) == {}
    assert land_held(spells, ops, {1: 1}, 2024) == {}
    spells, ops = _build(2024, [(1, 300, -200, None)], [(OperationKind.BUYBACK, 1, 1, 50, 182)])
    # 3 亩 for 182 days (to 07-01), then 1.5 亩 for the remaining 184 days
    assert land_held(spells, ops, {1: 1}, 2024) == {
        1: LandHeld(D("1.5"), D(3) * 182 + D("1.5") * 184)}
