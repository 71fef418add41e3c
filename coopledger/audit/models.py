"""The audit event table. Rows are only ever inserted.

The ORM refuses to update or delete an event (see :func:`_refuse_changes`) and the migration
adds database triggers that refuse UPDATE and DELETE on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from coopledger.auth.models import User
from coopledger.db import UTCDateTime
from coopledger.extensions import Model


class AuditEvent(Model):
    """One change made through the app."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_township_id_at", "township_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor_name: Mapped[str] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    object_label: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True)
    township_id: Mapped[int | None] = mapped_column(sa.ForeignKey("townships.id"))
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    client_address: Mapped[str | None] = mapped_column(sa.String(64))

    actor: Mapped[User | None] = relationship()


class AuditLogIsAppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit event."""


@sa.event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            msg = "audit events cannot be changed or deleted"
            raise AuditLogIsAppendOnlyError(msg)
