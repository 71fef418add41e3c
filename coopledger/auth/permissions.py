"""The one answer to "may this user do this to this object?" (DESIGN §10).

Every view calls :func:`require` on the object it loaded and every template asks
:func:`can` before showing a link or button, so the page never offers what the view refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import abort

from coopledger.auth.actions import Action as Action  # the names asked about, re-exported
from coopledger.auth.roles import Role, Scope
from coopledger.jobs.models import Job
from coopledger.orgs.models import Organisation, Township

if TYPE_CHECKING:
    from flask_login import AnonymousUserMixin

    from coopledger.auth.models import User


# Organisation roles that may perform each organisation action; township auditors may
# perform the ones in _AUDITOR_MAY on the organisations of their townships.
_ORG_ROLES: dict[Action, frozenset[Role]] = {
    Action.VIEW_ORG: frozenset(r for r in Role if r.scope is Scope.ORGANISATION),
    Action.VIEW_BOOKS: frozenset({Role.ACCOUNTANT, Role.REVIEWER, Role.CASHIER, Role.SUPERVISOR}),
    Action.PREPARE_VOUCHERS: frozenset({Role.ACCOUNTANT}),
    Action.REVIEW_VOUCHERS: frozenset({Role.REVIEWER}),
    Action.CONFIRM_CASH: frozenset({Role.CASHIER}),
    Action.POST_VOUCHERS: frozenset({Role.ACCOUNTANT, Role.REVIEWER}),
    Action.MANAGE_BOOKS: frozenset({Role.ACCOUNTANT}),
    Action.EXPORT_BOOKS: frozenset({Role.ACCOUNTANT}),
    Action.VIEW_MEMBERS: frozenset({Role.ACCOUNTANT, Role.REVIEWER, Role.CASHIER,
                                    Role.SUPERVISOR}),
    Action.MANAGE_MEMBERS: frozenset({Role.ACCOUNTANT}),
    Action.VIEW_PII: frozenset({Role.ACCOUNTANT, Role.CASHIER}),
    Action.VIEW_CONTRACTS: frozenset({Role.ACCOUNTANT, Role.REVIEWER, Role.CASHIER,
                                      Role.SUPERVISOR}),
    Action.MANAGE_CONTRACTS: frozenset({Role.ACCOUNTANT}),
    Action.VIEW_DISTRIBUTION: frozenset({Role.ACCOUNTANT, Role.REVIEWER, Role.CASHIER,
                                         Role.SUPERVISOR}),
    Action.MANAGE_DISTRIBUTION: frozenset({Role.ACCOUNTANT}),
    Action.VIEW_ASSETS: frozenset({Role.ACCOUNTANT, Role.REVIEWER, Role.CASHIER,
                                   Role.SUPERVISOR}),
    Action.MANAGE_ASSETS: frozenset({Role.ACCOUNTANT}),
    Action.VIEW_DISCLOSURES: frozenset({Role.ACCOUNTANT, Role.REVIEWER, Role.CASHIER,
                                        Role.SUPERVISOR, Role.MEMBER}),
    Action.MANAGE_DISCLOSURES: frozenset({Role.ACCOUNTANT}),
    Action.REVIEW_DISCLOSURES: frozenset({Role.SUPERVISOR}),
    Action.OPINE_DISCLOSURES: frozenset(),          # township auditors only (below)
    Action.AUDIT_ORG: frozenset(),                  # township auditors only (below)
    Action.VIEW_FINDINGS: frozenset({Role.ACCOUNTANT, Role.REVIEWER, Role.CASHIER,
                                     Role.SUPERVISOR}),
    Action.RESPOND_FINDINGS: frozenset({Role.ACCOUNTANT}),
    Action.VIEW_RETURNS: frozenset({Role.ACCOUNTANT, Role.REVIEWER, Role.SUPERVISOR}),
    Action.FILE_RETURNS: frozenset({Role.ACCOUNTANT}),
    Action.REVIEW_RETURNS: frozenset(),             # township auditors only (below)
    Action.VIEW_SPENDING: frozenset({Role.ACCOUNTANT, Role.REVIEWER, Role.CASHIER,
                                     Role.SUPERVISOR, Role.VILLAGE_HEAD}),
    Action.FILE_SPENDING: frozenset({Role.ACCOUNTANT, Role.CASHIER}),
    Action.APPROVE_SPENDING: frozenset({Role.SUPERVISOR, Role.VILLAGE_HEAD}),
    Action.PAY_SPENDING: frozenset({Role.CASHIER}),
    Action.RECONCILE_BANK: frozenset({Role.ACCOUNTANT, Role.CASHIER}),
    Action.COUNT_CASH: frozenset({Role.CASHIER}),
}
_AUDITOR_MAY = frozenset({Action.VIEW_ORG, Action.VIEW_BOOKS, Action.EXPORT_BOOKS,
                          Action.VIEW_MEMBERS, Action.VIEW_CONTRACTS,
                          Action.VIEW_DISTRIBUTION, Action.VIEW_ASSETS,
                          Action.VIEW_DISCLOSURES, Action.OPINE_DISCLOSURES,
                          Action.AUDIT_ORG, Action.VIEW_FINDINGS, Action.VIEW_RETURNS,
                          Action.REVIEW_RETURNS, Action.VIEW_SPENDING,
                          Action.APPROVE_SPENDING})
_LEADER_MAY = frozenset({Action.VIEW_ORG, Action.VIEW_SPENDING, Action.APPROVE_SPENDING})
"""What a township's 分管领导 may do in the organisations of that township: read and approve
their spending (the chain decides which requests reach the leader)."""


Subject = Organisation | Township | Job | object | None
"""What a permission is asked on: an organisation or township (by role), a job (its owner),
or a domain's own record checked by a rule the domain registers (:data:`OBJECT_RULES`)."""

