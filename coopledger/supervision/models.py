"""Tables of township supervision: each township's warning thresholds, the auditor's opinions on
disclosures and distributions, and audits (审计) with their checklist, voucher sample and
findings (the records they concern, the 整改 deadline, the organisation's response).

A finding is closed by a township auditor only; an organisation answers it.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.auth.models import User
from coopledger.db import MoneyType, UTCDateTime, enum_column
from coopledger.extensions import Model
from coopledger.i18n import N_
from coopledger.ledger.models import Voucher
from coopledger.orgs.models import Organisation, Township


class SupervisionSettings(Model):
    """A township's warning thresholds (defaults in ``rules.Thresholds``)."""

    __tablename__ = "supervision_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), unique=True)
    cash_limit: Mapped[Decimal] = mapped_column(MoneyType())
    cash_payment_limit: Mapped[Decimal] = mapped_column(MoneyType())
    round_sum_unit: Mapped[Decimal] = mapped_column(MoneyType())
    round_sum_minimum: Mapped[Decimal] = mapped_column(MoneyType())
    duplicate_days: Mapped[int]
    expiry_days: Mapped[int]
    close_grace_days: Mapped[int]
    question_days: Mapped[int]

    township: Mapped[Township] = relationship()


class Verdict(enum.StrEnum):
    """The auditor's opinion."""

    NO_OBJECTION = "no_objection"
    OBJECTION = "objection"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {Verdict.NO_OBJECTION: N_("无异议"), Verdict.OBJECTION: N_("有异议")}[self]


class OpinionSubject(enum.StrEnum):
    """What an opinion is given on."""

    DISCLOSURE = "disclosure"
    PLAN = "plan"


