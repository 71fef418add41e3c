"""The township's warning rules (DESIGN §9, domain.md §4), as pure functions.

Each rule takes plain facts (dataclasses of dates and Decimals, gathered by ``facts.py``) and
the township's thresholds, and returns the hits behind its warning: each hit names the record
it comes from (a voucher, a day of the cash journal, a contract, a disclosure period, a plan…)
so the dashboard can link to it. No Flask, no SQL.

- Cash over the limit: the cash balance at the end of a day above ``cash_limit``.
- Large cash payment: one payment out of cash above ``cash_payment_limit``.
- 白条: a voucher paying an expense out of cash or the bank with no scanned original attached.
- 坐收坐支: on one day cash was received and cash was paid out (neither from nor to the bank)
  while no cash was banked that day.
- Round-sum payment: a payment of at least ``round_sum_minimum`` that is a whole multiple of
  ``round_sum_unit``; duplicate payment: the same amount to the same payee within
  ``duplicate_days`` of an earlier one.
- Overdue rent: a contract receipt past its due date and not fully received; expiring
  contract: an active contract ending within ``expiry_days``.
- Disclosure missing (deadline passed, nothing published) or late (published after it).
- Period not closed ``close_grace_days`` after the month ended.
- Distribution: appropriations above the distributable income; approved without the
  members' resolution on file; or paid before it was filed with the township.
- Member question unanswered for more than ``question_days``.
- The last ``verify-ledger`` of the books failed.
- A finding's correction (整改) deadline passed before the auditor closed it.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal

from coopledger.auth.actions import Action
from coopledger.disclosure import rules as disclosure_rules
from coopledger.i18n import N_
from coopledger.ledger.rules import month_end, next_month
from coopledger.money import ZERO
from coopledger.workflow import Reason, Step, Steps, decide


class Severity(enum.StrEnum):
    """The three colours of 三色预警; green means a rule found nothing."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {Severity.RED: N_("红色预警"), Severity.YELLOW: N_("黄色预警"),
                Severity.GREEN: N_("正常")}[self]


class Rule(enum.StrEnum):
    """Every warning rule, in the order the dashboard lists them."""

    CASH_OVER_LIMIT = "cash_over_limit"
    LARGE_CASH_PAYMENT = "large_cash_payment"
    WHITE_SLIP = "white_slip"
    SIT_IN_SIT_OUT = "sit_in_sit_out"
    ROUND_OR_DUPLICATE = "round_or_duplicate"
    OVERDUE_RENT = "overdue_rent"
    EXPIRING_CONTRACT = "expiring_contract"
    DISCLOSURE_LATE = "disclosure_late"
    PERIOD_NOT_CLOSED = "period_not_closed"
    DISTRIBUTION = "distribution"
    UNANSWERED_QUESTION = "unanswered_question"
    LEDGER_CHECK = "ledger_check"
    CORRECTION_OVERDUE = "correction_overdue"
    FILING_OVERDUE = "filing_overdue"
    UNAPPROVED_SPENDING = "unapproved_spending"
    BANK_NOT_RECONCILED = "bank_not_reconciled"
    CASH_NOT_COUNTED = "cash_not_counted"
    SPENDING_STALLED = "spending_stalled"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return RULE_LABELS[self]

    @property
    def severity(self) -> Severity:
        """How serious a hit of this rule is."""
        return Severity.YELLOW if self in _YELLOW else Severity.RED


RULE_LABELS = {
    Rule.CASH_OVER_LIMIT: N_("库存现金超限额"),
    Rule.LARGE_CASH_PAYMENT: N_("大额现金支付"),
    Rule.WHITE_SLIP: N_("支出凭证无原始凭证（白条）"),
    Rule.SIT_IN_SIT_OUT: N_("坐收坐支"),
    Rule.ROUND_OR_DUPLICATE: N_("整数或重复付款"),
    Rule.OVERDUE_RENT: N_("租金逾期未收"),
    Rule.EXPIRING_CONTRACT: N_("合同即将到期"),
    Rule.DISCLOSURE_LATE: N_("财务公开逾期或缺失"),
    Rule.PERIOD_NOT_CLOSED: N_("月末逾期未结账"),
    Rule.DISTRIBUTION: N_("收益分配异常"),
    Rule.UNANSWERED_QUESTION: N_("成员质询未答复"),
    Rule.LEDGER_CHECK: N_("账簿核对未通过"),
    Rule.CORRECTION_OVERDUE: N_("整改逾期"),
    Rule.FILING_OVERDUE: N_("统计年报、资产清查逾期未报"),
    Rule.UNAPPROVED_SPENDING: N_("无审批支出"),
    Rule.BANK_NOT_RECONCILED: N_("银行存款未按月对账"),
    Rule.CASH_NOT_COUNTED: N_("库存现金未按月盘点"),
    Rule.SPENDING_STALLED: N_("支出申请滞留"),
}
VOUCHER_RULES = frozenset({Rule.CASH_OVER_LIMIT, Rule.LARGE_CASH_PAYMENT, Rule.WHITE_SLIP,
                           Rule.SIT_IN_SIT_OUT, Rule.ROUND_OR_DUPLICATE})
