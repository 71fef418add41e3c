"""Bank payment instruction files and the bank's result files, in the layouts of
``data/payment_layouts.toml`` (data, so a bank's template is added without code).

:func:`instruction_file` writes the items to pay (CSV or XLSX, every text cell kept as text so
an account number never turns into 6.22848E+15 and a name never into a formula);
:func:`read_result` reads the result file through the one workbook import pipeline, by the
layout's headers, and says of each item reference whether it was paid (with the bank's 流水号)
or failed (with the reason). Pure of the database."""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from coopledger import workbook_import as wi
from coopledger.banking.rules import BankingError
from coopledger.i18n import N_
from coopledger.spreadsheets import append_row, csv_row, new_sheet, workbook_bytes
from coopledger.workbooks import csv_as_workbook, is_csv

LAYOUTS_FILE = Path(__file__).with_name("data") / "payment_layouts.toml"
SHIPPED_LABELS = (N_("通用格式（CSV）"), N_("农商银行批量代付模板（XLSX）"))
"""The labels of the layouts shipped in the data file, named here so that the translation
catalog has them (a layout added to the file shows its label as written)."""


@dataclass(frozen=True)
class Layout:
    """One bank's file layout."""

    key: str
    label: str
    format: str
    columns: tuple[tuple[str, str], ...]
    result: tuple[tuple[str, str], ...]
    success: frozenset[str]

    @property
    def extension(self) -> str:
        """The instruction file's extension."""
        return "xlsx" if self.format == "xlsx" else "csv"


@cache
def layouts() -> dict[str, Layout]:
    """The layouts by key, in the file's order."""
    data = tomllib.loads(LAYOUTS_FILE.read_text(encoding="utf-8"))
    return {row["key"]: Layout(row["key"], row["label"], row["format"],
                               tuple((h, f) for h, f in row["columns"]),
                               tuple((h, f) for h, f in row["result"]),
                               frozenset(row["success"]))
            for row in data["layouts"]}


def layout_of(key: str) -> Layout:
    """The layout called ``key``, or refused."""
    found = layouts().get(key)
    if found is None:
        raise BankingError(N_("没有这种付款文件格式。"))
    return found


@dataclass(frozen=True)
class Item:
    """One payment to make."""

    number: int
    payee: str
    account: str
    bank: str
    amount: Decimal
    purpose: str
    reference: str


def instruction_file(layout: Layout, items: list[Item]) -> bytes:
    """The payment instruction file of ``items`` in ``layout``."""
    headers = [header for header, _field in layout.columns]

    def values(item: Item) -> list[str]:
        fields = {"number": str(item.number), "payee": item.payee, "account": item.account,
                  "bank": item.bank, "amount": f"{item.amount:.2f}", "purpose": item.purpose,
                  "reference": item.reference}
        return [fields[field] for _header, field in layout.columns]

    if layout.format == "xlsx":
        workbook, sheet = new_sheet(str(N_("付款清单")), headers)
        for item in items:
            append_row(sheet, values(item))
            for cell in sheet[sheet.max_row]:
                cell.number_format = "@"
        return workbook_bytes(workbook)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for item in items:
        writer.writerow(csv_row(values(item)))
    return out.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class Outcome:
    """What the bank says of one item."""

    reference: str
    paid: bool
    bank_reference: str
    reason: str


def read_result(layout: Layout, content: bytes, filename: str) -> list[Outcome]:
    """The bank's result file, read by the layout's result headers (other columns passed over);
    refused whole, every problem located, when a row cannot be read."""
    parsers = {"reference": wi.text(60, required=str(N_("缺少业务参考号。"))),
               "status": wi.text(30, required=str(N_("缺少处理结果。"))),
               "bank_reference": wi.text(64), "reason": wi.text(200)}
    sheet = wi.Sheet(None, tuple(wi.Column(field, header, parsers[field],
                                           required=field in ("reference", "status"))
                                 for header, field in layout.result), others_ignored=True)
    workbook = csv_as_workbook(content) if is_csv(content, filename) else content
    found, problems = wi.read(workbook, (sheet,))
    problems.refuse_if_any(downloadable=False)
    outcomes = [Outcome(row["reference"], row["status"] in layout.success,
                        row.values.get("bank_reference") or "", row.values.get("reason") or "")
                for row in found.get(None, [])]
    if not outcomes:
        raise BankingError(N_("结果文件里没有记录。"))
    return outcomes


def strangers(outcomes: Iterable[Outcome], references: Collection[str]) -> str:
    """The first five references of a result that are none of ``references`` (the file is
    another batch's: the caller refuses it whole, naming them), joined; "" when there is none."""
    return "、".join([o.reference for o in outcomes if o.reference not in references][:5])
