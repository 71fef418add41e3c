"""Implausible values are refused with a sentence: business dates before 1990 or more than ten
years ahead, contracts running more than 70 years, a parcel of more than 10,000 亩."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coopledger.plausible import ImplausibleError, check_area, check_date, check_term
from coopledger.shares.models import OperationKind
from coopledger.shares.rules import Op, check_request

TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize("on", [dt.date(24, 3, 1), dt.date(1989, 12, 31), dt.date(2036, 12, 2),
                                dt.date(9999, 12, 31)])
def test_dates_outside_the_window_are_refused(on: dt.date) -> None:
    with pytest.raises(ImplausibleError, match="不在 1990-01-01 至 2036-12-01 之间"):
        check_date(on, today=TODAY, what="入股日期")


def test_dates_inside_the_window_pass() -> None:
    for on in (dt.date(1990, 1, 1), TODAY, dt.date(2036, 12, 1)):
        check_date(on, today=TODAY, what="入股日期")


def test_contract_terms_and_parcel_areas() -> None:
    check_term(dt.date(2024, 1, 1), dt.date(2058, 12, 31))          # 承包期 to 2058
    with pytest.raises(ImplausibleError, match="距开始超过 70 年"):
        check_term(dt.date(2024, 1, 1), dt.date(2199, 12, 31))
    with pytest.raises(ImplausibleError, match="不合常理"):
        check_term(dt.date(202, 1, 1), None)
    check_area(Decimal("2.7700"), what="地块面积")
    with pytest.raises(ImplausibleError, match="地块面积 123456 亩超过 10000 亩"):
        check_area(Decimal("123456"), what="地块面积")


def test_a_register_date_from_the_year_24_is_refused() -> None:
    op = Op(1, OperationKind.SUBSCRIBE, 1, None, 2, Decimal("1"), dt.date(24, 3, 1))
    with pytest.raises(ImplausibleError, match="生效日期 0024-03-01 不在 1990-01-01"):
        check_request(op, today=TODAY, windows={2: None}, collective_only=True, names={})
