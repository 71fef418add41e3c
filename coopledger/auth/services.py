"""Accounts: creating users, assigning roles, passwords, and logging in with throttling.

Services flush and write an audit line; the calling view commits.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger.audit.services import record, snapshot
from coopledger.auth import rules
from coopledger.auth.models import LoginAttempt, RoleAssignment, User
from coopledger.auth.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from coopledger.auth.roles import Role, Scope
from coopledger.dates import utcnow
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_

if TYPE_CHECKING:
    from coopledger.orgs.models import Organisation, Township

USER_FIELDS = ("username", "display_name", "must_change_password", "is_active_account")


class LoginError(CoopLedgerError):
    """A login that did not succeed."""

    message = N_("用户名或密码不正确。")
    status = 401


class LoginThrottledError(LoginError):
    """Too many failed logins for this account or from this address."""

    message = N_("登录失败次数过多，已暂时锁定，请在 %(minutes)d 分钟后再试。")
    status = 429


class LoginSlowedError(LoginThrottledError):
    """Many failures for this account from elsewhere: wait a few seconds, then try again."""

    message = N_("这个账号最近有多次登录失败，请在 %(seconds)d 秒后再试。")


class AccountError(CoopLedgerError):
    """A change to an account that is not allowed."""

    message = N_("账号设置不正确。")


@dataclass(frozen=True)
class ThrottlePolicy:
    """Limits for failed logins within a sliding window."""

    window: dt.timedelta
    per_account: int
    per_address: int


def create_user(*, username: str, display_name: str, password: str | None, by: User | None,
                min_password_length: int, must_change_password: bool = True,
                hashed: tuple[str, str] | None = None) -> tuple[User, str]:
    """Create an account; returns it with its initial password (generated when not given).
    ``hashed`` is a (password, its argon2 hash) pair already computed for ``password`` (the
    demo accounts share one printed password: hashing it once saves a second per account)."""
    username = username.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise AccountError(N_("用户名“%(username)s”已被使用。"), username=username)
    initial = password or generate_password()
    rules.check_password_policy(initial, username=username, min_length=min_password_length)
    user = User(username=username, display_name=display_name.strip(),
                password_hash=hashed[1] if hashed and hashed[0] == initial
                else hash_password(initial), must_change_password=must_change_password,
                is_active_account=True, created_at=utcnow())
    db.session.add(user)
    db.session.flush()
    record("user.create", user, by=by, after=snapshot(user, USER_FIELDS))
    return user, initial


def generate_password() -> str:
    """A random initial password that is easy to read aloud (no 0/O, 1/l)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


def update_user(user: User, *, display_name: str, is_active: bool, by: User) -> User:
    """Change a user's display name or (de)activate the account."""
    if user.id == by.id and not is_active:
        raise AccountError(N_("不能停用自己的账号。"))
    before = snapshot(user, USER_FIELDS)
    user.display_name = display_name.strip()
    user.is_active_account = is_active
    db.session.flush()
    record("user.update", user, by=by, before=before, after=snapshot(user, USER_FIELDS))
    return user


def assign_role(user: User, role: Role, *, organisation: Organisation | None,
                township: Township | None, by: User | None) -> RoleAssignment:
    """Give ``user`` a role on an organisation, a township, or (admin) the system."""
    scope = role.scope
    if scope is Scope.ORGANISATION and organisation is None:
        raise AccountError(N_("该角色必须指定所属组织。"))
    if scope is Scope.TOWNSHIP and township is None:
        raise AccountError(N_("乡镇审计角色必须指定乡镇。"))
    org = organisation if scope is Scope.ORGANISATION else None
    town = township if scope is Scope.TOWNSHIP else None
    for existing in user.assignments:
        if existing.role is role and existing.organisation == org and existing.township == town:
            raise AccountError(N_("该用户已经拥有这一角色。"))
    assignment = RoleAssignment(user=user, role=role, organisation=org, township=town)
    db.session.add(assignment)
    db.session.flush()
    record("user.assign_role", user, by=by,
           after={"role": role.value, "scope": assignment.scope_label})
    return assignment


