"""A land-share cooperative with a closed 2024 for distribution tests.

Books of 石安土地股份合作社 opened 2024-01-01 (cash 5,000, bank 95,000, capital 100,000);
in 2024: rent received 60,000.00, 保底 paid 9,376.00 (800 元/亩 on the 11.72 亩 of the five
sample households), office costs 2,000.00 in cash → result 48,624.00; every month closed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from coopledger.ledger import periods
from coopledger.ledger.books import find_period, get_book
from coopledger.orgs.models import Organisation
from tests.ledger_helpers import book_with_vouchers, make_voucher


def close_2024(by_name: Any) -> Organisation:
    """Idempotent: books already opened are used as they are, a closed 2024 is left alone."""
    org = by_name.org("shian-tdgf")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    period = find_period(org.id, 2024, 12)
    if period is not None and period.is_closed:
        return org
    if get_book(org).opened_on is None:
        book_with_vouchers(org, accountant, reviewer)
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 5), amount="60000.00",
                 summary="收到宏达公司土地租金")
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 11, 10), amount="9376.00",
                 debit="521", credit="102", summary="支付社员保底收益")
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 12, 20), amount="2000.00",
                 debit="523", credit="101", summary="办公费")
    for month in range(1, 13):
        periods.close_month(org, 2024, month, by=accountant)
    return org