_YELLOW = frozenset({Rule.ROUND_OR_DUPLICATE, Rule.EXPIRING_CONTRACT,
                     Rule.UNANSWERED_QUESTION, Rule.LARGE_CASH_PAYMENT, Rule.CASH_NOT_COUNTED,
                     Rule.SPENDING_STALLED})


@dataclass(frozen=True)
class Thresholds:
    """A township's thresholds (its rural economy station sets them)."""

    cash_limit: Decimal = Decimal("5000.00")
    cash_payment_limit: Decimal = Decimal("2000.00")
    round_sum_unit: Decimal = Decimal("1000.00")
    round_sum_minimum: Decimal = Decimal("10000.00")
    duplicate_days: int = 10
    expiry_days: int = 60
    close_grace_days: int = 15
    question_days: int = 15


THRESHOLD_FIELDS = tuple(f.name for f in fields(Thresholds))


@dataclass(frozen=True)
class Ref:
    """The record a hit comes from: ``kind`` names the table or page, ``key`` the row."""

    kind: str     # voucher, cash_day, contract, disclosure, period, plan, question, check, finding
    key: str


@dataclass(frozen=True)
class Hit:
    """One occurrence of a rule."""

    ref: Ref
    on: dt.date | None = None
    amount: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class Alert:
    """A rule that found something, with every hit."""

    rule: Rule
    hits: tuple[Hit, ...]

    @property
    def severity(self) -> Severity:
        """The rule's colour."""
        return self.rule.severity


# --- facts the rules read ---------------------------------------------------------------------

@dataclass(frozen=True)
class CashMove:
    """One voucher's net effect on cash: ``amount`` > 0 received, < 0 paid out; ``banked``
    when the other side of the voucher is a bank account."""

    voucher_id: int
    on: dt.date
    amount: Decimal
    banked: bool


@dataclass(frozen=True)
class CashDay:
    """One day's cash: its net movement, what came in and went out not through the bank,
    and whether cash was paid into the bank that day (the vouchers of :class:`CashMove`
    summed by day, as :func:`cash_days` does — the database sums them the same way)."""

    on: dt.date
    net: Decimal
    received: Decimal = ZERO
    paid: Decimal = ZERO
    banked_out: bool = False


def cash_days(moves: Iterable[CashMove]) -> list[CashDay]:
    """The moves summed by day, in date order."""
    days: dict[dt.date, list[Decimal]] = {}
    banked: set[dt.date] = set()
    for move in moves:
        net, received, paid = days.setdefault(move.on, [ZERO, ZERO, ZERO])
        net += move.amount
        if move.banked:
            if move.amount < 0:
                banked.add(move.on)
        elif move.amount > 0:
            received += move.amount
        elif move.amount < 0:
            paid -= move.amount
        days[move.on] = [net, received, paid]
    return [CashDay(day, net, received, paid, day in banked)
            for day, (net, received, paid) in sorted(days.items())]


@dataclass(frozen=True)
class Payment:
    """Money paid out of cash or bank by one voucher to one payee (the debited account)."""

    voucher_id: int
    on: dt.date
    amount: Decimal
    payee: str


@dataclass(frozen=True)
class ExpenseVoucher:
    """A posted voucher that pays an expense out of cash or the bank, with the number of scans
    attached."""

    voucher_id: int
    on: dt.date
    amount: Decimal
    scans: int


@dataclass(frozen=True)
class Receivable:
    """A contract's scheduled receipt and what is still outstanding of it."""

    contract_id: int
    due_on: dt.date
    outstanding: Decimal
    label: str = ""


@dataclass(frozen=True)
class ContractTerm:
    """An active contract and its end."""

    contract_id: int
    ends_on: dt.date | None
    label: str = ""


