"""The one place that asks the clock: today's date (business) and now (UTC, for timestamps)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BUSINESS_ZONE = ZoneInfo("Asia/Shanghai")


def utcnow() -> dt.datetime:
    """The current instant, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in China; only views and CLI commands call this."""
    return dt.datetime.now(BUSINESS_ZONE).date()
