"""Reads the facts the warning rules need, for many organisations at once.

One query per kind of fact covers every organisation of the dashboard (never one per
organisation), so a township of thirty organisations costs the same dozen queries as one.
Amounts are summed in fen on the database and turned into Decimal here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

import sqlalchemy as sa

from coopledger.banking.models import BankStatement, CashCount, ReconciledMonth
from coopledger.contracts.models import Contract, ContractStatus
from coopledger.contracts.money_models import ScheduleLine
from coopledger.contracts.queries import open_fen
from coopledger.dates import BUSINESS_ZONE
from coopledger.disclosure import rules as disclosure_rules
from coopledger.disclosure import services as disclosure_services
from coopledger.disclosure.models import (
    Disclosure,
    DisclosureKind,
    DisclosureSettings,
    DisclosureState,
    Question,
)
from coopledger.distribution.models import GuaranteePayment, Plan, PlanLine, PlanState
from coopledger.extensions import db
from coopledger.filings import rules as filing_rules
from coopledger.filings.models import Filing
from coopledger.ledger.models import (
    Account,
    Attachment,
    Book,
    LedgerCheck,
    Period,
    Voucher,
    VoucherKind,
    VoucherLine,
    VoucherMoney,
    VoucherPayment,
    VoucherState,
)
from coopledger.ledger.standards import STANDARDS
from coopledger.money import from_fen, to_fen
from coopledger.orgs.models import Organisation
from coopledger.spending.models import (
    RequestState,
    RequestStep,
    SpendingExemption,
    SpendingRequest,
    SpendingSettings,
    StepState,
)
from coopledger.supervision import rules
from coopledger.supervision.models import Finding, FindingState

_APPROVED = (PlanState.APPROVED, PlanState.POSTED, PlanState.FILED, PlanState.PAID)


def _fen(column: sa.ColumnElement[object] | sa.orm.InstrumentedAttribute[object],
         ) -> sa.ColumnElement[int]:
    return sa.type_coerce(column, sa.BigInteger)


def gather(orgs: Sequence[Organisation], *, on: dt.date, limits: Mapping[int, rules.Thresholds],
           with_vouchers: Collection[int] | None = None,
           counted: bool = False) -> dict[int, rules.OrgFacts]:
    """The facts of every organisation in ``orgs`` for the review window ending ``on``; the
    facts read from posted vouchers (cash, payments, expenses) only for the organisations in
    ``with_vouchers`` (all when None), and of those only what a rule could count at the
    thresholds of the organisation's township (``limits``, by township): the cash summed by
    day, cash payments above the lowest limit, payments round or repeated, expenses without a
    scan — so the first dashboard of a county reads hundreds, not hundreds of thousands, of
    rows per organisation, and the rules, which check each candidate, find the same.
    ``counted`` (the dashboard, which shows counts): the expenses without a scan counted, not
    listed (``OrgFacts.unscanned``)."""
    since = rules.review_start(on)
    ids = [o.id for o in orgs]
    facts = {o.id: rules.OrgFacts(since=since) for o in orgs}
    if not ids:
        return facts
    voucher_orgs = [o for o in orgs if with_vouchers is None or o.id in with_vouchers]
    if voucher_orgs:
        cash_ids, _bank_ids = _cash_and_bank_accounts(voucher_orgs)
        if cash_ids:
            _opening_cash(facts, [o.id for o in voucher_orgs], cash_ids, since=since)
        _vouchers(facts, voucher_orgs, since=since, on=on, limits=limits, counted=counted)
    _contracts(facts, ids, on=on)
    _books(facts, ids)
    _disclosures(facts, orgs, on=on)
    _plans(facts, ids)
    _questions(facts, ids)
    _checks(facts, ids)
    _findings(facts, ids)
    _filings(facts, ids, on=on)
    _outflows(facts, orgs, on=on)
    _bank_months(facts, ids)
    _cash_counts(facts, orgs)
    _requests(facts, ids)
    return facts


def posting_marks(ids: list[int]) -> dict[int, str]:
    """Each organisation's posting count and chain head: they change whenever anything is
    posted, so they tell whether what the voucher rules found is still current."""
    return {org_id: f"{seq}:{head[:16]}" for org_id, seq, head in db.session.execute(
        sa.select(Book.organisation_id, Book.last_post_seq, Book.chain_head).where(
            Book.organisation_id.in_(ids)))}


def latest_posted(ids: Collection[int]) -> dict[int, dt.date]:
    """Each organisation's latest date of a posted voucher (none when nothing is posted)."""
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Voucher.organisation_id, sa.func.max(Voucher.on)).where(
            Voucher.organisation_id.in_(list(ids)), Voucher.state == VoucherState.POSTED)
        .group_by(Voucher.organisation_id)).all()
    return {int(org_id): day for org_id, day in rows}


