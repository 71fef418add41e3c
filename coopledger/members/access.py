"""Who may see a household (registered into ``auth.permissions.OBJECT_RULES`` by the app
factory): its own member login, and the staff of every organisation it belongs to or whose
village it lives in (DESIGN §10: a member sees their own household only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopledger.auth.permissions import Action, can
from coopledger.members.models import Household

if TYPE_CHECKING:
    from coopledger.auth.models import User
    from coopledger.orgs.models import Organisation


def household_rule(account: User, action: Action, subject: object) -> bool | None:
    """VIEW_HOUSEHOLD on a household; None for every other question."""
    if action is not Action.VIEW_HOUSEHOLD or not isinstance(subject, Household):
        return None
    if subject.user_id == account.id:
        return True
    return any(can(account, Action.VIEW_MEMBERS, org) for org in household_orgs(subject))


def household_orgs(household: Household) -> list[Organisation]:
    """Organisations whose staff may see a household: its village's and those it belongs to."""
    orgs = {o.id: o for o in household.village.organisations}
    for membership in household.memberships:
        orgs[membership.organisation_id] = membership.organisation
    return list(orgs.values())
