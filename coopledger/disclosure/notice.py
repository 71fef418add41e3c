"""The printed notice (公开栏) of a publication: the frozen contents laid out in large type on
A4 and on A3, with the QR code of the organisation's public page and the short code, so anyone
can check a copy. Personal data never reaches it: ledger sub-account names are shown as the
rules allow (names), nothing else personal is in the contents."""

from __future__ import annotations

from typing import Any

import segno
from flask import current_app, render_template

from coopledger.disclosure.models import Disclosure
from coopledger.pdf.render import allowed_hosts, html_to_pdf, static_root

SIZES = ("a4", "a3")


def public_url(disclosure: Disclosure) -> str:
    """The publication's public page (PUBLIC_URL: the same address in a worker as on screen)."""
    base = str(current_app.config["PUBLIC_URL"]).rstrip("/")
    return f"{base}/p/{disclosure.organisation.code}/{disclosure.id}"


def render(disclosure: Disclosure, body: dict[str, Any], size: str) -> bytes:
    """One layout of the notice."""
    qr = segno.make(public_url(disclosure), error="m").svg_data_uri(scale=4)
    html = render_template("disclosure/notice_pdf.html", disclosure=disclosure, body=body,
                           size=size, qr=qr, url=public_url(disclosure))
    return html_to_pdf(html, static_root(), allowed_hosts())


def render_both(disclosure: Disclosure, body: dict[str, Any]) -> tuple[bytes, bytes]:
    """The A4 and A3 notices."""
    return render(disclosure, body, "a4"), render(disclosure, body, "a3")