def _cash_and_bank_accounts(orgs: Sequence[Organisation]) -> tuple[set[int], set[int]]:
    codes = {o.id: STANDARDS[o.standard] for o in orgs}
    cash: set[int] = set()
    bank: set[int] = set()
    for account_id, org_id, code in db.session.execute(
            sa.select(Account.id, Account.organisation_id, Account.code).where(
                Account.organisation_id.in_(list(codes)), Account.code.like("10%"))):
        standard = codes[org_id]
        if code.startswith(standard.cash):
            cash.add(account_id)
        elif code.startswith(standard.bank):
            bank.add(account_id)
    return cash, bank


def _opening_cash(facts: dict[int, rules.OrgFacts], ids: list[int], cash_ids: set[int], *,
                  since: dt.date) -> None:
    net = _fen(VoucherLine.debit) - _fen(VoucherLine.credit)
    for org_id, fen in db.session.execute(
            sa.select(VoucherLine.organisation_id, sa.func.sum(net))
            .where(VoucherLine.organisation_id.in_(ids), VoucherLine.posted.is_(True),
                   VoucherLine.account_id.in_(cash_ids), VoucherLine.on < since)
            .group_by(VoucherLine.organisation_id)):
        facts[org_id].opening_cash = from_fen(int(fen or 0))


_DAY, _LARGE, _PAYMENT, _EXPENSE = range(4)


