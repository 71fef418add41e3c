"""The township's warnings of money control (coopledger.supervision.rules): bank months not
reconciled by the end of the next month, months without a cash count, spending requests
stalled at a step or paid and not booked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from coopledger.supervision import rules
from coopledger.supervision.rules import BankMonth, OpenRequest


def test_a_bank_month_is_due_by_the_end_of_the_next_month() -> None:
    months = [BankMonth(7, 2024, 3, reconciled=False), BankMonth(7, 2024, 4, reconciled=True),
              BankMonth(7, 2024, 5, reconciled=False)]
    assert rules.unreconciled_months(months, on=dt.date(2024, 4, 30)) == []
    hits = rules.unreconciled_months(months, on=dt.date(2024, 5, 1))
    assert [(h.ref.kind, h.ref.key, h.on) for h in hits] == [
        ("bank_month", "7:2024-03", dt.date(2024, 3, 31))]
    assert [h.ref.key for h in rules.unreconciled_months(months, on=dt.date(2024, 7, 1))] == \
        ["7:2024-03", "7:2024-05"]


def test_every_complete_month_without_a_cash_count() -> None:
    counted = frozenset({(2024, 1), (2024, 3)})
    hits = rules.uncounted_months(dt.date(2024, 1, 1), counted, on=dt.date(2024, 5, 15))
    assert [h.ref.key for h in hits] == ["2024-02", "2024-04"]          # May is not over
    assert rules.uncounted_months(None, counted, on=dt.date(2024, 5, 15)) == []


def test_a_request_waits_a_week_at_a_step_and_a_paid_one_ten_days_for_its_voucher() -> None:
    found = [OpenRequest(1, dt.date(2024, 3, 1), Decimal("800.00"), "supervisor"),
             OpenRequest(2, dt.date(2024, 3, 3), Decimal("900.00"), "village_head"),
             OpenRequest(3, dt.date(2024, 2, 29), Decimal("500.00"), "")]
    hits = rules.stalled_requests(found, on=dt.date(2024, 3, 9))
    assert [(h.ref.key, h.note) for h in hits] == [("1", "waiting:supervisor")]
    hits = rules.stalled_requests(found, on=dt.date(2024, 3, 11))
    assert [(h.ref.key, h.note) for h in hits] == [
        ("1", "waiting:supervisor"), ("2", "waiting:village_head"), ("3", "paid_unbooked")]
    assert all(h.note in rules.NOTE_LABELS for h in hits)
    assert rules.Rule.SPENDING_STALLED.severity is rules.Severity.YELLOW
    assert rules.Rule.BANK_NOT_RECONCILED.severity is rules.Severity.RED
