"""Vouchers printed for binding (装订): one voucher, or a month's posted vouchers behind their
cover (凭证封面), on 凭证纸, A5 or two to an A4 page, with the amount grid when asked.

The layout and the cover follow 会计基础工作规范 §51, §52 and §55 (``ledger.print_rules``,
which also holds the papers). A month is laid out as a background job with progress
(``MONTH_KIND``): the vouchers in parts of ``PART`` on every core (``pdf.batch``), joined in
number order behind the cover.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import render_template

from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.jobs.registry import Progress
from coopledger.ledger import print_rules
from coopledger.ledger.models import Voucher
from coopledger.ledger.queries import posted_vouchers
from coopledger.money import amount_in_words
from coopledger.orgs.models import Organisation
from coopledger.pdf import batch

MONTH_KIND = "ledger.month_vouchers"
PART = 40
"""Vouchers per laid-out part of a month (an even number: two to an A4 sheet)."""


class PrintError(CoopLedgerError):
    """Vouchers that cannot be printed as asked."""

    message = N_("无法打印凭证。")


def _grid_fits(voucher: Voucher) -> bool:
    return print_rules.grid_fits([voucher.total, *(line.debit for line in voucher.lines),
                                  *(line.credit for line in voucher.lines)])


def _words(voucher: Voucher) -> str:
    return amount_in_words(voucher.total)


def vouchers_html(org: Organisation, vouchers: list[Voucher], *, paper: print_rules.Paper,
                  grid: bool, title: str, cover: print_rules.Cover | None = None,
                  year: int = 0, month: int = 0) -> str:
    """The HTML of ``vouchers`` printed on ``paper`` (behind ``cover`` when given)."""
    return render_template(
        "ledger/vouchers_print.html", org=org, vouchers=vouchers, paper=paper, grid=grid,
        title=title, cover=cover, year=year, month=month,
        cover_words=amount_in_words(cover.debit) if cover else "",
        sheets=print_rules.sheets(len(vouchers), paper.per_sheet),
        grid_places=print_rules.GRID_PLACES, amount_grid=print_rules.amount_grid,
        grid_fits=_grid_fits, words_of_total=_words)


def voucher_html(org: Organisation, voucher: Voucher, *, paper: print_rules.Paper,
                 grid: bool) -> str:
    """One voucher's print (the voucher page's PDF)."""
    return vouchers_html(org, [voucher], paper=paper, grid=grid, title=voucher.label)


def month_parts(org: Organisation, year: int, month: int, *, paper: print_rules.Paper,
                grid: bool) -> list[str]:
    """A month's posted vouchers as the HTML of its parts, the cover in the first; refused
    when the month has none."""
    found = posted_vouchers(org, year, month)
    if not found:
        raise PrintError(N_("%(year)d年%(month)d月没有已记账的凭证。"), year=year, month=month)
    cover = print_rules.cover_of(found)
    title = f"{year}-{month:02d}"
    return [vouchers_html(org, found[at:at + PART], paper=paper, grid=grid, title=title,
                          cover=cover if at == 0 else None, year=year, month=month)
            for at in range(0, len(found), PART)]


def month_job(params: dict[str, Any], progress: Progress, out_dir: Path) -> Path:
    """The job: the month's vouchers of ``params["organisation_id"]`` as one PDF."""
    org = db.session.get(Organisation, int(params["organisation_id"]))
    if org is None:
        raise PrintError(N_("组织不存在。"))
    year, month = int(params["year"]), int(params["month"])
    progress(2, N_("正在读取本月凭证"))
    parts = month_parts(org, year, month, paper=print_rules.paper_of(params.get("paper")),
                        grid=bool(params.get("grid")))
    workers = max(1, min(2, os.cpu_count() or 1))
    pdf = batch.layout(parts, workers=workers, progress=lambda percent: progress(
        5 + percent * 90 // 100, N_("正在生成凭证 PDF")))
    target = out_dir / f"vouchers-{org.code}-{year}-{month:02d}.pdf"
    target.write_bytes(pdf)
    progress(100, N_("凭证已生成"))
    return target
