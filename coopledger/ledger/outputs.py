"""Writing a :class:`ReportTable` as CSV, XLSX or PDF (the screen uses the same table)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from itertools import chain
from unicodedata import east_asian_width

from flask import render_template
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from coopledger.ledger.reports import ReportTable
from coopledger.money import figure
from coopledger.pdf.render import render_pdf
from coopledger.spreadsheets import append_row, csv_row, last_row


def _text(value: object, money: bool) -> str:
    if value is None:
        return ""
    if money and isinstance(value, Decimal):
        return figure(value)
    return str(value)


def to_csv(table: ReportTable) -> str:
    """Plain CSV: a header row then the rows; amounts with two decimals, no separators."""
    return "".join(csv_chunks(table))


CSV_CHUNK = 1000
"""Rows written into one piece of a streamed CSV."""


def csv_chunks(table: ReportTable) -> Iterator[str]:
    """:func:`to_csv` in pieces of :data:`CSV_CHUNK` rows, the table's streamed rows read as
    they are written (the answer to a whole-year 明细账 export is sent while it is read)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_row(table.columns))
    for count, row in enumerate(chain(table.rows, table.streamed or ()), start=1):
        writer.writerow(csv_row([_text(v, i in table.money) for i, v in enumerate(row)]))
        if count % CSV_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def to_xlsx(table: ReportTable) -> bytes:
    """An Excel workbook with the title, the header and numeric amount cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31]
    append_row(sheet, [table.title])
    append_row(sheet, [table.subtitle])
    append_row(sheet, table.columns)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for index, row in enumerate(table.rows):
        append_row(sheet, list(row))
        excel_row = last_row(sheet)
        for col in table.money:
            sheet.cell(row=excel_row, column=col + 1).number_format = "#,##0.00"
        if index in table.bold:
            for cell in sheet[excel_row]:
                cell.font = Font(bold=True)
    for index, width in enumerate(column_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a CJK (wide) character two, others one."""
    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


def column_widths(table: ReportTable, *, most: int = 60) -> list[int]:
    """Each column's width for its longest cell as written (header included; amounts with
    separators), plus a margin, at most ``most`` (issue 19: columns sized to their content)."""
    widths = [_width(str(c)) for c in table.columns]
    for row in table.rows:
        for i, value in enumerate(row[:len(widths)]):
            shown = f"{value:,.2f}" if i in table.money and isinstance(value, Decimal) \
                else "" if value is None else str(value)
            widths[i] = max(widths[i], _width(shown))
    return [min(w + 2, most) for w in widths]


def to_pdf(table: ReportTable) -> bytes:
    """A printable PDF (A4, landscape for wide tables)."""
    return render_pdf("ledger/report_pdf.html", table=table, wide=len(table.columns) > 6)


def pdf_html(table: ReportTable) -> str:
    """The HTML :func:`to_pdf` lays out, for a batch of documents laid out together
    (``pdf.batch``)."""
    return render_template("ledger/report_pdf.html", table=table, wide=len(table.columns) > 6)
