"""The demo world dated relative to the day it is loaded (issue 17: "a demo that looks alive
today"). Pure: dates and dicts in, dates and dicts out.

``sample_data/world.toml`` is written as it looks on :data:`BASE_AS_OF`: two years of books
(2024 closed with its year-end vouchers, 2025 to December), the 2024 distribution approved
early in 2025, the quarters published on their deadline days. Loaded on another day ``D``:

- the *cutoff* is the last complete month before ``D``; every year of the world moves by
  ``cutoff.year - 2025`` (dates, period keys, ``year`` fields, years written in titles and
  document numbers; 29 February becomes the 28th), so the world's second year is the year of
  the cutoff;
- the books run month by month up to the cutoff, months are closed up to two months before it
  and the cutoff month's last weeks are left as drafts; every December before the cutoff gets
  its year-end vouchers, and what the books record (receipts, plan steps, 保底) happens only
  in the months they cover; the other records dated after the day of the load (share
  changes, wages, parcels contributed later) have not happened yet and are left out;
- the supervision scenes (the cash left in the safe, the year's audit) are dated no later than
  the cutoff's last day.

On 2026-12-01 the books end in November 2026, 2025 is closed and its distribution approved,
the cooperative's third quarter is published on time and the fourth is the one due.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

BASE_AS_OF = dt.date(2026, 1, 15)
"""The day ``world.toml`` describes as written (its books end in December 2025)."""
BASE_LAST_YEAR = 2025

DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
YEAR = re.compile(r"(?<!\d)(20[0-4]\d)(?!\d)")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
KEPT_AS_WRITTEN = frozenset({"standard", "demo_password", "certificate"})
"""Keys whose text holds a year that is not a date of the world: the chart's standard
(village_2023), the printed demo password, old land certificates."""
YEAR_KEYS = frozenset({"year", "first_year"})
EVENT_KEYS = ("on", "paid_on", "signed_on", "joined_on", "contributed_on", "bought_on",
              "counted_on")
"""Keys that say when a record of a list happened: a record dated after the day of the load
is left out. (Plan steps are taken month by month with the books, so they need no filter.)"""


@dataclass(frozen=True)
class Dating:
    """How a load on ``as_of`` moves and cuts the world."""

    as_of: dt.date
    years: int
    cutoff: tuple[int, int]

    @property
    def cutoff_end(self) -> dt.date:
        """The last day of the cutoff month."""
        year, month = self.cutoff
        return dt.date(year, month, calendar.monthrange(year, month)[1])

    def closes(self, year: int, month: int) -> bool:
        """Whether the demo books close this month (up to two months before the cutoff)."""
        return year * 12 + month <= self.cutoff[0] * 12 + self.cutoff[1] - 2


def dating(as_of: dt.date) -> Dating:
    """The dating of a load on ``as_of``."""
    last = as_of.replace(day=1) - dt.timedelta(days=1)
    return Dating(as_of=as_of, years=last.year - BASE_LAST_YEAR, cutoff=(last.year, last.month))


def shift_date(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years (29 February to the 28th when the year has none)."""
    target = day.year + years
    return day.replace(year=target, day=min(day.day, calendar.monthrange(target, day.month)[1]))


def dated(world: dict[str, Any], when: Dating) -> dict[str, Any]:
    """The world as it stands on ``when.as_of``; the argument is not changed."""
    moved = _move(world, when.years, "")
    assert isinstance(moved, dict)
    kept = _drop_future(moved, when.as_of)
    assert isinstance(kept, dict)
    supervision = kept.get("full_supervision")
    if isinstance(supervision, dict):
        kept["full_supervision"] = _clamp(supervision, when.cutoff_end)
    return kept


def _move(value: Any, years: int, key: str) -> Any:
    if isinstance(value, dict):
        return {name: _move(item, years, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_move(item, years, key) for item in value]
    if key in KEPT_AS_WRITTEN or years == 0:
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and key in YEAR_KEYS:
        return value + years
    if isinstance(value, str) and not NUMBER.match(value):
        if DATE.match(value):
            return shift_date(dt.date.fromisoformat(value), years).isoformat()
        return YEAR.sub(lambda found: str(int(found.group(1)) + years), value)
    return value


def _after(record: dict[str, Any], last: dt.date) -> bool:
    return any(isinstance(record.get(key), str) and DATE.match(record[key])
               and dt.date.fromisoformat(record[key]) > last for key in EVENT_KEYS)


def _drop_future(value: Any, last: dt.date) -> Any:
    if isinstance(value, dict):
        return {name: _drop_future(item, last) for name, item in value.items()}
    if isinstance(value, list):
        return [_drop_future(item, last) for item in value
                if not (isinstance(item, dict) and _after(item, last))]
    return value


def _clamp(value: Any, last: dt.date) -> Any:
    if isinstance(value, dict):
        return {name: _clamp(item, last) for name, item in value.items()}
    if isinstance(value, list):
        return [_clamp(item, last) for item in value]
    if isinstance(value, str) and DATE.match(value) and dt.date.fromisoformat(value) > last:
        return last.isoformat()
    return value
