"""The disclosure calendar and the publication hash chain, by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coopledger.disclosure import rules
from coopledger.disclosure.rules import CalendarState, Frequency
from coopledger.ids import unmasked

D = dt.date


def test_quarterly_and_monthly_periods_with_the_annual_one() -> None:
    quarters = rules.periods(Frequency.QUARTERLY, 2025)
    assert [(p.key, p.start, p.end) for p in quarters] == [
        ("2025-Q1", D(2025, 1, 1), D(2025, 3, 31)), ("2025-Q2", D(2025, 4, 1), D(2025, 6, 30)),
        ("2025-Q3", D(2025, 7, 1), D(2025, 9, 30)), ("2025-Q4", D(2025, 10, 1), D(2025, 12, 31)),
        ("2025", D(2025, 1, 1), D(2025, 12, 31))]
    months = rules.periods(Frequency.MONTHLY, 2024)
    assert len(months) == 13
    assert (months[1].key, months[1].end) == ("2024-02", D(2024, 2, 29))
    assert rules.period_of("2025-Q2") == quarters[1]
    assert rules.period_of("2024-02") == months[1]
    assert rules.period_of("2025").annual
    for bad in ("2025-Q5", "2025-13", "25", "2025-1"):
        with pytest.raises(ValueError, match=bad):
            rules.period_of(bad)


def test_deadline_is_the_day_of_the_following_month_clamped() -> None:
    q1 = rules.period_of("2025-Q1")
    assert rules.deadline(q1, day=15) == D(2025, 4, 15)
    assert rules.deadline(rules.period_of("2025-01"), day=31) == D(2025, 2, 28)
    assert rules.deadline(rules.period_of("2025"), day=20) == D(2026, 1, 20)


@pytest.mark.parametrize(("today", "published", "state"), [
    (D(2025, 3, 31), None, CalendarState.NOT_DUE),
    (D(2025, 4, 1), None, CalendarState.DUE),
    (D(2025, 4, 15), None, CalendarState.DUE),
    (D(2025, 4, 16), None, CalendarState.MISSING),
    (D(2025, 5, 1), D(2025, 4, 15), CalendarState.PUBLISHED),
    (D(2025, 5, 1), D(2025, 4, 16), CalendarState.LATE),
])
def test_states_are_computed_from_the_dates(today: dt.date, published: dt.date | None,
                                            state: CalendarState) -> None:
    q1 = rules.period_of("2025-Q1")
    assert rules.calendar_state(q1, due_by=D(2025, 4, 15), published_on=published,
                                today=today) is state


def test_the_hash_chain_holds_and_breaks_where_it_was_changed() -> None:
    links = []
    previous = rules.GENESIS
    for n in range(3):
        contents = rules.canonical_json({"n": n, "total": Decimal("12.50"),
                                         "on": D(2025, 3, 31)})
        pdf = f"%PDF-{n}".encode()
        digest = rules.publication_hash(previous, contents, pdf, f"{n:064x}")
        links.append((previous, digest, contents, pdf, f"{n:064x}"))
        previous = digest
    assert rules.verify_chain(links) is None
    assert b'"total":"12.50"' in links[0][2]
    tampered = list(links)
    prev, digest, contents, pdf, head = tampered[1]
    tampered[1] = (prev, digest, contents.replace(b"12.50", b"12.60"), pdf, head)
    assert rules.verify_chain(tampered) == 1
    reordered = [links[0], links[2], links[1]]
    assert rules.verify_chain(reordered) == 1
    code = rules.short_code(links[2][1])
    assert len(code) == 12
    assert code.isupper() or code.isalnum()


def test_unmasked_finds_ids_and_long_digit_runs_only() -> None:
    text = ("张三 511623199001011234 账号 6228480412345678901 电话 138****5678 "
            "身份证 5116**********1234 金额 1234567.89 凭证 2025-03-000123")
    assert unmasked(text) == ["511623199001011234", "6228480412345678901"]
    assert unmasked("51162319900101123X") == ["51162319900101123X"]


def test_periods_that_ended_before_the_books_opened_are_left_out() -> None:
    opened = dt.date(2025, 4, 1)
    keys = [p.key for p in rules.periods(rules.Frequency.QUARTERLY, 2025, opened=opened)]
    assert keys == ["2025-Q2", "2025-Q3", "2025-Q4", "2025"]
    assert [p.key for p in rules.periods(rules.Frequency.MONTHLY, 2025,
                                         opened=dt.date(2025, 11, 30))] == ["2025-11", "2025-12",
                                                                            "2025"]
