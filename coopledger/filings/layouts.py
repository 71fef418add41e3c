"""The forms of the upward filings as data: ``filings/data/forms_<standard>.toml`` says, per
accounting standard, which tables an organisation files and each row's code, label, unit and
formula, with its source — so a province's edition is a data file, not code (issue 21).

A form's ``columns`` is ``statistics`` (农经统计年报: the figure in the form's unit, with the
exact yuan beside it) or ``check`` (年度资产清查: 上年核实数 beside 本年数). ``rows_from =
"balance_sheet"`` makes one row per line of the organisation's own 资产负债表 (农清明细19-1
is that statement, ledger/data/statements_*.toml).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from coopledger.filings import rules
from coopledger.ledger.reports import statement_lines
from coopledger.orgs.models import AccountingStandard

DATA_DIR = Path(__file__).resolve().parent / "data"
YOY_THRESHOLD = Decimal("0.30")
"""Changes from the year before above ±30 % are listed for an explanation (county practice,
county-platforms.md §1.9 [N5]: "报表中数据与往年发生较大变化的要作说明分析")."""


@dataclass(frozen=True)
class Row:
    """One row of a form as printed, with how it is computed and where that comes from."""

    code: str
    label: str
    label_en: str
    unit: str
    indent: int
    rule: rules.RowRule
    source: str

    def label_in(self, english: bool) -> str:
        """The row's name in the reader's language."""
        return self.label_en if english and self.label_en else self.label


@dataclass(frozen=True)
class Form:
    """One table an organisation files for a year."""

    key: str
    code: str            # 表号 as the form prints it (农市(经)年综6表, 农清明细19-1 …)
    title: str
    title_en: str
    unit: str
    columns: str         # "statistics" or "check"
    rows: tuple[Row, ...]
    checks: tuple[rules.BalanceRule, ...]
    ties: tuple[rules.BalanceRule, ...]
    yoy: tuple[str, ...]
    source: str
    note: str
    note_en: str

    def note_in(self, english: bool) -> str:
        """The form's note in the reader's language."""
        return self.note_en if english and self.note_en else self.note

    def title_in(self, english: bool) -> str:
        """The form's title in the reader's language."""
        return self.title_en if english and self.title_en else self.title

    @property
    def units(self) -> dict[str, str]:
        """Each row's unit."""
        return {row.code: row.unit for row in self.rows}

    def row(self, code: str) -> Row:
        """The row with this code."""
        return next(row for row in self.rows if row.code == code)


def _row(data: dict[str, Any], unit: str) -> Row:
    code = str(data["code"])
    if "when" in data:
        rule = rules.RowRule(code, when=tuple(rules.parse_when(data["when"])))
    else:
        rule = rules.RowRule(code, formula=tuple(rules.parse_formula(str(data["formula"]))))
    return Row(code, data["label"], data.get("label_en", ""), data.get("unit", unit),
               int(data.get("indent", 0)), rule, data.get("source", ""))


def _statement_rows(standard: AccountingStandard, unit: str) -> tuple[Row, ...]:
    lines = statement_lines(standard)["balance_sheet"]["lines"]
    return tuple(Row(str(line["no"]), line["label"], line.get("label_en", ""), unit,
                     0, rules.RowRule(str(line["no"]),
                                      formula=tuple(rules.parse_formula(f"bs:{line['no']}"))),
                     f"资产负债表 line {line['no']}")
                 for line in lines)


def _form(data: dict[str, Any], standard: AccountingStandard) -> Form:
    unit = data["unit"]
    if data.get("rows_from") == "balance_sheet":
        rows = _statement_rows(standard, unit)
    else:
        rows = tuple(_row(row, unit) for row in data.get("rows", ()))
    return Form(data["key"], data["code"], data["title"], data.get("title_en", ""), unit,
                data["columns"], rows,
                tuple(rules.parse_rule(text) for text in data.get("checks", ())),
                tuple(rules.parse_rule(text) for text in data.get("ties", ())),
                tuple(str(code) for code in data.get("yoy", ())),
                data.get("source", ""), data.get("note", ""), data.get("note_en", ""))


@cache
def forms_of(standard: AccountingStandard) -> tuple[Form, ...]:
    """The forms an organisation under ``standard`` files, in the order they are shown."""
    path = DATA_DIR / f"forms_{standard.value}.toml"
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(_form(form, standard) for form in data["forms"])


def form_of(standard: AccountingStandard, key: str) -> Form | None:
    """One form by its key, or None."""
    return next((form for form in forms_of(standard) if form.key == key), None)


@cache
def units_by_form() -> dict[str, dict[str, str]]:
    """Every form of every standard by key, with each row's unit (what a summary reads)."""
    return {form.key: form.units for standard in AccountingStandard
            for form in forms_of(standard)}

