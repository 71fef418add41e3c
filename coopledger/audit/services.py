"""Writing audit lines. Every service that changes data calls :func:`record` once.

The client address is read here (from the request, when there is one) so that business
services do not need to know about requests.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Session

from coopledger.audit.models import AuditEvent
from coopledger.dates import utcnow
from coopledger.extensions import db
from coopledger.orgs.models import Organisation, Township, Village

if TYPE_CHECKING:
    from collections.abc import Iterable

    from coopledger.auth.models import User


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    """JSON-safe values of ``fields`` of ``obj`` (Decimal and dates as strings)."""
    return {name: _json_value(getattr(obj, name)) for name in fields}


def masked_snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    """A snapshot whose bank account keeps only its last digits (auditors read the log)."""
    from coopledger.ids import mask_bank

    values = snapshot(obj, fields)
    if values.get("bank_account"):
        values["bank_account"] = mask_bank(str(values["bank_account"]))
    return values


def _json_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def record(action: str, subject: object, *, by: User | None, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None, label: str | None = None,
           actor_name: str | None = None) -> AuditEvent:
    """Append one audit line about ``subject`` to the session (it is written with the rest of
    the change: at the next flush, a query's autoflush or the request's commit).

    The organisation and township are derived from the subject so that township auditors
    can filter their own part of the log.
    """
    org_id, township_id = _scope_ids(subject)
    event = AuditEvent(
        at=utcnow(),
        actor_id=by.id if by is not None else None,
        actor_name=actor_name or (by.username if by is not None else "system"),
        action=action,
        object_type=type(subject).__name__,
        object_id=str(getattr(subject, "id", "") or "") or None,
        object_label=(label if label is not None else str(subject))[:200],
        organisation_id=org_id, township_id=township_id,
        before=before,
        after=after,
        client_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


@sa.event.listens_for(Session, "after_soft_rollback")
def _forget_townships(session: Session, _previous: object) -> None:
    """A rollback may undo organisations created in it: read their townships afresh."""
    session.info.pop("audit_townships", None)


def _scope_ids(subject: object) -> tuple[int | None, int | None]:
    """The organisation and township of the subject, as ids. An organisation's township is
    read once per session (it does not change), not through the subject's relationships on
    every line."""
    org_id = getattr(subject, "organisation_id", None) \
        if not isinstance(subject, Organisation | Village | Township) else None
    if isinstance(org_id, int):
        townships: dict[int, int | None] = db.session.info.setdefault("audit_townships", {})
        if org_id not in townships:
            townships[org_id] = db.session.scalar(
                sa.select(Village.township_id).join(Organisation,
                                                    Organisation.village_id == Village.id)
                .where(Organisation.id == org_id))
        return org_id, townships[org_id]
    org, township = _scope_of(subject)
    return (org.id if org is not None else None,
            township.id if township is not None else None)


def _scope_of(subject: object) -> tuple[Organisation | None, Township | None]:
    if isinstance(subject, Organisation):
        return subject, subject.village.township
    if isinstance(subject, Village):
        return None, subject.township
    if isinstance(subject, Township):
        return None, subject
    org = getattr(subject, "organisation", None)
    if isinstance(org, Organisation):
        return org, org.village.township
    township = getattr(subject, "township", None)
    if isinstance(township, Township):
        return None, township
    return None, None
