"""Reads of households and land: lists for an organisation, contributed areas on a date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger.extensions import db
from coopledger.members.models import Contribution, Household, Membership, Parcel
from coopledger.shares.rules import ZERO

if TYPE_CHECKING:
    from coopledger.orgs.models import Organisation



def households_query(org: Organisation, search: str = "") -> sa.Select[Household]:
    """Households of the organisation's village and every member household, by head's name."""
    member_ids = sa.select(Membership.household_id).where(Membership.organisation_id == org.id)
    query = sa.select(Household).where(sa.or_(Household.village_id == org.village_id,
                                              Household.id.in_(member_ids)))
    if search.strip():
        query = query.where(Household.head_name.contains(search.strip(), autoescape=True))
    return query.order_by(Household.head_name, Household.id)


def contribution_live(on: dt.date) -> sa.ColumnElement[bool]:
    """SQL condition: the contribution covers ``on`` (days inclusive)."""
    return sa.and_(Contribution.contributed_on <= on,
                   sa.or_(Contribution.withdrawn_on.is_(None), Contribution.withdrawn_on >= on))


def contributed_area_by_household(org: Organisation, households: list[int], on: dt.date,
                                  ) -> dict[int, Decimal]:
    """Area each household has contributed to ``org`` on a date."""
    if not households:
        return {}
    area = sa.type_coerce(Parcel.__table__.c.area, sa.BigInteger)
    rows = db.session.execute(
        sa.select(Parcel.household_id, sa.func.sum(area))
        .join(Contribution, Contribution.parcel_id == Parcel.id)
        .where(Contribution.organisation_id == org.id, contribution_live(on),
               Parcel.household_id.in_(households))
        .group_by(Parcel.household_id))
    return {household_id: (Decimal(int(total)) / 10000).quantize(ZERO)
            for household_id, total in rows}


def contributed_area_by_village(org: Organisation, on: dt.date) -> list[tuple[str, Decimal]]:
    """Area contributed to ``org`` on a date, per village of the contributing households."""
    from coopledger.orgs.models import Village

    area = sa.type_coerce(Parcel.__table__.c.area, sa.BigInteger)
    rows = db.session.execute(
        sa.select(Village.name, sa.func.sum(area))
        .select_from(Contribution)
        .join(Parcel, Parcel.id == Contribution.parcel_id)
        .join(Household, Household.id == Parcel.household_id)
        .join(Village, Village.id == Household.village_id)
        .where(Contribution.organisation_id == org.id, contribution_live(on))
        .group_by(Village.name).order_by(Village.name))
    return [(name, (Decimal(int(total)) / 10000).quantize(ZERO)) for name, total in rows]


def member_number(org: Organisation, household: Household) -> str:
    """The household's member number in ``org`` ('' when not a member)."""
    for membership in household.memberships:
        if membership.organisation_id == org.id:
            return membership.member_number
    return ""


def my_households(user_id: int) -> list[Household]:
    """Households whose login is this user."""
    return list(db.session.scalars(sa.select(Household).where(Household.user_id == user_id)))


def member_numbers(org: Organisation) -> dict[int, str]:
    """Household id → member number in ``org`` (one query, for long tables)."""
    return dict(db.session.execute(sa.select(Membership.household_id, Membership.member_number)
                                   .where(Membership.organisation_id == org.id)).all())
