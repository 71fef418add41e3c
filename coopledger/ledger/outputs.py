"""Writing a :class:`ReportTable` as CSV, XLSX or PDF (the screen uses the same table)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from coopledger.ledger.reports import ReportTable
from coopledger.money import figure
from coopledger.pdf.render import render_pdf
from coopledger.spreadsheets import append_row, csv_row


def _text(value: object, money: bool) -> str:
    if value is None:
        return ""
    if money and isinstance(value, Decimal):
        return figure(value)
    return str(value)


def to_csv(table: ReportTable) -> str:
    """Plain CSV: a header row then the rows; amounts with two decimals, no separators."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_row(table.columns))
    for row in table.rows:
        writer.writerow(csv_row([_text(v, i in table.money) for i, v in enumerate(row)]))
    return buffer.getvalue()


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
        excel_row = sheet.max_row
        for col in table.money:
            sheet.cell(row=excel_row, column=col + 1).number_format = "#,##0.00"
        if index in table.bold:
            for cell in sheet[excel_row]:
                cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_pdf(table: ReportTable) -> bytes:
    """A printable PDF (A4, landscape for wide tables)."""
    return render_pdf("ledger/report_pdf.html", table=table, wide=len(table.columns) > 6)
