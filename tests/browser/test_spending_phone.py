"""Spending approved before it is paid, on phones (issue 20): the accountant files a request
with its scan, the village head and the supervisor approve it from their home queues, the
cashier pays it, and the voucher it drafted is reviewed and posted."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from tests.browser.conftest import LiveServer, log_in, open_books

pytestmark = pytest.mark.browser


def _approve_from_home(page: Page, server: LiveServer, user: str) -> None:
    log_in(page, server, user)
    page.goto(f"{server.url}/")
    page.click("#spending-queue .queue-approve a")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".workflow button:has-text('同意')")
    expect(page.locator(".flash-success")).to_have_text("已同意。")


def test_a_request_filed_approved_paid_and_booked_on_phones(
        page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    open_books(live_server, "shian-jjhzs")
    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}/o/shian-jjhzs/spending/new")
    page.fill("input[name=amount]", "1,560.00")
    page.fill("input[name=payee]", "建平县农机维修部")
    page.fill("input[name=payee_bank]", "建平农商行")
    page.fill("input[name=payee_account]", "6228480099887766")
    page.fill("textarea[name=purpose]", "维修村集体拖拉机")
    page.select_option("select[name=account]", "513")
    scan = tmp_path / "维修发票.png"
    scan.write_bytes(PLACEHOLDER_PNG)
    page.set_input_files("#scans", str(scan))
    page.click("#request-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("支出申请已保存。")
    request_url = page.url
    page.click(".workflow button:has-text('提交审批')")
    expect(page.locator(".flash-success")).to_have_text("已提交审批。")
    expect(page.locator("#request-state")).to_contain_text("村主要负责人/理事长")

    _approve_from_home(page, live_server, "head")
    expect(page.locator("#request-state")).to_contain_text("民主理财小组/监事会")
    _approve_from_home(page, live_server, "supervisor")
    expect(page.locator("#request-state")).to_contain_text("已批准待支付")
    page.wait_for_load_state("load")                  # styled before it is measured
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width                         # the request page fits the phone

    log_in(page, live_server, "cashier")
    page.goto(f"{live_server.url}/")
    # this request in the cashier's queue (another test's may be waiting there too)
    page.click(f"#spending-queue .queue-pay a[href='{request_url.removeprefix(live_server.url)}']")
    page.select_option("#pay select[name=cash_code]", "102")
    page.fill("#pay input[name=bank_reference]", "NX-2026-0001")
    page.click("#pay button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("已登记支付，凭证草稿已生成，请审核记账。")
    expect(page.locator("#request-state")).to_contain_text("已支付")
    voucher_url = page.locator("#request-paid a").get_attribute("href")
    assert voucher_url is not None

    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}{voucher_url}")
    expect(page.locator("#voucher-origin")).to_contain_text("支出申请")
    page.click("text=提交审核")
    expect(page.locator(".flash-success")).to_have_text("已提交审核。")
    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server.url}{voucher_url}")
    page.click("text=审核通过")
    expect(page.locator(".flash-success")).to_have_text("已审核。")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".workflow button:has-text('记账')")
    expect(page.locator("#voucher-state")).to_contain_text("已记账")
    page.goto(request_url)
    expect(page.locator("#request-paid")).to_contain_text("记-")