@dataclass(frozen=True)
class DisclosureDue:
    """A disclosure period with its deadline and first publication, if any."""

    period: disclosure_rules.Period
    due_by: dt.date
    published_on: dt.date | None

    def state(self, on: dt.date) -> disclosure_rules.CalendarState:
        """Where the period stands on ``on`` (the disclosure calendar's own rule)."""
        return disclosure_rules.calendar_state(self.period, due_by=self.due_by,
                                               published_on=self.published_on, today=on)


@dataclass(frozen=True)
class FilingDue:
    """A year the organisation files for: where its filing stands on the day judged (the
    calendar state of ``filings.rules``) and its deadline."""

    year: int
    state: str
    deadline: dt.date


@dataclass(frozen=True)
class PlanFacts:
    """What the distribution rule needs of one live plan version."""

    plan_id: int
    year: int
    distributable: Decimal
    appropriated: Decimal
    approved: bool
    has_resolution: bool
    paid: bool
    filed: bool
    awaiting_filing: bool = False


@dataclass(frozen=True)
class OpenFinding:
    """A finding not yet closed, with its correction deadline."""

    finding_id: int
    deadline: dt.date
    label: str = ""


@dataclass
class OrgFacts:
    """Everything the rules read about one organisation, within the review window."""

    since: dt.date
    opening_cash: Decimal = ZERO
    cash_days: list[CashDay] = field(default_factory=list)
    cash_payments: list[CashMove] = field(default_factory=list)
    """Vouchers paying cash out not into the bank — read from the database only above the
    lowest limit of the townships asked about (the rule compares with its own)."""
    payments: list[Payment] = field(default_factory=list)
    """Payments out of cash or bank — read only when round or repeated (the rule's
    candidates)."""
    expenses: list[ExpenseVoucher] = field(default_factory=list)
    """Expense vouchers paid out of cash or bank — read only without a scan."""
    unscanned: int | None = None
    """How many such vouchers there are, when only their number was read (the dashboard,
    which shows counts); None when ``expenses`` lists them."""
    receivables: list[Receivable] = field(default_factory=list)
    contracts: list[ContractTerm] = field(default_factory=list)
    disclosures: list[DisclosureDue] = field(default_factory=list)
    books_opened: dt.date | None = None
    closed_months: frozenset[tuple[int, int]] = frozenset()
    plans: list[PlanFacts] = field(default_factory=list)
    questions: list[tuple[int, dt.date]] = field(default_factory=list)  # (id, asked on)
    ledger_check: tuple[dt.date, bool] | None = None                 # last run, passed
    findings: list[OpenFinding] = field(default_factory=list)
    filings: list[FilingDue] = field(default_factory=list)
    outflows: list[Outflow] = field(default_factory=list)
    bank_months: list[BankMonth] = field(default_factory=list)
    cash_counting_from: dt.date | None = None         # first month the cash must be counted
    cash_counted: frozenset[tuple[int, int]] = frozenset()
    requests: list[OpenRequest] = field(default_factory=list)


@dataclass(frozen=True)
class BankMonth:
    """A month with posted movements of a bank account under reconciliation, and whether it
    is marked reconciled."""

    account_id: int
    year: int
    month: int
    reconciled: bool


@dataclass(frozen=True)
class OpenRequest:
    """A spending request waiting at a step since ``since`` (``step`` its role), or paid on
    ``since`` with its voucher not yet posted (``step`` empty)."""

    request_id: int
    since: dt.date
    amount: Decimal
    step: str


STALL_DAYS = 7
"""Days a request may wait at one approval step before the township sees it (淄博's 农经综合平台
shows each step's waiting time; a week is the office's own rhythm, 镇代理中心 weekly 报账日)."""
UNBOOKED_DAYS = 10
"""Days a paid request's voucher may stay unposted (会计基础工作规范 §44: 及时记账)."""


def unreconciled_months(months: Iterable[BankMonth], *, on: dt.date) -> list[Hit]:
    """Months of a bank account under reconciliation that are not reconciled by the end of
    the month after them (会计基础工作规范 §62: 银行存款账目应当与银行对账单至少每月核对一次)."""
    hits = []
    for month in months:
        due = month_end(*next_month(month.year, month.month))
        if not month.reconciled and on > due:
            hits.append(Hit(Ref("bank_month", f"{month.account_id}:{month.year}-{month.month:02d}"),
                            on=month_end(month.year, month.month)))
    return hits


