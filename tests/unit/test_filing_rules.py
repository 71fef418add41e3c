"""The pure arithmetic of upward filings (issue 21): formulas, indicators, balance rules on
exact and rounded figures, year-on-year changes, exact summary sums and the workflow rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coopledger.auth.actions import Action
from coopledger.filings import rules
from coopledger.filings.layouts import forms_of
from coopledger.orgs.models import AccountingStandard

D = Decimal


def _rows(**formulas: str) -> list[rules.RowRule]:
    return [rules.RowRule(code.lstrip("_"), formula=tuple(rules.parse_formula(text)))
            for code, text in formulas.items()]


def test_a_row_may_name_rows_below_it_and_sources_are_read_once_per_term() -> None:
    seen: list[str] = []

    def source(term: rules.Term) -> D:
        seen.append(f"{term.kind}:{term.ref}")
        return {"is:1": D("555721.98"), "cflow:501~发包|承包": D("60000.00")}[
            f"{term.kind}:{term.ref}"]

    values = rules.evaluate(_rows(_1="is:1 - R2", _2="cflow:501~发包|承包",
                                  _7="R1 + R2 - 0.5*R2"), source)
    assert values == {"1": D("495721.98"), "2": D("60000.00"), "7": D("525721.98")}
    assert sorted(seen) == ["cflow:501~发包|承包", "is:1"]


@pytest.mark.parametrize("text", ["R1 +", "R1 R2", "R1 + + R2", "bogus:1", "", "x*R1"])
def test_a_malformed_formula_is_a_data_error(text: str) -> None:
    with pytest.raises(rules.FormulaError):
        rules.parse_formula(text)


def test_a_leading_sign_negates_the_first_term() -> None:
    assert rules.evaluate(_rows(_1="- 5 + R2", _2="7"), lambda term: D(0))["1"] == D(2)


def test_a_cycle_between_rows_is_a_data_error() -> None:
    with pytest.raises(rules.FormulaError, match="depends on itself"):
        rules.evaluate(_rows(_1="R2", _2="R1"), lambda term: D(0))


@pytest.mark.parametrize(("result", "bands"), [
    ("-1.00", {"23": 1, "24": 0, "25": 0, "26": 0, "27": 0, "28": 0}),
    ("0.00", {"23": 1, "24": 0, "25": 0, "26": 0, "27": 0, "28": 0}),
    ("49999.99", {"23": 0, "24": 1, "25": 1, "26": 1, "27": 0, "28": 0}),
    ("50000.00", {"23": 0, "24": 1, "25": 1, "26": 0, "27": 1, "28": 0}),
    ("100000.00", {"23": 0, "24": 1, "25": 1, "26": 0, "27": 1, "28": 0}),
    ("100000.01", {"23": 0, "24": 1, "25": 1, "26": 0, "27": 0, "28": 1}),
])
def test_the_income_band_indicators_count_a_village_once(result: str,
                                                         bands: dict[str, int]) -> None:
    """附报指标 22–28 of 表六: 本年收益 (row 11) and 经营收益 (row 7) set to ``result``."""
    form = next(f for f in forms_of(AccountingStandard.VILLAGE_2023)
                if f.key == "income_distribution")
    wanted = {"7", "11", *bands, "22"}
    formula = f"- {result[1:]}" if result.startswith("-") else result
    rows = [rules.RowRule(r.code, formula=tuple(rules.parse_formula(formula)))
            if r.code in ("7", "11") else r.rule for r in form.rows if r.code in wanted]
    values = rules.evaluate(rows, lambda term: D(0))
    assert {code: int(values[code]) for code in bands} == bands
    assert values["22"] == values["23"] + values["24"]
    assert values["25"] == values["26"] + values["27"] + values["28"]


def test_a_rule_holds_exact_and_shows_its_rounding_difference() -> None:
    """14=12-13 of 表七 with the sample's figures: exact it holds, in 万元 it is 0.01 off."""
    rule = rules.parse_rule("14=12-13")
    exact = {"12": D("325964.85"), "13": D("23548.31"), "14": D("302416.54")}
    shown = rules.reported(exact, dict.fromkeys(exact, "万元"))
    assert shown == {"12": D("32.60"), "13": D("2.35"), "14": D("30.24")}
    [result] = rules.check([rule], exact, shown, lambda term: D(0), lambda v: v)
    assert result.holds
    assert not result.holds_reported
    assert result.rounding_difference == D("-0.01")


def test_a_rule_that_fails_names_both_sides() -> None:
    exact = {"1": D("10.00"), "2": D("3.00"), "3": D("4.00")}
    [result] = rules.check([rules.parse_rule("1=2+3")], exact, exact, lambda t: D(0),
                           lambda v: v)
    assert (result.holds, result.left, result.right, result.difference) == (
        False, D("10.00"), D("7.00"), D("3.00"))


def test_a_tie_compares_a_row_with_the_statements() -> None:
    rule = rules.parse_rule("11=is:13")
    exact = {"11": D("449206.89")}
    [tie] = rules.check([rule], exact, rules.reported(exact, {"11": "万元"}),
                        lambda term: D("449206.89") if term.ref == "13" else D(0),
                        lambda v: (v / 10000).quantize(D("0.01")))
    assert tie.holds
    assert tie.holds_reported


@pytest.mark.parametrize(("returned", "distributed", "holds"), [
    ("60.00", "100.00", True), ("59.99", "100.00", False), ("0.00", "0.00", True)])
