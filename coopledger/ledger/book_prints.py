"""The year's 明细账 printed for binding: a range of accounts, each starting on a new page, in
三栏式 or — for income and expense accounts with sub-accounts — 多栏式 (``print_rules``), laid
out as a background job with page numbers across the book.

Each account's table is ``reports.bound_ledger`` (期初余额, each month's lines, 本月合计 and
本年累计). Accounts with no balance and no posting in the year are left out.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from flask import render_template

from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.jobs.registry import Progress
from coopledger.ledger import print_rules
from coopledger.ledger.models import Account, Category
from coopledger.ledger.queries import accounts, descendants, movements
from coopledger.ledger.reports import ReportTable, bound_ledger
from coopledger.orgs.models import Organisation
from coopledger.pdf import batch

BOOK_KIND = "ledger.ledger_book"
PART = 12
"""Accounts per laid-out part of the book."""


class BookPrintError(CoopLedgerError):
    """A ledger book that cannot be printed as asked."""

    message = N_("无法打印明细账。")


def units(org: Organisation, year: int, *, first: str, last: str, style: str,
          ) -> list[tuple[Account, list[Account] | None]]:
    """The accounts printed, in code order, each with its analysis columns (多栏式) or None:
    every leaf in the range with a balance or a posting in the year, except those under an
    account printed 多栏式, which is printed once with a column per sub-account."""
    moves = movements(org, dt.date(year, 1, 1), dt.date(year, 12, 31))
    active = {i for i, m in moves.items() if m.opening or m.debit or m.credit}
    found: list[tuple[Account, list[Account] | None]] = []
    covered: set[int] = set()
    for account in accounts(org):
        if account.id in covered or not print_rules.in_range(account.code, first, last):
            continue
        below = descendants(account)
        if print_rules.analysed(style, income_or_expense=account.category in (
                Category.INCOME, Category.EXPENSE), has_children=bool(account.children)):
            covered.update(a.id for a in below)
            if any(a.id in active for a in below):
                found.append((account, sorted(account.children, key=lambda a: a.code)))
        elif account.is_leaf and account.id in active:
            found.append((account, None))
    return found


def tables(org: Organisation, year: int, *, first: str, last: str, style: str,
           ) -> list[ReportTable]:
    """The book's tables; refused when the range has no account to print."""
    chosen = units(org, year, first=first, last=last, style=style)
    if not chosen:
        raise BookPrintError(N_("所选科目范围在 %(year)d 年没有余额或发生额。"), year=year)
    return [bound_ledger(org, account, year, analysed=columns) for account, columns in chosen]


def book_parts(org: Organisation, year: int, *, first: str, last: str, style: str,
               ) -> list[str]:
    """The book as the HTML of its parts, ``PART`` accounts each."""
    found = tables(org, year, first=first, last=last, style=style)
    wide = style == "multi"
    return [render_template("ledger/ledger_book_pdf.html", org=org, year=year,
                            tables=found[at:at + PART], wide=wide)
            for at in range(0, len(found), PART)]


def book_job(params: dict[str, Any], progress: Progress, out_dir: Path) -> Path:
    """The job: the 明细账 of ``params["organisation_id"]`` for ``params["year"]`` as one PDF."""
    org = db.session.get(Organisation, int(params["organisation_id"]))
    if org is None:
        raise BookPrintError(N_("组织不存在。"))
    year, style = int(params["year"]), str(params.get("style") or "three")
    progress(2, N_("正在读取明细账"))
    parts = book_parts(org, year, first=str(params.get("first") or ""),
                       last=str(params.get("last") or ""), style=style)
    workers = max(1, min(2, os.cpu_count() or 1))
    pdf = batch.layout(parts, workers=workers, progress=lambda percent: progress(
        5 + percent * 85 // 100, N_("正在生成明细账 PDF")))
    progress(92, N_("正在编页码"))
    pdf = batch.number_pages(pdf, landscape=style == "multi")
    target = out_dir / f"ledger-{org.code}-{year}.pdf"
    target.write_bytes(pdf)
    progress(100, N_("明细账已生成"))
    return target
