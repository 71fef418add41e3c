"""A village collective with a small asset register on a hand-made ledger.

Books of 石安村股份经济合作社 (village standard) opened 2024-01-01: cash 5,000, bank 95,000,
固定资产 12,000.00 and 累计折旧 4,800.00 (the office computers, card A-001), capital 107,200.
On 2024-03-05 a grain dryer is bought from the bank for 36,000.00 (card B-001).

- A-001 办公电脑: 12,000.00, acquired 2021-12-10, 60 months, no residual → 200.00 a month;
  24 months (4,800.00) carried in, covering up to 2023-12.
- B-001 粮食烘干机: 36,000.00, acquired 2024-03-05, 120 months, 5 % residual → depreciable
  34,200.00, 285.00 a month from April 2024, charged to 经营支出 (511).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from coopledger import dates
from coopledger.assets import cards
from coopledger.assets.models import AssetCard, Category
from coopledger.ledger import periods
from coopledger.ledger.books import get_book
from coopledger.orgs.models import Organisation
from tests.ledger_helpers import line, make_voucher, run

D = Decimal


def asset_books(by_name: Any) -> tuple[Organisation, AssetCard, AssetCard]:
    """Open the books and register both cards (flushes, the caller commits)."""
    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    assert get_book(org).opened_on is None
    opening = periods.open_books(org, on=dt.date(2024, 1, 1), balances=[
        line("期初余额", "101", "5000.00"), line("期初余额", "102", "95000.00"),
        line("期初余额", "151", "12000.00"), line("期初余额", "152", credit="4800.00"),
        line("期初余额", "301", credit="107200.00")], by=accountant, today=dates.today())
    run(opening, accountant, reviewer)
    computers = cards.create_card(org, cards.CardData(
        number="A-001", name="办公电脑", category=Category.OFFICE,
        acquired_on=dt.date(2021, 12, 10), original=D("12000.00"), residual_percent=D(0),
        life_months=60, expense_code="513", purchase_voucher_id=opening.id,
        opening_accumulated=D("4800.00"), opening_through=dt.date(2023, 12, 31)), by=accountant,
        today=dates.today())
    bought = make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 5), amount="36000.00",
                          debit="151", credit="102", summary="购买粮食烘干机")
    dryer = cards.create_card(org, cards.CardData(
        number="B-001", name="粮食烘干机", category=Category.MACHINERY,
        acquired_on=dt.date(2024, 3, 5), original=D("36000.00"), residual_percent=D(5),
        life_months=120, expense_code="511", purchase_voucher_id=bought.id), by=accountant,
        today=dates.today())
    return org, computers, dryer
