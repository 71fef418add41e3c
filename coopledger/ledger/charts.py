"""Reading the national charts of accounts from their CSV files (loaded as data)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coopledger.ledger.models import Category, NormalSide
from coopledger.ledger.standards import STANDARDS
from coopledger.orgs.models import AccountingStandard

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class ChartRow:
    """One official account of a chart."""

    code: str
    name: str
    category: Category
    normal_side: NormalSide
    name_en: str = ""  # shown in English mode, the Chinese name in brackets


@cache
def chart(standard: AccountingStandard) -> tuple[ChartRow, ...]:
    """The official accounts of ``standard``, in code order."""
    path = DATA_DIR / STANDARDS[standard].chart_file
    with path.open(encoding="utf-8") as handle:
        rows = [ChartRow(r["code"], r["name"], Category(r["category"]),
                         NormalSide(r["normal_side"]), r.get("name_en") or "")
                for r in csv.DictReader(handle)]
    return tuple(sorted(rows, key=lambda r: r.code))
