"""The demo township's supervision, loaded after the demo books (``[full_supervision]`` of the
sample world), so that its organisations show every state on the auditor's dashboard:

- the township's thresholds (cash limit 5,000 元 …);
- a clean organisation: books opened on the first day of the current month, an expense with
  its scanned receipt, nothing overdue;
- cash over the limit: cash drawn from the bank into the safe in an open month, left there
  (the organisation also has a quarter never disclosed);
- an open finding with its correction in progress: an audit with its checklist partly done, a
  seeded voucher sample and a finding the accountant has answered, due a month from today;
- the auditor's opinion on a distribution plan.

Dates that must stay current (the clean books, the finding's deadline) follow today's date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from coopledger.auth.models import User
from coopledger.distribution.models import Plan, PlanState
from coopledger.extensions import db
from coopledger.files.stores import Store
from coopledger.ledger import attachments, periods, vouchers
from coopledger.ledger.books import get_book
from coopledger.ledger.models import Account, Attachment, Category, Voucher, VoucherLine
from coopledger.ledger.rules import Line
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.money import ZERO
from coopledger.orgs.models import Organisation, Township
from coopledger.supervision import rules, services
from coopledger.supervision.models import (
    Audit,
    CheckResult,
    FindingSeverity,
    Opinion,
    OpinionSubject,
    SupervisionSettings,
    Verdict,
)


def _one(model: Any, column: Any, value: str) -> Any:
    return db.session.scalars(sa.select(model).where(column == value)).one()


def _post(voucher: Voucher, accountant: User, reviewer: User, *, today: dt.date) -> Voucher:
    vouchers.submit_voucher(voucher, by=accountant)
    vouchers.review_voucher(voucher, by=reviewer)
    return vouchers.post_voucher(voucher, by=reviewer, today=today)


def load(section: dict[str, Any], *, storage: Store, today: dt.date) -> tuple[int, int]:
    """Create what is missing; returns (records created, records already there)."""
    created = skipped = 0
    for step in (_thresholds, _clean_books, _cash_left_in_the_safe, _audit, _opinion):
        made = step(section, storage, today=today)
        created, skipped = created + made, skipped + (not made)
    return created, skipped


def _thresholds(section: dict[str, Any], storage: Store, *, today: dt.date) -> int:
    row = section["thresholds"]
    town = _one(Township, Township.code, row["township"])
    if db.session.scalar(sa.select(SupervisionSettings.id).where(
            SupervisionSettings.township_id == town.id)):
        return 0
    values = rules.Thresholds(
        cash_limit=Decimal(row["cash_limit"]),
        cash_payment_limit=Decimal(row["cash_payment_limit"]),
        round_sum_unit=Decimal(row["round_sum_unit"]),
        round_sum_minimum=Decimal(row["round_sum_minimum"]),
        duplicate_days=int(row["duplicate_days"]), expiry_days=int(row["expiry_days"]),
        close_grace_days=int(row["close_grace_days"]), question_days=int(row["question_days"]))
    services.save_thresholds(town, values,
                             by=_one(User, User.username, row["by"]))
    return 1


def _clean_books(section: dict[str, Any], storage: Store, *, today: dt.date) -> int:
    row = section["clean_books"]
    org = _one(Organisation, Organisation.code, row["org"])
    if get_book(org).opened_on is not None:
        return 0
    accountant = _one(User, User.username, row["accountant"])
    reviewer = _one(User, User.username, row["reviewer"])
    start = today.replace(day=1)
    opening = periods.open_books(org, on=start, balances=[
        Line("期初余额", "101", Decimal(row["cash"]), ZERO),
        Line("期初余额", "102", Decimal(row["bank"]), ZERO),
        Line("期初余额", "301", ZERO, Decimal(row["cash"]) + Decimal(row["bank"]))],
        by=accountant, today=today)
    _post(opening, accountant, reviewer, today=today)
    for summary, debit, credit, amount in row["vouchers"]:
        voucher = vouchers.save_voucher(org, voucher=None, on=start, lines=[
            Line(summary, debit, Decimal(amount), ZERO),
            Line(summary, credit, ZERO, Decimal(amount))], attachment_count=1, by=accountant,
            today=today)
        attachments.add_attachment(voucher, content=PLACEHOLDER_PNG, filename="receipt.png",
                                   storage=storage, by=accountant)
        _post(voucher, accountant, reviewer, today=today)
    return 1


def _cash_left_in_the_safe(section: dict[str, Any], storage: Store, *, today: dt.date) -> int:
    row = section["cash_withdrawal"]
    org = _one(Organisation, Organisation.code, row["org"])
    on = dt.date.fromisoformat(row["on"])
    if get_book(org).opened_on is None or db.session.scalar(sa.select(Voucher.id).join(
            VoucherLine).where(Voucher.organisation_id == org.id, Voucher.on == on,
                               VoucherLine.summary == row["summary"])):
        return 0
    accountant = _one(User, User.username, row["accountant"])
    voucher = vouchers.save_voucher(org, voucher=None, on=on, lines=[
        Line(row["summary"], "101", Decimal(row["amount"]), ZERO),
        Line(row["summary"], row["bank_code"], ZERO, Decimal(row["amount"]))],
        attachment_count=1, by=accountant, today=today)
    attachments.add_attachment(voucher, content=PLACEHOLDER_PNG, filename="cheque-stub.png",
                               storage=storage, by=accountant)
    _post(voucher, accountant, _one(User, User.username, row["reviewer"]), today=today)
    return 1


def _audit(section: dict[str, Any], storage: Store, *, today: dt.date) -> int:
    row = section["audit"]
    org = _one(Organisation, Organisation.code, row["org"])
    if get_book(org).opened_on is None or db.session.scalar(
            sa.select(Audit.id).where(Audit.organisation_id == org.id)):
        return 0
    auditor = _one(User, User.username, row["auditor"])
    audit = services.open_audit(org, scope=row["scope"],
                                period_from=dt.date.fromisoformat(row["from"]),
                                period_to=dt.date.fromisoformat(row["to"]),
                                sample_size=int(row["sample_size"]), seed=int(row["seed"]),
                                by=auditor)
    done = dict(row["checks"])
    for check in audit.checks:
        if check.item in done:
            result, note = done[check.item]
            services.set_check(audit, check, result=CheckResult(result), note=note, by=auditor)
    unscanned = _expense_without_scan(org, audit.period_from, audit.period_to)
    finding = services.add_finding(
        audit, severity=FindingSeverity(row["finding"]["severity"]),
        title=row["finding"]["title"], detail=row["finding"]["detail"],
        records=f"voucher:{unscanned}", on=today,
        deadline=today + dt.timedelta(days=int(row["finding"]["days"])), by=auditor)
    services.respond(finding, response=row["finding"]["response"],
                     by=_one(User, User.username, row["accountant"]))
    return 1


def _expense_without_scan(org: Organisation, start: dt.date, end: dt.date) -> int:
    """The first expense voucher of the span with no scanned original (any voucher if none)."""
    scanned = sa.select(Attachment.voucher_id)
    found = db.session.scalar(
        sa.select(Voucher.id).join(VoucherLine).join(Account, Account.id == VoucherLine.account_id)
        .where(Voucher.organisation_id == org.id, Voucher.on >= start, Voucher.on <= end,
               VoucherLine.posted.is_(True), Account.category == Category.EXPENSE,
               Voucher.id.not_in(scanned)).order_by(Voucher.on, Voucher.id).limit(1))
    return found or db.session.scalars(sa.select(Voucher.id).where(
        Voucher.organisation_id == org.id).order_by(Voucher.id)).first() or 0


def _opinion(section: dict[str, Any], storage: Store, *, today: dt.date) -> int:
    row = section["opinion"]
    org = _one(Organisation, Organisation.code, row["org"])
    plan = db.session.scalars(sa.select(Plan).where(
        Plan.organisation_id == org.id, Plan.year == int(row["year"]),
        Plan.state != PlanState.SUPERSEDED)).first()
    if plan is None or db.session.scalar(sa.select(Opinion.id).where(
            Opinion.subject == OpinionSubject.PLAN, Opinion.subject_id == plan.id)):
        return 0
    services.give_opinion(org, OpinionSubject.PLAN, plan.id, verdict=Verdict(row["verdict"]),
                          text=row["text"], by=_one(User, User.username, row["auditor"]))
    return 1
