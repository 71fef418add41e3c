"""The one place that asks the clock: today's date (business) and now (UTC, for timestamps).

DESIGN §4, issue 22: services take the business day from their callers (``today=``, ``on=``,
``as_of=``); only the entry points ask :func:`today` — views, CLI commands (the demo loader
among them), and a background job whose request did not carry the day. Timestamps of audit
lines and workflow steps (:func:`utcnow`) are facts about when a row was written, not
business dates, and are taken where they are written."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BUSINESS_ZONE = ZoneInfo("Asia/Shanghai")


def utcnow() -> dt.datetime:
    """The current instant, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in China; only entry points call this (see the module)."""
    return dt.datetime.now(BUSINESS_ZONE).date()
