"""The township's warning rules on hand-made facts: each rule triggers and does not trigger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from coopledger.disclosure.rules import period_of
from coopledger.supervision import rules
from coopledger.supervision.rules import (
    CashDay,
    CashMove,
    ContractTerm,
    DisclosureDue,
    ExpenseVoucher,
    OpenFinding,
    OrgFacts,
    Payment,
    PlanFacts,
    Receivable,
    RecordRef,
    Ref,
    Rule,
    Severity,
)

D = Decimal
DAY = dt.date(2025, 3, 10)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def test_cash_over_limit_counts_each_day_the_balance_stays_above_it() -> None:
    moves = [CashMove(1, DAY, D("3000.00"), banked=True),        # 2,000 + 3,000 = 5,000: at limit
             CashMove(2, DAY + days(1), D("0.01"), banked=False),  # 5,000.01: over
             CashMove(3, DAY + days(3), D("-100.00"), banked=False)]  # back to 4,900.01
    hits = rules.cash_over_limit(D("2000.00"), rules.cash_days(moves), since=DAY,
                                 until=DAY + days(5),
                                 limit=D("5000.00"))
    assert [(h.on, h.amount) for h in hits] == [
        (DAY + days(1), D("5000.01")), (DAY + days(2), D("5000.01"))]
    assert hits[0].ref == Ref("cash_day", "2025-03-11")


def test_cash_at_or_under_the_limit_is_no_warning() -> None:
    moves = [CashMove(1, DAY, D("4999.99"), banked=False)]
    assert rules.cash_over_limit(D("0.00"), rules.cash_days(moves), since=DAY,
                                 until=DAY + days(30),
                                 limit=D("5000.00")) == []


def test_large_cash_payment_is_a_single_payment_out_of_cash_above_the_limit() -> None:
    moves = [CashMove(1, DAY, D("-2000.01"), banked=False),
             CashMove(2, DAY, D("-2000.00"), banked=False),   # at the limit: allowed
             CashMove(3, DAY, D("-9000.00"), banked=True),    # cash into the bank
             CashMove(4, DAY, D("9000.00"), banked=False)]    # received
    hits = rules.large_cash_payments(moves, limit=D("2000.00"))
    assert [(h.ref.key, h.amount) for h in hits] == [("1", D("2000.01"))]


def test_white_slip_is_an_expense_voucher_without_a_scan() -> None:
    expenses = [ExpenseVoucher(1, DAY, D("300.00"), scans=0),
                ExpenseVoucher(2, DAY, D("300.00"), scans=2)]
    assert [h.ref for h in rules.white_slips(expenses)] == [Ref("voucher", "1")]
    assert rules.white_slips(expenses[1:]) == []


def test_sit_in_sit_out_needs_cash_in_and_out_on_one_day_with_nothing_banked() -> None:
    other = DAY + days(1)
    banked_day = DAY + days(2)
    moves = [CashMove(1, DAY, D("800.00"), banked=False), CashMove(2, DAY, D("-300.00"), False),
             CashMove(3, other, D("800.00"), banked=False),             # received only
             CashMove(4, banked_day, D("800.00"), False), CashMove(5, banked_day, D("-300"), False),
             CashMove(6, banked_day, D("-500.00"), banked=True)]        # banked the rest
    by_day = rules.cash_days(moves)
    assert by_day == [CashDay(DAY, D("500.00"), D("800.00"), D("300.00"), False),
                      CashDay(other, D("800.00"), D("800.00"), D("0.00"), False),
                      CashDay(banked_day, D("0.00"), D("800.00"), D("300.00"), True)]
    hits = rules.sit_in_sit_out(by_day)
    assert [(h.on, h.amount) for h in hits] == [(DAY, D("300.00"))]


def test_round_sum_and_duplicate_payments() -> None:
    payments = [Payment(1, DAY, D("20000.00"), "应付款—某公司"),          # round
                Payment(2, DAY, D("9000.00"), "管理费用"),                 # round but small
                Payment(3, DAY + days(5), D("1234.56"), "应付款—某公司"),
                Payment(4, DAY + days(9), D("1234.56"), "应付款—某公司"),  # duplicate
                Payment(5, DAY + days(9), D("1234.56"), "管理费用"),       # other payee
                Payment(6, DAY + days(60), D("1234.56"), "应付款—某公司")]  # outside the window
    hits = rules.round_or_duplicate_payments(payments, unit=D("1000.00"),
                                             minimum=D("10000.00"), window_days=30)
    assert [(h.ref.key, h.note) for h in hits] == [("1", "round"), ("4", "duplicate")]


def test_overdue_rent_sums_what_is_outstanding_per_contract() -> None:
    receivables = [Receivable(7, DAY - days(40), D("1000.00"), "HT-1"),
                   Receivable(7, DAY - days(10), D("500.00"), "HT-1"),
                   Receivable(8, DAY, D("900.00"), "HT-2"),            # due today: not yet late
                   Receivable(9, DAY - days(1), D("0.00"), "HT-3")]    # fully received
    hits = rules.overdue_receivables(receivables, on=DAY)
    assert [(h.ref, h.on, h.amount) for h in hits] == [
        (Ref("contract", "7"), DAY - days(40), D("1500.00"))]


def test_expiring_contract_within_the_days_set() -> None:
    contracts = [ContractTerm(1, DAY + days(60)), ContractTerm(2, DAY + days(61)),
                 ContractTerm(3, None)]
    assert [h.ref.key for h in rules.expiring_contracts(contracts, on=DAY, days=60)] == ["1"]


def test_disclosures_missing_or_published_late() -> None:
    q1 = DisclosureDue(period_of("2025-Q1"), dt.date(2025, 4, 15), None)
    q2 = DisclosureDue(period_of("2025-Q2"), dt.date(2025, 7, 15), dt.date(2025, 7, 20))
    q3 = DisclosureDue(period_of("2025-Q3"), dt.date(2025, 10, 15), dt.date(2025, 10, 15))
    hits = rules.late_disclosures([q1, q2, q3], on=dt.date(2025, 11, 1),
                                  since=dt.date(2024, 1, 1))
    assert [(h.ref.key, h.note) for h in hits] == [("2025-Q1", "missing"), ("2025-Q2", "late")]
    assert rules.late_disclosures([q1], on=dt.date(2025, 4, 15), since=dt.date(2024, 1, 1)) == []


def test_periods_not_closed_after_the_grace_days() -> None:
    opened = dt.date(2025, 1, 1)
    closed = frozenset({(2025, 1), (2025, 3)})
    hits = rules.unclosed_periods(opened, closed, on=dt.date(2025, 4, 16), grace_days=15)
    assert [h.ref.key for h in hits] == ["2025-02"]
    later = rules.unclosed_periods(opened, closed, on=dt.date(2025, 5, 16), grace_days=15)
    assert [h.ref.key for h in later] == ["2025-02", "2025-04"]
    assert rules.last_closed_month(opened, closed) == (2025, 1)
    assert rules.unclosed_periods(None, closed, on=DAY, grace_days=15) == []


def test_distribution_above_distributable_without_resolution_or_filing() -> None:
    fine = PlanFacts(1, 2024, D("1000.00"), D("1000.00"), approved=True, has_resolution=True,
                     paid=True, filed=True)
    bad = PlanFacts(2, 2024, D("1000.00"), D("1200.00"), approved=True, has_resolution=False,
                    paid=True, filed=False)
    assert rules.distribution_problems([fine]) == []
    hits = rules.distribution_problems([bad])
    assert [(h.note, h.amount) for h in hits] == [
        ("above_distributable", D("200.00")), ("no_resolution", None), ("not_filed", None)]


def test_questions_unanswered_too_long() -> None:
    questions = [(1, DAY - days(16)), (2, DAY - days(15))]
    assert [h.ref.key for h in rules.unanswered_questions(questions, on=DAY, days=15)] == ["1"]


def test_failed_ledger_check_only_when_the_last_one_failed() -> None:
    assert rules.failed_ledger_check(None) == []
    assert rules.failed_ledger_check((DAY, True)) == []
    assert rules.failed_ledger_check((DAY, False))[0].ref == Ref("check", "2025-03-10")


def test_overdue_corrections() -> None:
    findings = [OpenFinding(1, DAY - days(1)), OpenFinding(2, DAY)]
    assert [h.ref.key for h in rules.overdue_corrections(findings, on=DAY)] == ["1"]


def test_evaluate_and_figures_colour_an_organisation() -> None:
    facts = OrgFacts(since=dt.date(2024, 1, 1), books_opened=dt.date(2025, 1, 1),
                     closed_months=frozenset({(2025, 1), (2025, 2)}),
                     expenses=[ExpenseVoucher(1, DAY, D("10.00"), scans=0)],
                     contracts=[ContractTerm(4, DAY + days(10))],
                     plans=[PlanFacts(1, 2024, D("1"), D("1"), approved=True,
                                      has_resolution=True, paid=False, filed=False,
                                      awaiting_filing=True)],
                     findings=[OpenFinding(3, DAY + days(5))])
    alerts = rules.evaluate(facts, rules.Thresholds(), on=DAY)
    assert {a.rule for a in alerts} == {Rule.WHITE_SLIP, Rule.EXPIRING_CONTRACT}
    figures = rules.figures(facts, {a.rule: len(a.hits) for a in alerts}, on=DAY)
    assert (figures.red, figures.yellow, figures.green) == (1, 1, len(Rule) - 2)
    assert figures.colour is Severity.RED
    assert figures.last_closed == (2025, 2)
    assert (figures.awaiting_filing, figures.open_findings) == (1, 1)
    assert rules.evaluate(OrgFacts(since=DAY), rules.Thresholds(), on=DAY) == []
    skipped = rules.evaluate(facts, rules.Thresholds(), on=DAY, skip=rules.VOUCHER_RULES)
    assert {a.rule for a in skipped} == {Rule.EXPIRING_CONTRACT}


def test_the_sample_is_reproducible_from_its_seed() -> None:
    ids = list(range(100, 400))
    first = rules.draw_sample(ids, size=20, seed=42)
    assert first == rules.draw_sample(reversed(ids), size=20, seed=42)
    assert len(set(first)) == 20
    assert set(first) <= set(ids)
    assert first != rules.draw_sample(ids, size=20, seed=43)
    assert rules.draw_sample([1, 2], size=20, seed=1) in ([1, 2], [2, 1])


def test_records_are_read_from_warning_links_and_voucher_numbers() -> None:
    refs, bad = rules.parse_records("voucher:12\n2025-03 记-7；contract:4, 凭证 2025-11 记-3\n乱写")
    assert refs == [RecordRef("voucher", "12"), RecordRef("voucher_no", "2025-03:记:7"),
                    RecordRef("contract", "4"), RecordRef("voucher_no", "2025-11:记:3")]
    assert bad == ["乱写"]
    assert rules.parse_records("2025-13 记-1")[1] == ["2025-13 记-1"]


def test_consecutive_days_read_as_one_span() -> None:
    hits = [rules.Hit(Ref("cash_day", str(d)), on=DAY + days(d), amount=D(str(5000 + d)))
            for d in (0, 1, 2, 5)]
    assert rules.day_spans(hits) == [
        rules.DaySpan(DAY, DAY + days(2), D("5002")), rules.DaySpan(DAY + days(5),
                                                                   DAY + days(5), D("5005"))]
