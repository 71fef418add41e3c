"""Render a Jinja template to PDF with WeasyPrint (laid out by ``pdf.engine``).

The fetcher only serves files under the app's static folder and ``data:`` URLs; every other
``file:`` path and every host not explicitly allowed is refused, so a template that includes
user text can never make the server read local files or call out. Templates set
``lang="zh-CN"`` so fontconfig picks the Simplified Chinese CJK font (not the Japanese one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, render_template


def render_pdf(template: str, **context: Any) -> bytes:
    """Render ``template`` (which extends ``pdf/base.html``) and return the PDF bytes."""
    return html_to_pdf(render_template(template, **context), static_root(),
                       allowed_hosts())


def static_root() -> Path:
    """The app's static folder, the only place the fetcher reads files from."""
    return Path(current_app.static_folder or "").resolve()


def allowed_hosts() -> frozenset[str]:
    """Hosts a PDF template may fetch from (configuration)."""
    return frozenset(current_app.config["PDF_ALLOWED_HOSTS"])


def html_to_pdf(html: str, static: Path, hosts: frozenset[str]) -> bytes:
    """Lay out rendered HTML as PDF; needs no app context, so worker processes can run it.
    WeasyPrint (``pdf.engine``) is imported here, the first time a PDF is made: loading it and
    Pango takes most of a second, which every command and worker would pay at start."""
    from coopledger.pdf.engine import write_pdf

    return write_pdf(html, static, hosts)
