"""ledger/rules.py: voucher lines, sub-account codes, periods, formulas, closing transfers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coopledger.ledger.rules import (
    Line,
    PeriodSpecError,
    Term,
    VoucherRuleError,
    check_lines,
    check_subaccount_code,
    closing_lines,
    parse_formula,
    parse_period,
    reversal_lines,
    transfer_result_lines,
)

Z = Decimal("0.00")


def _line(code: str, debit: str = "0", credit: str = "0", summary: str = "摘要") -> Line:
    return Line(summary, code, Decimal(debit), Decimal(credit))


def test_a_balanced_voucher_returns_its_total() -> None:
    assert check_lines([_line("102", "10.00"), _line("501", credit="4.00"),
                        _line("502", credit="6.00")]) == Decimal("10.00")


@pytest.mark.parametrize(("lines", "reason"), [
    ([_line("102", "10")], "至少要有两行"),
    ([_line("102", "10"), _line("501", credit="9.99")], "相差 0.01"),
    ([_line("102", "10", "10"), _line("501", credit="10")], "只能在借方或贷方"),
    ([_line("102"), _line("501", credit="0")], "只能在借方或贷方"),
    ([_line("102", "-10"), _line("501", credit="-10")], "只有红字冲销凭证可以用负数"),
    ([_line("102", "10", summary=" "), _line("501", credit="10")], "没有填写摘要"),
])
def test_broken_vouchers_are_refused(lines: list[Line], reason: str) -> None:
    with pytest.raises(VoucherRuleError) as excinfo:
        check_lines(lines)
    assert reason in str(excinfo.value)


def test_reversal_negates_every_amount_on_the_same_side() -> None:
    lines = reversal_lines([_line("513", "120.00"), _line("101", credit="120.00")],
                           original_label="记-12", original_on=dt.date(2025, 3, 5))
    assert lines[0].summary == "冲销 2025年3月5日 记-12"
    assert [(x.debit, x.credit) for x in lines] == [(Decimal("-120.00"), Z),
                                                    (Z, Decimal("-120.00"))]
    assert check_lines(lines, reversal=True) == Decimal("-120.00")
    with pytest.raises(VoucherRuleError):
        check_lines([_line("102", "10"), _line("501", credit="10")], reversal=True)


@pytest.mark.parametrize(("parent", "code", "ok"), [
    ("102", "10201", True), ("322", "32202", True), ("3220101", "322010101", True),
    ("102", "1020", False), ("102", "10301", False), ("102", "102001234", False),
    ("113", "113AB", False),
])
def test_sub_account_codes_extend_the_parent(parent: str, code: str, ok: bool) -> None:
    if ok:
        check_subaccount_code(parent, code)
    else:
        with pytest.raises(VoucherRuleError):
            check_subaccount_code(parent, code)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ("2025-Q4", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    ("2024-03-05..2024-04-01", dt.date(2024, 3, 5), dt.date(2024, 4, 1)),
])
def test_periods(text: str, start: dt.date, end: dt.date) -> None:
    assert parse_period(text) == (start, end)


@pytest.mark.parametrize("text", ["24", "2024-13", "2024-Q5", "2024-04-01..2024-03-01", "x"])
def test_bad_periods(text: str) -> None:
    with pytest.raises(PeriodSpecError):
        parse_period(text)


def test_formulas() -> None:
    assert parse_formula("bal:101 + dbal:113 - L3 + pl") == [
        Term(1, "bal", "101"), Term(1, "dbal", "113"), Term(-1, "line", "3"), Term(1, "pl", "")]
    with pytest.raises(ValueError, match="bad term"):
        parse_formula("bal:101 + cash")


def test_closing_moves_income_and_expenses_to_the_years_result() -> None:
    lines = closing_lines({"501": ("经营收入", Decimal("-8000.00")),
                           "513": ("管理费用", Decimal("1234.56")),
                           "502": ("投资收益", Z)}, year=2024, current_earnings="321")
    assert [(x.account_code, x.debit, x.credit) for x in lines] == [
        ("501", Decimal("8000.00"), Z), ("513", Z, Decimal("1234.56")),
        ("321", Z, Decimal("6765.44"))]
    assert check_lines(lines) == Decimal("8000.00")
    transfer = transfer_result_lines(Decimal("6765.44"), year=2024, current_earnings="321",
                                     retained="32202")
    assert [(x.account_code, x.debit, x.credit) for x in transfer] == [
        ("321", Decimal("6765.44"), Z), ("32202", Z, Decimal("6765.44"))]
    loss = transfer_result_lines(Decimal("-5.00"), year=2024, current_earnings="321",
                                 retained="32202")
    assert [(x.account_code, x.debit) for x in loss] == [("32202", Decimal("5.00")), ("321", Z)]