def _vouchers(facts: dict[int, rules.OrgFacts], orgs: Sequence[Organisation], *,
              since: dt.date, on: dt.date, limits: Mapping[int, rules.Thresholds],
              counted: bool) -> None:
    """What the voucher rules read from the posted vouchers of the window, in one statement
    over the ledger's money index (``ledger.money_index``: a row per voucher that touches cash
    or the bank — its net effect on cash, whether it touches the bank — and per paying
    ordinary voucher what it debits to each other account). Read from it: each day's cash
    (``rules.CashDay``, summed as ``rules.cash_days`` sums), the vouchers paying more cash out,
    not into the bank, than the lowest limit of the townships (``rules.large_cash_payments``
    compares with its own), payments round at the township's unit or repeating an amount to the
    same account in the window (``rules.round_or_duplicate_payments`` checks the days), and
    expenses paid without a scan (``rules.white_slips``)."""
    ids = [o.id for o in orgs]
    index = VoucherMoney.__table__.c
    money = (sa.select(index.organisation_id.label("org_id"), index.voucher_id, index.on,
                       index.cash.label("net"), index.banked)
             .where(index.organisation_id.in_(ids), index.on >= since, index.on <= on)
             .cte("money"))
    debited = VoucherPayment.__table__.c
    outs = (sa.select(debited.organisation_id.label("org_id"), debited.voucher_id, debited.on,
                      debited.account_id, debited.expense, debited.amount.label("fen"))
            .where(debited.organisation_id.in_(ids), debited.on >= since, debited.on <= on)
            .cte("outs"))
    none = sa.cast(sa.null(), sa.Integer)
    zero = sa.literal(0, sa.BigInteger)
    moving = money.c.net != 0
    in_hand = sa.and_(moving, money.c.banked.is_(False))
    days = (sa.select(sa.literal(_DAY), money.c.org_id, money.c.on, none, none,
                      sa.func.sum(money.c.net),
                      sa.func.sum(sa.case((sa.and_(in_hand, money.c.net > 0), money.c.net),
                                          else_=0)),
                      sa.func.sum(sa.case((sa.and_(in_hand, money.c.net < 0), -money.c.net),
                                          else_=0)),
                      sa.func.max(sa.case((sa.and_(money.c.banked.is_(True),
                                                   money.c.net < 0), 1), else_=0)))
            .where(moving).group_by(money.c.org_id, money.c.on))
    floor = min(limits[o.township_id].cash_payment_limit for o in orgs)
    large = (sa.select(sa.literal(_LARGE), money.c.org_id, money.c.on, money.c.voucher_id,
                       none, money.c.net, zero, zero, zero)
             .where(in_hand, money.c.net < -to_fen(floor)))
    unit = sa.case({o.id: to_fen(limits[o.township_id].round_sum_unit) for o in orgs},
                   value=outs.c.org_id, else_=0)
    minimum = sa.case({o.id: to_fen(limits[o.township_id].round_sum_minimum) for o in orgs},
                      value=outs.c.org_id, else_=0)
    ranked = sa.select(outs, sa.func.count().over(
        partition_by=(outs.c.org_id, outs.c.account_id, outs.c.fen)).label("repeats"),
        unit.label("unit"), minimum.label("minimum")).subquery()
    is_round = sa.and_(ranked.c.unit > 0, ranked.c.fen >= ranked.c.minimum,
                       sa.case((ranked.c.unit > 0, ranked.c.fen % ranked.c.unit),
                               else_=1) == 0)
    payments = (sa.select(sa.literal(_PAYMENT), ranked.c.org_id, ranked.c.on,
                          ranked.c.voucher_id, ranked.c.account_id, ranked.c.fen, zero, zero,
                          zero)
                .where(sa.or_(ranked.c.repeats > 1, is_round)))
    scanned = sa.select(Attachment.id).where(Attachment.voucher_id == outs.c.voucher_id)
    unscanned = sa.and_(outs.c.expense.is_(True), ~scanned.exists())
    expenses = (sa.select(sa.literal(_EXPENSE), outs.c.org_id, sa.cast(sa.null(), sa.Date),
                          none, none, sa.func.count(sa.distinct(outs.c.voucher_id)), zero,
                          zero, zero)
                .where(unscanned).group_by(outs.c.org_id) if counted else
                sa.select(sa.literal(_EXPENSE), outs.c.org_id, outs.c.on, outs.c.voucher_id,
                          none, sa.func.sum(outs.c.fen), zero, zero, zero)
                .where(unscanned).group_by(outs.c.org_id, outs.c.on, outs.c.voucher_id))
    if counted:
        for org in orgs:
            facts[org.id].unscanned = 0
    for kind, org_id, day, voucher_id, account_id, fen, received, paid, banked_out in \
            db.session.execute(sa.union_all(days, large, payments, expenses)).all():
        found = facts[org_id]
        amount = from_fen(int(fen))
        if kind == _DAY:
            found.cash_days.append(rules.CashDay(day, amount, from_fen(int(received)),
                                                 from_fen(int(paid)), bool(banked_out)))
        elif kind == _LARGE:
            found.cash_payments.append(rules.CashMove(voucher_id, day, amount, banked=False))
        elif kind == _PAYMENT:
            found.payments.append(rules.Payment(voucher_id, day, amount, str(account_id)))
        elif counted:
            found.unscanned = int(fen)
        else:
            found.expenses.append(rules.ExpenseVoucher(voucher_id, day, amount, 0))
    for found in facts.values():
        found.cash_days.sort(key=lambda d: d.on)
        found.cash_payments.sort(key=lambda m: (m.on, m.voucher_id))


def _contracts(facts: dict[int, rules.OrgFacts], ids: list[int], *, on: dt.date) -> None:
    outstanding = open_fen()
    for org_id, contract_id, number, due_on, fen in db.session.execute(
            sa.select(ScheduleLine.organisation_id, ScheduleLine.contract_id, Contract.number,
                      ScheduleLine.due_on, outstanding)
            .join(Contract, Contract.id == ScheduleLine.contract_id)
            .where(ScheduleLine.organisation_id.in_(ids), ScheduleLine.due_on < on,
                   outstanding > 0)):
        facts[org_id].receivables.append(
            rules.Receivable(contract_id, due_on, from_fen(int(fen)), number))
    for org_id, contract_id, number, ends_on in db.session.execute(
            sa.select(Contract.organisation_id, Contract.id, Contract.number, Contract.ends_on)
            .where(Contract.organisation_id.in_(ids), Contract.status == ContractStatus.ACTIVE,
                   Contract.ends_on.is_not(None), Contract.ends_on >= on)):
        facts[org_id].contracts.append(rules.ContractTerm(contract_id, ends_on, number))


