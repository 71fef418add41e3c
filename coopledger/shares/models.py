"""Tables of share classes, share accounts (holders), register operations and certificates.

The register is append-only and effective-dated: an operation is never edited once done;
holdings on any date are the fold of done operations up to that date (DESIGN §6).
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.auth.models import User
from coopledger.db import Decimal4, MoneyType, UTCDateTime, enum_column
from coopledger.extensions import Model
from coopledger.i18n import N_
from coopledger.members.models import Household, Parcel
from coopledger.orgs.models import Organisation


class ShareKind(enum.StrEnum):
    """The share classes of DESIGN §6."""

    LAND = "land"
    POPULATION = "population"
    SENIORITY = "seniority"
    CAPITAL = "capital"
    COLLECTIVE = "collective"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return SHARE_KIND_LABELS[self]


SHARE_KIND_LABELS = {ShareKind.LAND: N_("土地股"), ShareKind.POPULATION: N_("人口股"),
                     ShareKind.SENIORITY: N_("农龄股"), ShareKind.CAPITAL: N_("资金股"),
                     ShareKind.COLLECTIVE: N_("集体股")}


class OperationKind(enum.StrEnum):
    """Register operations."""

    SUBSCRIBE = "subscribe"
    INCREASE = "increase"
    TRANSFER = "transfer"
    INHERIT = "inherit"
    GIFT = "gift"
    BUYBACK = "buyback"
    PLEDGE = "pledge"
    RELEASE = "release"
    ADJUST = "adjust"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return OPERATION_LABELS[self]


OPERATION_LABELS = {
    OperationKind.SUBSCRIBE: N_("入股"), OperationKind.INCREASE: N_("增股"),
    OperationKind.TRANSFER: N_("转让"), OperationKind.INHERIT: N_("继承"),
    OperationKind.GIFT: N_("赠与"), OperationKind.BUYBACK: N_("回购/退出"),
    OperationKind.PLEDGE: N_("质押"), OperationKind.RELEASE: N_("解押"),
    OperationKind.ADJUST: N_("调整"),
}


class OperationState(enum.StrEnum):
    """A register request's life: draft → approved → done, or refused."""

    DRAFT = "draft"
    APPROVED = "approved"
    DONE = "done"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return OPERATION_STATE_LABELS[self]


OPERATION_STATE_LABELS = {OperationState.DRAFT: N_("待审批"), OperationState.APPROVED: N_("已批准"),
                          OperationState.DONE: N_("已登记"), OperationState.REFUSED: N_("已驳回")}


class ShareSettings(Model):
    """An organisation's share rules: land conversion, rounding, buy-back cap, counters."""

    __tablename__ = "share_settings"

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"),
                                                 primary_key=True)
    shares_per_mu: Mapped[Decimal] = mapped_column(Decimal4(), default=Decimal("1.0000"))
    decimals: Mapped[int] = mapped_column(default=2)
    rounding: Mapped[str] = mapped_column(sa.String(16), default="half_up")
    buyback_cap_percent: Mapped[Decimal] = mapped_column(Decimal4(), default=Decimal("5.0000"))
    last_operation_number: Mapped[int] = mapped_column(default=0)
    last_certificate_serial: Mapped[int] = mapped_column(default=0)


class ShareClass(Model):
    """A class of shares of an organisation, with who may hold it and its unit value."""

    __tablename__ = "share_classes"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    kind: Mapped[ShareKind] = mapped_column(enum_column(ShareKind, "share_kind"))
    name: Mapped[str] = mapped_column(sa.String(32))
    unit_value: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))

    @property
    def collective_only(self) -> bool:
        """集体股 is held by the village collective only; every other class by households."""
        return self.kind is ShareKind.COLLECTIVE


class ShareAccount(Model):
    """A holder of shares in an organisation: a household, or the leading collective."""

    __tablename__ = "share_accounts"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"))
    collective_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))

    household: Mapped[Household | None] = relationship()
    collective_org: Mapped[Organisation | None] = relationship(
        foreign_keys=[collective_org_id])

    @property
    def name(self) -> str:
        """Who holds it."""
        if self.household is not None:
            return str(self.household)
        return self.collective_org.name if self.collective_org else "?"

    @property
    def is_collective(self) -> bool:
        """Whether the village collective holds it."""
        return self.household_id is None


class ShareOperation(Model):
    """One request in the share register, numbered without gaps per organisation."""

    __tablename__ = "share_operations"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "number"),
        sa.Index("ix_share_operations_book", "organisation_id", "state", "effective_on"),
        sa.CheckConstraint("quantity > 0", name="positive_quantity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    number: Mapped[int]
    kind: Mapped[OperationKind] = mapped_column(enum_column(OperationKind, "operation_kind"))
    state: Mapped[OperationState] = mapped_column(enum_column(OperationState, "operation_state"),
                                                  default=OperationState.DRAFT)
    share_class_id: Mapped[int] = mapped_column(sa.ForeignKey("share_classes.id"))
    from_account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("share_accounts.id"))
    to_account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("share_accounts.id"))
    quantity: Mapped[Decimal] = mapped_column(Decimal4())
    effective_on: Mapped[dt.date]
    counterparty: Mapped[str] = mapped_column(sa.String(100), default="")
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    document: Mapped[str] = mapped_column(sa.String(200), default="")
    document_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    document_name: Mapped[str | None] = mapped_column(sa.String(200))
    document_type: Mapped[str | None] = mapped_column(sa.String(64))
    calculation: Mapped[str] = mapped_column(sa.String(200), default="")
    parcel_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parcels.id"))
    refusal_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"))

    organisation: Mapped[Organisation] = relationship()
    share_class: Mapped[ShareClass] = relationship()
    from_account: Mapped[ShareAccount | None] = relationship(foreign_keys=[from_account_id])
    to_account: Mapped[ShareAccount | None] = relationship(foreign_keys=[to_account_id])
    parcel: Mapped[Parcel | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class CertificateStatus(enum.StrEnum):
    """A certificate version is current until the holdings change."""

    ISSUED = "issued"
    CANCELLED = "cancelled"


class Certificate(Model):
    """A version of a household's share certificate (股权证)."""

    __tablename__ = "certificates"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "serial", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("share_accounts.id"), index=True)
    serial: Mapped[str] = mapped_column(sa.String(32))
    version: Mapped[int]
    status: Mapped[CertificateStatus] = mapped_column(
        enum_column(CertificateStatus, "certificate_status"), default=CertificateStatus.ISSUED)
    issued_on: Mapped[dt.date]
    cancelled_on: Mapped[dt.date | None]
    holdings: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # random part of the check address printed in the QR code (serials are sequential and
    # could be enumerated); "" for certificates issued before it existed
    token: Mapped[str] = mapped_column(sa.String(32), default="", server_default="")

    organisation: Mapped[Organisation] = relationship()
    account: Mapped[ShareAccount] = relationship()
