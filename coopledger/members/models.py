"""Tables of households (户), persons, memberships and land parcels with their contributions.

Areas and coefficients are exact decimals with up to four places (亩), stored as integer
ten-thousandths so SQLite and PostgreSQL agree (DESIGN §4).
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.auth.models import User
from coopledger.db import Decimal4, UTCDateTime, enum_column
from coopledger.extensions import Model
from coopledger.i18n import N_
from coopledger.orgs.models import Organisation, Village


class Relationship(enum.StrEnum):
    """A person's relationship to the head of the household (与户主关系)."""

    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return RELATIONSHIP_LABELS[self]


RELATIONSHIP_LABELS = {
    Relationship.HEAD: N_("户主"), Relationship.SPOUSE: N_("配偶"), Relationship.CHILD: N_("子女"),
    Relationship.PARENT: N_("父母"), Relationship.GRANDCHILD: N_("孙子女"),
    Relationship.SIBLING: N_("兄弟姐妹"), Relationship.OTHER: N_("其他"),
}


class MembershipSource(enum.StrEnum):
    """How a household became a member."""

    ORIGINAL = "original"
    HEIR = "heir"
    TRANSFER = "transfer"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return SOURCE_LABELS[self]


SOURCE_LABELS = {MembershipSource.ORIGINAL: N_("原始成员"), MembershipSource.HEIR: N_("继承"),
                 MembershipSource.TRANSFER: N_("转让受让")}


class Household(Model):
    """A household (户) of a village: the unit that holds land and shares."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("villages.id"), index=True)
    head_name: Mapped[str] = mapped_column(sa.String(64))
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    contract_cert_no: Mapped[str] = mapped_column(sa.String(64), default="")
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    bank_name: Mapped[str] = mapped_column(sa.String(64), default="")
    bank_account: Mapped[str] = mapped_column(sa.String(40), default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    # The organisation that registered the household and keeps its identity data (names, ID
    # numbers, address, phone, the default payout account, the member login); with the
    # village collective of its village (members/rules.may_edit_identity).
    owner_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))

    village: Mapped[Village] = relationship()
    owner_organisation: Mapped[Organisation | None] = relationship()
    user: Mapped[User | None] = relationship()
    persons: Mapped[list[Person]] = relationship(back_populates="household",
                                                 order_by="Person.id")
    parcels: Mapped[list[Parcel]] = relationship(back_populates="household",
                                                 order_by="Parcel.code")
    memberships: Mapped[list[Membership]] = relationship(back_populates="household",
                                                         order_by="Membership.id")

    @property
    def township(self) -> Any:
        """The supervising township (for the audit log's scope)."""
        return self.village.township

    def __str__(self) -> str:
        """户主姓名户, e.g. 陈大山户."""
        return f"{self.head_name}户"


class Person(Model):
    """A person of a household, identified by their resident ID number."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    id_number: Mapped[str] = mapped_column(sa.String(18), unique=True)
    gender: Mapped[str] = mapped_column(sa.String(1))   # "M" or "F", from the ID number
    birth_on: Mapped[dt.date]
    relation: Mapped[Relationship] = mapped_column(enum_column(Relationship, "relation"))

    household: Mapped[Household] = relationship(back_populates="persons")


class Membership(Model):
    """A household's membership of an organisation."""

    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "household_id"),
                      sa.UniqueConstraint("organisation_id", "member_number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    member_number: Mapped[str] = mapped_column(sa.String(16))
    joined_on: Mapped[dt.date]
    left_on: Mapped[dt.date | None]
    source: Mapped[MembershipSource] = mapped_column(
        enum_column(MembershipSource, "membership_source"), default=MembershipSource.ORIGINAL)
    # This organisation's own payout account for the household (empty: the household's).
    bank_name: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    bank_account: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")

    organisation: Mapped[Organisation] = relationship()
    household: Mapped[Household] = relationship(back_populates="memberships")

    def active_on(self, day: dt.date) -> bool:
        """Whether the household is a member on ``day`` (join and leave days included)."""
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)


class Parcel(Model):
    """A contracted land parcel (地块) of a household."""

    __tablename__ = "parcels"
    __table_args__ = (sa.UniqueConstraint("household_id", "code"),
                      sa.CheckConstraint("area > 0", name="positive_area"),
                      sa.CheckConstraint("grade_coefficient > 0", name="positive_coefficient"))

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    contract_cert_no: Mapped[str] = mapped_column(sa.String(64), default="")
    area: Mapped[Decimal] = mapped_column(Decimal4())
    grade_coefficient: Mapped[Decimal] = mapped_column(Decimal4(), default=Decimal("1.0000"))
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    land_class: Mapped[str] = mapped_column(sa.String(32), default="")

    household: Mapped[Household] = relationship(back_populates="parcels")
    contributions: Mapped[list[Contribution]] = relationship(
        back_populates="parcel", order_by="Contribution.contributed_on")


class Contribution(Model):
    """A parcel contributed to a cooperative (入股) on a date, perhaps withdrawn later."""

    __tablename__ = "contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_id: Mapped[int] = mapped_column(sa.ForeignKey("parcels.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    contributed_on: Mapped[dt.date]
    withdrawn_on: Mapped[dt.date | None]

    parcel: Mapped[Parcel] = relationship(back_populates="contributions")
    organisation: Mapped[Organisation] = relationship()


class IdLookup(Model):
    """A user typed an ID number that was already registered: each one is a lookup of who holds
    it, and they are counted so the form cannot be used to test ID numbers in bulk."""

    __tablename__ = "id_lookups"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
