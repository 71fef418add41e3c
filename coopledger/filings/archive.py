"""The yearly accounting archive (会计档案) of one organisation, built as a background job: a
ZIP with the beancount book, each month's posted vouchers as a PDF with every scanned
original, the year's books and statements (PDF and XLSX), the year's distribution plans with
their resolutions, the disclosures published for the year, the filings, and a manifest.

The manifest (``manifest.json``, canonical JSON) lists every file with its SHA-256 and size,
the organisation, the year and the ledger chain head at the year's last posted voucher; the
seal (``SEAL``) is SHA-256 of that head and the manifest's own hash, so the archive is tied to
the voucher hash chain: change a byte of any file, the manifest or the seal and
``coopledger verify-archive`` refuses it (``archive_check``).

What follows 会计档案管理办法 (财政部 国家档案局令第79号) and GB/T 24589.1-2024 and what does
not yet is in the README ("Yearly archive").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import render_template

from coopledger.dates import utcnow
from coopledger.disclosure.models import Disclosure, DisclosureState
from coopledger.disclosure.rules import canonical_json
from coopledger.disclosure.services import ledger_head
from coopledger.distribution.models import Plan, PlanState
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.files.scans import read_verified
from coopledger.files.stores import Store
from coopledger.filings import queries, tables
from coopledger.filings.archive_check import MANIFEST, SEAL, seal_of
from coopledger.filings.layouts import forms_of
from coopledger.filings.models import Archive
from coopledger.filings.outputs import sheet_of
from coopledger.filings.outputs import to_xlsx as form_xlsx
from coopledger.i18n import N_
from coopledger.jobs.registry import Progress
from coopledger.ledger.bookfile import streamed_book
from coopledger.ledger.models import Account, VoucherLine
from coopledger.ledger.outputs import pdf_html, to_xlsx
from coopledger.ledger.queries import posted_vouchers
from coopledger.ledger.reports import build_report
from coopledger.money import amount_in_words
from coopledger.orgs.models import AccountingStandard, Organisation
from coopledger.pdf import batch

ARCHIVE_KIND = "filings.archive"
STATEMENTS = ("trial_balance", "balance_sheet", "income_statement", "cash_journal",
              "bank_journal")
SAFE = str.maketrans(dict.fromkeys('\\/:*?"<>|', "_"))


class ArchiveError(CoopLedgerError):
    """An archive that cannot be built."""

    message = N_("无法生成会计档案。")


def _name(text: str) -> str:
    return text.translate(SAFE).strip() or "file"


def _voucher_parts(org: Organisation, year: int, storage: Store,
                   ) -> tuple[list[tuple[str, str]], list[tuple[str, bytes]]]:
    """Each month's posted vouchers as the HTML of one PDF, and every scanned original."""
    found = posted_vouchers(org, year)
    parts = [(f"vouchers/{year}-{m:02d}.pdf",
              render_template("filings/vouchers_pdf.html", org=org, month=f"{year}-{m:02d}",
                              vouchers=[(v, amount_in_words(v.total)) for v in found
                                        if v.month == m]))
             for m in sorted({v.month for v in found})]
    scans = []
    for voucher in found:
        for index, scan in enumerate(voucher.attachments, start=1):
            scans.append((f"vouchers/scans/{voucher.on:%Y-%m}-{_name(voucher.label)}-{index}-"
                          f"{_name(scan.filename)}", read_verified(storage, scan.sha256)))
    return parts, scans


def _book_parts(org: Organisation, year: int,
                ) -> tuple[list[tuple[str, str]], list[tuple[str, bytes]]]:
    """The year's statements and journals as the HTML of their PDFs, and as XLSX with the
    总账 and 明细账 of every account with postings."""
    period = str(year)
    names = list(STATEMENTS)
    if org.standard is AccountingStandard.COOP_2021:
        names.append("equity_changes")
    parts, files = [], []
    for name in names:
        table = build_report(name, org, period)
        parts.append((f"books/{name}.pdf", pdf_html(table)))
        files.append((f"books/{name}.xlsx", to_xlsx(table)))
    for account in _accounts_with_postings(org, year):
        for name in ("general_ledger", "detail_ledger"):
            table = build_report(name, org, period, account=account.code)
            files.append((f"books/{name}/{account.code}-{_name(account.name)}.xlsx",
                          to_xlsx(table)))
    return parts, files


def _laid_out(parts: list[tuple[str, str]], progress: Callable[[int], None],
              ) -> list[tuple[str, bytes]]:
    """Every PDF of the archive laid out together on every core, the longest first (the
    year's journals and the busiest months), so the cores finish together."""
    ordered = sorted(parts, key=lambda part: -len(part[1]))
    workers = max(1, min(2, os.cpu_count() or 1))
    pdfs = batch.lay_out_each([html for _path, html in ordered], workers=workers,
                              progress=progress) if ordered else []
    return [(path, pdf) for (path, _html), pdf in zip(ordered, pdfs, strict=True)]


def _accounts_with_postings(org: Organisation, year: int) -> list[Account]:
    """The chart's first-level accounts with a posted line in the year."""
    codes = set(db.session.scalars(sa.select(sa.func.substr(Account.code, 1, 3)).join(
        VoucherLine, VoucherLine.account_id == Account.id).where(
        VoucherLine.organisation_id == org.id, VoucherLine.posted.is_(True),
        VoucherLine.on.between(dt.date(year, 1, 1), dt.date(year, 12, 31))).distinct()))
    return list(db.session.scalars(sa.select(Account).where(
        Account.organisation_id == org.id, Account.parent_id.is_(None),
        Account.code.in_(codes)).order_by(Account.code)))


