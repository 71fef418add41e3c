"""Render a Jinja template to PDF with WeasyPrint.

The fetcher only serves files under the app's static folder and ``data:`` URLs; every other
``file:`` path and every host not explicitly allowed is refused, so a template that includes
user text can never make the server read local files or call out. Templates set
``lang="zh-CN"`` so fontconfig picks the Simplified Chinese CJK font (not the Japanese one).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class FetchRefusedError(ValueError):
    """A resource a PDF template asked for that the renderer will not fetch."""


class ConfinedURLFetcher(URLFetcher):
    """Serves the static folder and ``data:`` URLs; refuses everything else."""

    def __init__(self, static_root: Path, allowed_hosts: frozenset[str] = frozenset()) -> None:
        super().__init__(timeout=5, allow_redirects=False)
        self.root = static_root.resolve()
        self.allowed_hosts = allowed_hosts

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Return the resource or raise :class:`FetchRefusedError`."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        elif parts.scheme in ("http", "https") and parts.hostname in self.allowed_hosts:
            return super().fetch(url, headers)
        msg = f"refused to fetch {url}"
        raise FetchRefusedError(msg)


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
    """Lay out rendered HTML as PDF; needs no app context, so worker processes can run it."""
    fetcher = ConfinedURLFetcher(static, hosts)
    document = HTML(string=html, base_url=static.as_uri() + "/", url_fetcher=fetcher)
    return bytes(document.write_pdf())
