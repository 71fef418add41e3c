"""The pure rules of bank reconciliation and the cash count (coopledger.banking.rules)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D  # noqa: N817

import pytest

from coopledger.banking import rules
from coopledger.banking.rules import BankingError, BankLine, BookLine, ParsedLine

DAY = dt.date(2024, 3, 1)


def book(line_id: int, day: int, amount: str, summary: str = "") -> BookLine:
    return BookLine(line_id, DAY.replace(day=day), D(amount), summary)


def bank(line_id: int, day: int, amount: str, reference: str = "",
         counterparty: str = "") -> BankLine:
    return BankLine(line_id, DAY.replace(day=day), D(amount), counterparty, reference)


def test_lines_match_on_amount_and_direction_within_the_window() -> None:
    pairs = rules.match([bank(1, 6, "8000.00"), bank(2, 15, "-15.00"), bank(3, 20, "-500.00")],
                        [book(10, 5, "8000.00"), book(11, 5, "-8000.00"),
                         book(12, 1, "-500.00")], window_days=5)
    assert pairs == [(1, 10)]         # −8,000 is the other direction; the −500 is 19 days off


def test_the_reference_then_the_nearest_date_wins_and_each_line_is_taken_once() -> None:
    lines = [book(10, 3, "100.00", "付款"), book(11, 6, "100.00", "付款 B0306"),
             book(12, 7, "100.00", "付款")]
    assert rules.match([bank(1, 5, "100.00", reference="B0306")], lines,
                       window_days=3) == [(1, 11)]
    assert rules.match([bank(1, 6, "100.00"), bank(2, 6, "100.00"), bank(3, 6, "100.00"),
                        bank(4, 6, "100.00")], lines, window_days=3) == \
        [(1, 11), (2, 12), (3, 10)]
    assert rules.match([bank(1, 6, "100.00", counterparty="鑫农公司")],
                       [book(10, 6, "100.00"), book(11, 8, "100.00", "收鑫农公司租金")],
                       window_days=3) == [(1, 11)]


def test_a_window_of_zero_days_matches_the_same_day_only() -> None:
    assert rules.match([bank(1, 6, "1.00")], [book(10, 5, "1.00")], window_days=0) == []
    assert rules.match([bank(1, 5, "1.00")], [book(10, 5, "1.00")], window_days=0) == [(1, 10)]


def test_the_table_has_every_kind_of_item_and_agrees() -> None:
    """The March case of tests/banking_helpers.py, by hand."""
    table = rules.reconcile(
        as_of=dt.date(2024, 3, 31), book_balance=D("104800.00"), bank_balance=D("103016.50"),
        unmatched_book=[book(11, 20, "-1200.00", "支票"), book(12, 28, "3000.00", "承包费")],
        unmatched_bank=[bank(2, 15, "-15.00"), bank(3, 21, "31.50")])
    assert [i.amount for i in table.book_in] == [D("3000.00")]
    assert [i.amount for i in table.book_out] == [D("1200.00")]
    assert [i.amount for i in table.bank_in] == [D("31.50")]
    assert [i.amount for i in table.bank_out] == [D("15.00")]
    assert table.adjusted_book == table.adjusted_bank == D("104816.50")
    assert table.agrees
    assert table.difference == 0
    assert [i.age(table.as_of) for i in table.book_out] == [11]
    assert not table.book_out[0].stale(table.as_of)
    assert table.book_out[0].stale(dt.date(2024, 4, 20))           # 31 days outstanding
    rows = table.rows()
    assert len(rows) == 2
    assert rows[0][0] is not None
    assert rows[0][0][0] == rules.BANK_IN
    assert rows[1][1] is not None
    assert rows[1][1][0] == rules.BOOK_OUT


def test_a_table_whose_balances_started_apart_does_not_agree() -> None:
    table = rules.reconcile(as_of=dt.date(2024, 3, 31), book_balance=D("95000.00"),
                            bank_balance=D("94000.00"), unmatched_book=[], unmatched_bank=[])
    assert not table.agrees
    assert table.difference == D("1000.00")


@pytest.mark.parametrize(("amount", "money_in", "money_out", "expected"), [
    (D("-15.00"), None, None, D("-15.00")),
    (None, D("31.50"), None, D("31.50")),
    (None, None, D("15.00"), D("-15.00")),
    (None, D("0.00"), D("15.00"), D("-15.00")),
])
def test_a_rows_amount_is_signed_from_the_organisations_side(
        amount: D | None, money_in: D | None, money_out: D | None, expected: D) -> None:
    assert rules.signed_amount(amount=amount, money_in=money_in, money_out=money_out) == expected


@pytest.mark.parametrize(("amount", "money_in", "money_out", "reason"), [
    (D("0.00"), None, None, "金额为零"),
    (None, D("1.00"), D("2.00"), "收入和支出两列须且只能填一列"),
    (None, None, None, "收入和支出两列须且只能填一列"),
])
def test_a_row_without_one_amount_is_refused(amount: D | None, money_in: D | None,
                                             money_out: D | None, reason: str) -> None:
    with pytest.raises(BankingError, match=reason):
        rules.signed_amount(amount=amount, money_in=money_in, money_out=money_out)


def test_balances_must_add_up_row_by_row_and_give_the_opening() -> None:
    lines = [ParsedLine(4, DAY, D("8000.00"), D("103000.00")),
             ParsedLine(5, DAY, D("-15.00"), D("102985.00")),
             ParsedLine(6, DAY, D("31.50"), D("103016.00"))]
    assert [row for row, _sentence, _params in rules.check_balances(lines)] == [6]
    assert rules.opening_of(lines, None) == D("95000.00")
    assert rules.opening_of(lines, D("95000.00")) == D("95000.00")
    with pytest.raises(BankingError, match="不一致"):
        rules.opening_of(lines, D("94000.00"))
    plain = [ParsedLine(4, DAY, D("1.00"))]
    assert rules.opening_of(plain, D("10.00")) == D("10.00")
    with pytest.raises(BankingError, match="请填写对账单的期初余额"):
        rules.opening_of(plain, None)


def test_a_statement_may_not_overlap_or_leave_a_gap_in_the_balance() -> None:
    march = (dt.date(2024, 3, 1), dt.date(2024, 3, 31), D("95000.00"), D("103016.50"))
    with pytest.raises(BankingError, match="重叠"):
        rules.check_sequence(first_on=dt.date(2024, 3, 31), last_on=dt.date(2024, 4, 30),
                             opening=D("103016.50"), earlier=[march])
    with pytest.raises(BankingError, match="漏了一段对账单"):
        rules.check_sequence(first_on=dt.date(2024, 4, 1), last_on=dt.date(2024, 4, 30),
                             opening=D("100000.00"), earlier=[march])
    rules.check_sequence(first_on=dt.date(2024, 4, 1), last_on=dt.date(2024, 4, 30),
                         opening=D("103016.50"), earlier=[march])


def test_the_cash_counted_by_denomination() -> None:
    assert rules.counted_total({D("100"): 12, D("10"): 3, D("0.5"): 3, D("0.1"): 2}) == \
        D("1231.70")
    with pytest.raises(BankingError, match="负数"):
        rules.counted_total({D("100"): -1})
    with pytest.raises(BankingError, match="没有面额"):
        rules.counted_total({D("2"): 1})


def test_months_step_over_the_year_end() -> None:
    from coopledger.ledger.rules import months_between, next_month, previous_month

    assert next_month(2024, 12) == (2025, 1)
    assert previous_month(2025, 1) == (2024, 12)
    assert months_between((2024, 11), (2025, 2)) == [(2024, 11), (2024, 12), (2025, 1),
                                                    (2025, 2)]
    assert months_between((2025, 3), (2025, 2)) == []
