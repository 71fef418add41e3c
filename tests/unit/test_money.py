"""money.py: parsing, fen storage, rounding, largest-remainder allocation, uppercase amounts."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.money import (
    MoneyInputError,
    allocate,
    amount_in_words,
    from_fen,
    parse_money,
    round_money,
    to_fen,
)

VECTORS = Path(__file__).resolve().parents[1] / "data" / "amount_words.csv"


def _vectors() -> list[tuple[str, str]]:
    with VECTORS.open(encoding="utf-8") as handle:
        return [(row["amount"], row["words"]) for row in csv.DictReader(handle)]


@pytest.mark.parametrize(("amount", "words"), _vectors())
def test_uppercase_amount_matches_the_reference_vectors(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(("amount", "words"), [
    ("0", "零元整"), ("10.10", "壹拾元壹角整"), ("100010", "壹拾万零壹拾元整"),
    ("100000001", "壹亿零壹元整"), ("-3.20", "负叁元贰角整"), ("20000.09", "贰万元零玖分"),
])
def test_uppercase_amount_zero_rules(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(("text", "expected"), [
    ("12.3", Decimal("12.30")), (" 1,234.56 ", Decimal("1234.56")), ("0", Decimal("0.00")),
    ("-5.01", Decimal("-5.01")),
])
def test_parse_money_accepts_plain_amounts(text: str, expected: Decimal) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(("text", "reason"), [
    ("12.345", "两位小数"), ("NaN", "不是有效的金额"), ("Infinity", "不是有效的金额"),
    ("abc", "不是有效的金额"), ("", "请填写金额"), ("1000000000000", "超出允许范围"),
    ("1e5", "不是有效的金额"), ("-0", "不能是负零"), ("-0.00", "不能是负零"),
    ("12.", "不是有效的金额"),
    ("1,23", "不是有效的金额"), ("0x10", "不是有效的金额"),
])
def test_parse_money_refuses_with_a_sentence(text: str, reason: str) -> None:
    with pytest.raises(MoneyInputError) as excinfo:
        parse_money(text)
    assert reason in str(excinfo.value)


def test_parse_money_refuses_floats() -> None:
    with pytest.raises(MoneyInputError):
        parse_money(0.1)  # type: ignore[arg-type]


def test_fen_round_trip_and_refusal_of_sub_fen() -> None:
    assert to_fen(Decimal("1234.56")) == 123456
    assert from_fen(123456) == Decimal("1234.56")
    with pytest.raises(MoneyInputError):
        to_fen(Decimal("0.001"))


def test_rounding_is_half_up() -> None:
    assert round_money(Decimal("0.125")) == Decimal("0.13")
    assert round_money(Decimal("0.135")) == Decimal("0.14")
    assert round_money(Decimal("-0.125")) == Decimal("-0.13")


def test_allocate_gives_the_odd_fen_to_the_largest_remainders_then_member_order() -> None:
    parts = allocate(Decimal("100.00"), {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)},
                     order={"a": 3, "b": 1, "c": 2})
    assert parts == {"a": Decimal("33.33"), "b": Decimal("33.34"), "c": Decimal("33.33")}


@given(
    pool_fen=st.integers(min_value=0, max_value=10**11),
    weights=st.lists(st.decimals(min_value=0, max_value=10**6, places=4), min_size=1,
                     max_size=40),
)
def test_allocation_adds_up_to_the_pool_and_stays_within_a_fen(pool_fen: int,
                                                                weights: list[Decimal]) -> None:
    if sum(weights) <= 0:
        weights = [*weights, Decimal(1)]
    pool = from_fen(pool_fen)
    keyed = dict(enumerate(weights))
    parts = allocate(pool, keyed)
    assert sum(parts.values()) == pool
    total = sum(weights)
    for key, part in parts.items():
        assert part >= 0
        exact = pool * keyed[key] / total
        assert abs(part - exact) < Decimal("0.01")
