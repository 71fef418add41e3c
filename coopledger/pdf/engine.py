"""WeasyPrint itself: the HTML of a document laid out as PDF with a fetcher confined to the
static folder and ``data:`` URLs (the only module importing WeasyPrint, loaded on first use
by :func:`coopledger.pdf.render.html_to_pdf`)."""

from __future__ import annotations

import gc
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

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


LAYOUT_GC_THRESHOLD = 100_000
"""Allocations between young-generation collections while a document is laid out."""
_LAYOUTS_LOCK = threading.Lock()
_running: list[int] = [0]
"""How many layouts run now (the web server's threads)."""
_threshold_before: list[tuple[int, int, int]] = []
"""The collector's thresholds before the first running layout raised them."""


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Let Python's cycle collector run less often while WeasyPrint lays a document out: it
    allocates millions of short-lived boxes, and the default threshold (700) has the collector
    walk them — and everything else alive in the process — again and again (a 1,250-row roster
    part: 9.5 s with the default, 6.2 s with this; measured in bench/distribution.py). The
    threshold is the process's: the first of several concurrent layouts (the web server's
    threads) raises it and the last one puts it back."""
    with _LAYOUTS_LOCK:
        if _running[0] == 0:
            first, second, third = gc.get_threshold()
            _threshold_before.append((first, second, third))
            gc.set_threshold(max(first, LAYOUT_GC_THRESHOLD), second, third)
        _running[0] += 1
    try:
        yield
    finally:
        with _LAYOUTS_LOCK:
            _running[0] -= 1
            if _running[0] == 0:
                gc.set_threshold(*_threshold_before.pop())


def write_pdf(html: str, static: Path, hosts: frozenset[str]) -> bytes:
    """Lay out ``html`` (its relative links resolve in ``static``) as PDF bytes."""
    fetcher = ConfinedURLFetcher(static, hosts)
    with fewer_collections():
        document = HTML(string=html, base_url=static.as_uri() + "/", url_fetcher=fetcher)
        return bytes(document.write_pdf())