def test_the_sixty_percent_rule_applies_when_something_is_distributed(
        returned: str, distributed: str, holds: bool) -> None:
    """表十一 8>=0.6*7 if 12>0: 按交易量返还 ≥ 60 % of 可分配盈余 (农民专业合作社法 §44)."""
    rule = rules.parse_rule("8>=0.6*7 if 12>0")
    exact = {"7": D("100.00"), "8": D(returned), "12": D(distributed)}
    [result] = rules.check([rule], exact, exact, lambda t: D(0), lambda v: v)
    assert result.holds is holds
    assert result.applies is (distributed != "0.00")


@pytest.mark.parametrize(("last", "this", "listed"), [
    ("100.00", "130.00", False), ("100.00", "130.01", True), ("100.00", "69.99", True),
    ("100.00", "70.00", False), ("0.00", "5.00", True), ("0.00", "0.00", False),
    ("-100.00", "-131.00", True)])
def test_changes_above_thirty_percent_are_listed(last: str, this: str, listed: bool) -> None:
    found = rules.changes({"1": D(this)}, {"1": D(last)}, ["1"], threshold=D("0.30"))
    assert bool(found) is listed


def test_no_changes_without_a_last_year() -> None:
    assert rules.changes({"1": D("5.00")}, {}, ["1"], threshold=D("0.30")) == []


def test_a_summary_sums_exact_figures_and_rounds_once() -> None:
    """Three villages of 0.6 万元 less a fen each: the parts round to 0.60 each (1.80 in all),
    the exact sum 17,999.97 rounds to 1.80; with 0.004 万元 parts the sum of rounded parts
    (0.00) and the rounded sum (0.01) differ, and the difference is shown, not spread."""
    parts = [{"1": D("5999.99")}, {"1": D("5999.99")}, {"1": D("5999.99")}]
    total = rules.summed(parts)
    assert total == {"1": D("17999.97")}
    assert rules.rounding_gap(total["1"], [D("0.60")] * 3) == D("0.00")
    small = rules.summed([{"1": D("40.00")}] * 3)
    assert small == {"1": D("120.00")}
    assert rules.rounding_gap(small["1"], [D("0.00")] * 3) == D("0.01")


@pytest.mark.parametrize(("state", "today", "expected"), [
    ("none", dt.date(2025, 12, 31), "not_due"), ("none", dt.date(2026, 1, 1), "due"),
    ("none", dt.date(2026, 3, 31), "due"), ("none", dt.date(2026, 4, 1), "overdue"),
    ("returned", dt.date(2026, 4, 1), "returned"),
    ("accepted", dt.date(2026, 2, 1), "accepted")])
def test_the_calendar_state_of_a_year(state: str, today: dt.date, expected: str) -> None:
    assert rules.calendar_state(state, 2025, today=today) == expected


def _steps(state: str = "none", *, may: frozenset[Action] = frozenset(Action),
           closed: bool = True, failing: int = 0, unexplained: int = 0,
           filed_by: int | None = None, user: int = 7) -> rules.Steps:
    return rules.filing_steps(state, may=lambda action: action in may, closed=closed,
                              failing_rules=failing, unexplained=unexplained,
                              filed_by=filed_by, user_id=user)


def test_who_may_take_which_filing_step() -> None:
    assert _steps().allowed == {"submit", "explain"}
    assert "submit" not in _steps(closed=False)
    assert _steps(closed=False).why_not["submit"].message.startswith("这一年度尚未结账")
    assert _steps(failing=2).why_not["submit"].params == {"n": 2}
    assert _steps(unexplained=1).why_not["submit"].params == {"n": 1}
    assert _steps("submitted", filed_by=3).allowed == {"accept", "return"}
    assert _steps("submitted", filed_by=7).allowed == frozenset()
    own = _steps("submitted", filed_by=7).why_not["accept"]
    assert own is not None
    assert own.message == "报送人不能审核自己报送的报表。"
    assert _steps("returned", filed_by=7).allowed == {"submit", "explain"}
    assert _steps("accepted", filed_by=3).allowed == frozenset()
    assert _steps("submitted", may=frozenset({Action.FILE_RETURNS}), filed_by=3).allowed \
        == frozenset()


def test_every_form_of_every_standard_reads_and_its_rules_name_its_rows() -> None:
    for standard in AccountingStandard:
        for form in forms_of(standard):
            codes = {row.code for row in form.rows}
            assert len(codes) == len(form.rows), form.key
            for rule in (*form.checks, *form.ties):
                assert rule.left in codes, (form.key, rule.text)
                for term in rule.right:
                    assert term.kind != "row" or term.ref in codes, (form.key, rule.text)
            for row in form.rows:
                for term in row.rule.formula:
                    assert term.kind != "row" or term.ref in codes, (form.key, row.code)


def test_the_county_reviews_only_the_latest_summary_and_not_its_own() -> None:
    def steps(state: str = "produced", *, latest: bool = True,
              producer: int = 3) -> rules.Steps:
        return rules.summary_steps(state, may=lambda action: True, latest=latest,
                                   produced_by=producer, user_id=7)

    assert steps().allowed == {"accept", "return"}
    assert steps(latest=False).allowed == frozenset()
    assert steps(producer=7).allowed == frozenset()
    assert steps("accepted").allowed == frozenset()
    assert steps("returned").allowed == frozenset()
