"""Use cases of township supervision: thresholds, opinions, audits, findings and answers.

Who may call which is checked by the views (auditors write opinions, audits and findings and
close findings; the organisation's accountant answers them); these functions keep the rules
that hold whoever calls them: a finding names its records and a deadline, only an auditor of
the organisation's township closes it, a closed audit takes no more findings.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from coopledger.audit.services import record, snapshot
from coopledger.auth.models import User
from coopledger.auth.permissions import audited_township_ids, permitted
from coopledger.contracts.models import Contract
from coopledger.dates import utcnow
from coopledger.disclosure import rules as disclosure_rules
from coopledger.disclosure.models import Disclosure, Question
from coopledger.distribution.models import Plan
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger.models import LedgerCheck, Voucher, VoucherState
from coopledger.locking import lock
from coopledger.orgs.models import Organisation, Township
from coopledger.spending.models import SpendingRequest
from coopledger.supervision import rules
from coopledger.supervision.models import (
    Audit,
    AuditCheck,
    AuditSample,
    AuditState,
    CheckResult,
    Finding,
    FindingRecord,
    FindingSeverity,
    FindingState,
    Opinion,
    OpinionSubject,
    SupervisionSettings,
    Verdict,
)
from coopledger.textnum import whole_number
from coopledger.workflow import Steps

MAX_SAMPLE = 200


class SupervisionError(CoopLedgerError):
    """A supervision action that is not allowed."""

    message = N_("监督操作未能完成。")


# --- thresholds --------------------------------------------------------------------------------

def save_thresholds(township: Township, values: rules.Thresholds, *, by: User,
                    ) -> SupervisionSettings:
    """Set a township's thresholds; amounts must be positive, day counts 0 to 366."""
    for name in ("cash_limit", "cash_payment_limit", "round_sum_unit", "round_sum_minimum"):
        if getattr(values, name) <= 0:
            raise SupervisionError(N_("金额阈值必须大于零。"))
    for name in ("duplicate_days", "expiry_days", "close_grace_days", "question_days"):
        if not 0 <= getattr(values, name) <= 366:
            raise SupervisionError(N_("天数阈值须在 0 至 366 之间。"))
    row = db.session.scalar(sa.select(SupervisionSettings).where(
        SupervisionSettings.township_id == township.id))
    before = snapshot(row, rules.THRESHOLD_FIELDS) if row else None
    if row is None:
        row = SupervisionSettings(township_id=township.id)
        db.session.add(row)
    for name in rules.THRESHOLD_FIELDS:
        setattr(row, name, getattr(values, name))
    db.session.flush()
    record("supervision.thresholds", township, by=by, before=before,
           after=snapshot(row, rules.THRESHOLD_FIELDS), label=township.name)
    return row


# --- opinions ----------------------------------------------------------------------------------

def _audits(org: Organisation, user: User) -> bool:
    """Whether ``user`` audits ``org``: an auditor of its township, or the administrator."""
    return user.is_admin or org.township_id in audited_township_ids(user)


def _auditor_of(org: Organisation, user: User,
                message: str = N_("只有本乡镇的审计人员可以这样做。")) -> None:
    if not _audits(org, user):
        raise SupervisionError(message)


def give_opinion(org: Organisation, subject: OpinionSubject, subject_id: int, *,
                 verdict: Verdict, text: str, by: User) -> Opinion:
    """Record the township's opinion on a disclosure or a plan of ``org``."""
    _auditor_of(org, by)
    target: Disclosure | Plan | None = (
        db.session.get(Disclosure, subject_id) if subject is OpinionSubject.DISCLOSURE
        else db.session.get(Plan, subject_id))
    if target is None or target.organisation_id != org.id:
        raise SupervisionError(N_("找不到要发表意见的事项。"))
    text = text.strip()
    if verdict is Verdict.OBJECTION and not text:
        raise SupervisionError(N_("有异议时请写明理由。"))
    opinion = Opinion(organisation_id=org.id, subject=subject, subject_id=subject_id,
                      verdict=verdict, text=text[:2000], by_id=by.id, at=utcnow())
    db.session.add(opinion)
    db.session.flush()
    record("supervision.opinion", org, by=by, label=org.name,
           after={"subject": subject.value, "id": subject_id, "verdict": verdict.value,
                  "text": text[:200]})
    return opinion


