"""Writing cells of the XLSX and CSV files the app exports: user text is never a formula.

Spreadsheet (CSV/formula) injection, OWASP: a cell that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return may be run as a formula when the file is opened (``=HYPERLINK(…)``
phishing, ``=cmd|' /C calc'!A0`` DDE). Every export writes its rows through this module:

- XLSX (openpyxl): a text cell starting with one of those characters is stored as a string
  cell (openpyxl would store ``=…`` as a formula) with Excel's quote prefix, so it is shown and
  read back exactly as typed and never evaluated;
- CSV: such text is prefixed with an apostrophe, which spreadsheet programs show as a text
  marker; numbers (Decimal, int, dates) are written as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[-+]?\d[\d,]*(\.\d+)?")


def is_risky(value: object) -> bool:
    """Text that a spreadsheet program could take for a formula (a plain number is not)."""
    return (isinstance(value, str) and value.startswith(TRIGGERS)
            and NUMBER.fullmatch(value) is None)


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append ``values`` to an openpyxl worksheet (also a write-only one), every risky text
    cell stored as text."""
    row = list(values)
    if isinstance(sheet, WriteOnlyWorksheet):
        sheet.append([_text_cell(sheet, value) if is_risky(value) else value for value in row])
        return
    sheet.append(row)
    if not any(is_risky(value) for value in row):
        return
    # the row just appended (``max_row`` walks every cell of the sheet: quadratic for a long one)
    for cell, value in zip(sheet[last_row(sheet)], row, strict=False):
        if is_risky(value):
            cell.value = value
            cell.data_type = "s"
            cell.alignment = Alignment(horizontal="left")
            cell.quotePrefix = True


def last_row(sheet: Any) -> int:
    """The number of the row ``append`` wrote last (openpyxl keeps it; ``max_row`` would
    count every cell of the sheet)."""
    return int(sheet._current_row)


def _text_cell(sheet: Any, value: str) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def csv_row(values: Iterable[Any]) -> list[Any]:
    """The values of a CSV row with risky text neutralised by a leading apostrophe."""
    return [f"'{value}" if is_risky(value) else value for value in values]


def new_sheet(title: str, headers: Iterable[str]) -> tuple[Any, Any]:
    """A workbook whose active sheet is ``title`` with a bold header row: (workbook, sheet)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook, add_sheet(workbook, title, headers)


def add_sheet(workbook: Any, title: str, headers: Iterable[str]) -> Any:
    """Append a sheet called ``title`` with a bold header row to ``workbook``; the sheet."""
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title)
    append_row(sheet, list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    return sheet


def workbook_bytes(workbook: Any) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
