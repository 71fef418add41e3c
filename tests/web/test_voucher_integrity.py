"""The voucher hash covers the whole voucher — every line's 摘要, account and amount, the
preparers, reviewer, cashier and poster, the attachment count and every scan's SHA-256 — and a
stored scan is served and passes verify-ledger only while its bytes still have that hash;
PDFs with active content are refused as scans."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfWriter

from coopledger import dates
from coopledger.extensions import db
from coopledger.files import FolderStore, scans, store
from coopledger.files.scans import scan_key
from coopledger.ledger import attachments, bookfile, vouchers
from coopledger.ledger.attachments import AttachmentError
from coopledger.ledger.models import Attachment, Voucher, VoucherLine
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers, line, run

# A scan of this test's own (storage is shared by the tests of a worker and content-addressed:
# damaging the common placeholder's file would break every other test that serves it).
SCAN = PLACEHOLDER_PNG + b"voucher-integrity"


@pytest.fixture
def posted(by_name: Any, app: Flask) -> tuple[Any, Voucher]:
    """A posted three-line voucher of 石安村 with a scanned receipt."""
    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    voucher = vouchers.save_voucher(org, voucher=None, on=dt.date(2024, 3, 5), lines=[
        line("支付村道维修款", "514", "1200.00"), line("支付办公用品款", "513", "300.00"),
        line("银行付款", "102", credit="1500.00")], attachment_count=1, by=accountant,
        today=dates.today())
    attachments.add_attachment(voucher, content=SCAN, filename="receipt.png",
                               storage=store(), by=accountant)
    run(voucher, accountant, reviewer)
    db.session.commit()
    return by_name, voucher


def test_the_posted_text_names_every_line_person_and_scan(posted: tuple[Any, Voucher]) -> None:
    _lookup, voucher = posted
    text = voucher.bean_text or ""
    for part in ('summary: "支付村道维修款"', 'summary: "支付办公用品款"', 'summary: "银行付款"',
                 'preparers: "accountant"', 'poster: "reviewer"', 'cashier: ""',
                 f'scans: "{voucher.attachments[0].sha256}"', "attachments: 1"):
        assert part in text, part
    assert bookfile.verify_book(voucher.organisation).ok


@pytest.mark.parametrize("change", ["second summary", "cashier", "poster", "scan row"])
def test_changing_any_part_of_a_posted_voucher_is_found(posted: tuple[Any, Voucher],
                                                        change: str) -> None:
    lookup, voucher = posted
    other = lookup.user("cashier").id
    statement = {
        "second summary": sa.update(VoucherLine).where(
            VoucherLine.voucher_id == voucher.id, VoucherLine.line_no == 2).values(
            summary="支付办公用品款（改）"),
        "cashier": sa.update(Voucher).where(Voucher.id == voucher.id).values(cashier_id=other),
        "poster": sa.update(Voucher).where(Voucher.id == voucher.id).values(poster_id=other),
        "scan row": sa.update(Attachment).where(Attachment.voucher_id == voucher.id).values(
            sha256="0" * 64),
    }[change]
    db.session.execute(statement)
    result = bookfile.verify_book(voucher.organisation)
    assert f"{voucher.on} {voucher.label}: lines differ from the posted text" in \
        result.chain_errors


def test_a_changed_scan_file_is_refused_when_served_and_by_verification(
        posted: tuple[Any, Voucher], app: Flask, client: FlaskClient, auth: Auth) -> None:
    _lookup, voucher = posted
    scan = voucher.attachments[0]
    url = f"/o/shian-jjhzs/vouchers/{voucher.id}/attachments/{scan.id}"
    auth.login("accountant")
    served = client.get(url)
    assert served.data == SCAN
    assert "attachment" not in served.headers.get("Content-Disposition", "")   # an image
    path = FolderStore(Path(app.config["STORAGE_DIR"])).path(scan_key(scan.sha256))
    path.write_bytes(SCAN + b"changed")
    refused = client.get(url)
    problems = bookfile.verify_book(voucher.organisation).chain_errors
    path.write_bytes(SCAN)
    assert refused.status_code == 409
    assert "文件已损坏或被改动" in refused.get_data(as_text=True)
    assert f"{voucher.on} {voucher.label}: scan {scan.sha256[:12]} does not match its hash" in \
        problems


def _pdf(*, script: bool = False, embedded: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if script:
        from pypdf.actions import JavaScript

        writer.add_open_action(JavaScript("app.alert('x');"))
    if embedded:
        writer.add_attachment("payload.txt", b"hello")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdfs_with_scripts_or_embedded_files_are_refused_as_scans(tmp_path: Path) -> None:
    assert scans.store_scan(_pdf(), FolderStore(tmp_path))[1] == "application/pdf"
    for bad in (_pdf(script=True), _pdf(embedded=True)):
        with pytest.raises(AttachmentError, match="含有脚本、自动操作或内嵌文件"):
            scans.store_scan(bad, FolderStore(tmp_path))
    with pytest.raises(AttachmentError, match="无法读取"):
        scans.store_scan(b"%PDF-1.4 not really a pdf", FolderStore(tmp_path))


def test_a_pdf_scan_is_downloaded_not_shown_in_the_page(by_name: Any, app: Flask,
                                                        client: FlaskClient, auth: Auth) -> None:
    org = by_name.org("shian-jjhzs")
    accountant = by_name.user("accountant")
    book_with_vouchers(org, accountant, by_name.user("reviewer"))
    draft = vouchers.save_voucher(org, voucher=None, on=dt.date(2024, 3, 6), lines=[
        line("购买办公用品", "513", "80.00"), line("现金付款", "101", credit="80.00")],
        attachment_count=1, by=accountant, today=dates.today())
    scan = attachments.add_attachment(draft, content=_pdf(), filename="发票.pdf",
                                      storage=store(), by=accountant)
    db.session.commit()
    auth.login("accountant")
    served = client.get(f"/o/shian-jjhzs/vouchers/{draft.id}/attachments/{scan.id}")
    assert served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