def _books(facts: dict[int, rules.OrgFacts], ids: list[int]) -> None:
    for org_id, opened in db.session.execute(
            sa.select(Book.organisation_id, Book.opened_on).where(Book.organisation_id.in_(ids))):
        facts[org_id].books_opened = opened
    closed: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for org_id, year, month in db.session.execute(
            sa.select(Period.organisation_id, Period.year, Period.month).where(
                Period.organisation_id.in_(ids), Period.closed_at.is_not(None))):
        closed[org_id].add((year, month))
    for org_id, months in closed.items():
        facts[org_id].closed_months = frozenset(months)


def _disclosures(facts: dict[int, rules.OrgFacts], orgs: Sequence[Organisation], *,
                 on: dt.date) -> None:
    ids = [o.id for o in orgs]
    settings = {s.organisation_id: s for s in db.session.scalars(
        sa.select(DisclosureSettings).where(DisclosureSettings.organisation_id.in_(ids)))}
    first: dict[tuple[int, str], dt.date] = {}
    for org_id, key, posted in db.session.execute(
            sa.select(Disclosure.organisation_id, Disclosure.period_key,
                      sa.func.min(Disclosure.posted_from))
            .where(Disclosure.organisation_id.in_(ids),
                   Disclosure.kind != DisclosureKind.SPECIAL,
                   Disclosure.state == DisclosureState.PUBLISHED)
            .group_by(Disclosure.organisation_id, Disclosure.period_key)):
        if posted is not None:
            first[(org_id, key)] = posted
    for org in orgs:
        calendar = settings.get(org.id) or disclosure_services.default_settings(org)
        opened = facts[org.id].books_opened
        if opened is None:
            continue
        for year in range(max(opened.year, on.year - 1), on.year + 1):
            for period in disclosure_rules.periods(calendar.frequency, year, opened=opened):
                if period.end >= on:
                    continue
                facts[org.id].disclosures.append(rules.DisclosureDue(
                    period, disclosure_rules.deadline(period, day=calendar.deadline_day),
                    first.get((org.id, period.key))))


def _plans(facts: dict[int, rules.OrgFacts], ids: list[int]) -> None:
    for plan in db.session.scalars(sa.select(Plan).where(
            Plan.organisation_id.in_(ids), Plan.state != PlanState.SUPERSEDED)):
        facts[plan.organisation_id].plans.append(rules.PlanFacts(
            plan.id, plan.year, plan.distributable,
            plan.reserve + plan.welfare + plan.members_total + plan.other,
            approved=plan.state in _APPROVED, has_resolution=plan.resolution_sha256 is not None,
            paid=plan.state is PlanState.PAID, filed=plan.filed_on is not None,
            awaiting_filing=plan.state is PlanState.POSTED))


def _questions(facts: dict[int, rules.OrgFacts], ids: list[int]) -> None:
    for org_id, question_id, asked in db.session.execute(
            sa.select(Disclosure.organisation_id, Question.id, Question.asked_at)
            .join(Disclosure, Disclosure.id == Question.disclosure_id)
            .where(Disclosure.organisation_id.in_(ids), Question.answered_at.is_(None))):
        facts[org_id].questions.append((question_id, asked.date()))


def _checks(facts: dict[int, rules.OrgFacts], ids: list[int]) -> None:
    latest = (sa.select(LedgerCheck.organisation_id, sa.func.max(LedgerCheck.id).label("id"))
              .where(LedgerCheck.organisation_id.in_(ids))
              .group_by(LedgerCheck.organisation_id).subquery())
    for check in db.session.scalars(sa.select(LedgerCheck).join(
            latest, latest.c.id == LedgerCheck.id)):
        facts[check.organisation_id].ledger_check = (check.checked_at.date(), check.ok)


