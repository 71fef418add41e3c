"""An accountant records a transfer in Chromium; the member then sees the new certificate."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, log_in

pytestmark = pytest.mark.browser


def test_transfer_recorded_by_the_accountant_reaches_the_members_phone(
        page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, "member")
    page.goto(f"{live_server.url}/my/household")
    before = page.locator(".shares a").first.inner_text()
    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}/o/shian-tdgf/shares/new")
    page.select_option("select[name=kind]", "transfer")
    page.select_option("select[name=share_class]", label="土地股")
    page.select_option("select[name=source]", label="TD002 王德明")
    page.select_option("select[name=target]", label="TD001 陈大山")
    page.fill("input[name=quantity]", "0.3")
    page.fill("input[name=reason]", "户间转让")
    page.click("main form.form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("已提交第")
    page.click(".workflow button:has-text('批准')")
    expect(page.locator("#op-state")).to_contain_text("已批准")
    page.click(".workflow button:has-text('登记生效')")
    expect(page.locator("#op-state")).to_contain_text("已登记")
    log_in(page, live_server, "member")
    page.goto(f"{live_server.url}/my/household")
    expect(page.locator(".shares .held")).to_contain_text("土地股：3.3900 股")
    newest = page.locator(".shares a").first
    assert newest.inner_text() != before
    expect(newest).to_contain_text("第 4 版")
    with page.expect_download() as pdf:
        newest.click(modifiers=["Alt"])
    assert pdf.value.suggested_filename.endswith("-v4.pdf")
    page.wait_for_load_state("load")            # styles applied before anything is measured
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