def uncounted_months(start: dt.date | None, counted: frozenset[tuple[int, int]], *,
                     on: dt.date) -> list[Hit]:
    """Complete months from ``start`` to before ``on`` without a cash count (日清月结: the
    cash is counted at least monthly)."""
    if start is None:
        return []
    hits = []
    year, month = start.year, start.month
    while month_end(year, month) < on:
        if (year, month) not in counted:
            hits.append(Hit(Ref("cash_month", f"{year}-{month:02d}"),
                            on=month_end(year, month)))
        year, month = next_month(year, month)
    return hits


def stalled_requests(requests: Iterable[OpenRequest], *, on: dt.date) -> list[Hit]:
    """Requests waiting at one step more than :data:`STALL_DAYS` days, and paid requests
    whose voucher is not posted after :data:`UNBOOKED_DAYS` days."""
    hits = []
    for found in requests:
        days = (on - found.since).days
        if found.step and days > STALL_DAYS:
            hits.append(Hit(Ref("spending", str(found.request_id)), on=found.since,
                            amount=found.amount, note=f"waiting:{found.step}"))
        elif not found.step and days > UNBOOKED_DAYS:
            hits.append(Hit(Ref("spending", str(found.request_id)), on=found.since,
                            amount=found.amount, note="paid_unbooked"))
    return hits


@dataclass(frozen=True)
class Outflow:
    """A posted voucher paying money out of cash or bank since the township adopted spending
    requests, and whether an approved request (or an approved distribution: a plan's payout,
    a 保底 payment under the 章程) stands behind it."""

    voucher_id: int
    on: dt.date
    amount: Decimal
    approved: bool


# --- the rules ----------------------------------------------------------------------------------

def cash_over_limit(opening: Decimal, days: Iterable[CashDay], *, since: dt.date,
                    until: dt.date, limit: Decimal) -> list[Hit]:
    """Every day from ``since`` to ``until`` whose closing cash balance exceeds ``limit``.

    ``opening`` is the balance at the start of ``since``; a balance left over the limit stays a
    hit on every later day until it comes down.
    """
    by_day: dict[dt.date, Decimal] = defaultdict(Decimal)
    for cash_day in days:
        by_day[cash_day.on] += cash_day.net
    hits = []
    balance = opening
    day = since
    while day <= until:
        balance += by_day.get(day, ZERO)
        if balance > limit:
            hits.append(Hit(Ref("cash_day", day.isoformat()), on=day, amount=balance))
        day += dt.timedelta(days=1)
    return hits


def large_cash_payments(moves: Iterable[CashMove], *, limit: Decimal) -> list[Hit]:
    """Single payments out of cash (not into the bank) above ``limit``."""
    return [Hit(Ref("voucher", str(m.voucher_id)), on=m.on, amount=-m.amount)
            for m in moves if m.amount < 0 and not m.banked and -m.amount > limit]


def white_slips(expenses: Iterable[ExpenseVoucher]) -> list[Hit]:
    """Expense vouchers with no scanned original."""
    return [Hit(Ref("voucher", str(e.voucher_id)), on=e.on, amount=e.amount)
            for e in expenses if e.scans == 0]


def sit_in_sit_out(days: Iterable[CashDay]) -> list[Hit]:
    """Days on which cash came in and went out again with nothing banked (坐收坐支)."""
    return [Hit(Ref("cash_day", d.on.isoformat()), on=d.on, amount=min(d.received, d.paid))
            for d in sorted(days, key=lambda d: d.on)
            if d.received > 0 and d.paid > 0 and not d.banked_out]


def round_or_duplicate_payments(payments: Sequence[Payment], *, unit: Decimal,
                                minimum: Decimal, window_days: int) -> list[Hit]:
    """Round-sum payments, and repeats of the same amount to the same payee."""
    hits = []
    last_paid: dict[tuple[str, Decimal], dt.date] = {}
    for payment in sorted(payments, key=lambda p: (p.on, p.voucher_id)):
        ref = Ref("voucher", str(payment.voucher_id))
        key = (payment.payee, payment.amount)
        earlier = last_paid.get(key)
        if earlier is not None and (payment.on - earlier).days <= window_days:
            hits.append(Hit(ref, on=payment.on, amount=payment.amount, note="duplicate"))
        elif unit > 0 and payment.amount >= minimum and payment.amount % unit == 0:
            hits.append(Hit(ref, on=payment.on, amount=payment.amount, note="round"))
        last_paid[key] = payment.on
    return hits