def opinions_on(subject: OpinionSubject, subject_id: int) -> list[Opinion]:
    """The opinions given on one disclosure or plan, newest first."""
    return list(db.session.scalars(sa.select(Opinion).where(
        Opinion.subject == subject, Opinion.subject_id == subject_id)
        .order_by(Opinion.at.desc(), Opinion.id.desc())))


# --- audits ------------------------------------------------------------------------------------

def posted_in(org: Organisation, start: dt.date, end: dt.date,
              frame: str = "vouchers") -> list[int]:
    """Ids of the organisation's posted vouchers dated within the span (the sampling frame);
    with ``frame`` "spending" only those that paid a spending request."""
    query = sa.select(Voucher.id).where(
        Voucher.organisation_id == org.id, Voucher.state == VoucherState.POSTED,
        Voucher.on >= start, Voucher.on <= end)
    if frame == "spending":
        query = query.where(sa.exists().where(SpendingRequest.voucher_id == Voucher.id))
    return list(db.session.scalars(query.order_by(Voucher.id)))


def open_audit(org: Organisation, *, scope: str, period_from: dt.date, period_to: dt.date,
               sample_size: int, seed: int, by: User, sample_from: str = "vouchers") -> Audit:
    """Start an audit with the standard checklist and a random voucher sample (seed kept),
    drawn from every posted voucher of the period or from the spending requests' payments."""
    _auditor_of(org, by)
    if sample_from not in rules.SAMPLE_FRAMES:
        raise SupervisionError(N_("请选择抽样范围。"))
    scope = scope.strip()
    if not scope:
        raise SupervisionError(N_("请写明审计范围。"))
    if period_to < period_from:
        raise SupervisionError(N_("审计期间的结束日不能早于开始日。"))
    if not 0 <= sample_size <= MAX_SAMPLE:
        raise SupervisionError(N_("抽查凭证数须在 0 至 %(n)d 之间。"), n=MAX_SAMPLE)
    number = (db.session.scalar(sa.select(sa.func.max(Audit.number)).where(
        Audit.organisation_id == org.id)) or 0) + 1
    audit = Audit(organisation_id=org.id, number=number, scope=scope[:500],
                  period_from=period_from, period_to=period_to,
                  sample_seed=seed if sample_size else None, sample_size=sample_size,
                  sample_from=sample_from, opened_by_id=by.id, opened_at=utcnow())
    audit.checks = [AuditCheck(position=i, item=key)
                    for i, (key, _label) in enumerate(rules.CHECKLIST, start=1)]
    drawn = rules.draw_sample(posted_in(org, period_from, period_to, sample_from),
                              size=sample_size, seed=seed) if sample_size else []
    audit.samples = [AuditSample(position=i, voucher_id=vid)
                     for i, vid in enumerate(drawn, start=1)]
    db.session.add(audit)
    db.session.flush()
    record("supervision.audit_open", audit, by=by, label=f"{org.name} {audit.label}",
           after={"scope": audit.scope, "from": period_from.isoformat(),
                  "to": period_to.isoformat(), "seed": audit.sample_seed,
                  "frame": sample_from,
                  "sampled": len(drawn)})
    return audit


def set_check(audit: Audit, check: AuditCheck, *, result: CheckResult, note: str,
              by: User) -> AuditCheck:
    """Mark one checklist item."""
    _still_open(audit, "check", by)
    check.result = result
    check.note = note.strip()[:500]
    db.session.flush()
    record("supervision.audit_check", audit, by=by, label=f"{audit.label} {check.item}",
           after={"item": check.item, "result": result.value, "note": check.note})
    return check


