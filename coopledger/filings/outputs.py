"""A filed table as the form prints it, for the XLSX, the PDF and a summary page: the heading
lines (表号, 填报单位, 年度, 计量单位), the columns of the form (指标名称 | 代码 | 计量单位 |
数量, with the exact yuan beside; or 项目 | 行次 | 上年核实数 | 本年数) and the signature line
(单位负责人 / 统计负责人 / 填表人 / 报出日期) of the 2008 statistical forms [N3][N4]."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from coopledger.filings.layouts import Form, forms_of
from coopledger.filings.rules import COUNT_UNITS
from coopledger.i18n import N_
from coopledger.money import to_wan
from coopledger.orgs.models import AccountingStandard
from coopledger.pdf.render import render_pdf
from coopledger.spreadsheets import append_row, last_row, workbook_bytes

Cell = str | Decimal | int | None
SIGNATURES = (N_("单位负责人："), N_("统计负责人："), N_("填表人："),
              N_("报出日期：　　年　月　日"))


@dataclass
class Sheet:
    """One form laid out for output."""

    key: str
    title: str
    code: str
    heading: list[str]
    columns: list[str]
    rows: list[list[Cell]]
    indents: list[int]
    amounts: set[int]        # columns holding figures
    note: str


def _figure(value: Decimal | None, unit: str) -> Cell:
    if value is None:
        return None
    if unit in COUNT_UNITS:
        return int(value)
    return value


def sheet_of(form: Form, *, reporter: str, year: int, figures: dict[str, Decimal],
             last: dict[str, Decimal] | None, english: bool, summary: bool = False,
             sum_of_reported: dict[str, Decimal] | None = None) -> Sheet:
    """The form with ``figures`` (exact yuan, 亩 or counts) filled in. Statistics forms show
    the figure in the form's unit with the exact figure beside it; asset-check forms show
    last year's verified figure beside this year's. A summary also shows the sum of the
    parts' rounded figures, so the rounding difference is in sight."""
    heading = [_("表号：%(code)s", code=form.code), _("填报单位：%(name)s", name=reporter),
               _("%(year)d 年度", year=year), _("计量单位：%(unit)s", unit=form.unit)]
    rows: list[list[Cell]] = []
    indents = []
    if form.columns == "statistics":
        columns = [_("指标名称"), _("代码"), _("计量单位"), _("数量"), _("精确数（元）")]
        if summary:
            columns.append(_("各单位数量之和"))
        for row in form.rows:
            value = figures.get(row.code)
            shown = to_wan(value) if value is not None and row.unit == "万元" else value
            cells: list[Cell] = [row.label_in(english), row.code, row.unit,
                                 _figure(shown, row.unit),
                                 value if row.unit == "万元" else None]
            if summary and sum_of_reported is not None:
                cells.append(_figure(sum_of_reported.get(row.code), row.unit)
                             if row.unit == "万元" else None)
            rows.append(cells)
            indents.append(row.indent)
        amounts = {3, 4, 5}
    else:
        columns = [_("项目"), _("行次"), _("上年核实数"), _("本年数")]
        for row in form.rows:
            previous = (last or {}).get(row.code)
            rows.append([row.label_in(english), row.code, _figure(previous, row.unit),
                         _figure(figures.get(row.code), row.unit)])
            indents.append(row.indent)
        amounts = {2, 3}
    return Sheet(form.key, form.title_in(english), form.code, heading, columns, rows, indents,
                 amounts, form.note_in(english))


def summary_sheets(body: dict[str, Any], *, english: bool) -> list[Sheet]:
    """A township summary's forms laid out with their sums: the exact sum, that sum rounded
    once, and the sum of the organisations' rounded figures beside it."""
    sheets = []
    for standard in AccountingStandard:
        for form in forms_of(standard):
            if form.key not in body["forms"]:
                continue
            figures = {code: Decimal(text) for code, text in body["forms"][form.key].items()}
            parts = {code: Decimal(text)
                     for code, text in body["sum_of_reported"][form.key].items()}
            sheets.append(sheet_of(form, reporter=str(body["name"]), year=int(body["year"]),
                                   figures=figures, last=None, english=english, summary=True,
                                   sum_of_reported=parts))
    return sheets


def to_xlsx(sheet: Sheet) -> bytes:
    """The form as an Excel workbook: title, heading lines, the table, the signature line."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet.code[:31].replace("(", "（").replace(")", "）")
    append_row(ws, [sheet.title])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(sheet.columns))
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    append_row(ws, sheet.heading)
    append_row(ws, sheet.columns)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row, indent in zip(sheet.rows, sheet.indents, strict=True):
        append_row(ws, row)
        current = last_row(ws)
        ws.cell(row=current, column=1).alignment = Alignment(indent=indent * 2)
        for column in sheet.amounts:
            cell = ws.cell(row=current, column=column + 1)
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    append_row(ws, [])
    append_row(ws, [str(_(text)) for text in SIGNATURES])
    for index, width in enumerate((34, 8, 10, 16, 18, 18), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    return workbook_bytes(workbook)


def to_pdf(sheet: Sheet) -> bytes:
    """The form as a PDF page (A4, the signature line under the table)."""
    return render_pdf("filings/table_pdf.html", sheet=sheet,
                      signatures=[str(_(text)) for text in SIGNATURES])
