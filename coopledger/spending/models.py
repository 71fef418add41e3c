"""Tables of spending approved before it is paid: each township's approval chain and limits,
the spending requests (支出申请) of its organisations, every approval step a request went
through (all rounds kept), and the scans filed with a request.

Amounts are exact Decimal yuan stored as integer fen (``MoneyType``).
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.auth.models import User
from coopledger.auth.roles import Role
from coopledger.banking.models import BatchState, ItemState, PaymentFields
from coopledger.db import MoneyType, UTCDateTime, enum_column
from coopledger.extensions import Model
from coopledger.i18n import N_
from coopledger.ledger.models import StoredFile, Voucher
from coopledger.money import ZERO
from coopledger.orgs.models import Organisation


class ChainStep(Model):
    """One step of a township's approval chain: who approves (a role) and from which amount
    the step applies (0: always)."""

    __tablename__ = "spending_chain_steps"
    __table_args__ = (sa.UniqueConstraint("township_id", "position",
                                          name="uq_spending_chain_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    position: Mapped[int]
    role: Mapped[Role] = mapped_column(enum_column(Role, "chain_role"))
    from_amount: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)


class SpendingSettings(Model):
    """A township's limits for its organisations' spending: the largest payment in cash, the
    amount from which a 成员(代表)大会 resolution is required, whether a scan is required,
    and organisations that do not use requests at all."""

    __tablename__ = "spending_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), unique=True)
    cash_limit: Mapped[Decimal] = mapped_column(MoneyType())
    resolution_from: Mapped[Decimal] = mapped_column(MoneyType())
    scans_required: Mapped[bool] = mapped_column(default=True)
    requests_from: Mapped[dt.date | None]
    """From this day a payment out of cash or bank without an approved request is a warning
    on the township's dashboard (无审批支出); None: not yet adopted."""
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class SpendingExemption(Model):
    """An organisation the township lets pay without requests (no 无审批支出 warning)."""

    __tablename__ = "spending_exemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"),
                                                 unique=True)
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    set_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class RequestState(enum.StrEnum):
    """Where a spending request is."""

    DRAFT = "draft"
    SUBMITTED = "submitted"     # going through the approval chain
    RETURNED = "returned"       # refused at a step: back with its author
    APPROVED = "approved"
    PAID = "paid"               # paid; its voucher drafted for review and posting

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {RequestState.DRAFT: N_("草稿"), RequestState.SUBMITTED: N_("审批中"),
                RequestState.RETURNED: N_("已退回"), RequestState.APPROVED: N_("已批准待支付"),
                RequestState.PAID: N_("已支付")}[self]


class Method(enum.StrEnum):
    """How the money is expected to go."""

    BANK = "bank"
    CASH = "cash"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {Method.BANK: N_("银行转账"), Method.CASH: N_("现金")}[self]


