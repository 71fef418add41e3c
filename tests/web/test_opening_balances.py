"""The first year's opening balances (issue 23): the 建账 voucher dated on the books' first day
is the balance brought in, not a movement — the first 科目余额表's 期初 and the first balance
sheet's 年初余额 show it, and the year's debits and credits leave it out.

石安村股份经济合作社 (tests/asset_helpers.py) opens on 2024-01-01 with cash 5,000, bank 95,000,
computers 12,000 less 4,800 depreciated and 资本 107,200; the grain dryer is bought from the
bank for 36,000 on 2024-03-05.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from coopledger.extensions import db
from coopledger.ledger.reports import build_report
from tests.asset_helpers import asset_books

D = Decimal


def test_the_opening_voucher_is_the_first_years_opening_balance(by_name: Any) -> None:
    org, _computers, _dryer = asset_books(by_name)
    db.session.flush()
    trial = {row[0]: row for row in build_report("trial_balance", org, "2024").rows}
    # 期初借方, 期初贷方, 本期借方, 本期贷方, 期末借方, 期末贷方
    assert trial["102"][2:] == [D("95000.00"), None, None, D("36000.00"), D("59000.00"), None]
    assert trial["301"][2:] == [None, D("107200.00"), None, None, None, D("107200.00")]
    assert trial["151"][2:] == [D("12000.00"), None, D("36000.00"), None, D("48000.00"), None]
    totals = trial[""]
    assert totals[2] == totals[3] == D("112000.00")      # opening debits = credits
    assert totals[4] == totals[5] == D("36000.00")       # only the dryer moved
    sheet = {row[0]: (row[2], row[3]) for row in build_report("balance_sheet", org,
                                                               "2024-03").rows}
    assert sheet["货币资金"] == (D("64000.00"), D("100000.00"))    # 年初 is the opening
    first_quarter = {row[0]: row for row in build_report("trial_balance", org,
                                                          "2024-Q1").rows}
    assert first_quarter["101"][2] == D("5000.00")       # 期初 of the range it falls in
    assert first_quarter["101"][4] is None


CODES = {"shian-jjhzs": ["101", "102", "112", "121", "151", "152", "181", "201", "211", "301",
                         "501", "513"],
         "shian-tdgf": ["101", "102", "113", "121", "151", "152", "181", "201", "211", "301",
                        "501", "523"]}


def test_printed_balance_sheet_lines_add_up_to_their_totals_on_random_ledgers(
        by_name: Any) -> None:
    """Random vouchers over the balance-sheet accounts, 181 待处理财产损溢 included: the printed
    asset lines add up to 资产总计, which equals 负债和所有者权益总计, on both standards."""
    import datetime as dt
    import random

    from coopledger.ledger.books import accounts_by_code
    from coopledger.ledger.models import Category
    from coopledger.ledger.queries import leaf_balances
    from coopledger.ledger.reports import statement_lines
    from tests.ledger_helpers import book_with_vouchers, make_voucher

    rng = random.Random(23)  # noqa: S311 - test data
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    for code, accounts in CODES.items():
        org = by_name.org(code)
        book_with_vouchers(org, accountant, reviewer)
        for n in range(25):
            debit, credit = rng.sample(accounts, 2)
            make_voucher(org, accountant, reviewer, on=dt.date(2024, 1, 1 + n),
                         amount=f"{rng.randrange(100, 900_000) / 100:.2f}", debit=debit,
                         credit=credit, summary="随机凭证")
        make_voucher(org, accountant, reviewer, on=dt.date(2024, 2, 1), amount="123.45",
                     debit="181", credit="101", summary="盘亏待处理")
        db.session.flush()
        spec = statement_lines(org.standard)["balance_sheet"]["lines"]
        printed = {int(row[1]): row[2] or D(0)
                   for row in build_report("balance_sheet", org, "2024-02").rows}
        assets_total = next(int(line["no"]) for line in spec if line["label"] == "资产总计")
        # every asset and cost account's balance (contra accounts net by their sign) once
        balances = leaf_balances(org, as_of=dt.date(2024, 2, 29))
        chart = {a.id: a for a in accounts_by_code(org).values()}
        held = sum((amount for account_id, amount in balances.items()
                    if chart[account_id].category in (Category.ASSET, Category.COST)), D(0))
        assert printed[assets_total] == held, code
        assert printed[assets_total] == printed[int(spec[-1]["no"])], code   # both sides
        pending = next(int(line["no"]) for line in spec if line["label"] == "待处理财产损溢")
        assert printed[pending] != 0                # 181 is on a line of its own