def _findings(facts: dict[int, rules.OrgFacts], ids: list[int]) -> None:
    for finding_id, org_id, deadline, title in db.session.execute(
            sa.select(Finding.id, Finding.organisation_id, Finding.deadline, Finding.title)
            .where(Finding.organisation_id.in_(ids), Finding.state != FindingState.CLOSED)):
        facts[org_id].findings.append(rules.OpenFinding(finding_id, deadline, title))


def _filings(facts: dict[int, rules.OrgFacts], ids: list[int], *, on: dt.date) -> None:
    """The years each organisation files for whose deadline falls in the review window (and
    always last year, the one being filed now), with the state of its latest version."""
    latest: dict[tuple[int, int], str] = {}
    for org_id, year, filed in db.session.execute(
            sa.select(Filing.organisation_id, Filing.year, Filing.state)
            .where(Filing.organisation_id.in_(ids)).order_by(Filing.version)):
        latest[(org_id, year)] = filed.value
    for org_id in ids:
        found = facts[org_id]
        if found.books_opened is None:
            continue
        for year in range(found.books_opened.year, on.year):
            due = filing_rules.deadline(year)
            if due < found.since and year != on.year - 1:
                continue
            state = filing_rules.calendar_state(latest.get((org_id, year), "none"), year,
                                                today=on)
            found.filings.append(rules.FilingDue(year, state, due))



def _outflows(facts: dict[int, rules.OrgFacts], orgs: Sequence[Organisation], *,
              on: dt.date) -> None:
    """The posted ordinary vouchers paying out of cash or bank, of organisations whose
    township adopted spending requests (from that day; those let off them left out), each
    marked approved when a paid request, a plan's payout or a 保底 payment drafted it."""
    adopted: dict[int, dt.date] = {
        town: start for town, start in db.session.execute(
            sa.select(SpendingSettings.township_id, SpendingSettings.requests_from).where(
                SpendingSettings.requests_from.is_not(None),
                SpendingSettings.township_id.in_(sorted({o.township_id for o in orgs}))))
        if start is not None}
    exempt = set(db.session.scalars(sa.select(SpendingExemption.organisation_id).where(
        SpendingExemption.organisation_id.in_([o.id for o in orgs]))))
    starts = {o.id: adopted[o.township_id] for o in orgs
              if o.township_id in adopted and o.id not in exempt}
    if not starts:
        return
    chosen = [o for o in orgs if o.id in starts]
    cash_ids, bank_ids = _cash_and_bank_accounts(chosen)
    money = cash_ids | bank_ids
    if not money:
        return
    approved = sa.or_(
        sa.exists().where(SpendingRequest.voucher_id == Voucher.id),
        sa.exists().where(PlanLine.payment_voucher_id == Voucher.id),
        sa.exists().where(GuaranteePayment.voucher_id == Voucher.id))
    rows = db.session.execute(
        sa.select(Voucher.organisation_id, Voucher.id, Voucher.on,
                  sa.func.sum(_fen(VoucherLine.credit)), approved)
        .join(VoucherLine, VoucherLine.voucher_id == Voucher.id)
        .where(Voucher.organisation_id.in_(list(starts)),
               Voucher.state == VoucherState.POSTED, Voucher.kind == VoucherKind.ORDINARY,
               Voucher.on >= min(starts.values()), Voucher.on <= on,
               VoucherLine.account_id.in_(money), _fen(VoucherLine.credit) > 0)
        .group_by(Voucher.organisation_id, Voucher.id, Voucher.on))
    for org_id, voucher_id, day, fen, was_approved in rows:
        if day >= starts[org_id]:
            facts[org_id].outflows.append(rules.Outflow(voucher_id, day, from_fen(int(fen)),
                                                        bool(was_approved)))


