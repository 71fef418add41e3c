"""Money control end to end on phones (issue 20, "Tests"): the 报账员 (the accountant) files a
bank-transfer request, the village head and the supervisor approve it, the cashier pays it
through the bank's file and imports the bank's result, the drafted voucher is reviewed and
posted, the bank's statement is imported and matched, and the month's 调节表 agrees."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from coopledger import dates
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from tests.browser.conftest import LiveServer, log_in, open_books

pytestmark = pytest.mark.browser
ORG = "/o/shian-jjhzs"


def _approve(page: Page, server: LiveServer, user: str, request_url: str) -> None:
    log_in(page, server, user)
    page.goto(request_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".workflow button:has-text('同意')")
    expect(page.locator(".flash-success")).to_have_text("已同意。")


def _book_balance_before(server: LiveServer, day: dt.date) -> Decimal:
    import sqlalchemy as sa

    from coopledger.banking import queries
    from coopledger.extensions import db
    from coopledger.ledger.queries import account_balance
    from coopledger.orgs.models import Organisation

    with server.app.app_context():
        org = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "shian-jjhzs")).one()
        balance = account_balance(queries.bank_accounts(org)[0],
                                  as_of=day - dt.timedelta(days=1))
        db.session.remove()
        return balance


def _fits(page: Page) -> None:
    # measured once the page has loaded: the flash is in the DOM before the stylesheet is
    # applied, and an unstyled page is wider (a busy machine showed 376 px that way)
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width


def test_filed_approved_paid_by_file_booked_and_reconciled_on_phones(
        page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    open_books(live_server, "shian-jjhzs")
    today = dates.today()
    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}{ORG}/spending/new")
    page.fill("input[name=amount]", "1,880.00")
    page.fill("input[name=payee]", "建平县鑫源农资公司")
    page.fill("input[name=payee_bank]", "建平农商行")
    page.fill("input[name=payee_account]", "6228480011112222")
    page.fill("textarea[name=purpose]", "购买村集体果园有机肥")
    page.select_option("select[name=account]", "513")
    scan = tmp_path / "有机肥发票.png"
    scan.write_bytes(PLACEHOLDER_PNG)
    page.set_input_files("#scans", str(scan))
    page.click("#request-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("支出申请已保存。")
    request_url = page.url
    request_id = request_url.rstrip("/").rsplit("/", 1)[-1]
    page.click(".workflow button:has-text('提交审批')")
    _approve(page, live_server, "head", request_url)
    _approve(page, live_server, "supervisor", request_url)
    expect(page.locator("#request-state")).to_contain_text("已批准待支付")

    # the cashier puts it in a payment file, takes it to the bank, imports the bank's result
    log_in(page, live_server, "cashier")
    page.goto(f"{live_server.url}{ORG}/spending/batches/")
    for box in page.locator("input[name=requests]").all():
        box.set_checked(box.get_attribute("value") == request_id)
    page.select_option("#new-batch select[name=account]", "102")
    page.select_option("#new-batch select[name=layout]", "generic")
    page.click("#new-batch button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("已生成付款批次")
    _fits(page)
    with page.expect_download() as download:
        page.click("#batch-file")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_bytes()
                                       .decode("utf-8-sig"))))
    assert [(r[1], r[2], r[4]) for r in rows[1:]] == [
        ("建平县鑫源农资公司", "6228480011112222", "1880.00")]
    result = tmp_path / "结果.csv"
    with result.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([["业务参考号", "处理结果", "银行流水号", "失败原因"],
                                   [rows[1][6], "成功", "NX-PHONE-0001", ""]])
    page.fill("#result input[name=on]", today.isoformat())
    page.set_input_files("#result-file", str(result))
    page.click("#result button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("1 笔已付款")
    expect(page.locator("#batch-state")).to_have_text("已处理完毕")

    # the voucher it drafted goes through review and posting
    page.goto(request_url)
    voucher_url = page.locator("#request-paid a").get_attribute("href")
    assert voucher_url is not None
    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}{voucher_url}")
    page.click("text=提交审核")
    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server.url}{voucher_url}")
    page.click("text=审核通过")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".workflow button:has-text('记账')")
    expect(page.locator("#voucher-state")).to_contain_text("已记账")

    # the bank's statement of the month comes in and is matched; the 调节表 agrees
    start = today.replace(day=1)
    opening = _book_balance_before(live_server, start)
    statement = tmp_path / "对账单.csv"
    with statement.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([
            ["交易日期", "摘要", "对方户名", "支出", "收入", "余额"],
            [today.isoformat(), "转账支出", "建平县鑫源农资公司", "1880.00", "",
             f"{opening - Decimal('1880.00'):.2f}"]])
    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}{ORG}/bank/")
    page.locator("section[id^=account-] h2 a").first.click()
    page.fill("#mapping-form input[name=date_column]", "交易日期")
    page.fill("#mapping-form input[name=out_column]", "支出")
    page.fill("#mapping-form input[name=in_column]", "收入")
    page.fill("#mapping-form input[name=balance_column]", "余额")
    page.fill("#mapping-form input[name=counterparty_column]", "对方户名")
    page.fill("#mapping-form input[name=summary_column]", "摘要")
    page.click("#mapping-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("对账单列名已保存。")
    page.set_input_files("#import-form input[name=file]", str(statement))
    page.click("#import-form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("自动勾对 1 行")
    account_url = page.url
    page.goto(f"{account_url}{today.year}/{today.month}")
    expect(page.locator("#agreement")).to_have_text("调节后余额相符。")
    expect(page.locator("#statement-lines tr.matched")).to_have_count(1)
    _fits(page)
