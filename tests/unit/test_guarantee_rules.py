"""保底 follows the land shares by days: inheritance, transfer and gift move the land's 亩 to
the holder from the effective date; the heir is paid for a holder whose shares were inherited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from coopledger.distribution.guarantee_rules import LandHeld, Spell, heirs, land_held
from coopledger.distribution.rules import Guarantee
from coopledger.shares.models import OperationKind
from coopledger.shares.rules import Op

D = Decimal
LAND = 1
QIAN, LI, THIRD = 10, 20, 30          # share accounts
HOUSEHOLD = {QIAN: 1, LI: 2, THIRD: 3}


def _op(number: int, kind: OperationKind, source: int | None, target: int | None,
        quantity: str, on: dt.date) -> Op:
    return Op(number, kind, LAND, source, target, D(quantity), on)


SUBSCRIBE = _op(1, OperationKind.SUBSCRIBE, None, QIAN, "3.41", dt.date(2024, 1, 1))
PARCEL = Spell(parcel=7, household=1, area=D("3.1000"), since=dt.date(2024, 1, 1))


def test_the_heir_is_paid_from_the_day_of_the_inheritance() -> None:
    """钱二妹户 holds 3.41 land shares (3.10 亩) until 07-15, 李四根户 inherits from 07-16:
    800 元/亩 over 366 days → 3.1 × 800 × 197 / 366 = 1,334.86 and × 169 / 366 = 1,145.14
    (not 2,480.00 and 0); together the whole year's 2,480.00."""
    inherit = _op(2, OperationKind.INHERIT, QIAN, LI, "3.41", dt.date(2024, 7, 16))
    held = land_held([PARCEL], [SUBSCRIBE, inherit], HOUSEHOLD, 2024)
    assert held == {1: LandHeld(D(0), D("3.1000") * 197), 2: LandHeld(D("3.1000"),
                                                                   D("3.1000") * 169)}
    due = {h: Guarantee(x.area_days, D("800.00"), year_days=366).due for h, x in held.items()}
    assert due == {1: D("1334.86"), 2: D("1145.14")}
    assert sum(due.values()) == D("2480.00")


def test_the_deceased_household_holds_nothing_the_next_year() -> None:
    inherit = _op(2, OperationKind.INHERIT, QIAN, LI, "3.41", dt.date(2024, 7, 16))
    assert land_held([PARCEL], [SUBSCRIBE, inherit], HOUSEHOLD, 2025) == {
        2: LandHeld(D("3.1000"), D("3.1000") * 365)}


def test_a_partial_transfer_moves_its_share_of_the_land() -> None:
    """Half the land shares transferred on 2025-03-01 carry half the 亩 from that day."""
    transfer = _op(2, OperationKind.TRANSFER, QIAN, THIRD, "1.705", dt.date(2025, 3, 1))
    held = land_held([PARCEL], [SUBSCRIBE, transfer], HOUSEHOLD, 2025)
    # Jan–Feb 59 days at 3.1, then 306 days at 1.55 each.
    assert held[1] == LandHeld(D("1.55"), D("3.1") * 59 + D("1.55") * 306)
    assert held[3] == LandHeld(D("1.55"), D("1.55") * 306)


def test_a_withdrawn_parcel_stops_earning_for_its_heir_too() -> None:
    """The parcel inherited on 07-16 is withdrawn on 09-30: the heir earns 07-16 … 09-30."""
    inherit = _op(2, OperationKind.INHERIT, QIAN, LI, "3.41", dt.date(2024, 7, 16))
    withdrawn = Spell(7, 1, D("3.1000"), dt.date(2024, 1, 1), until=dt.date(2024, 9, 30))
    held = land_held([withdrawn], [SUBSCRIBE, inherit], HOUSEHOLD, 2024)
    assert held[2] == LandHeld(D(0), D("3.1000") * 77)
    assert held[1] == LandHeld(D(0), D("3.1000") * 197)


def test_a_move_to_the_collective_leaves_the_land_where_it_was() -> None:
    """An account without a household (the collective's) does not take 保底 land."""
    gift = _op(2, OperationKind.GIFT, QIAN, 99, "1.00", dt.date(2024, 6, 1))
    held = land_held([PARCEL], [SUBSCRIBE, gift], HOUSEHOLD, 2024)
    assert held == {1: LandHeld(D("3.1000"), D("3.1000") * 366)}


def test_heirs_follow_a_chain_of_inheritances() -> None:
    ops = [_op(2, OperationKind.INHERIT, QIAN, LI, "3.41", dt.date(2024, 7, 16)),
           _op(3, OperationKind.INHERIT, LI, THIRD, "3.41", dt.date(2025, 2, 1)),
           _op(4, OperationKind.TRANSFER, THIRD, QIAN, "1", dt.date(2025, 5, 1))]
    assert heirs(ops) == {QIAN: THIRD, LI: THIRD}
