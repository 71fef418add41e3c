"""Reads of townships, villages and organisations, limited to what a user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger.auth.permissions import audited_township_ids
from coopledger.auth.roles import Scope
from coopledger.extensions import db
from coopledger.orgs.models import Organisation, Township, Village

if TYPE_CHECKING:
    from coopledger.auth.models import User


def get_org(code: str) -> Organisation:
    """The organisation with this short code, or 404."""
    org: Organisation = db.first_or_404(sa.select(Organisation).where(Organisation.code == code))
    return org


def get_township(code: str) -> Township:
    """The township with this code, or 404."""
    township: Township = db.first_or_404(sa.select(Township).where(Township.code == code))
    return township


def townships() -> list[Township]:
    """Every township, by code."""
    return list(db.session.scalars(sa.select(Township).order_by(Township.code)))


def organisations() -> list[Organisation]:
    """Every organisation, by township, village and code."""
    return list(db.session.scalars(
        sa.select(Organisation).join(Organisation.village).join(Village.township)
        .order_by(Township.code, Village.code, Organisation.code)))


def audited_townships(user: User) -> list[Township]:
    """Townships the user audits, by code."""
    ids = audited_township_ids(user)
    if not ids:
        return []
    return list(db.session.scalars(
        sa.select(Township).where(Township.id.in_(ids)).order_by(Township.code)))


def township_organisations(township: Township) -> list[Organisation]:
    """Organisations of a township, by village and code."""
    return list(db.session.scalars(
        sa.select(Organisation).join(Organisation.village)
        .where(Village.township_id == township.id).order_by(Village.code, Organisation.code)))


def my_org_roles(user: User) -> list[tuple[Organisation, list[str]]]:
    """Organisations on which the user holds organisation roles, with those roles."""
    by_org: dict[int, tuple[Organisation, list[str]]] = {}
    for assignment in user.assignments:
        if assignment.role.scope is Scope.ORGANISATION and assignment.organisation is not None:
            entry = by_org.setdefault(assignment.organisation.id, (assignment.organisation, []))
            entry[1].append(assignment.role.label)
    return sorted(by_org.values(), key=lambda item: item[0].code)