def overdue_receivables(receivables: Iterable[Receivable], *, on: dt.date) -> list[Hit]:
    """Receipts past due and not fully received, one hit per contract (the oldest due date,
    the total outstanding)."""
    by_contract: dict[int, tuple[dt.date, Decimal, str]] = {}
    for r in receivables:
        if r.outstanding <= 0 or r.due_on >= on:
            continue
        due, total, label = by_contract.get(r.contract_id, (r.due_on, ZERO, r.label))
        by_contract[r.contract_id] = (min(due, r.due_on), total + r.outstanding, label)
    return [Hit(Ref("contract", str(cid)), on=due, amount=total, note=label)
            for cid, (due, total, label) in sorted(by_contract.items(), key=lambda i: i[1][0])]


def expiring_contracts(contracts: Iterable[ContractTerm], *, on: dt.date,
                       days: int) -> list[Hit]:
    """Active contracts ending within ``days`` (or already past their end)."""
    horizon = on + dt.timedelta(days=days)
    return [Hit(Ref("contract", str(c.contract_id)), on=c.ends_on, note=c.label)
            for c in sorted(contracts, key=lambda c: (c.ends_on or dt.date.max))
            if c.ends_on is not None and c.ends_on <= horizon]


def late_disclosures(periods: Iterable[DisclosureDue], *, on: dt.date,
                     since: dt.date) -> list[Hit]:
    """Periods ending on or after ``since`` whose deadline passed with nothing published
    (note "missing") or whose first publication came after the deadline ("late")."""
    hits = []
    for p in periods:
        if p.period.end < since:
            continue
        state = p.state(on)
        if state is disclosure_rules.CalendarState.MISSING:
            hits.append(Hit(Ref("disclosure", p.period.key), on=p.due_by, note="missing"))
        elif state is disclosure_rules.CalendarState.LATE:
            hits.append(Hit(Ref("disclosure", p.period.key), on=p.published_on, note="late"))
    return hits


def unclosed_periods(opened: dt.date | None, closed: frozenset[tuple[int, int]], *,
                     on: dt.date, grace_days: int) -> list[Hit]:
    """Months since the books opened, ended more than ``grace_days`` ago and not closed."""
    if opened is None:
        return []
    hits = []
    year, month = opened.year, opened.month
    while True:
        end = month_end(year, month)
        if end + dt.timedelta(days=grace_days) >= on:
            break
        if (year, month) not in closed:
            hits.append(Hit(Ref("period", f"{year}-{month:02d}"), on=end))
        year, month = next_month(year, month)
    return hits


def last_closed_month(opened: dt.date | None,
                      closed: frozenset[tuple[int, int]]) -> tuple[int, int] | None:
    """The latest month of the unbroken run of closed months since the books opened."""
    if opened is None:
        return None
    year, month = opened.year, opened.month
    last = None
    while (year, month) in closed:
        last = (year, month)
        year, month = next_month(year, month)
    return last


def distribution_problems(plans: Iterable[PlanFacts]) -> list[Hit]:
    """Plans that appropriate more than is distributable, were approved without the members'
    resolution on file, or were paid before being filed with the township."""
    hits = []
    for plan in plans:
        ref = Ref("plan", str(plan.plan_id))
        if plan.appropriated > plan.distributable:
            hits.append(Hit(ref, amount=plan.appropriated - plan.distributable,
                            note="above_distributable"))
        if plan.approved and not plan.has_resolution:
            hits.append(Hit(ref, note="no_resolution"))
        if plan.paid and not plan.filed:
            hits.append(Hit(ref, note="not_filed"))
    return hits


def unanswered_questions(questions: Iterable[tuple[int, dt.date]], *, on: dt.date,
                         days: int) -> list[Hit]:
    """Questions asked more than ``days`` ago and still unanswered."""
    return [Hit(Ref("question", str(qid)), on=asked)
            for qid, asked in questions if (on - asked).days > days]


def failed_ledger_check(last: tuple[dt.date, bool] | None) -> list[Hit]:
    """The books' last verification failed."""
    if last is None or last[1]:
        return []
    return [Hit(Ref("check", last[0].isoformat()), on=last[0])]


def overdue_corrections(findings: Iterable[OpenFinding], *, on: dt.date) -> list[Hit]:
    """Open findings whose correction deadline has passed."""
    return [Hit(Ref("finding", str(f.finding_id)), on=f.deadline, note=f.label)
            for f in findings if f.deadline < on]