class SpendingRequest(Model):
    """A 支出申请: what is to be paid, to whom, for what, booked to which account, and where
    it is in its approval chain; paid at most once (``voucher_id`` unique)."""

    __tablename__ = "spending_requests"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "year", "number",
                                          name="uq_spending_request_number"),
                      sa.Index("ix_spending_requests_org_state", "organisation_id", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    year: Mapped[int]
    number: Mapped[int]
    state: Mapped[RequestState] = mapped_column(enum_column(RequestState, "request_state"),
                                                default=RequestState.DRAFT)
    amount: Mapped[Decimal] = mapped_column(MoneyType())
    payee: Mapped[str] = mapped_column(sa.String(100))
    payee_bank: Mapped[str] = mapped_column(sa.String(100), default="")
    payee_account: Mapped[str] = mapped_column(sa.String(40), default="")
    purpose: Mapped[str] = mapped_column(sa.String(500))
    account_code: Mapped[str] = mapped_column(sa.String(20))
    method: Mapped[Method] = mapped_column(enum_column(Method, "payment_method"))
    resolution_ref: Mapped[str] = mapped_column(sa.String(100), default="")
    round: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    paid_on: Mapped[dt.date | None]
    paid_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    bank_reference: Mapped[str] = mapped_column(sa.String(64), default="")
    voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"), unique=True)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    paid_by: Mapped[User | None] = relationship(foreign_keys=[paid_by_id])
    voucher: Mapped[Voucher | None] = relationship()
    steps: Mapped[list[RequestStep]] = relationship(
        back_populates="request", order_by="(RequestStep.round, RequestStep.position)",
        cascade="all, delete-orphan")
    scans: Mapped[list[RequestScan]] = relationship(
        back_populates="request", order_by="RequestScan.id", cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        """支出申请 2024-007."""
        return f"{self.year}-{self.number:03d}"

    @property
    def current_steps(self) -> list[RequestStep]:
        """The steps of the request's current round, in order."""
        return [step for step in self.steps if step.round == self.round]


class StepState(enum.StrEnum):
    """What happened at one approval step."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    SKIPPED = "skipped"      # a later step of a round an earlier step refused

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {StepState.PENDING: N_("待审批"), StepState.APPROVED: N_("同意"),
                StepState.REFUSED: N_("不同意"), StepState.SKIPPED: N_("未审批（已退回）")}[self]


class RequestStep(Model):
    """One approval step of one round of a request: the chain's step as it applied when the
    request was submitted, and who decided it, when and why."""

    __tablename__ = "spending_request_steps"
    __table_args__ = (sa.UniqueConstraint("request_id", "round", "position",
                                          name="uq_spending_request_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("spending_requests.id"), index=True)
    round: Mapped[int]
    position: Mapped[int]
    role: Mapped[Role] = mapped_column(enum_column(Role, "step_role"))
    state: Mapped[StepState] = mapped_column(enum_column(StepState, "step_state"),
                                             default=StepState.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(sa.String(500), default="")

    request: Mapped[SpendingRequest] = relationship(back_populates="steps")
    decided_by: Mapped[User | None] = relationship()


class RequestScan(StoredFile, Model):
    """A scan filed with a request (invoice, contract, meeting minutes), kept by SHA-256 and
    attached to the voucher its payment drafts."""

    __tablename__ = "spending_request_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("spending_requests.id"), index=True)

    request: Mapped[SpendingRequest] = relationship(back_populates="scans")


class PaymentBatch(Model):
    """A bank payment instruction file (批量转账) for approved requests, paid from one bank
    account, in one bank's layout (``banking/data/payment_layouts.toml``)."""

    __tablename__ = "spending_payment_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    account_code: Mapped[str] = mapped_column(sa.String(20))
    layout: Mapped[str] = mapped_column(sa.String(30))
    state: Mapped[BatchState] = mapped_column(enum_column(BatchState, "batch_state"),
                                              default=BatchState.OPEN)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship()
    items: Mapped[list[PaymentItem]] = relationship(
        back_populates="batch", order_by="PaymentItem.number", cascade="all, delete-orphan")

    @property
    def total(self) -> Decimal:
        """The batch's amount."""
        return sum((item.amount for item in self.items), ZERO)


class PaymentItem(PaymentFields, Model):
    """One payment of a batch: the request, what the file said, and the bank's answer."""

    __tablename__ = "spending_payment_items"
    __table_args__ = (sa.UniqueConstraint("reference", name="uq_spending_payment_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("spending_payment_batches.id"),
                                          index=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("spending_requests.id"), index=True)
    number: Mapped[int]
    state: Mapped[ItemState] = mapped_column(enum_column(ItemState, "payment_item_state"),
                                             default=ItemState.PENDING)

    batch: Mapped[PaymentBatch] = relationship(back_populates="items")
    request: Mapped[SpendingRequest] = relationship()

    @property
    def paid(self) -> bool:
        """Whether the bank paid this item (its request's voucher is this payment's)."""
        return self.state is ItemState.PAID