ObjectRule = Callable[["User", Action, object], "bool | None"]
OBJECT_RULES: list[ObjectRule] = []
"""Rules for domain records (a household for its member and the staff of its organisations),
registered by the app factory: each answers for the records it knows and returns None for
the rest, so this core module imports no domain."""


def can(user: User | AnonymousUserMixin | None, action: Action | str, subject: Subject = None,
        ) -> bool:
    """Whether ``user`` may perform ``action`` on ``subject``."""
    action = Action(action)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    account: User = user
    if account.is_admin:
        return True
    if action in _ORG_ROLES and isinstance(subject, Organisation):
        if any(role in _ORG_ROLES[action] for role in org_roles(account, subject)):
            return True
        if action in _LEADER_MAY and subject.township_id in led_township_ids(account):
            return True
        return action in _AUDITOR_MAY and _audits(account, subject.township_id)
    if action in (Action.VIEW_TOWNSHIP, Action.SUPERVISE, Action.CONFIGURE_SUPERVISION,
                  Action.SUMMARISE_RETURNS, Action.CONFIGURE_SPENDING) \
            and isinstance(subject, Township):
        return _audits(account, subject.id)
    if action is Action.VIEW_SUMMARIES and isinstance(subject, Township):
        return _audits(account, subject.id) or subject.id in county_township_ids(account)
    if action is Action.REVIEW_SUMMARIES:
        if isinstance(subject, Township):
            return subject.id in county_township_ids(account)
        return subject is None and bool(county_township_ids(account))
    if action is Action.SUPERVISE and subject is None:
        return bool(audited_township_ids(account))
    if action is Action.VIEW_AUDIT_LOG:
        if subject is None:
            return account.has_role(Role.TOWNSHIP_AUDITOR)
        if isinstance(subject, Township):
            return _audits(account, subject.id)
        if isinstance(subject, Organisation):
            return _audits(account, subject.township_id)
        return False
    if action is Action.VIEW_JOB and isinstance(subject, Job):
        return subject.created_by_id == account.id
    for rule in OBJECT_RULES:
        verdict = rule(account, action, subject)
        if verdict is not None:
            return verdict
    return False


def permitted(user: User | None, org: Organisation) -> Callable[[Action], bool]:
    """What a workflow's steps rule asks of the user (``workflow.decide``'s ``may``): may
    ``user`` do ``action`` in ``org``? None is the system (the demo loader, imports), which
    may take any step the record's state allows."""
    return lambda action: user is None or can(user, action, org)


def require(user: User | AnonymousUserMixin | None, action: Action | str,
            subject: Subject = None) -> None:
    """Abort with 403 unless :func:`can` allows it."""
    if not can(user, action, subject):
        abort(403)


def led_township_ids(user: User) -> set[int]:
    """Townships whose spending the user approves as 分管领导."""
    return {a.township_id for a in user.assignments
            if a.role is Role.TOWNSHIP_LEADER and a.township_id is not None}


def audited_township_ids(user: User) -> set[int]:
    """Townships the user audits (every township for an admin is not implied here)."""
    return {a.township_id for a in user.assignments
            if a.role is Role.TOWNSHIP_AUDITOR and a.township_id is not None}


def county_township_ids(user: User) -> set[int]:
    """Townships whose summaries the user reviews for the county (县级农经站)."""
    return {a.township_id for a in user.assignments
            if a.role is Role.COUNTY_REVIEWER and a.township_id is not None}


def org_roles(user: User, org: Organisation) -> list[Role]:
    """The organisation-scoped roles the user holds on ``org``."""
    return [a.role for a in user.assignments
            if a.role.scope is Scope.ORGANISATION and a.organisation_id == org.id]


def _audits(user: User, township_id: int) -> bool:
    return township_id in audited_township_ids(user)
