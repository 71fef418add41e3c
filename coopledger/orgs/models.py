"""Tables of townships (乡镇), villages (村) and organisations (集体经济组织 and 合作社)."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.db import enum_column
from coopledger.extensions import Model
from coopledger.i18n import N_


class OrgKind(enum.StrEnum):
    """The three kinds of organisation of DESIGN §1."""

    VILLAGE_COLLECTIVE = "village_collective"
    LAND_SHARE_COOP = "land_share_coop"
    PROFESSIONAL_COOP = "professional_coop"

    @property
    def label(self) -> str:
        """Untranslated display name (translate with ``_()``)."""
        return ORG_KIND_LABELS[self]

    @property
    def is_cooperative(self) -> bool:
        """Whether a village collective may lead it."""
        return self is not OrgKind.VILLAGE_COLLECTIVE


ORG_KIND_LABELS = {
    OrgKind.VILLAGE_COLLECTIVE: N_("村集体经济组织（股份经济合作社）"),
    OrgKind.LAND_SHARE_COOP: N_("土地股份合作社"),
    OrgKind.PROFESSIONAL_COOP: N_("农民专业合作社"),
}


class AccountingStandard(enum.StrEnum):
    """The national accounting standards a set of books may follow (DESIGN §5)."""

    VILLAGE_2023 = "village_2023"
    COOP_2021 = "coop_2021"

    @property
    def label(self) -> str:
        """Untranslated display name (translate with ``_()``)."""
        return STANDARD_LABELS[self]


STANDARD_LABELS = {
    AccountingStandard.VILLAGE_2023: N_("农村集体经济组织会计制度（财会〔2023〕14号）"),
    AccountingStandard.COOP_2021: N_("农民专业合作社会计制度（财会〔2021〕37号）"),
}


class Township(Model):
    """A township (乡镇); its rural economy station supervises every organisation in it."""

    __tablename__ = "townships"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    county: Mapped[str] = mapped_column(sa.String(64))
    villages: Mapped[list[Village]] = relationship(
        back_populates="township", order_by="Village.code")

    def __str__(self) -> str:
        """Display name."""
        return self.name


class Village(Model):
    """An administrative village (行政村) of a township."""

    __tablename__ = "villages"
    __table_args__ = (sa.UniqueConstraint("township_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    township: Mapped[Township] = relationship(back_populates="villages")
    organisations: Mapped[list[Organisation]] = relationship(
        back_populates="village", order_by="Organisation.code")

    def __str__(self) -> str:
        """Display name with its township."""
        return f"{self.township.name}{self.name}"


class Organisation(Model):
    """An organisation with its own books (账套): a village collective or a cooperative."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(128), unique=True)
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind, "org_kind"))
    credit_code: Mapped[str] = mapped_column(sa.String(18), unique=True)
    standard: Mapped[AccountingStandard] = mapped_column(
        enum_column(AccountingStandard, "accounting_standard"))
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("villages.id"), index=True)
    leading_org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True)

    village: Mapped[Village] = relationship(back_populates="organisations")
    leading_org: Mapped[Organisation | None] = relationship(
        remote_side="Organisation.id", back_populates="led_orgs")
    led_orgs: Mapped[list[Organisation]] = relationship(
        back_populates="leading_org", order_by="Organisation.code")

    @property
    def township(self) -> Township:
        """The township that supervises this organisation."""
        return self.village.township

    @property
    def township_id(self) -> int:
        """Id of the supervising township."""
        return self.village.township_id

    def __str__(self) -> str:
        """Display name."""
        return self.name
