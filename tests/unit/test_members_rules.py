"""members/rules.py and the masking and derivation helpers of ids.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coopledger.ids import gender_of, mask_bank, mask_id, mask_phone
from coopledger.members.rules import (
    MemberRuleError,
    check_contribution,
    check_membership_dates,
    check_not_future,
    check_withdrawal,
    parse_area,
)

D = dt.date


def test_masks_keep_only_what_the_rule_allows() -> None:
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_bank("6231590100012345678") == "***************5678"
    assert mask_phone("13908161234") == "139****1234"
    assert mask_bank("") == ""


def test_gender_comes_from_the_sequence_code() -> None:
    assert gender_of("11010519491231002X") == "F"
    assert gender_of("511623196203150013") == "M"


@pytest.mark.parametrize(("text", "value"), [("1.85", Decimal("1.8500")),
                                             ("0.0001", Decimal("0.0001")), ("12", Decimal(12))])
def test_areas(text: str, value: Decimal) -> None:
    assert parse_area(text) == value


@pytest.mark.parametrize(("text", "reason"), [("0", "必须大于零"), ("1.00001", "四位小数"),
                                              ("-1", "不是有效的数字"), ("1e2", "不是有效的数字"),
                                              ("abc", "不是有效的数字")])
def test_bad_areas(text: str, reason: str) -> None:
    with pytest.raises(MemberRuleError) as excinfo:
        parse_area(text)
    assert reason in str(excinfo.value)


def test_a_parcel_can_be_contributed_again_the_day_after_its_withdrawal() -> None:
    check_contribution([(D(2024, 1, 1), D(2024, 6, 30))], D(2024, 7, 1))
    check_contribution([], D(2024, 7, 1))


@pytest.mark.parametrize("start", [D(2024, 6, 30), D(2024, 3, 1), D(2024, 1, 1)])
def test_overlapping_contributions_are_refused(start: dt.date) -> None:
    with pytest.raises(MemberRuleError) as excinfo:
        check_contribution([(D(2024, 1, 1), D(2024, 6, 30))], start)
    assert "同一时间不能入股两次" in str(excinfo.value)


def test_open_contribution_blocks_everything_after_and_before() -> None:
    with pytest.raises(MemberRuleError):
        check_contribution([(D(2024, 1, 1), None)], D(2030, 1, 1))
    with pytest.raises(MemberRuleError) as excinfo:
        check_contribution([(D(2024, 1, 1), None)], D(2023, 1, 1))
    assert "不能早于" in str(excinfo.value)


def test_dates() -> None:
    check_withdrawal(D(2024, 1, 1), D(2024, 1, 1))
    with pytest.raises(MemberRuleError):
        check_withdrawal(D(2024, 1, 2), D(2024, 1, 1))
    check_membership_dates(D(2024, 1, 1), D(2024, 1, 1))
    with pytest.raises(MemberRuleError):
        check_membership_dates(D(2024, 1, 2), D(2024, 1, 1))
    check_not_future(D(2024, 1, 1), today=D(2024, 1, 1))
    with pytest.raises(MemberRuleError):
        check_not_future(D(2024, 1, 2), today=D(2024, 1, 1))
