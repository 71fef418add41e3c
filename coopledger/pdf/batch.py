"""Long documents in parts: the HTML of each part is laid out by WeasyPrint in worker processes
(layout is the slow part and runs on every core), the parts are joined in order, and page
numbers (第 i 页 / 共 n 页) are stamped afterwards from a blank numbered document, so they run
across the parts."""

from __future__ import annotations

import gc
import io
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial

from flask import render_template
from pypdf import PdfReader, PdfWriter

from coopledger.pdf.render import allowed_hosts, html_to_pdf, static_root


def layout(parts: list[str], *, workers: int = 1,
           progress: Callable[[int], None] | None = None) -> bytes:
    """Lay out the HTML parts (in ``workers`` processes) and join them into one PDF."""
    done = lay_out_each(parts, workers=workers, progress=progress)
    if len(done) == 1:
        return done[0]
    writer = PdfWriter()
    for pdf in done:
        writer.append(PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def lay_out_each(parts: list[str], *, workers: int = 1,
                 progress: Callable[[int], None] | None = None) -> list[bytes]:
    """Lay out each HTML document on its own (in ``workers`` processes), in order."""
    work = partial(html_to_pdf, static=static_root(), hosts=allowed_hosts())
    done: list[bytes] = []

    def step(pdf: bytes) -> None:
        done.append(pdf)
        if progress is not None:
            progress(len(done) * 100 // len(parts))

    if workers > 1 and len(parts) > 1:
        # WeasyPrint and Pango are loaded here once, before the fork, instead of in every
        # worker (most of a second each); the forked workers inherit this process's objects:
        # frozen, the collector in each worker leaves them alone instead of walking them
        import coopledger.pdf.engine  # noqa: F401

        gc.freeze()
        try:
            with ProcessPoolExecutor(max_workers=workers,
                                     mp_context=multiprocessing.get_context("fork")) as pool:
                for pdf in pool.map(work, parts):
                    step(pdf)
        finally:
            gc.unfreeze()
    else:
        for html in parts:
            step(work(html))
    return done


def number_pages(pdf: bytes, *, landscape: bool = False, mark: str = "",
                 qr: str = "") -> bytes:
    """Stamp 第 i 页 / 共 n 页 at the foot of every page, with ``mark`` (e.g. the notice's
    校验码) at the left and the ``qr`` image (a data URI) at the right when given."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    count = len(writer.pages)
    numbers = PdfReader(io.BytesIO(html_to_pdf(
        render_template("pdf/page_numbers.html", count=count, landscape=landscape, mark=mark,
                        qr=qr),
        static_root(), allowed_hosts())))
    for page, stamp in zip(writer.pages, numbers.pages, strict=True):
        page.merge_page(stamp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
