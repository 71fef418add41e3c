"""Helpers shared by the Excel imports (members, assets): the uploaded workbook (deleted once
its import has finished: it holds ID and bank numbers), a cell read as text, and a problem
located by sheet, row and column in the user's language."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_


@contextlib.contextmanager
def uploaded_workbook(params: dict[str, Any]) -> Iterator[bytes]:
    """The bytes of the workbook an import job was started with; the file is deleted when the
    import ends, whether it saved everything or nothing."""
    path = Path(str(params["path"]))
    try:
        yield path.read_bytes()
    finally:
        path.unlink(missing_ok=True)


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
