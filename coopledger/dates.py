"""The one place that asks the clock: today's date (business) and now (UTC, for timestamps).

DESIGN §4, issue 22: services take the business day from their callers (``today=``, ``on=``,
``as_of=``); only the entry points ask :func:`today` — views, CLI commands (the demo loader
among them), and a background job whose request did not carry the day. Timestamps of audit
lines and workflow steps (:func:`utcnow`) are facts about when a row was written, not
business dates, and are taken where they are written.

A process may pin the business day (:func:`pin_today`): the test suite does, once, before it
collects its tests, so that a run that crosses midnight in China sees one day throughout — a
parameter computed as "tomorrow" at collection is still tomorrow when the test runs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BUSINESS_ZONE = ZoneInfo("Asia/Shanghai")
_pinned: dt.date | None = None


def utcnow() -> dt.datetime:
    """The current instant, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in China (or the pinned day); only entry points call this (see the module)."""
    if _pinned is not None:
        return _pinned
    return dt.datetime.now(BUSINESS_ZONE).date()


def pin_today(day: dt.date | None) -> None:
    """Make :func:`today` answer ``day`` in this process from now on; ``None`` unpins it."""
    global _pinned
    _pinned = day