class Opinion(Model):
    """A township auditor's opinion on a disclosure or a distribution plan."""

    __tablename__ = "supervision_opinions"
    __table_args__ = (sa.Index("ix_supervision_opinions_subject", "subject", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    subject: Mapped[OpinionSubject] = mapped_column(enum_column(OpinionSubject,
                                                                "opinion_subject"))
    subject_id: Mapped[int]
    verdict: Mapped[Verdict] = mapped_column(enum_column(Verdict, "opinion_verdict"))
    text: Mapped[str] = mapped_column(sa.String(2000), default="")
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    by: Mapped[User] = relationship()


class AuditState(enum.StrEnum):
    """An audit is open until the auditor closes it."""

    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {AuditState.OPEN: N_("进行中"), AuditState.CLOSED: N_("已结束")}[self]


class Audit(Model):
    """An audit (审计) of one organisation over a span of its books."""

    __tablename__ = "supervision_audits"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    number: Mapped[int]
    scope: Mapped[str] = mapped_column(sa.String(500))
    period_from: Mapped[dt.date]
    period_to: Mapped[dt.date]
    sample_seed: Mapped[int | None]
    sample_size: Mapped[int] = mapped_column(default=0)
    sample_from: Mapped[str] = mapped_column(sa.String(20), default="vouchers",
                                             server_default="vouchers")
    """The sampling frame (``rules.SAMPLE_FRAMES``): every posted voucher of the period, or
    the vouchers that paid spending requests."""
    state: Mapped[AuditState] = mapped_column(enum_column(AuditState, "audit_state"),
                                              default=AuditState.OPEN)
    conclusion: Mapped[str] = mapped_column(sa.String(2000), default="")
    opened_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    opened_by: Mapped[User] = relationship()
    checks: Mapped[list[AuditCheck]] = relationship(
        back_populates="audit", order_by="AuditCheck.position", cascade="all, delete-orphan")
    samples: Mapped[list[AuditSample]] = relationship(
        back_populates="audit", order_by="AuditSample.position", cascade="all, delete-orphan")
    findings: Mapped[list[Finding]] = relationship(
        back_populates="audit", order_by="Finding.number")

    @property
    def label(self) -> str:
        """The audit's reference, e.g. 审-3."""
        return f"审-{self.number}"


class CheckResult(enum.StrEnum):
    """The state of one checklist item."""

    PENDING = "pending"
    PASSED = "passed"
    ISSUE = "issue"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {CheckResult.PENDING: N_("未检查"), CheckResult.PASSED: N_("符合"),
                CheckResult.ISSUE: N_("有问题"), CheckResult.NOT_APPLICABLE: N_("不适用")}[self]


class AuditCheck(Model):
    """One item of an audit's checklist."""

    __tablename__ = "supervision_audit_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(sa.ForeignKey("supervision_audits.id"), index=True)
    position: Mapped[int]
    item: Mapped[str] = mapped_column(sa.String(40))
    result: Mapped[CheckResult] = mapped_column(enum_column(CheckResult, "check_result"),
                                                default=CheckResult.PENDING)
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    audit: Mapped[Audit] = relationship(back_populates="checks")


class AuditSample(Model):
    """A voucher drawn into an audit's random sample (the seed reproduces the draw)."""

    __tablename__ = "supervision_audit_samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(sa.ForeignKey("supervision_audits.id"), index=True)
    position: Mapped[int]
    voucher_id: Mapped[int] = mapped_column(sa.ForeignKey("vouchers.id"))

    audit: Mapped[Audit] = relationship(back_populates="samples")
    voucher: Mapped[Voucher] = relationship()


class FindingSeverity(enum.StrEnum):
    """How serious a finding is."""

    MAJOR = "major"
    GENERAL = "general"
    MINOR = "minor"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {FindingSeverity.MAJOR: N_("重大"), FindingSeverity.GENERAL: N_("一般"),
                FindingSeverity.MINOR: N_("轻微")}[self]


class FindingState(enum.StrEnum):
    """Open → answered by the organisation (整改中) → closed by the auditor."""

    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {FindingState.OPEN: N_("待整改"), FindingState.ANSWERED: N_("整改中（已答复）"),
                FindingState.CLOSED: N_("已销号")}[self]


class Finding(Model):
    """A finding of an audit: what is wrong, the records it concerns, the correction due."""

    __tablename__ = "supervision_findings"
    __table_args__ = (sa.UniqueConstraint("audit_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(sa.ForeignKey("supervision_audits.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    number: Mapped[int]
    severity: Mapped[FindingSeverity] = mapped_column(enum_column(FindingSeverity,
                                                                  "finding_severity"))
    title: Mapped[str] = mapped_column(sa.String(200))
    detail: Mapped[str] = mapped_column(sa.String(2000), default="")
    deadline: Mapped[dt.date]
    state: Mapped[FindingState] = mapped_column(enum_column(FindingState, "finding_state"),
                                                default=FindingState.OPEN)
    response: Mapped[str] = mapped_column(sa.String(2000), default="")
    responded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closing_note: Mapped[str] = mapped_column(sa.String(1000), default="")
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    audit: Mapped[Audit] = relationship(back_populates="findings")
    organisation: Mapped[Organisation] = relationship()
    records: Mapped[list[FindingRecord]] = relationship(
        back_populates="finding", order_by="FindingRecord.id", cascade="all, delete-orphan")
    responded_by: Mapped[User | None] = relationship(foreign_keys=[responded_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def label(self) -> str:
        """The finding's reference, e.g. 审-3-2."""
        return f"{self.audit.label}-{self.number}"


class FindingRecord(Model):
    """A record a finding concerns (a voucher, a contract, a disclosure period, a plan…)."""

    __tablename__ = "supervision_finding_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(sa.ForeignKey("supervision_findings.id"),
                                            index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    key: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(200))

    finding: Mapped[Finding] = relationship(back_populates="records")


class RuleSnapshot(Model):
    """What the voucher rules found in one organisation's books, kept so the dashboard need not
    re-read every posted voucher on each view. Valid while ``key`` matches — the books' posting
    count, the review window's start and the township's thresholds (posting anything changes
    it) — and carried to a later day when no posted voucher is dated after the day it was
    computed on (``counts`` notes that day and whether the cash then stood over the limit;
    ``supervision.queries.dashboard``)."""

    __tablename__ = "supervision_rule_snapshots"

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"),
                                                 primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200))
    counts: Mapped[str] = mapped_column(sa.Text)     # JSON {rule: number of hits}
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