def _bank_months(facts: dict[int, rules.OrgFacts], ids: list[int]) -> None:
    """Each month with posted movements of a bank account under reconciliation (its statement
    columns set), from its first statement's month, and whether it is reconciled."""
    first = dict(db.session.execute(
        sa.select(BankStatement.account_id, sa.func.min(BankStatement.first_on))
        .where(BankStatement.organisation_id.in_(ids))
        .group_by(BankStatement.account_id)).all())
    if not first:
        return
    done = set(db.session.execute(sa.select(
        ReconciledMonth.account_id, ReconciledMonth.year, ReconciledMonth.month).where(
        ReconciledMonth.account_id.in_(list(first)))))
    year, month = sa.extract("year", VoucherLine.on), sa.extract("month", VoucherLine.on)
    rows = db.session.execute(
        sa.select(VoucherLine.organisation_id, VoucherLine.account_id, year, month)
        .where(VoucherLine.account_id.in_(list(first)), VoucherLine.posted.is_(True),
               VoucherLine.opening.is_(False))
        .group_by(VoucherLine.organisation_id, VoucherLine.account_id, year, month))
    for org_id, account_id, y, m in rows:
        start = first[account_id]
        if (int(y), int(m)) < (start.year, start.month):
            continue
        facts[org_id].bank_months.append(rules.BankMonth(
            account_id, int(y), int(m), (account_id, int(y), int(m)) in done))


def _cash_counts(facts: dict[int, rules.OrgFacts], orgs: Sequence[Organisation]) -> None:
    """The months the cash was counted, from the month of the first count or of the day the
    township adopted money control (spending requests), whichever is earlier."""
    ids = [o.id for o in orgs]
    adopted = dict(db.session.execute(sa.select(
        SpendingSettings.township_id, SpendingSettings.requests_from).where(
        SpendingSettings.requests_from.is_not(None),
        SpendingSettings.township_id.in_(sorted({o.township_id for o in orgs})))).all())
    counted: dict[int, set[tuple[int, int]]] = defaultdict(set)
    first: dict[int, dt.date] = {}
    for org_id, day in db.session.execute(sa.select(CashCount.organisation_id, CashCount.on)
                                          .where(CashCount.organisation_id.in_(ids))):
        counted[org_id].add((day.year, day.month))
        first[org_id] = min(first.get(org_id, day), day)
    for org in orgs:
        starts = [d for d in (first.get(org.id), adopted.get(org.township_id)) if d]
        if not starts:
            continue
        start = min(starts)
        facts[org.id].cash_counting_from = start.replace(day=1)
        facts[org.id].cash_counted = frozenset(counted[org.id])


def _requests(facts: dict[int, rules.OrgFacts], ids: list[int]) -> None:
    """Requests waiting at a step (since they were submitted or the step before was decided)
    and paid requests whose voucher is not posted."""
    waiting = db.session.execute(
        sa.select(SpendingRequest.organisation_id, SpendingRequest.id, SpendingRequest.amount,
                  SpendingRequest.submitted_at, SpendingRequest.round)
        .where(SpendingRequest.organisation_id.in_(ids),
               SpendingRequest.state == RequestState.SUBMITTED)).all()
    if waiting:
        steps: dict[int, list[RequestStep]] = defaultdict(list)
        for step in db.session.scalars(sa.select(RequestStep).where(
                RequestStep.request_id.in_([row[1] for row in waiting]))
                .order_by(RequestStep.position)):
            steps[step.request_id].append(step)
        for org_id, request_id, amount, submitted, round_no in waiting:
            current = [s for s in steps[request_id] if s.round == round_no]
            pending = next((s for s in current if s.state is StepState.PENDING), None)
            if pending is None or submitted is None:
                continue
            decided = [s.decided_at for s in current if s.decided_at is not None]
            since = max([submitted, *decided]).astimezone(BUSINESS_ZONE).date()
            facts[org_id].requests.append(rules.OpenRequest(request_id, since, amount,
                                                            pending.role.value))
    for org_id, request_id, amount, paid_on in db.session.execute(
            sa.select(SpendingRequest.organisation_id, SpendingRequest.id,
                      SpendingRequest.amount, SpendingRequest.paid_on)
            .join(Voucher, Voucher.id == SpendingRequest.voucher_id)
            .where(SpendingRequest.organisation_id.in_(ids),
                   SpendingRequest.state == RequestState.PAID,
                   Voucher.state != VoucherState.POSTED)):
        if paid_on is not None:
            facts[org_id].requests.append(rules.OpenRequest(request_id, paid_on, amount, ""))
