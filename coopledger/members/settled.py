"""Whether a change of the register dated ``on`` may still reach an organisation's holdings.

A share operation, a parcel contributed or withdrawn, takes effect on a date and changes the
holdings of that day and of every day after it. Once a year's distribution plan is approved,
its entitlements are fixed by the resolution of the 成员(代表)大会 and paid from it; a change
effective in that year or before it would silently change what was resolved and paid (issue
15, "back-dated register changes"). The distribution package registers the check (the app
factory's ``wiring``), so members and shares import nothing above them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from coopledger.orgs.models import Organisation

SettledCheck = Callable[[Organisation, dt.date], None]
"""Raises a :class:`coopledger.errors.CoopLedgerError` when a change effective ``on`` would
change a settled distribution of the organisation."""

CHECKS: list[SettledCheck] = []


def refuse_if_settled(org: Organisation, on: dt.date) -> None:
    """Refuse a change of ``org``'s holdings effective ``on`` that a settled plan has fixed."""
    for check in CHECKS:
        check(org, on)
