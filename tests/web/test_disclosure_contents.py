"""A financial disclosure's contents, generated from a hand-made ledger and checked line by line.

石安村股份经济合作社 (tests/asset_helpers.py) in the first quarter of 2024: opening cash 5,000,
bank 95,000, computers 12,000 less 4,800; a member borrows 500 in cash (01-20), office costs
600 in cash (02-10), the grain dryer bought from the bank for 36,000 (03-05, 记-1), rent of
8,000 received (03-05, 记-2), a deposit of 2,000 received from a grower (03-10, 记-3).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from coopledger import dates
from coopledger.assets import depreciation
from coopledger.disclosure.contents import generate
from coopledger.extensions import db
from tests.asset_helpers import asset_books
from tests.ledger_helpers import make_voucher, run

D = Decimal


def test_the_quarter_is_generated_line_by_line_from_the_posted_ledger(by_name: Any) -> None:
    org, _computers, _dryer = asset_books(by_name)
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 1, 20), amount="500.00",
                 debit="113", credit="101", summary="社员借支")
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 2, 10), amount="600.00",
                 debit="513", credit="101", summary="办公费")
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 5), amount="8000.00",
                 summary="收到鱼塘租金")
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 10), amount="2000.00",
                 debit="102", credit="211", summary="收到承包保证金")
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 28), amount="99.00",
                 debit="513", credit="101", summary="未记账的费用", upto="submitted")
    for month in (1, 2, 3):
        run(depreciation.draft_run(org, 2024, month, by=accountant, today=dates.today()).voucher,
            accountant,
            reviewer)
    db.session.flush()
    contents = generate(org, dt.date(2024, 1, 1), dt.date(2024, 3, 31), key="2024-Q1")
    flow = contents["cash_flow"]
    items = [(i["on"], i["voucher"], i["summary"], i["category"], i["side"], i["amount"])
             for i in flow["items"]]
    # Money that moved, from the cash and bank side: depreciation moves none and is left out;
    # the member's loan and the office costs are payments whatever side 113 and 513 are on.
    assert items == [
        ("2024-01-20", "记-2", "社员借支", "往来款项", "payment", "500.00"),
        ("2024-02-10", "记-1", "办公费", "管理费用", "payment", "600.00"),
        ("2024-03-05", "记-1", "购买粮食烘干机", "资产购置与处置", "payment", "36000.00"),
        ("2024-03-05", "记-2", "收到鱼塘租金", "经营收入", "receipt", "8000.00"),
        ("2024-03-10", "记-3", "收到承包保证金", "往来款项", "receipt", "2000.00"),
    ]
    assert (flow["opening"], flow["receipts"], flow["payments"], flow["closing"]) == (
        "100000.00", "10000.00", "37100.00", "72900.00")
    assert flow["receipts_words"] == "壹万元整"
    assert flow["payments_words"] == "叁万柒仟壹佰元整"
    assert flow["closing_words"] == "柒万贰仟玖佰元整"
    assert flow["categories"]["receipt"] == [
        {"category": "经营收入", "total": "8000.00", "count": 1},
        {"category": "往来款项", "total": "2000.00", "count": 1}]
    assert [g["category"] for g in flow["categories"]["payment"]] == [
        "管理费用", "往来款项", "资产购置与处置"]
    assert flow["transfers"] == []
    claims = contents["claims_and_debts"]
    assert [(e["counterparty"], e["amount"]) for e in claims["receivable"]] == [
        ("内部往来", "500.00")]
    assert [(e["counterparty"], e["amount"]) for e in claims["payable"]] == [
        ("应付款", "2000.00")]
    fixed = contents["assets"]["classes"]
    # 12,000 + 36,000 held; 4,800 carried in + 3 × 200.
    assert [(c["cards"], c["original"], c["accumulated"]) for c in fixed] == [
        (2, "48000.00", "5400.00")]
    sheet = {row[0]: row for row in contents["balance_sheet"]["rows"]}
    assert sheet["货币资金"][2] == "72900.00"       # 5,000 − 1,100 + 95,000 − 36,000 + 10,000
    assert contents["period"] == {"key": "2024-Q1", "start": "2024-01-01", "end": "2024-03-31"}