def _plan_files(org: Organisation, year: int, storage: Store) -> list[tuple[str, bytes]]:
    files = []
    for plan in db.session.scalars(sa.select(Plan).where(
            Plan.organisation_id == org.id, Plan.year == year,
            Plan.state != PlanState.SUPERSEDED).order_by(Plan.version)):
        if plan.resolution_sha256:
            files.append((f"distribution/{year}-v{plan.version}-"
                          f"{_name(plan.resolution_name or 'resolution')}",
                          read_verified(storage, plan.resolution_sha256)))
    return files


def _disclosure_files(org: Organisation, year: int, storage: Store) -> list[tuple[str, bytes]]:
    files = []
    for disclosure in db.session.scalars(sa.select(Disclosure).where(
            Disclosure.organisation_id == org.id, Disclosure.state == DisclosureState.PUBLISHED,
            Disclosure.period_key.startswith(str(year))).order_by(Disclosure.period_key,
                                                                   Disclosure.version)):
        data = storage.get(f"disclosures/{disclosure.pdf_sha256}.pdf")
        if data is None or hashlib.sha256(data).hexdigest() != disclosure.pdf_sha256:
            raise ArchiveError(N_("已发布的财务公开 %(key)s 的 PDF 丢失或已损坏，无法归档。"),
                               key=disclosure.period_key)
        files.append((f"disclosures/{_name(disclosure.period_key)}-"
                      f"{_name(disclosure.topic or 'main')}-v{disclosure.version}.pdf", data))
    return files


def _filing_files(org: Organisation, year: int) -> list[tuple[str, bytes]]:
    found = tables.accepted(org, year) or next(iter(tables.versions(org, year)), None)
    if found is None:
        return []
    frozen = tables.year_tables(org, year, filing=found)
    files = [(f"filings/{year}-v{found.version}.json", found.contents.encode("utf-8"))]
    for form, table in zip(forms_of(org.standard), frozen.tables, strict=True):
        sheet = sheet_of(form, reporter=org.name, year=year, figures=table.exact,
                         last=table.last, english=False)
        files.append((f"filings/{_name(form.code)}.xlsx", form_xlsx(sheet)))
    return files


def build(org: Organisation, year: int, *, storage: Store, out_dir: Path,
          progress: Progress) -> tuple[Path, dict[str, Any], str]:
    """Write the archive ZIP into ``out_dir``; returns (path, manifest, seal)."""
    if not queries.is_closed(org, year):
        raise ArchiveError(N_("%(year)d 年度尚未结账，结账后才能归档。"), year=year)
    progress(2, N_("正在导出 beancount 账簿"))
    files = [(f"ledger/{org.code}.beancount", "".join(streamed_book(org)).encode("utf-8"))]
    voucher_parts, files_of_scans = _voucher_parts(org, year, storage)
    progress(5, N_("正在生成账簿和报表"))
    book_parts, book_files = _book_parts(org, year)
    files += files_of_scans + book_files
    files += _laid_out(voucher_parts + book_parts,
                       lambda percent: progress(10 + percent * 80 // 100,
                                                N_("正在生成记账凭证、账簿和报表的 PDF")))
    progress(90, N_("正在收集收益分配、财务公开和统计报表"))
    files += _plan_files(org, year, storage)
    files += _disclosure_files(org, year, storage)
    files += _filing_files(org, year)
    head = ledger_head(org, dt.date(year, 12, 31))
    manifest: dict[str, Any] = {
        "organisation": org.code, "name": org.name, "year": year, "ledger_head": head,
        "created_at": utcnow().isoformat(timespec="seconds"),
        "files": [{"path": path, "sha256": hashlib.sha256(data).hexdigest(),
                   "bytes": len(data)} for path, data in sorted(files)],
    }
    body = canonical_json(manifest)
    seal = seal_of(head, body)
    target = out_dir / f"archive-{org.code}-{year}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, body)
        archive.writestr(SEAL, seal + "\n")
        for path, data in sorted(files):
            archive.writestr(path, data)
    progress(98, N_("正在保存会计档案"))
    return target, manifest, seal


def archive_job(params: dict[str, Any], progress: Progress, out_dir: Path) -> None:
    """The job: build the archive of ``params["organisation_id"]`` and ``params["year"]``, keep
    it in the store and record it (downloadable from the year's filings page)."""
    from coopledger.files.stores import store

    org = db.session.get(Organisation, int(params["organisation_id"]))
    if org is None:
        raise ArchiveError(N_("组织不存在。"))
    storage = store()
    path, manifest, seal = build(org, int(params["year"]), storage=storage, out_dir=out_dir,
                                 progress=progress)
    data = path.read_bytes()
    key = f"archives/{org.code}/{manifest['year']}-{seal}.zip"
    storage.put(key, data)
    db.session.add(Archive(organisation_id=org.id, year=int(manifest["year"]), seal=seal,
                           ledger_head=str(manifest["ledger_head"]), files=len(manifest["files"]),
                           bytes=len(data), key=key, created_by_id=int(params["user_id"]),
                           created_at=utcnow()))
    db.session.flush()
    progress(100, N_("会计档案已生成"))


def read_archive(data: bytes) -> zipfile.ZipFile:
    """An archive's ZIP opened from its bytes."""
    return zipfile.ZipFile(io.BytesIO(data))