def evaluate(facts: OrgFacts, limits: Thresholds, *, on: dt.date,
             skip: frozenset[Rule] = frozenset()) -> list[Alert]:
    """Every rule (but those in ``skip``, which are not even computed) over one organisation's
    facts; a rule with no hit is left out (green)."""
    checks: dict[Rule, Callable[[], list[Hit]]] = {
        Rule.CASH_OVER_LIMIT: lambda: cash_over_limit(
            facts.opening_cash, facts.cash_days, since=facts.since, until=on,
            limit=limits.cash_limit),
        Rule.LARGE_CASH_PAYMENT: lambda: large_cash_payments(
            facts.cash_payments, limit=limits.cash_payment_limit),
        Rule.WHITE_SLIP: lambda: white_slips(facts.expenses),
        Rule.SIT_IN_SIT_OUT: lambda: sit_in_sit_out(facts.cash_days),
        Rule.ROUND_OR_DUPLICATE: lambda: round_or_duplicate_payments(
            facts.payments, unit=limits.round_sum_unit, minimum=limits.round_sum_minimum,
            window_days=limits.duplicate_days),
        Rule.OVERDUE_RENT: lambda: overdue_receivables(facts.receivables, on=on),
        Rule.EXPIRING_CONTRACT: lambda: expiring_contracts(
            facts.contracts, on=on, days=limits.expiry_days),
        Rule.DISCLOSURE_LATE: lambda: late_disclosures(
            facts.disclosures, on=on, since=facts.since),
        Rule.PERIOD_NOT_CLOSED: lambda: unclosed_periods(
            facts.books_opened, facts.closed_months, on=on,
            grace_days=limits.close_grace_days),
        Rule.DISTRIBUTION: lambda: distribution_problems(facts.plans),
        Rule.UNANSWERED_QUESTION: lambda: unanswered_questions(
            facts.questions, on=on, days=limits.question_days),
        Rule.LEDGER_CHECK: lambda: failed_ledger_check(facts.ledger_check),
        Rule.CORRECTION_OVERDUE: lambda: overdue_corrections(facts.findings, on=on),
        Rule.FILING_OVERDUE: lambda: overdue_filings(facts.filings, on=on),
        Rule.UNAPPROVED_SPENDING: lambda: unapproved_spending(facts.outflows),
        Rule.BANK_NOT_RECONCILED: lambda: unreconciled_months(facts.bank_months, on=on),
        Rule.CASH_NOT_COUNTED: lambda: uncounted_months(facts.cash_counting_from,
                                                        facts.cash_counted, on=on),
        Rule.SPENDING_STALLED: lambda: stalled_requests(facts.requests, on=on),
    }
    found = {rule: check() for rule, check in checks.items() if rule not in skip}
    return [Alert(rule, tuple(hits)) for rule, hits in found.items() if hits]


def counts(facts: OrgFacts, limits: Thresholds, *, on: dt.date,
           skip: frozenset[Rule] = frozenset()) -> dict[Rule, int]:
    """How many hits each rule that fired has (the dashboard): the hits :func:`evaluate`
    finds, counted — and the expense vouchers without a scan as the database counted them
    when only their number was read (``OrgFacts.unscanned``: the vouchers ``white_slips``
    would list)."""
    counted = facts.unscanned is not None
    alerts = evaluate(facts, limits, on=on,
                      skip=skip | {Rule.WHITE_SLIP} if counted else skip)
    found = {alert.rule: len(alert.hits) for alert in alerts}
    if counted and Rule.WHITE_SLIP not in skip and facts.unscanned:
        found[Rule.WHITE_SLIP] = facts.unscanned
    return found


def cash_over_at_end(facts: OrgFacts, limits: Thresholds) -> bool:
    """Whether the cash stands over the limit after the last day read (the last day
    ``cash_over_limit`` counts, when it counts it)."""
    return facts.opening_cash + sum((d.net for d in facts.cash_days), ZERO) > limits.cash_limit


def unapproved_spending(outflows: Iterable[Outflow]) -> list[Hit]:
    """Money paid out of cash or bank with no approved spending request behind it (issue 20:
    spending is approved before it is paid; the outflows are only those of organisations
    whose township adopted requests, from that day, and not let off them)."""
    return [Hit(Ref("voucher", str(flow.voucher_id)), on=flow.on, amount=flow.amount)
            for flow in outflows if not flow.approved]


def overdue_filings(filings: Iterable[FilingDue], *, on: dt.date) -> list[Hit]:
    """Years whose deadline passed with nothing submitted, or whose returned tables were not
    submitted again by then (the deadline of 农经发〔2017〕11号, ``filings.rules.deadline``)."""
    hits = []
    for due in filings:
        if due.state == "overdue":
            hits.append(Hit(Ref("filing", str(due.year)), on=due.deadline, note="filing_missing"))
        elif due.state == "returned" and on > due.deadline:
            hits.append(Hit(Ref("filing", str(due.year)), on=due.deadline,
                            note="filing_returned"))
    return hits


