"""Pages members and the public read, on a 360-px phone (issue 18): no sideways scrolling, body
text of at least 16 px, and every tap target (links in menus, lists and cards, buttons, form
fields) at least 44 px tall — measured in the browser on every member and public page, found by
following every link a visitor or a member can follow (with a published notice and, in
``test_distribution_journey``, an approved plan there to read)."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import Page

from coopledger.extensions import db
from coopledger.shares.models import Certificate, CertificateStatus
from tests.browser.conftest import LiveServer, log_in
from tests.browser.test_disclosure_public import CODE, _published

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
    """From the landing page: the village's list, its published notice, the check pages;
    a share certificate's check page (reached from the paper's QR code)."""
    notice = _published(live_server)
    seen = _crawl(page, live_server, "/")
    for path in ("/", f"/p/{CODE}", f"/p/{CODE}/{notice}", "/verify", "/auth/login"):
        assert f"{live_server.url}{path}" in seen, f"{path} was not reached: {seen}"
    with live_server.app.app_context():
        certificate = db.session.scalars(sa.select(Certificate).where(
            Certificate.status == CertificateStatus.ISSUED).limit(1)).first()
        assert certificate is not None
        check = f"/c/{certificate.serial}/{certificate.version}/{certificate.token}"
    _check(page, f"{live_server.url}{check}")
    _check(page, f"{live_server.url}/c/{certificate.serial}/{certificate.version}/wrong")


def test_member_pages_read_on_a_phone(page: Page, live_server: LiveServer) -> None:
    """Every page a member reaches from their home (the plan's statement card is measured in
    ``test_distribution_journey``, which approves the plan the card shows)."""
    _published(live_server)
    log_in(page, live_server, "member")
    seen = _crawl(page, live_server, "/")
    for path in ("/", "/my/household", "/o/shian-tdgf/", "/o/shian-tdgf/disclosures/",
                 "/auth/password"):
        assert f"{live_server.url}{path}" in seen, f"{path} was not reached: {seen}"


SKIP = ("/auth/logout", "/static/", "download", ".pdf", ".xlsx", ".csv", ".png", ".svg",
        "/qr", "lang=")


def _crawl(page: Page, server: LiveServer, start: str, limit: int = 60) -> list[str]:
    """Every HTML page reachable by links from ``start`` on this site (GET only), each
    measured: the pages a member or a visitor can actually reach."""
    seen: list[str] = []
    queue = [f"{server.url}{start}"]
    while queue and len(seen) < limit:
        url = queue.pop(0).split("#")[0]
        if url in seen or any(part in url for part in SKIP):
            continue
        answer = page.request.get(url)
        if answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
            continue
        seen.append(url)
        _check(page, url)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)"):
            if href.startswith(server.url) and href.split("#")[0] not in seen:
                queue.append(href)
    return seen