def audit_steps_for(audit: Audit, user: User) -> Steps:
    """The steps ``user`` may take on ``audit`` now (``rules.audit_steps``)."""
    org = audit.organisation
    return rules.audit_steps(
        state=audit.state.value,
        audits_township=_audits(org, user),
        may=permitted(user, org))


def _still_open(audit: Audit, step: str, by: User) -> None:
    lock(audit)
    audit_steps_for(audit, by).require(step, SupervisionError)


def close_audit(audit: Audit, *, conclusion: str, by: User) -> Audit:
    """End the audit with its conclusion (findings stay open until each is corrected)."""
    _still_open(audit, "close", by)
    if not conclusion.strip():
        raise SupervisionError(N_("请填写审计结论。"))
    if any(c.result is CheckResult.PENDING for c in audit.checks):
        raise SupervisionError(N_("检查清单还有未检查的项目。"))
    audit.conclusion = conclusion.strip()[:2000]
    audit.state = AuditState.CLOSED
    audit.closed_at = utcnow()
    db.session.flush()
    record("supervision.audit_close", audit, by=by, label=audit.label,
           after={"conclusion": audit.conclusion[:200]})
    return audit


# --- findings ----------------------------------------------------------------------------------

def resolve_records(org: Organisation, text: str) -> list[FindingRecord]:
    """The organisation's records named in ``text``, each checked to exist and belong to it."""
    refs, bad = rules.parse_records(text)
    if bad:
        raise SupervisionError(N_("看不懂这些记录：%(items)s。凭证请写成“2025-03 记-12”。"),
                               items="、".join(bad[:5]))
    found = []
    for ref in refs:
        label = _record_label(org, ref)
        if label is None:
            raise SupervisionError(N_("本组织没有这条记录：%(item)s。"), item=ref.key)
        kind, key = ("voucher", label[1]) if ref.kind == "voucher_no" else (ref.kind, ref.key)
        found.append(FindingRecord(kind=kind, key=key, label=label[0][:200]))
    return found


def _record_label(org: Organisation, ref: rules.RecordRef) -> tuple[str, str] | None:
    """(label, key) of a record of ``org``, or None when it has no such record."""
    row_id = whole_number(ref.key, 0)

    if ref.kind == "voucher_no":
        month, word, number = ref.key.split(":")
        year, mon = (int(x) for x in month.split("-"))
        voucher = db.session.scalar(sa.select(Voucher).where(
            Voucher.organisation_id == org.id, Voucher.year == year, Voucher.month == mon,
            Voucher.word == word, Voucher.number == int(number)))
        return (f"{year}-{mon:02d} {voucher.label}", str(voucher.id)) if voucher else None
    if ref.kind == "voucher":
        voucher = db.session.get(Voucher, row_id)
        return (f"{voucher.on:%Y-%m} {voucher.label}", ref.key) \
            if voucher is not None and voucher.organisation_id == org.id else None
    if ref.kind == "contract":
        contract = db.session.get(Contract, row_id)
        return (f"{contract.number} {contract.title}", ref.key) \
            if contract is not None and contract.organisation_id == org.id else None
    if ref.kind == "plan":
        plan = db.session.get(Plan, row_id)
        return (f"{plan.year} v{plan.version}", ref.key) \
            if plan is not None and plan.organisation_id == org.id else None
    if ref.kind == "finding":
        finding = db.session.get(Finding, row_id)
        return (finding.label, ref.key) \
            if finding is not None and finding.organisation_id == org.id else None
    if ref.kind == "question":
        question = db.session.get(Question, row_id)
        return (question.text[:60], ref.key) if question is not None and \
            question.disclosure.organisation_id == org.id else None
    if ref.kind == "check":
        return (ref.key, ref.key) if db.session.scalar(sa.select(LedgerCheck.id).where(
            LedgerCheck.organisation_id == org.id)) else None
    return _dated_label(ref)


