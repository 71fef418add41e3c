"""Table of partner enterprises and other counterparties of an organisation.

A counterparty is an enterprise (identified by its 统一社会信用代码) or an individual
(identified by a resident ID number); each organisation keeps its own register, and a code or
ID number appears at most once in it.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.db import enum_column
from coopledger.extensions import Model
from coopledger.i18n import N_
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

    @property
    def identifier(self) -> str:
        """The credit code or the ID number, whichever identifies this partner."""
        return (self.id_number if self.kind.is_person else self.credit_code) or ""

    def __str__(self) -> str:
        """The partner's name."""
        return self.name
