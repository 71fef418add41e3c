"""Reads of households and land: lists for an organisation, contributed areas on a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.members import rules
from coopledger.members.models import Contribution, Household, Membership, Parcel
from coopledger.money import FOUR_PLACES
from coopledger.orgs.models import Organisation, OrgKind


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
    return {household_id: (Decimal(int(total)) / 10000).quantize(FOUR_PLACES)
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
    return [(name, (Decimal(int(total)) / 10000).quantize(FOUR_PLACES)) for name, total in rows]


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


def identity_keepers(household: Household) -> list[Organisation]:
    """The organisations whose staff edit the household's identity data
    (``rules.identity_keepers``)."""
    ids = rules.identity_keepers(owner_id=household.owner_organisation_id,
                                 village_collective_ids=[
                                     o.id for o in village_collectives(household.village_id)],
                                 member_org_ids=[m.organisation_id for m in household.memberships])
    return list(db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(ids))
                                   .order_by(Organisation.id)))


def village_collectives(village_id: int) -> list[Organisation]:
    """The village collective economic organisations of a village (normally one), by id."""
    return list(db.session.scalars(sa.select(Organisation).where(
        Organisation.village_id == village_id, Organisation.kind == OrgKind.VILLAGE_COLLECTIVE)
        .order_by(Organisation.id)))


def village_collective(village_id: int) -> Organisation | None:
    """The village collective economic organisation of a village, if it has one."""
    return next(iter(village_collectives(village_id)), None)


def payout_account(household: Household, organisation_id: int) -> tuple[str, str]:
    """Where an organisation pays a household: its membership's own account if it set one,
    else the household's (kept by the household's keepers)."""
    for membership in household.memberships:
        if membership.organisation_id == organisation_id and membership.bank_account:
            return membership.bank_name, membership.bank_account
    return household.bank_name, household.bank_account


HISTORY_LABELS = {
    "household.create": N_("登记本户"),
    "household.update": N_("修改本户信息"),
    "person.create": N_("添加家庭成员"),
    "parcel.create": N_("添加地块"),
    "household.link_user": N_("关联社员登录"),
    "membership.payout_account": N_("修改某社的收益发放账户"),
}
"""The changes to a household that every organisation it belongs to sees on its page."""


@dataclass(frozen=True)
class Change:
    """One change in a household's history: when, what, by whom, about what."""

    at: dt.datetime
    what: str
    actor: str
    label: str


def history_of(household: Household, *, limit: int = 20) -> list[Change]:
    """The latest changes to the household's identity data and payout accounts (the audit log's
    lines about it), newest first: other organisations see what its keepers changed."""
    from coopledger.audit.models import AuditEvent

    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.object_type == "Household", AuditEvent.object_id == str(household.id),
        AuditEvent.action.in_(HISTORY_LABELS)).order_by(AuditEvent.id.desc()).limit(limit))
    return [Change(event.at, HISTORY_LABELS[event.action],
                   event.actor.display_name if event.actor is not None else event.actor_name,
                   event.object_label) for event in events]
