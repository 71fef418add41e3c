"""Helpers shared by the Excel imports (members, assets): a cell read as text, and a problem
located by sheet, row and column in the user's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_


def cell_text(value: Any) -> str:
    """A cell as the user typed it: whole numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def located(sheet: str, row: int, column: str, reason: str) -> str:
    """“<sheet>”表第<row>行<column>列：<reason>."""
    return str(CoopLedgerError(N_("“%(sheet)s”表第%(row)d行%(column)s列：%(reason)s"),
                               sheet=sheet, row=row, column=column, reason=reason))
