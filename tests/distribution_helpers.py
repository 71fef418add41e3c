"""A land-share cooperative with a closed 2024 for distribution tests.

Books of 石安土地股份合作社 opened 2024-01-01 (cash 5,000, bank 95,000, capital 100,000);
in 2024: rent received 60,000.00, 保底 paid 9,376.00 (800 元/亩 on the 11.72 亩 of the five
sample households, one 保底 payment of the year, ``guarantees.pay``), office costs 2,000.00
in cash → result 48,624.00; every month closed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from coopledger import dates
from coopledger.auth.models import User
from coopledger.distribution import guarantees, services
from coopledger.distribution.models import Plan
from coopledger.ledger import periods
from coopledger.ledger.books import find_period, get_book
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.orgs.models import Organisation
from tests.ledger_helpers import book_with_vouchers, make_voucher, run, year_end_if_any


def close_year(org: Organisation, year: int, *, accountant: User, reviewer: User) -> None:
    """Post the year's closing vouchers (once the year is over), then close its twelve months."""
    for closing in year_end_if_any(org, year, by=accountant):
        run(closing, accountant, reviewer)
    for month in range(1, 13):
        periods.close_month(org, year, month, by=accountant)


def approve_plan(plan: Plan, *, by: User, storage: Path) -> Plan:
    """理事会 2025-01-10 → 监事会 2025-01-20 → 成员大会 2025-02-01 (its voucher drafted)."""
    services.propose(plan, on=dt.date(2025, 1, 10), by=by, today=dates.today())
    services.review(plan, on=dt.date(2025, 1, 20), by=by, today=dates.today())
    return services.approve(plan, resolution_no="决议", on=dt.date(2025, 2, 1),
                            content=PLACEHOLDER_PNG, filename="r.png", storage=storage, by=by,
                            today=dates.today())


def close_2024(by_name: Any, *, year_end: bool = False) -> Organisation:
    """Idempotent: books already opened are used as they are, a closed 2024 is left alone.
    With ``year_end`` the closing vouchers carry the result into 未分配 first."""
    org = by_name.org("shian-tdgf")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    period = find_period(org.id, 2024, 12)
    if period is not None and period.is_closed:
        return org
    if get_book(org).opened_on is None:
        book_with_vouchers(org, accountant, reviewer)
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 5), amount="60000.00",
                 summary="收到宏达公司土地租金")
    owed = guarantees.owed(org, 2024, Decimal("800.00"))
    paid = guarantees.pay(org, 2024, {row.household.id: row.outstanding for row in owed},
                          rate=Decimal("800.00"), on=dt.date(2024, 11, 10), cash_code="102",
                          today=dt.date(2024, 11, 10), by=accountant)
    run(paid, accountant, reviewer)
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 12, 20), amount="2000.00",
                 debit="523", credit="101", summary="办公费")
    if year_end:
        close_year(org, 2024, accountant=accountant, reviewer=reviewer)
    else:
        for month in range(1, 13):
            periods.close_month(org, 2024, month, by=accountant)
    return org