def _dated_label(ref: rules.RecordRef) -> tuple[str, str] | None:
    """Records named by a date or period key (a cash day, a month, a disclosure period)."""
    try:
        if ref.kind == "cash_day":
            return (dt.date.fromisoformat(ref.key).isoformat(), ref.key)
        if ref.kind == "period":
            dt.date.fromisoformat(f"{ref.key}-01")
            return (ref.key, ref.key)
        if ref.kind == "disclosure":
            disclosure_rules.period_of(ref.key)
            return (ref.key, ref.key)
    except ValueError:
        return None
    return None


def add_finding(audit: Audit, *, severity: FindingSeverity, title: str, detail: str,
                records: str, deadline: dt.date | None, on: dt.date, by: User) -> Finding:
    """A finding of an open audit; it must name its records and a correction deadline."""
    _still_open(audit, "add_finding", by)
    title = title.strip()
    if not title:
        raise SupervisionError(N_("请写明发现的问题。"))
    if deadline is None:
        raise SupervisionError(N_("请给出整改期限。"))
    if deadline < on:
        raise SupervisionError(N_("整改期限不能早于今天。"))
    found = resolve_records(audit.organisation, records)
    if not found:
        raise SupervisionError(N_("请写明问题涉及的记录（凭证、合同等）。"))
    number = (db.session.scalar(sa.select(sa.func.max(Finding.number)).where(
        Finding.audit_id == audit.id)) or 0) + 1
    finding = Finding(audit=audit, organisation_id=audit.organisation_id, number=number,
                      severity=severity, title=title[:200], detail=detail.strip()[:2000],
                      deadline=deadline, created_by_id=by.id, created_at=utcnow())
    finding.records = found
    db.session.add(finding)
    db.session.flush()
    record("supervision.finding", finding, by=by, label=finding.label,
           after={"severity": severity.value, "title": finding.title,
                  "deadline": deadline.isoformat(),
                  "records": [f"{r.kind}:{r.key}" for r in found]})
    return finding


def finding_steps_for(finding: Finding, user: User) -> Steps:
    """The steps ``user`` may take on ``finding`` now (``rules.finding_steps``)."""
    org = finding.organisation
    return rules.finding_steps(
        state=finding.state.value,
        audits_township=_audits(org, user),
        may=permitted(user, org))


def respond(finding: Finding, *, response: str, by: User) -> Finding:
    """The organisation's answer: what it corrected or will correct (整改情况)."""
    lock(finding)
    finding_steps_for(finding, by).require("respond", SupervisionError)
    if not response.strip():
        raise SupervisionError(N_("请填写整改情况。"))
    finding.response = response.strip()[:2000]
    finding.responded_by_id = by.id
    finding.responded_at = utcnow()
    finding.state = FindingState.ANSWERED
    db.session.flush()
    record("supervision.finding_response", finding, by=by, label=finding.label,
           after={"response": finding.response[:200]})
    return finding


def close_finding(finding: Finding, *, note: str, by: User) -> Finding:
    """The auditor accepts the correction and closes the finding (销号)."""
    lock(finding)
    finding_steps_for(finding, by).require("close", SupervisionError)
    finding.state = FindingState.CLOSED
    finding.closing_note = note.strip()[:1000]
    finding.closed_by_id = by.id
    finding.closed_at = utcnow()
    db.session.flush()
    record("supervision.finding_close", finding, by=by, label=finding.label,
           after={"note": finding.closing_note[:200]})
    return finding


def reopen_finding(finding: Finding, *, note: str, by: User) -> Finding:
    """The auditor does not accept the answer: the finding is open again."""
    lock(finding)
    finding_steps_for(finding, by).require("reopen", SupervisionError)
    if not note.strip():
        raise SupervisionError(N_("退回时请写明理由。"))
    finding.state = FindingState.OPEN
    finding.closing_note = note.strip()[:1000]
    db.session.flush()
    record("supervision.finding_return", finding, by=by, label=finding.label,
           after={"note": finding.closing_note[:200]})
    return finding
