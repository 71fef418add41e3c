"""The printed notice (公开栏) of a publication: the frozen contents laid out in large type on
A4 (and enlarged page by page to A3), with the QR code of the organisation's public page and
the short code, so anyone can check a copy. Personal data never reaches it: ledger sub-account
names are shown as the rules allow (names), nothing else personal is in the contents."""

from __future__ import annotations

import io
import math
import os
from typing import Any, cast

import segno
from flask import current_app, render_template
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject, RectangleObject

from coopledger.disclosure.models import Disclosure
from coopledger.pdf.batch import lay_out_each, number_pages

PART_LINES = 400


def public_url(disclosure: Disclosure) -> str:
    """The publication's public page (PUBLIC_URL: the same address in a worker as on screen)."""
    base = str(current_app.config["PUBLIC_URL"]).rstrip("/")
    return f"{base}/p/{disclosure.organisation.code}/{disclosure.id}"


def _parts(disclosure: Disclosure, body: dict[str, Any], *, pieces: int) -> list[str]:
    """The A4 notice as up to ``pieces`` HTML documents splitting the income-expense lines
    (at least PART_LINES each): the first carries the heading, the last the totals and the
    other sections."""
    qr = segno.make(public_url(disclosure), error="m").svg_data_uri(scale=4)
    lines = body["contents"]["income_expense"]["lines"]
    size = max(PART_LINES, -(-len(lines) // pieces))
    chunks = [lines[i:i + size] for i in range(0, len(lines), size)] or [[]]
    return [render_template("disclosure/notice_pdf.html", disclosure=disclosure, body=body,
                            qr=qr, url=public_url(disclosure), lines=chunk,
                            first=index == 0, last=index == len(chunks) - 1)
            for index, chunk in enumerate(chunks)]


def _join(parts: list[bytes]) -> bytes:
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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


def render_both(disclosure: Disclosure, body: dict[str, Any]) -> tuple[bytes, bytes]:
    """The A4 notice laid out in parts on all cores, joined and numbered (第 i 页 / 共 n 页),
    and the A3 notice enlarged from it."""
    workers = min(2, os.cpu_count() or 1)
    parts = lay_out_each(_parts(disclosure, body, pieces=workers), workers=workers)
    a4 = number_pages(_join(parts)) if len(parts) > 1 else number_pages(parts[0])
    return a4, enlarge_to_a3(a4)