def revoke_role(assignment: RoleAssignment, *, by: User) -> None:
    """Take a role assignment away."""
    user = assignment.user
    if user.id == by.id and assignment.role is Role.ADMIN:
        raise AccountError(N_("不能撤销自己的管理员角色。"))
    before = {"role": assignment.role.value, "scope": assignment.scope_label}
    user.assignments.remove(assignment)
    db.session.flush()
    record("user.revoke_role", user, by=by, before=before)


def reset_password(user: User, *, by: User, min_password_length: int) -> str:
    """Give the user a new generated password that must be changed at next login."""
    password = generate_password()
    rules.check_password_policy(password, username=user.username, min_length=min_password_length)
    user.password_hash = hash_password(password)
    user.end_sessions()          # whoever was logged in as this user is logged out
    user.must_change_password = True
    db.session.flush()
    record("user.reset_password", user, by=by)
    return password


def change_password(user: User, *, current: str, new: str, min_password_length: int) -> None:
    """The user replaces their own password, proving they know the current one."""
    if not verify_password(user.password_hash, current):
        raise AccountError(N_("当前密码不正确。"))
    if current == new:
        raise AccountError(N_("新密码不能与当前密码相同。"))
    rules.check_password_policy(new, username=user.username, min_length=min_password_length)
    user.password_hash = hash_password(new)
    user.end_sessions()          # every other session ends; the view logs this one in again
    user.must_change_password = False
    db.session.flush()
    record("user.change_password", user, by=user)


def authenticate(username: str, password: str, *, client_address: str,
                 policy: ThrottlePolicy) -> User:
    """Check a login; record the attempt; refuse while throttled.

    Raises:
        LoginThrottledError: too many recent failures for the account or the address.
        LoginError: unknown user, wrong password or deactivated account.
    """
    username = username.strip().lower()
    now = utcnow()
    _check_throttle(username, client_address, now=now, policy=policy)
    user: User | None = db.session.scalar(sa.select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else DUMMY_HASH, password)
    ok = ok and user is not None and user.is_active_account
    db.session.add(LoginAttempt(username=username, client_address=client_address,
                                succeeded=ok, at=now))
    db.session.flush()
    if not ok or user is None:
        if user is not None:
            record("auth.login_failed", user, by=None, actor_name=username)
        raise LoginError
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    record("auth.login", user, by=user)
    return user


# Failures of one account from every address before its logins slow down, and the longest wait.
SLOWDOWN_AFTER = 10
SLOWDOWN_CAP = dt.timedelta(seconds=30)


def _check_throttle(username: str, address: str, *, now: dt.datetime,
                    policy: ThrottlePolicy) -> None:
    """Lock the (account, address) pair and a guessing address; only slow the account down."""
    since = now - policy.window
    last_success = db.session.scalar(
        sa.select(sa.func.max(LoginAttempt.at))
        .where(LoginAttempt.username == username, LoginAttempt.succeeded.is_(True)))
    account_since = max(since, last_success) if last_success is not None else since
    account_failures = _failure_times(LoginAttempt.username == username, account_since)
    pair_failures = list(db.session.scalars(
        sa.select(LoginAttempt.at).where(
            LoginAttempt.username == username, LoginAttempt.client_address == address,
            LoginAttempt.succeeded.is_(False), LoginAttempt.at > account_since)))
    address_failures = _failure_times(LoginAttempt.client_address == address, since)
    for failures, limit in ((pair_failures, policy.per_account),
                            (address_failures, policy.per_address)):
        remaining = rules.lockout_remaining(failures, now=now, limit=limit, window=policy.window)
        if remaining is not None:
            raise LoginThrottledError(minutes=rules.minutes_to_wait(remaining))
    wait = rules.slowdown(account_failures, now=now, free=SLOWDOWN_AFTER, cap=SLOWDOWN_CAP)
    if wait is not None:
        raise LoginSlowedError(seconds=max(1, math.ceil(wait.total_seconds())))


def _failure_times(condition: sa.ColumnElement[bool], since: dt.datetime) -> list[dt.datetime]:
    return list(db.session.scalars(
        sa.select(LoginAttempt.at)
        .where(condition, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)))


def record_logout(user: User) -> None:
    """Write the logout to the audit log and end the sessions of the user."""
    user.end_sessions()          # a copied cookie of this session no longer works
    record("auth.logout", user, by=user)