def review_start(on: dt.date) -> dt.date:
    """The first day the rules look at: 1 January of the previous year (本年及上年)."""
    return dt.date(on.year - 1, 1, 1)


@dataclass(frozen=True)
class Figures:
    """One organisation's line on the dashboard."""

    last_closed: tuple[int, int] | None
    disclosures_due: int
    disclosures_late: int
    disclosures_missing: int
    awaiting_filing: int
    open_findings: int
    returns: FilingDue | None
    red: int
    yellow: int
    green: int

    @property
    def colour(self) -> Severity:
        """The organisation's colour: its worst warning."""
        if self.red:
            return Severity.RED
        return Severity.YELLOW if self.yellow else Severity.GREEN


def figures(facts: OrgFacts, fired: Mapping[Rule, int], *, on: dt.date) -> Figures:
    """The dashboard figures of one organisation from the rules that fired (with their number
    of hits); warnings are counted per rule, not per hit."""
    states = [p.state(on) for p in facts.disclosures]
    due, late, missing = (states.count(s) for s in (
        disclosure_rules.CalendarState.DUE, disclosure_rules.CalendarState.LATE,
        disclosure_rules.CalendarState.MISSING))
    red = sum(rule.severity is Severity.RED for rule, hits in fired.items() if hits)
    yellow = sum(1 for hits in fired.values() if hits) - red
    last_year = next((f for f in facts.filings if f.year == on.year - 1), None)
    return Figures(last_closed_month(facts.books_opened, facts.closed_months), due, late,
                   missing, sum(p.awaiting_filing for p in facts.plans), len(facts.findings),
                   last_year, red, yellow, len(Rule) - red - yellow)


# --- audits -------------------------------------------------------------------------------------

CHECKLIST: tuple[tuple[str, str], ...] = (
    ("cash_count", N_("库存现金盘点，与现金日记账核对一致")),
    ("bank_reconciliation", N_("银行存款余额与对账单核对，编制余额调节表")),
    ("vouchers_complete", N_("记账凭证附原始凭证齐全，审批手续完备")),
    ("income_recorded", N_("各项收入及时足额入账，无坐收坐支")),
    ("contracts", N_("经济合同签订规范，租金按期收取")),
    ("assets", N_("资产登记、折旧与处置手续完备")),
    ("distribution", N_("收益分配履行民主程序（四议两公开）并报乡镇备案")),
    ("disclosure", N_("财务按时公开，内容完整真实")),
    ("finance_group", N_("民主理财小组按期审核并签字")),
    ("previous_corrections", N_("上次审计发现的问题已整改到位")),
)
CHECK_LABELS = dict(CHECKLIST)


SAMPLE_FRAMES = {"vouchers": N_("期间内全部已记账凭证"), "spending": N_("期间内支出申请的付款凭证")}
"""What an audit's sample is drawn from (issue 20: the audit sample can draw from the spending
requests — the vouchers their payments drafted, each leading to its request and approvals)."""


def draw_sample(voucher_ids: Iterable[int], *, size: int, seed: int) -> list[int]:
    """A reproducible random sample of vouchers: the same ids, size and seed give the same
    draw, in the order drawn."""
    population = sorted(set(voucher_ids))
    return random.Random(seed).sample(population, min(size, len(population)))  # noqa: S311


@dataclass(frozen=True)
class RecordRef:
    """A record named in a finding: ``kind:key`` from a warning link, or a voucher's number."""

    kind: str
    key: str


RECORD_KINDS = ("voucher", "contract", "plan", "disclosure", "period", "cash_day", "question",
                "check", "finding", "bank_month", "cash_month", "spending")


def parse_records(text: str) -> tuple[list[RecordRef], list[str]]:
    """The records named one per line (or separated by ，/;): ``kind:key`` or a voucher number
    such as ``2025-03 记-12``. Returns the references and the lines that name nothing."""
    refs: list[RecordRef] = []
    bad: list[str] = []
    for raw in re.split(r"[\n;；，,]+", text):
        item = raw.strip()
        if not item:
            continue
        numbered = re.fullmatch(r"(?:凭证\s*)?(\d{4})-(\d{1,2})\s*([^\s\d-]{1,4})-?(\d+)", item)
        kind, _, key = item.partition(":")
        if numbered:
            year, month, word, number = numbered.groups()
            if 1 <= int(month) <= 12:
                refs.append(RecordRef("voucher_no",
                                      f"{year}-{int(month):02d}:{word}:{int(number)}"))
                continue
        elif kind in RECORD_KINDS and key.strip():
            refs.append(RecordRef(kind, key.strip()))
            continue
        bad.append(item)
    return list(dict.fromkeys(refs)), bad


