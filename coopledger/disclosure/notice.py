"""The printed notice (公开栏) of a publication: the frozen contents laid out in large type on
A4 (and enlarged page by page to A3), with the QR code of the organisation's public page and
the short code, so anyone can check a copy. Personal data never reaches it: ledger sub-account
names are shown as the rules allow (names), nothing else personal is in the contents."""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
from decimal import Decimal
from typing import Any, cast

import segno
from flask import current_app, render_template
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject, RectangleObject

from coopledger.disclosure import cashflow
from coopledger.disclosure.models import Disclosure
from coopledger.errors import CoopLedgerError
from coopledger.files.stores import Store
from coopledger.i18n import N_
from coopledger.pdf.batch import layout, number_pages

PART_LINES = 400


def public_url(disclosure: Disclosure) -> str:
    """The publication's public page (PUBLIC_URL: the same address in a worker as on screen)."""
    base = str(current_app.config["PUBLIC_URL"]).rstrip("/")
    return f"{base}/p/{disclosure.organisation.code}/{disclosure.id}"


def _qr(disclosure: Disclosure) -> str:
    return str(segno.make(public_url(disclosure), error="m").svg_data_uri(scale=4))


def _rows(contents: dict[str, Any], *, full: bool) -> list[dict[str, Any]]:
    """The receipts and payments rows of the notice (``cashflow.notice_rows``): on the board
    notice the items from the organisation's threshold one by one and the rest per category,
    on the full notice every item."""
    flow = contents["cash_flow"]
    items = cashflow.thawed(flow["items"])
    threshold = None if full else Decimal(flow["itemise_from"])
    rows: list[dict[str, Any]] = []
    for side in (cashflow.RECEIPT, cashflow.PAYMENT):
        rows.append({"kind": "side", "side": side,
                     "total": flow["receipts" if side == cashflow.RECEIPT else "payments"]})
        rows += [{"kind": row.kind, "category": row.category, "amount": row.amount,
                  "count": row.count, "item": row.item}
                 for row in cashflow.notice_rows(items, side, itemise_from=threshold)]
    return rows


def _parts(disclosure: Disclosure, body: dict[str, Any], *, pieces: int, full: bool,
           mark: str) -> list[str]:
    """The A4 notice as up to ``pieces`` HTML documents splitting the receipts and payments
    rows (at least PART_LINES each): the first carries the heading and the totals box, the
    last the other sections."""
    qr = _qr(disclosure)
    rows = _rows(body["contents"], full=full)
    size = max(PART_LINES, -(-len(rows) // pieces))
    chunks = [rows[i:i + size] for i in range(0, len(rows), size)] or [[]]
    return [render_template("disclosure/notice_pdf.html", disclosure=disclosure, body=body,
                            qr=qr, url=public_url(disclosure), rows=chunk, full=full,
                            board_items=cashflow.BOARD_ITEMS, whole=len(chunks) == 1,
                            mark=mark, first=index == 0, last=index == len(chunks) - 1)
            for index, chunk in enumerate(chunks)]


def enlarge_to_a3(a4: bytes) -> bytes:
    """The A3 notice: every A4 page enlarged by √2 (A4 → A3), so the same layout in larger
    type. The scaling wraps each page's content in one ``cm`` operator instead of rewriting it
    (pypdf's own scaling parses every content stream: seconds on a long notice)."""
    factor = math.sqrt(2)
    writer = PdfWriter(clone_from=io.BytesIO(a4))
    opening, closing = DecodedStreamObject(), DecodedStreamObject()
    opening.set_data(f"q {factor:.6f} 0 0 {factor:.6f} 0 0 cm\n".encode("ascii"))
    closing.set_data(b"\nQ\n")
    begin, end = writer._add_object(opening), writer._add_object(closing)
    for page in writer.pages:
        contents = page.raw_get("/Contents")
        resolved = contents.get_object()
        parts = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([begin, *parts, end])
        for box in ("/MediaBox", "/CropBox", "/TrimBox", "/BleedBox", "/ArtBox"):
            if box in page:
                x0, y0, x1, y1 = (float(v) for v in cast("ArrayObject", page[box]))
                page[NameObject(box)] = RectangleObject(
                    [x0 * factor, y0 * factor, x1 * factor, y1 * factor])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _render(disclosure: Disclosure, body: dict[str, Any], *, full: bool) -> bytes:
    """One document lays out its own page numbers, short code and QR code in its page margins;
    a notice laid out in parts on several cores gets them stamped across the parts."""
    workers = min(2, os.cpu_count() or 1)
    mark = str(CoopLedgerError(N_("校验码 %(code)s"), code=body.get("short_code", "")))
    parts = _parts(disclosure, body, pieces=workers, full=full, mark=mark)
    pdf = layout(parts, workers=workers)
    return pdf if len(parts) == 1 else number_pages(pdf, mark=mark, qr=_qr(disclosure))


def render_both(disclosure: Disclosure, body: dict[str, Any]) -> tuple[bytes, bytes]:
    """The board notice (公开栏): A4 laid out on all cores and numbered (第 i 页 / 共 n 页,
    with the short code on every page), and the A3 notice enlarged from it."""
    a4 = _render(disclosure, body, full=False)
    return a4, enlarge_to_a3(a4)


def render_full(disclosure: Disclosure, body: dict[str, Any]) -> bytes:
    """The full notice: the board notice with every receipt and payment listed."""
    return _render(disclosure, body, full=True)


def full_notice(disclosure: Disclosure, storage: Store) -> str:
    """The key of the full notice: rendered from the frozen contents the first time it is
    asked for and kept as ``disclosures/full-<publication hash>-<its SHA-256>.pdf``, so a
    downloaded copy can be checked like the board notices. The contents it shows are the
    chained ones; only the layout is done later."""
    kept = storage.keys(f"disclosures/full-{disclosure.hash}-")
    if kept:
        return kept[0]
    body = json.loads(disclosure.frozen or "{}")
    pdf = render_full(disclosure, body)
    key = f"disclosures/full-{disclosure.hash}-{hashlib.sha256(pdf).hexdigest()}.pdf"
    storage.put_once(key, pdf)
    return key
