"""Pages members and the public read, on a 360-px phone (issue 18): no sideways scrolling, body
text of at least 16 px, and every tap target (links in menus, lists and cards, buttons, form
fields) at least 44 px tall — measured in the browser on every member and public page."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import LiveServer, log_in

MEASURE = """() => {
  const small = [];
  const body = parseFloat(getComputedStyle(document.body).fontSize);
  for (const el of document.querySelectorAll(
      'a, button, input:not([type=hidden]), select, textarea, summary')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;                       // not shown
    const inline = el.tagName === 'A' && el.closest('p, td, dd, li.inline, .pre');
    if (inline && !el.closest('nav, .links, .actions')) continue;  // a link inside a sentence
    if (box.height < 44) small.push(`${el.tagName} "${(el.textContent || el.name || '')
        .trim().slice(0, 20)}" ${Math.round(box.height)}px`);
  }
  return {body, small, overflow: document.documentElement.scrollWidth
    - document.documentElement.clientWidth};
}"""


def _check(page: Page, url: str) -> None:
    page.goto(url)
    found = page.evaluate(MEASURE)
    assert found["body"] >= 16, f"{url}: body text {found['body']}px"
    assert found["overflow"] <= 0, f"{url}: {found['overflow']}px wider than the phone"
    assert found["small"] == [], f"{url}: tap targets under 44px: {found['small'][:8]}"


def test_public_pages_read_on_a_phone(page: Page, live_server: LiveServer) -> None:
    for path in ("/", "/p/shian-jjhzs", "/verify", "/auth/login"):
        _check(page, f"{live_server.url}{path}")


def test_member_pages_read_on_a_phone(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, "member")
    for path in ("/", "/o/shian-tdgf/", "/o/shian-tdgf/disclosures/"):
        _check(page, f"{live_server.url}{path}")