NOTE_LABELS = {
    "missing": N_("逾期未公开"), "late": N_("逾期后公开"),
    "round": N_("整数金额"), "duplicate": N_("与前一笔同额同收款方"),
    "above_distributable": N_("分配超过可分配收益"), "no_resolution": N_("无成员(代表)大会决议"),
    "not_filed": N_("已兑付但未报乡镇备案"),
    "filing_missing": N_("年度报表逾期未报送"), "filing_returned": N_("退回后逾期未重新报送"),
    "paid_unbooked": N_("已支付，凭证未记账"),
    "waiting:village_head": N_("等待村主要负责人审批"),
    "waiting:supervisor": N_("等待村务监督委员会审批"),
    "waiting:township_auditor": N_("等待乡镇农经站（代理中心）审批"),
    "waiting:township_leader": N_("等待乡镇分管领导审批"),
}


@dataclass(frozen=True)
class DaySpan:
    """Consecutive days of one rule's hits, with the highest amount among them."""

    start: dt.date
    end: dt.date
    peak: Decimal


def day_spans(hits: Iterable[Hit]) -> list[DaySpan]:
    """Dated hits merged into runs of consecutive days (cash left over the limit for months
    reads as one span, not one line a day)."""
    spans: list[DaySpan] = []
    for hit in sorted((h for h in hits if h.on is not None), key=lambda h: h.on or dt.date.min):
        assert hit.on is not None
        amount = hit.amount if hit.amount is not None else ZERO
        if spans and hit.on - spans[-1].end == dt.timedelta(days=1):
            last = spans[-1]
            spans[-1] = DaySpan(last.start, hit.on, max(last.peak, amount))
        else:
            spans.append(DaySpan(hit.on, hit.on, amount))
    return spans


# --- The finding workflow: which steps a user may take now (coopledger.workflow) -------------

FINDING_STEPS: dict[str, Step] = {
    "respond": Step(Action.RESPOND_FINDINGS, frozenset({"open", "answered"})),
    "close": Step(Action.AUDIT_ORG, frozenset({"answered"})),
    "reopen": Step(Action.AUDIT_ORG, frozenset({"answered"})),
}
"""An audit finding: the organisation answers (整改情况), the township auditor closes it
(销号) or returns it."""


def finding_steps(*, state: str, audits_township: bool,
                  may: Callable[[Action], bool]) -> Steps:
    """The steps a user may take on a finding now; closing and returning it are the
    township's auditors' (``audits_township``: of the organisation's township, or admin)."""

    def state_reason(step: str) -> Reason:
        if step == "respond":
            return Reason(N_("该问题已销号，不能再答复。"))
        if step == "close" and state == "closed":
            return Reason(N_("该问题已经销号。"))
        if step == "close":
            return Reason(N_("组织尚未答复整改情况，不能销号。"))
        return Reason(N_("只有已答复的问题可以退回。"))

    return decide(FINDING_STEPS, state=state, may=may, state_reason=state_reason, conditions={
        "close": None if audits_township else Reason(N_("只有乡镇审计人员可以销号。")),
        "reopen": None if audits_township else Reason(N_("只有本乡镇的审计人员可以这样做。"))})


AUDIT_STEPS: dict[str, Step] = {
    "check": Step(Action.AUDIT_ORG, frozenset({"open"})),
    "add_finding": Step(Action.AUDIT_ORG, frozenset({"open"})),
    "close": Step(Action.AUDIT_ORG, frozenset({"open"})),
}
"""An audit of an organisation: its checklist marked, findings recorded, then closed with its
conclusion."""


def audit_steps(*, state: str, audits_township: bool, may: Callable[[Action], bool]) -> Steps:
    """The steps a user may take on an audit now: the township's auditors' while it is open
    (whether every checklist item is marked is checked when it is closed)."""
    auditor = None if audits_township else Reason(N_("只有本乡镇的审计人员可以这样做。"))
    return decide(AUDIT_STEPS, state=state, may=may,
                  state_reason=lambda _step: Reason(N_("该审计已结束，不能再修改。")),
                  conditions=dict.fromkeys(AUDIT_STEPS, auditor))
