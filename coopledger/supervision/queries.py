"""Reads of township supervision: the organisations a user supervises, the dashboard lines
(figures and warnings per organisation), audits and findings of an organisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coopledger.auth.models import User
from coopledger.auth.permissions import audited_township_ids
from coopledger.extensions import db
from coopledger.orgs.models import Organisation, Township, Village
from coopledger.supervision import facts, rules
from coopledger.supervision.models import Audit, Finding, FindingState
from coopledger.supervision.services import thresholds_of


@dataclass(frozen=True)
class Line:
    """One organisation on the dashboard."""

    org: Organisation
    figures: rules.Figures
    warnings: list[rules.Alert]


SORT_KEYS = ("colour", "name", "township", "closed", "missing", "findings", "red", "yellow")


def supervised_townships(user: User) -> list[Township]:
    """The townships whose organisations the user supervises (all of them for an admin)."""
    query = sa.select(Township).order_by(Township.county, Township.code)
    if not user.is_admin:
        query = query.where(Township.id.in_(audited_township_ids(user)))
    return list(db.session.scalars(query))


def organisations_of(townships: list[Township]) -> list[Organisation]:
    """Every organisation of these townships, with its village and township loaded."""
    return list(db.session.scalars(
        sa.select(Organisation).join(Village)
        .where(Village.township_id.in_([t.id for t in townships]))
        .options(selectinload(Organisation.village).selectinload(Village.township))
        .order_by(Organisation.code)))


def dashboard(orgs: list[Organisation], *, on: dt.date) -> list[Line]:
    """Figures and warnings of every organisation, each judged by its township's thresholds."""
    limits = thresholds_of(sorted({o.township_id for o in orgs}))
    gathered = facts.gather(orgs, on=on)
    lines = []
    for org in orgs:
        warnings = rules.evaluate(gathered[org.id], limits[org.township_id], on=on)
        lines.append(Line(org, rules.figures(gathered[org.id], warnings, on=on), warnings))
    return lines


def sort_lines(lines: list[Line], key: str, *, descending: bool) -> list[Line]:
    """The dashboard sorted by a column; ties keep organisation-code order."""
    order = {rules.Severity.RED: 0, rules.Severity.YELLOW: 1, rules.Severity.GREEN: 2}

    def value(line: Line) -> tuple[object, ...]:
        f = line.figures
        return {
            "colour": (order[f.colour], -f.red, -f.yellow),
            "name": (line.org.name,),
            "township": (line.org.township.code,),
            "closed": (f.last_closed or (0, 0),),
            "missing": (f.disclosures_missing + f.disclosures_late,),
            "findings": (f.open_findings,),
            "red": (f.red,),
            "yellow": (f.yellow,),
        }[key if key in SORT_KEYS else "colour"]

    return sorted(lines, key=value, reverse=descending)


def audits_of(org: Organisation) -> list[Audit]:
    """The organisation's audits, newest first."""
    return list(db.session.scalars(sa.select(Audit).where(Audit.organisation_id == org.id)
                                   .order_by(Audit.number.desc())))


def findings_of(org: Organisation, *, open_only: bool = False) -> list[Finding]:
    """The organisation's findings, the earliest deadline first."""
    query = sa.select(Finding).where(Finding.organisation_id == org.id)
    if open_only:
        query = query.where(Finding.state != FindingState.CLOSED)
    return list(db.session.scalars(query.order_by(Finding.deadline, Finding.id)))
