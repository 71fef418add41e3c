"""Pure rules of 保底: whose contributed land earns it on which day, and who is paid for a
household whose holder died (DESIGN §8; domain.md §3 土地股份合作社 保底收益).

保底 is a yearly rate per 亩 of contributed land. The land stays registered to the household
that contributed it, but the right to its income travels with the land shares: after an
inheritance (继承), a transfer (转让) or a gift (赠与) of land shares, whoever holds them is paid
for the days they hold them (the giver up to the day before the effective date, the receiver
from it, inclusive day counts as for share-days). A move of ``q`` of the giver's ``L`` land
shares carries ``q / L`` of every parcel's 亩 the giver held; a buy-back (回购) of ``q`` of them
ends ``q / L`` of those 亩' 保底 (the cooperative holds those shares and pays itself nothing); a
withdrawn parcel stops earning for every holder of it from the day after its withdrawal date.

Whose land it is in a year is therefore read from every contribution and every land-share move
up to the year's end, not from the parcel's owner. In the year after an inheritance the
deceased's household holds nothing and is paid nothing.

The payee of a holder whose shares were inherited (the register's 继承 names the heir) is the
heir — followed along a chain of inheritances — so a dead person's household is never paid.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from coopledger.shares.models import OperationKind
from coopledger.shares.rules import Op, effects, ordered

MOVES = (OperationKind.INHERIT, OperationKind.TRANSFER, OperationKind.GIFT)
ZERO_AREA = Decimal(0)
EIGHT = Decimal("0.00000001")   # 亩 carried by a partial move, beyond any display


@dataclass(frozen=True)
class Spell:
    """A parcel contributed by a household from ``since`` through ``until`` (inclusive)."""

    parcel: int
    household: int
    area: Decimal
    since: dt.date
    until: dt.date | None = None


@dataclass(frozen=True)
class LandHeld:
    """What a household's land earns 保底 on in a year."""

    area_at_end: Decimal     # 亩 held on the last day of the year
    area_days: Decimal       # Σ 亩 × days held in the year


def land_held(spells: Iterable[Spell], land_ops: Iterable[Op], household_of: Mapping[int, int],
              year: int) -> dict[int, LandHeld]:
    """Per household: the 亩 on 31 December and the 亩-days of ``year`` it earns 保底 on.

    ``land_ops`` are the done register operations of the land-share class; ``household_of``
    maps share accounts to households (a move to or from an account without a household, such
    as the collective's, leaves the land where it was). Households that held nothing in the
    year are left out.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # (day, order, what): contributions and withdrawals before moves of the same day, so a
    # parcel contributed and inherited on one day moves with the shares.
    events: list[tuple[dt.date, int, int, str, Spell | Op]] = []
    for n, spell in enumerate(spells):
        events.append((spell.since, 0, n, "in", spell))
        if spell.until is not None:
            events.append((spell.until + dt.timedelta(days=1), 0, n, "out", spell))
    for n, op in enumerate(ordered(land_ops)):
        events.append((op.on, 1, n, "op", op))
    events.sort(key=lambda e: (e[0], e[1], e[2]))

    portions: dict[int, dict[int, Decimal]] = defaultdict(dict)   # parcel → household → 亩
    shares: dict[int, Decimal] = defaultdict(Decimal)               # account → land shares
    area: dict[int, Decimal] = defaultdict(Decimal)                 # household → 亩 now
    since: dict[int, dt.date] = {}
    totals: dict[int, Decimal] = defaultdict(Decimal)

    def close(household: int, day: dt.date) -> None:
        """Count the household's current 亩 from ``since`` up to the day before ``day``."""
        start = max(since.get(household, first), first)
        end = min(day - dt.timedelta(days=1), last)
        if end >= start and area[household] > 0:
            totals[household] += area[household] * ((end - start).days + 1)
        since[household] = day

    def change(household: int, parcel: int, delta: Decimal, day: dt.date) -> None:
        close(household, day)
        held = portions[parcel].get(household, ZERO_AREA) + delta
        portions[parcel][household] = held
        area[household] += delta

    for day, _order, _n, what, item in events:
        if day > last:
            break
        if isinstance(item, Spell):
            if what == "in":
                change(item.household, item.parcel, item.area, day)
            else:
                for household, held in list(portions[item.parcel].items()):
                    if held:
                        change(household, item.parcel, -held, day)
        else:
            op = item
            giver = household_of.get(op.source or 0)
            taker = household_of.get(op.target or 0)
            before = shares[op.source] if op.source is not None else Decimal(0)
            moving = op.kind in MOVES and taker is not None and giver != taker
            if (moving or op.kind is OperationKind.BUYBACK) and giver is not None \
                    and before > 0:
                fraction = min(op.quantity / before, Decimal(1))
                for parcel, holders in portions.items():
                    moved = (holders.get(giver, ZERO_AREA) * fraction).quantize(EIGHT)
                    if moved:
                        change(giver, parcel, -moved, day)
                        if moving and taker is not None:
                            change(taker, parcel, moved, day)
            for (account, _class), held, _locked in effects(op):
                shares[account] += held
    for household in list(area):
        close(household, last + dt.timedelta(days=1))
    found = {h: LandHeld(max(area[h], ZERO_AREA), totals[h]) for h in area}
    return {h: held for h, held in found.items() if held.area_days > 0 or held.area_at_end > 0}


def heirs(ops: Iterable[Op]) -> dict[int, int]:
    """Per share account whose holder's shares were inherited: the heir's account, following a
    chain (A → B → C gives A → C). The last inheritance of an account names its heir."""
    heir: dict[int, int] = {}
    for op in ordered(ops):
        if op.kind is OperationKind.INHERIT and op.source is not None \
                and op.target is not None and op.source != op.target:
            heir[op.source] = op.target
    resolved: dict[int, int] = {}
    for account in heir:
        seen, current = {account}, heir[account]
        while current in heir and heir[current] not in seen:
            seen.add(current)
            current = heir[current]
        resolved[account] = current
    return resolved
