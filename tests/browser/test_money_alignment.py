"""Money reads like money (issue 19): in Chromium, every amount cell of the trial balance, the
voucher list, the share register and a distribution plan computes to right-aligned, and reads
with thousands separators and two decimals."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import LiveServer, log_in, open_books

pytestmark = pytest.mark.browser

MONEY = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d{2}$")
ALIGNMENTS = """selector => [...document.querySelectorAll(selector)].map(cell => [
    getComputedStyle(cell).textAlign, cell.textContent.trim()])"""


def aligned(page: Page, selector: str) -> list[tuple[str, str]]:
    """(computed text-align, text) of every cell ``selector`` finds, once the stylesheet is on
    (a computed style read before it applies is the browser's default)."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.styleSheets.length > 0")
    return [(align, text) for align, text in page.evaluate(ALIGNMENTS, selector)]


def test_amounts_are_right_aligned_on_the_books_pages(page: Page,
                                                      live_server: LiveServer) -> None:
    open_books(live_server, "shian-jjhzs")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}/o/shian-jjhzs/books/reports/trial_balance?period=2024")
    cells = aligned(page, "table.report tbody td.num")
    assert len(cells) >= 16
    assert {align for align, _text in cells} == {"right"}
    amounts = [text for _align, text in cells if text]
    assert "95,000.00" in amounts
    assert all(MONEY.match(text) for text in amounts), amounts
    # the name column stays left
    assert {align for align, _text in aligned(page, "table.report tbody td:nth-child(2)")} \
        == {"left"}

    page.goto(f"{live_server.url}/o/shian-jjhzs/vouchers/")
    cells = aligned(page, "table.data tbody td.num")
    assert cells, "the voucher list shows each voucher's amount"
    assert {align for align, _text in cells} == {"right"}
    assert all(MONEY.match(text) for _align, text in cells if text)


def test_share_figures_are_right_aligned_in_the_register(page: Page,
                                                        live_server: LiveServer) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}/o/shian-tdgf/shares/holdings")
    cells = aligned(page, "table.data td.num, table.data th.num")
    assert len(cells) >= 3
    assert {align for align, _text in cells} == {"right"}
