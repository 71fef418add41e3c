"""An accountant records a rent receipt on a phone, finds the voucher it drafted and, once the
reviewer has posted it, sees it posted on the contract and the overdue list one line shorter."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from coopledger.dates import today
from tests.browser.conftest import LiveServer, log_in, open_books

pytestmark = pytest.mark.browser


def test_rent_receipt_to_posted_voucher_and_shorter_overdue_list(
        page: Page, live_server: LiveServer) -> None:
    open_books(live_server, "shian-tdgf")
    log_in(page, live_server, "accountant")
    warning = page.locator(".overdue-warning")
    expect(warning).to_contain_text("3 笔应收款逾期未收，合计 15,975.96 元")
    page.click(".overdue-warning a")
    expect(page.locator("#overdue-summary")).to_contain_text("共 3 笔应收款逾期未收清")
    page.click("table.overdue tbody tr:first-child a")
    expect(page.locator("h1")).to_contain_text("SATG-2024-001")
    page.select_option("select[name=pay-purpose]", "rent")
    page.fill("input[name=pay-on]", today().isoformat())  # any open month: 2024 may be closed
    page.fill("input[name=pay-amount]", "5,274.36")
    page.select_option("select[name=pay-account]", "102")
    page.click("#payments form.form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("已登记收取租金 5,274.36 元")
    expect(page.locator("#voucher-origin")).to_have_text("合同 SATG-2024-001 的收付款")
    expect(page.locator("#voucher-total")).to_have_text("5,274.36")
    expect(page.locator(".voucher-lines")).to_contain_text("501 经营收入")
    page.click(".workflow button:has-text('提交审核')")
    voucher_url = page.url
    log_in(page, live_server, "reviewer")
    page.goto(voucher_url)
    page.click("text=审核通过")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click(".workflow button:has-text('记账')")
    expect(page.locator("#voucher-state")).to_contain_text("已记账")
    assert "记账后凭证不能再修改" in asked[0]          # posting asked first, naming it
    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}/o/shian-tdgf/contracts/overdue")
    expect(page.locator("#overdue-summary")).to_contain_text(
        "共 2 笔应收款逾期未收清，合计 10,701.60 元")
    page.click("table.overdue tbody tr:first-child a")
    payments = page.locator("table.payments")
    expect(payments).to_contain_text("5,274.36")
    expect(payments).to_contain_text("已记账")
    payments.locator("a").first.click()
    expect(page.locator("#voucher-state")).to_contain_text("已记账")
    expect(page.locator("#voucher-origin")).to_have_text("合同 SATG-2024-001 的收付款")
