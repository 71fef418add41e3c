"""The clock in one place (issue 22, DESIGN §4): services take the day from their callers, so
a caller that says the day is 2031-03-10 — years after the machine's clock — gets the books,
the depreciation, a contract receipt and the distribution of that day, and a date after it
is refused as in the future with that day in the sentence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from coopledger.assets import depreciation
from coopledger.assets.rules import AssetRuleError
from coopledger.contracts import payments
from coopledger.contracts.models import Contract
from coopledger.contracts.money_models import Purpose
from coopledger.contracts.signing import ContractError
from coopledger.distribution import services as distribution
from coopledger.distribution.models import Mode
from coopledger.distribution.rules import DistributionError
from coopledger.extensions import db
from coopledger.ledger import periods, vouchers
from coopledger.ledger.models import VoucherState
from coopledger.ledger.vouchers import FutureDateError
from tests.asset_helpers import asset_books
from tests.ledger_helpers import line

FROZEN = dt.date(2031, 3, 10)


def _open(org: Any, by_name: Any) -> None:
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    opening = periods.open_books(org, on=dt.date(2031, 1, 1), balances=[
        line("期初余额", "101", "5000.00"), line("期初余额", "102", "95000.00"),
        line("期初余额", "301", credit="100000.00")], by=accountant, today=FROZEN)
    vouchers.submit_voucher(opening, by=accountant)
    vouchers.review_voucher(opening, by=reviewer)
    vouchers.post_voucher(opening, by=reviewer, today=FROZEN)


def test_the_books_take_the_callers_day(by_name: Any) -> None:
    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    _open(org, by_name)
    rent = [line("收到土地租金", "102", "800.00"), line("收到土地租金", "501", credit="800.00")]
    voucher = vouchers.save_voucher(org, voucher=None, on=dt.date(2031, 3, 9), lines=rent,
                                    attachment_count=1, by=accountant, today=FROZEN)
    vouchers.submit_voucher(voucher, by=accountant)
    vouchers.review_voucher(voucher, by=reviewer)
    vouchers.post_voucher(voucher, by=reviewer, today=FROZEN)
    assert voucher.state is VoucherState.POSTED
    with pytest.raises(FutureDateError) as refused:
        vouchers.save_voucher(org, voucher=None, on=dt.date(2031, 3, 11), lines=rent,
                              attachment_count=1, by=accountant, today=FROZEN)
    assert refused.value.params == {"on": "2031-03-11", "today": "2031-03-10"}
    # posting asks the caller's day again: a voucher of the 9th is not posted on the 8th
    second = vouchers.save_voucher(org, voucher=None, on=dt.date(2031, 3, 9), lines=rent,
                                   attachment_count=1, by=accountant, today=FROZEN)
    vouchers.submit_voucher(second, by=accountant)
    vouchers.review_voucher(second, by=reviewer)
    with pytest.raises(FutureDateError):
        vouchers.post_voucher(second, by=reviewer, today=dt.date(2031, 3, 8))


def test_depreciation_is_drafted_for_the_months_over_by_the_callers_day(by_name: Any) -> None:
    org, _computers, _dryer = asset_books(by_name)
    accountant = by_name.user("accountant")
    assert depreciation.next_month(org, today=FROZEN) == (2031, 3)
    for month in range(1, 13):
        depreciation.draft_run(org, 2024, month, by=accountant, today=FROZEN)
    with pytest.raises(AssetRuleError, match="还没有结束"):
        depreciation.draft_run(org, 2025, 1, by=accountant, today=dt.date(2025, 1, 30))


def test_a_contract_receipt_is_dated_up_to_the_callers_day(by_name: Any) -> None:
    org = by_name.org("shian-tdgf")
    _open(org, by_name)
    lease = db.session.scalars(sa.select(Contract).where(
        Contract.number == "SATG-2024-001")).one()
    made = payments.record_payment(lease, purpose=Purpose.DEPOSIT_IN, on=dt.date(2031, 3, 10),
                                   amount=Decimal("500.00"), cash_code="102",
                                   by=by_name.user("accountant"), today=FROZEN)
    assert made.voucher is not None
    assert made.voucher.on == dt.date(2031, 3, 10)
    with pytest.raises(ContractError, match="2031-03-11 在今天之后"):
        payments.record_payment(lease, purpose=Purpose.DEPOSIT_IN, on=dt.date(2031, 3, 11),
                                amount=Decimal("500.00"), cash_code="102",
                                by=by_name.user("accountant"), today=FROZEN)


def test_a_year_is_distributed_only_when_the_callers_day_says_it_is_over(by_name: Any) -> None:
    org = by_name.org("shian-tdgf")
    with pytest.raises(DistributionError) as refused:
        distribution.create_plan(org, 2031, distribution.PlanData(
            mode=Mode.LAND_SHARE, members_total=Decimal("100.00")),
            by=by_name.user("accountant"), today=FROZEN)
    assert refused.value.params == {"year": 2031}
