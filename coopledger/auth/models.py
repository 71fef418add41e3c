"""Tables of users, their role assignments and login attempts (for throttling)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.auth.roles import Role, Scope
from coopledger.db import UTCDateTime, enum_column
from coopledger.extensions import Model
from coopledger.orgs.models import Organisation, Township

_SCOPE_RULE = (
    "(role = 'admin' AND organisation_id IS NULL AND township_id IS NULL)"
    " OR (role IN ('township_auditor', 'county_reviewer', 'township_leader')"
    " AND township_id IS NOT NULL AND organisation_id IS NULL)"
    " OR (role NOT IN ('admin', 'township_auditor', 'county_reviewer', 'township_leader')"
    " AND organisation_id IS NOT NULL AND township_id IS NULL)"
)


class User(UserMixin, Model):
    """A person who logs in. Passwords are argon2id hashes."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(64))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Part of the id kept in the session cookie: raising it (logout, a password change or
    # reset) ends every session issued before, even a cookie copied elsewhere.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RoleAssignment.id")

    @property
    def is_active(self) -> bool:
        """Flask-Login: a deactivated account cannot log in or keep a session."""
        return self.is_active_account

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the session version."""
        return f"{self.id}.{self.session_version}"

    def end_sessions(self) -> None:
        """End every session of this user issued so far (logout, password change)."""
        self.session_version = (self.session_version or 0) + 1

    def has_role(self, role: Role) -> bool:
        """Whether any assignment gives this role, whatever its scope."""
        return any(a.role is role for a in self.assignments)

    @property
    def is_admin(self) -> bool:
        """Whether the user administers the system."""
        return self.has_role(Role.ADMIN)

    def __str__(self) -> str:
        """Display name."""
        return self.display_name


class RoleAssignment(Model):
    """One role held by a user on one scope (the system, a township or an organisation)."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "role", "organisation_id", "township_id"),
        sa.CheckConstraint(_SCOPE_RULE, name="scope_matches_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True)
    township_id: Mapped[int | None] = mapped_column(sa.ForeignKey("townships.id"), index=True)

    user: Mapped[User] = relationship(back_populates="assignments")
    organisation: Mapped[Organisation | None] = relationship()
    township: Mapped[Township | None] = relationship()

    @property
    def scope_label(self) -> str:
        """Name of what the assignment covers ('' for the system)."""
        if self.role.scope is Scope.ORGANISATION and self.organisation is not None:
            return self.organisation.name
        if self.role.scope is Scope.TOWNSHIP and self.township is not None:
            return self.township.name
        return ""


class LoginAttempt(Model):
    """A login attempt, kept so throttling works across every web worker."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_username_at", "username", "at"),
        sa.Index("ix_login_attempts_client_address_at", "client_address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64))
    client_address: Mapped[str] = mapped_column(sa.String(64))
    succeeded: Mapped[bool]
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
