"""Reading the audit log, filtered and limited to what the reader may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from coopledger.audit.models import AuditEvent
from coopledger.dates import BUSINESS_ZONE


@dataclass(frozen=True)
class AuditFilter:
    """What the reader asked for; ``township_ids`` None means every township (admin)."""

    township_ids: frozenset[int] | None
    action: str = ""
    actor: str = ""
    organisation_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_params(self) -> dict[str, object]:
        """JSON-safe form, to hand to a background job."""
        return {
            "township_ids": sorted(self.township_ids) if self.township_ids is not None else None,
            "action": self.action, "actor": self.actor, "organisation_id": self.organisation_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }

    @classmethod
    def from_params(cls, params: dict[str, object]) -> AuditFilter:
        """Inverse of :meth:`as_params`."""
        ids = params.get("township_ids")
        org = params.get("organisation_id")
        start, end = params.get("date_from"), params.get("date_to")
        return cls(
            township_ids=frozenset(int(i) for i in ids) if isinstance(ids, list) else None,
            action=str(params.get("action") or ""), actor=str(params.get("actor") or ""),
            organisation_id=int(org) if isinstance(org, int) else None,
            date_from=dt.date.fromisoformat(start) if isinstance(start, str) else None,
            date_to=dt.date.fromisoformat(end) if isinstance(end, str) else None)


def _day_start_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), BUSINESS_ZONE).astimezone(dt.UTC)


def audit_events_query(flt: AuditFilter) -> sa.Select[AuditEvent]:
    """Events matching the filter, newest first. Dates are Beijing calendar days."""
    query = sa.select(AuditEvent)
    if flt.township_ids is not None:
        query = query.where(AuditEvent.township_id.in_(flt.township_ids))
    if flt.action:
        query = query.where(AuditEvent.action.startswith(flt.action, autoescape=True))
    if flt.actor:
        query = query.where(AuditEvent.actor_name == flt.actor.strip().lower())
    if flt.organisation_id:
        query = query.where(AuditEvent.organisation_id == flt.organisation_id)
    if flt.date_from:
        query = query.where(AuditEvent.at >= _day_start_utc(flt.date_from))
    if flt.date_to:
        query = query.where(AuditEvent.at < _day_start_utc(flt.date_to + dt.timedelta(days=1)))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def action_names() -> list[str]:
    """Every action that appears in the log (for the filter's choices)."""
    from coopledger.extensions import db

    return list(db.session.scalars(sa.select(AuditEvent.action).distinct()
                                   .order_by(AuditEvent.action)))
