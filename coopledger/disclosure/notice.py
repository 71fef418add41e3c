"""The printed notice (公开栏) of a publication: the frozen contents laid out in large type on
A4 and on A3, with the QR code of the organisation's public page and the short code, so anyone
can check a copy. Personal data never reaches it: ledger sub-account names are shown as the
rules allow (names), nothing else personal is in the contents."""

from __future__ import annotations

import os
from typing import Any

import segno
from flask import current_app, render_template

from coopledger.disclosure.models import Disclosure
from coopledger.pdf.batch import lay_out_each
from coopledger.pdf.render import allowed_hosts, html_to_pdf, static_root

SIZES = ("a4", "a3")


def public_url(disclosure: Disclosure) -> str:
    """The publication's public page (PUBLIC_URL: the same address in a worker as on screen)."""
    base = str(current_app.config["PUBLIC_URL"]).rstrip("/")
    return f"{base}/p/{disclosure.organisation.code}/{disclosure.id}"


def _html(disclosure: Disclosure, body: dict[str, Any], size: str) -> str:
    qr = segno.make(public_url(disclosure), error="m").svg_data_uri(scale=4)
    return render_template("disclosure/notice_pdf.html", disclosure=disclosure, body=body,
                           size=size, qr=qr, url=public_url(disclosure))


def render(disclosure: Disclosure, body: dict[str, Any], size: str) -> bytes:
    """One layout of the notice."""
    return html_to_pdf(_html(disclosure, body, size), static_root(), allowed_hosts())


def render_both(disclosure: Disclosure, body: dict[str, Any]) -> tuple[bytes, bytes]:
    """The A4 and A3 notices, laid out side by side on two processes."""
    a4, a3 = lay_out_each([_html(disclosure, body, size) for size in SIZES],
                          workers=min(2, os.cpu_count() or 1))
    return a4, a3
