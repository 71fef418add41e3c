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
