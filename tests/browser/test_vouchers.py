"""An accountant enters a voucher in Chromium, totals updating as they type; a reviewer posts it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, log_in, open_books

pytestmark = pytest.mark.browser


def test_voucher_entry_with_running_totals_then_review_and_post(
        page: Page, live_server: LiveServer) -> None:
    open_books(live_server, "shian-jjhzs")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}/o/shian-jjhzs/vouchers/new")
    page.fill("input[name=on]", "2024-04-08")
    page.fill("input[name='lines-0-summary']", "收到龙头企业土地租金")
    page.fill("input[name='lines-0-account']", "102 银行存款")
    page.fill("input[name='lines-0-debit']", "12,345.67")
    page.click("input[name='lines-1-summary']")
    expect(page.locator("input[name='lines-1-summary']")).to_have_value("收到龙头企业土地租金")
    page.fill("input[name='lines-1-account']", "501 经营收入")
    page.fill("input[name='lines-1-credit']", "12345")
    expect(page.locator("#total-debit")).to_have_text("12,345.67")
    expect(page.locator("#balance-state")).to_have_text("≠ 0.67")
    page.fill("input[name='lines-1-credit']", "12345.67")
    expect(page.locator("#balance-state")).to_have_text("✓")
    page.click("#add-line")
    expect(page.locator("tr.line")).to_have_count(5)
    page.click("#voucher-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("凭证已保存为草稿。")
    expect(page.locator("#voucher-total")).to_have_text("12,345.67")
    # Money columns are right-aligned (``table.data td`` used to win over ``td.num``).  The
    # assertion retries: after a form's redirect the page's text can be there before its
    # stylesheet is applied, and a computed style read at that moment is the browser default.
    expect(page.locator("#voucher-total")).to_have_css("text-align", "right")
    expect(page.locator("table.data tbody td.num").first).to_have_css("text-align", "right")
    expect(page.locator("tfoot")).to_contain_text("壹万贰仟叁佰肆拾伍元陆角柒分")
    page.click("text=提交审核")
    voucher_url = page.url
    log_in(page, live_server, "reviewer")
    page.goto(voucher_url)
    page.click("text=审核通过")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click(".workflow button:has-text('记账')")
    expect(page.locator("#voucher-state")).to_contain_text("已记账")
    assert "记账后凭证不能再修改" in asked[0]          # posting asked first, naming it
    expect(page.locator("h1")).to_have_text("记账凭证 记-1")


def test_scans_are_dropped_on_the_entry_form_and_kept_with_the_voucher(
        page: Page, live_server: LiveServer) -> None:
    """A scan dropped on the form's box (a drag and drop from the file manager) is listed by
    name and saved with the voucher in the same request; no second page."""
    from coopledger.ledger.sample_books import PLACEHOLDER_PNG

    open_books(live_server, "shian-jjhzs")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}/o/shian-jjhzs/vouchers/new")
    page.wait_for_load_state("load")
    page.fill("input[name='lines-0-summary']", "购买办公用品")
    page.fill("input[name='lines-0-account']", "513 管理费用")
    page.fill("input[name='lines-0-debit']", "120")
    page.fill("input[name='lines-1-summary']", "购买办公用品")
    page.fill("input[name='lines-1-account']", "101 库存现金")
    page.fill("input[name='lines-1-credit']", "120")
    dropped = page.evaluate_handle("""bytes => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], "发票照片.png", {type: "image/png"}));
        return data;
    }""", list(PLACEHOLDER_PNG))
    page.dispatch_event("#scan-drop", "drop", {"dataTransfer": dropped})
    expect(page.locator("#scan-names")).to_have_text("发票照片.png")
    page.click("#voucher-form button[type=submit].primary")
    expect(page.locator(".flash-success")).to_have_text("凭证已保存为草稿。")
    expect(page.locator("body")).to_contain_text("发票照片.png")
