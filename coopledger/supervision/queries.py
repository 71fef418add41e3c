"""Reads of township supervision: the organisations a user supervises, the dashboard lines
(figures and warnings per organisation), audits and findings of an organisation."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import astuple, dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coopledger.auth.models import User
from coopledger.auth.permissions import audited_township_ids
from coopledger.dates import utcnow
from coopledger.extensions import db
from coopledger.orgs.models import Organisation, Township, Village
from coopledger.supervision import facts, rules
from coopledger.supervision.models import (
    Audit,
    Finding,
    FindingState,
    RuleSnapshot,
    SupervisionSettings,
)


@dataclass(frozen=True)
class Line:
    """One organisation on the dashboard: its figures, the rules that fired with their number
    of hits, and (on the organisation's own page) every hit."""

    org: Organisation
    figures: rules.Figures
    fired: dict[rules.Rule, int]
    warnings: list[rules.Alert] = field(default_factory=list)


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


def thresholds_of(township_ids: list[int]) -> dict[int, rules.Thresholds]:
    """Each township's thresholds (the defaults where it has set none)."""
    found = {s.township_id: s for s in db.session.scalars(sa.select(SupervisionSettings).where(
        SupervisionSettings.township_id.in_(township_ids)))}
    return {tid: _thresholds(found.get(tid)) for tid in township_ids}


def _thresholds(row: SupervisionSettings | None) -> rules.Thresholds:
    if row is None:
        return rules.Thresholds()
    return rules.Thresholds(**{name: getattr(row, name) for name in rules.THRESHOLD_FIELDS})



_CARRIED = "_cash_over_on"
"""The snapshot's note of the day it was computed on, when the cash stood over the limit at
its end: each later day without a posting is one more day over (``rules.cash_over_limit``)."""


def dashboard(orgs: list[Organisation], *, on: dt.date) -> list[Line]:
    """Figures of every organisation, each judged by its township's thresholds.

    What the voucher rules found is kept per organisation (``RuleSnapshot``) and re-read from
    the posted vouchers only when something was posted since, the review window's start or
    the thresholds differ, or the day is another than the one it was computed on — except a
    later day when no posted voucher is dated after that one (a dashboard viewed as of an
    earlier day leaves later vouchers out): then the rules count the same vouchers, and a cash
    balance left over the limit counts one more day over for each day since (nothing posted:
    the balance has not moved).
    Every other rule is computed afresh (its facts are small).
    """
    limits = thresholds_of(sorted({o.township_id for o in orgs}))
    marks = facts.posting_marks([o.id for o in orgs])
    since = rules.review_start(on).isoformat()
    keys = {o.id: f"{marks.get(o.id, '-')}|{since}|{astuple(limits[o.township_id])}"
            for o in orgs}
    kept = {snap.organisation_id: snap for snap in db.session.scalars(
        sa.select(RuleSnapshot).where(RuleSnapshot.organisation_id.in_(list(keys))))}
    current = {org_id: counts for org_id, snap in kept.items()
               if snap.key == keys[org_id]
               and (counts := _carried(json.loads(snap.counts), on)) is not None}
    stale = {o.id for o in orgs} - set(current)
    gathered = facts.gather(orgs, on=on, limits=limits, with_vouchers=stale, counted=True)
    latest = facts.latest_posted(stale)
    lines = []
    for org in orgs:
        found = gathered[org.id]
        if org.id in stale:
            fired = rules.counts(found, limits[org.township_id], on=on)
            snapshot: dict[str, object] = {r.value: n for r, n in fired.items()
                                           if r in rules.VOUCHER_RULES}
            over = rules.cash_over_at_end(found, limits[org.township_id])
            snapshot[_CARRIED] = on.isoformat() if over else ""
            snapshot["_on"] = on.isoformat()
            # a later day reads the same vouchers only when none is dated after this one
            snapshot["_carries"] = latest.get(org.id, on) <= on
            _keep(org.id, keys[org.id], snapshot, kept.get(org.id))
        else:
            fired = rules.counts(found, limits[org.township_id], on=on,
                                 skip=rules.VOUCHER_RULES)
            fired.update({rules.Rule(r): n for r, n in current[org.id].items()})
        lines.append(Line(org, rules.figures(found, fired, on=on), fired))
    return lines


def _carried(counts: dict[str, object], on: dt.date) -> dict[str, int] | None:
    """A snapshot's counts carried to ``on``; None when it was computed on a later day, or on
    an earlier one with a posted voucher dated after it (it must be read again)."""
    computed = counts.get("_on")
    if not isinstance(computed, str) or not computed:
        return None
    day = dt.date.fromisoformat(computed)
    if day > on or (day < on and counts.get("_carries") is not True):
        return None
    found = {rule: int(str(n)) for rule, n in counts.items() if not rule.startswith("_")}
    over_on = counts.get(_CARRIED)
    if isinstance(over_on, str) and over_on:
        rule = rules.Rule.CASH_OVER_LIMIT.value
        found[rule] = found.get(rule, 0) + (on - dt.date.fromisoformat(over_on)).days
    return found


def _keep(org_id: int, key: str, counts: dict[str, object], row: RuleSnapshot | None) -> None:
    """Remember what the voucher rules found (flushed; the view commits)."""
    if row is None:
        row = RuleSnapshot(organisation_id=org_id)
        db.session.add(row)
    row.key, row.counts, row.computed_at = key, json.dumps(counts, sort_keys=True), utcnow()


def organisation_line(org: Organisation, *, on: dt.date) -> Line:
    """One organisation's figures with every hit of every rule (computed afresh)."""
    by_township = thresholds_of([org.township_id])
    limits = by_township[org.township_id]
    found = facts.gather([org], on=on, limits=by_township)[org.id]
    alerts = rules.evaluate(found, limits, on=on)
    fired = {a.rule: len(a.hits) for a in alerts}
    return Line(org, rules.figures(found, fired, on=on), fired, alerts)


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
