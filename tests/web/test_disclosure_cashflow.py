"""收支明细 as villagers read it: receipts and payments from the cash and bank side of each
voucher, transfers apart, the totals box tied to the balances, and the board notice that lists
the larger items and sums the rest (issue 18).

石安村股份经济合作社 (tests/asset_helpers.py) in 2024-Q1: opening cash 5,000 and bank 95,000;
the grain dryer bought from the bank for 36,000 (03-05). Added here: 300 drawn from the bank
into cash (02-01, a transfer), 600 of office costs in cash (02-10), and one compound voucher
(02-15): rent of 5,000 received at the bank less a bank fee of 10.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from flask import Flask
from pypdf import PdfReader

from coopledger import dates
from coopledger.disclosure import notice
from coopledger.disclosure.contents import generate
from coopledger.disclosure.models import Disclosure
from coopledger.extensions import db
from coopledger.ledger import vouchers
from tests.asset_helpers import asset_books
from tests.ledger_helpers import line, make_voucher, run


def _quarter(by_name: Any) -> Any:
    org, _computers, _dryer = asset_books(by_name)
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 2, 1), amount="300.00",
                 debit="101", credit="102", summary="提取备用金")
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 2, 10), amount="600.00",
                 debit="513", credit="101", summary="办公费")
    compound = vouchers.save_voucher(org, voucher=None, on=dt.date(2024, 2, 15), lines=[
        line("收到鱼塘租金（扣手续费）", "102", "4990.00"), line("银行手续费", "513", "10.00"),
        line("收到鱼塘租金", "501", credit="5000.00")], attachment_count=1, by=accountant,
        today=dates.today())
    run(compound, accountant, reviewer)
    db.session.flush()
    return org


def test_receipts_and_payments_come_from_the_cash_side_and_tie_to_the_balances(
        by_name: Any) -> None:
    org = _quarter(by_name)
    contents = generate(org, dt.date(2024, 1, 1), dt.date(2024, 3, 31), key="2024-Q1")
    flow = contents["cash_flow"]
    items = [(i["on"], i["summary"], i["category"], i["side"], i["amount"])
             for i in flow["items"]]
    assert items == [
        ("2024-02-10", "办公费", "管理费用", "payment", "600.00"),
        # the compound voucher: the rent is a receipt of 5,000, the fee a payment of 10
        ("2024-02-15", "银行手续费", "管理费用", "payment", "10.00"),
        ("2024-02-15", "收到鱼塘租金", "经营收入", "receipt", "5000.00"),
        ("2024-03-05", "购买粮食烘干机", "资产购置与处置", "payment", "36000.00"),
    ]
    assert [(t["summary"], t["amount"]) for t in flow["transfers"]] == [("提取备用金", "300.00")]
    assert flow["transfers_total"] == "300.00"
    assert (flow["opening"], flow["receipts"], flow["payments"], flow["closing"]) == (
        "100000.00", "5000.00", "36610.00", "68390.00")
    sheet = {row[0]: row for row in contents["balance_sheet"]["rows"]}
    assert sheet["货币资金"][2] == flow["closing"]      # the box ties to cash and bank
    assert flow["categories"]["payment"][0] == {"category": "管理费用", "total": "610.00",
                                                "count": 2}


def _text_of_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_board_notice_lists_large_items_and_sums_the_rest(app: Flask,
                                                              by_name: Any) -> None:
    org = _quarter(by_name)
    contents = generate(org, dt.date(2024, 1, 1), dt.date(2024, 3, 31), key="2024-Q1",
                        itemise_from=Decimal("1000.00"))
    disclosure = Disclosure(organisation=org, period_key="2024-Q1", start=dt.date(2024, 1, 1),
                            end=dt.date(2024, 3, 31), title="石安村2024年第一季度财务公开",
                            version=1, hash="ab" * 32)    # not stored: only laid out
    body = {"title": disclosure.title, "version": 1, "contents": contents, "short_code": "K7Q2M9",
            "posted_from": "2024-04-10", "posted_until": "2024-04-25", "reviews": [],
            "township_opinion": "无异议", "posts": [], "explanation": ""}
    with app.test_request_context():
        board, _a3 = notice.render_both(disclosure, body)
        full = notice.render_full(disclosure, body)
    pages = _text_of_pages(board)
    assert len(pages) <= 4
    assert all("校验码 K7Q2M9" in page for page in pages)   # the short code on every page
    text = "".join(pages).replace("\n", "")
    receipts = text.split("二、本期收入")[1].split("三、本期支出")[0]
    payments = text.split("三、本期支出")[1].split("四、")[0]
    assert "收到鱼塘租金" in receipts
    assert "5,000.00" in receipts
    assert "购买粮食烘干机" in payments
    assert "36,000.00" in payments
    assert "办公费" not in payments                    # 600 < 1,000: summed, not listed
    assert "其余 2 笔合计" in payments
    assert "610.00" in payments
    assert "提取备用金" not in receipts + payments     # a transfer is neither
    full_text = "".join(_text_of_pages(full)).replace("\n", "")
    assert "办公费" in full_text.split("三、本期支出")[1]
    assert "68,390.00" in text
    assert "陆万捌仟叁佰玖拾元整" in text               # the totals box in 大写
