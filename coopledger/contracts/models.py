"""Tables of partner enterprises and other counterparties of an organisation, of its
contracts with them, and of the contributed parcels each land lease covers.

A counterparty is an enterprise (identified by its 统一社会信用代码) or an individual
(identified by a resident ID number); each organisation keeps its own register, and a code or
ID number appears at most once in it.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.db import MoneyType, enum_column
from coopledger.extensions import Model
from coopledger.i18n import N_
from coopledger.members.models import Parcel
from coopledger.orgs.models import Organisation


class PartnerKind(enum.StrEnum):
    """The kinds of counterparty the county report names."""

    LEADING_ENTERPRISE = "leading_enterprise"
    ENTERPRISE = "enterprise"
    FAMILY_FARM = "family_farm"
    LARGE_GROWER = "large_grower"
    INDIVIDUAL = "individual"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return PARTNER_KIND_LABELS[self]

    @property
    def is_person(self) -> bool:
        """Individuals are identified by ID number, everyone else by credit code."""
        return self is PartnerKind.INDIVIDUAL


PARTNER_KIND_LABELS = {
    PartnerKind.LEADING_ENTERPRISE: N_("龙头企业"),
    PartnerKind.ENTERPRISE: N_("其他企业"),
    PartnerKind.FAMILY_FARM: N_("家庭农场"),
    PartnerKind.LARGE_GROWER: N_("种养大户"),
    PartnerKind.INDIVIDUAL: N_("个人"),
}


class Partner(Model):
    """An enterprise or person the organisation deals with (leases, ventures, investments)."""

    __tablename__ = "partners"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "credit_code", name="uq_partner_credit_code"),
        sa.UniqueConstraint("organisation_id", "id_number", name="uq_partner_id_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[PartnerKind] = mapped_column(enum_column(PartnerKind, "partner_kind"))
    credit_code: Mapped[str | None] = mapped_column(sa.String(18))
    id_number: Mapped[str | None] = mapped_column(sa.String(18))
    legal_representative: Mapped[str] = mapped_column(sa.String(64), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(64), default="")
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    bank_name: Mapped[str] = mapped_column(sa.String(64), default="")
    bank_account: Mapped[str] = mapped_column(sa.String(40), default="")
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC))

    organisation: Mapped[Organisation] = relationship()
    contracts: Mapped[list[Contract]] = relationship(back_populates="partner",
                                                     order_by="Contract.starts_on")

    @property
    def identifier(self) -> str:
        """The credit code or the ID number, whichever identifies this partner."""
        return (self.id_number if self.kind.is_person else self.credit_code) or ""

    def __str__(self) -> str:
        """The partner's name."""
        return self.name


class ContractKind(enum.StrEnum):
    """The four ways a cooperative deals with an enterprise (county report)."""

    LEASE = "lease"
    JOINT_VENTURE = "joint_venture"
    INVESTMENT = "investment"
    EMPLOYMENT = "employment"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return CONTRACT_KIND_LABELS[self]


CONTRACT_KIND_LABELS = {
    ContractKind.LEASE: N_("土地租赁/发包"),
    ContractKind.JOINT_VENTURE: N_("合资合作"),
    ContractKind.INVESTMENT: N_("投资入股"),
    ContractKind.EMPLOYMENT: N_("就业参与"),
}


class ContractStatus(enum.StrEnum):
    """Stored state of a contract; "expired" is derived from the end date (see ``status_on``)."""

    DRAFT = "draft"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return CONTRACT_STATUS_LABELS[self]


CONTRACT_STATUS_LABELS = {
    ContractStatus.DRAFT: N_("草拟"),
    ContractStatus.ACTIVE: N_("履行中"),
    ContractStatus.EXPIRED: N_("已到期"),
    ContractStatus.TERMINATED: N_("已终止"),
}


class Contract(Model):
    """A contract of the organisation with one partner, from draft through signing.

    Signing needs the approval record (理事会/成员大会 resolution) dated on or before the
    signing day.
    """

    __tablename__ = "contracts"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "number", name="uq_contract_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[ContractKind] = mapped_column(enum_column(ContractKind, "contract_kind"))
    status: Mapped[ContractStatus] = mapped_column(
        enum_column(ContractStatus, "contract_status"), default=ContractStatus.DRAFT)
    starts_on: Mapped[dt.date] = mapped_column(sa.Date)
    ends_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    approval_ref: Mapped[str] = mapped_column(sa.String(200), default="")
    approved_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    signed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    terminated_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    termination_reason: Mapped[str] = mapped_column(sa.String(500), default="")

    # Lease money terms (rules.LeaseTerms): cash or grain rent per 亩 per year.
    price_per_mu: Mapped[Decimal | None] = mapped_column(MoneyType())
    grain_jin_per_mu: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 2))
    step_percent: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(0))
    step_years: Mapped[int] = mapped_column(default=0)
    half_yearly: Mapped[bool] = mapped_column(default=False)
    due_after_days: Mapped[int] = mapped_column(default=0)
    deposit: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))
    # Joint venture: each side's contribution, the organisation's profit share, settlement day.
    own_contribution: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))
    partner_contribution: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))
    profit_share_percent: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(0))
    settlement_month: Mapped[int | None]
    settlement_day: Mapped[int | None]
    # Investment shares: what the organisation put in, for how many shares.
    invested_amount: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))
    invested_shares: Mapped[Decimal] = mapped_column(sa.Numeric(14, 4), default=Decimal(0))

    organisation: Mapped[Organisation] = relationship()
    partner: Mapped[Partner] = relationship(back_populates="contracts")
    parcels: Mapped[list[LeasedParcel]] = relationship(back_populates="contract",
                                                       order_by="LeasedParcel.id")

    @property
    def resources(self) -> list[Any]:
        """Collective land and water the contract uses: the resource register owns the link
        and answers (contracts.coverage)."""
        from coopledger.contracts.coverage import resources_of

        return resources_of(self)

    @property
    def leased_area(self) -> Decimal:
        """Total area (亩) of the contributed parcels and collective land the lease covers."""
        parcels = sum((p.parcel.area for p in self.parcels), Decimal("0.0000"))
        return parcels + sum((r.area_mu or Decimal(0) for r in self.resources), Decimal(0))

    @property
    def grain_rent(self) -> bool:
        """Whether the rent is a weight of grain valued at each year's reference price."""
        return self.grain_jin_per_mu is not None

    @property
    def has_rent_terms(self) -> bool:
        """Whether a lease's rent is set, so that a schedule can be generated."""
        return self.price_per_mu is not None or self.grain_jin_per_mu is not None

    @property
    def is_signed(self) -> bool:
        """Whether the contract has been signed (it is running, expired or ended early)."""
        return self.status is not ContractStatus.DRAFT

    def status_on(self, day: dt.date) -> ContractStatus:
        """The status as users see it on ``day``: an active contract past its end has expired."""
        if self.status is ContractStatus.ACTIVE and self.ends_on is not None \
                and self.ends_on < day:
            return ContractStatus.EXPIRED
        return self.status

    def __str__(self) -> str:
        """Number and title."""
        return f"{self.number} {self.title}"


class LeasedParcel(Model):
    """A contributed parcel covered by a land lease for the lease's whole term."""

    __tablename__ = "leased_parcels"
    __table_args__ = (sa.UniqueConstraint("contract_id", "parcel_id", name="uq_leased_parcel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    parcel_id: Mapped[int] = mapped_column(sa.ForeignKey("parcels.id"), index=True)

    contract: Mapped[Contract] = relationship(back_populates="parcels")
    parcel: Mapped[Parcel] = relationship()
