"""期末检查 before closing a month (issue 19): the blocking items (vouchers not posted, those
waiting for the cashier named apart, an earlier month open) stop the closing with the same
sentence; a warning (cash below zero on a day) is shown and the month still closes; the page
links each item to where it is put right; the accountant's home names the next month to close.
(Depreciation and advance-rent warnings: tests/web/test_assets.py, test_contract_money.py.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient

from coopledger.extensions import db
from coopledger.ledger import books, month_end, periods, vouchers
from coopledger.ledger.vouchers import save_voucher
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers, line, make_voucher, run

BOOKS = "/o/shian-tdgf/books"


@pytest.fixture
def opened(by_name: Any) -> Any:
    org = by_name.org("shian-tdgf")
    book_with_vouchers(org, by_name.user("accountant"), by_name.user("reviewer"))
    db.session.commit()
    return by_name


def _texts(items: list[month_end.Item]) -> list[str]:
    return [item.text % item.params for item in items]


def test_unposted_vouchers_block_and_a_red_cash_day_only_warns(
        client: FlaskClient, auth: Auth, opened: Any) -> None:
    org, accountant, reviewer = (opened.org("shian-tdgf"), opened.user("accountant"),
                                 opened.user("reviewer"))
    periods.close_month(org, 2024, 1, by=accountant)
    periods.close_month(org, 2024, 2, by=accountant)
    # 6,000 paid in cash on 12 March with 5,000 in the till; the cash comes from the bank on
    # the 15th: the till was red for three days. One more voucher waits for review.
    paid = save_voucher(org, voucher=None, on=dt.date(2024, 3, 12), lines=[
        line("支付农机维修费", "521", "6000.00"), line("支付农机维修费", "101", credit="6000.00")],
        attachment_count=1, by=accountant, today=dt.date(2024, 4, 2))
    run(paid, accountant, reviewer)
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 15), amount="2000.00",
                 debit="101", credit="102", summary="提取现金")
    waiting = make_voucher(org, accountant, reviewer, upto="submitted",
                           on=dt.date(2024, 3, 20), amount="300.00", summary="收到租金")
    db.session.commit()

    found = month_end.checklist(org, 2024, 3)
    assert _texts(found.blocking) == ["本月还有 1 张凭证未记账，全部记账后才能结账。"]
    assert _texts(found.warnings) == [
        "101 库存现金 在 2024-03-12 日终余额为负（最低 -1,000.00 元）：请核对是否漏记收款或多记"
        "付款。"]
    assert not found.may_close
    auth.login("accountant")
    page = client.get(f"{BOOKS}/periods/2024/3/check").get_data(as_text=True)
    assert 'href="/o/shian-tdgf/vouchers/?month=2024-03"' in page
    assert "cash_journal" in page
    assert 'id="close"' not in page                          # no close button while blocked
    refused = client.post(f"{BOOKS}/periods/2024/3/close", follow_redirects=True)
    assert "2024年3月还有 1 张凭证未记账，全部记账后才能结账。" in refused.get_data(as_text=True)
    assert not books.find_period(org.id, 2024, 3).is_closed   # type: ignore[union-attr]

    vouchers.review_voucher(waiting, by=reviewer)
    vouchers.post_voucher(waiting, by=reviewer, today=dt.date(2024, 4, 2))
    db.session.commit()
    page = client.get(f"{BOOKS}/periods/2024/3/check").get_data(as_text=True)
    assert "没有需要处理的事项。" in page
    assert "日终余额为负" in page                              # still shown
    assert 'id="close"' in page
    closed = client.post(f"{BOOKS}/periods/2024/3/close", follow_redirects=True)
    assert "2024年3月已结账。" in closed.get_data(as_text=True)


def test_an_earlier_open_month_blocks_and_the_home_names_the_month_to_close(
        client: FlaskClient, auth: Auth, opened: Any) -> None:
    org, accountant, reviewer = (opened.org("shian-tdgf"), opened.user("accountant"),
                                 opened.user("reviewer"))
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 5))
    db.session.commit()
    found = month_end.checklist(org, 2024, 3)
    assert _texts(found.blocking) == ["请先结账 2024年1月。"]
    assert found.blocking[0].args == {"code": "shian-tdgf", "year": 2024, "month": 1}
    auth.login("accountant")
    home = client.get("/").get_data(as_text=True)
    assert "可以结账：2024年1月" in home
    assert 'href="/o/shian-tdgf/books/periods/2024/1/check"' in home
    auth.login("reviewer")                                    # not the one who closes
    assert "可以结账" not in client.get("/").get_data(as_text=True)
