"""Reads of spending requests with business meaning: what waits for a user across every
organisation they approve, pay or file for (the home page's work queue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger.auth.permissions import Action, audited_township_ids, can, led_township_ids
from coopledger.auth.roles import Role
from coopledger.extensions import db
from coopledger.orgs.models import Organisation, Village
from coopledger.spending.models import RequestState, RequestStep, SpendingRequest, StepState
from coopledger.spending.services import steps_for

if TYPE_CHECKING:
    from coopledger.auth.models import User

LOOKED_AT = 200
"""Requests read for one user's queue, oldest first."""


@dataclass
class Waiting:
    """What waits for a user: requests to approve, to pay, and their own sent back."""

    to_approve: list[SpendingRequest] = field(default_factory=list)
    to_pay: list[SpendingRequest] = field(default_factory=list)
    returned: list[SpendingRequest] = field(default_factory=list)
    capped: bool = False
    """Whether :data:`LOOKED_AT` requests were read: there may be more than are listed."""

    @property
    def any(self) -> bool:
        """Whether anything waits."""
        return bool(self.to_approve or self.to_pay or self.returned)


def _organisations(user: User) -> list[int]:
    """The organisations whose requests the user may see: by an organisation role, or in a
    township they audit or lead."""
    towns = audited_township_ids(user) | led_township_ids(user)
    ids = {a.organisation_id for a in user.assignments if a.organisation_id is not None}
    if towns:
        ids.update(db.session.scalars(sa.select(Organisation.id).join(Organisation.village)
                                      .where(Village.township_id.in_(towns))))
    return sorted(ids)


def _acting_as(user: User, org_ids: list[int]) -> list[tuple[int, str]]:
    """(organisation, chain role) pairs the user may take a step as: each role held on an
    organisation, and each township role on every organisation of that township."""
    pairs = {(a.organisation_id, a.role.value) for a in user.assignments
             if a.organisation_id is not None}
    by_town = [(a.township_id, a.role.value) for a in user.assignments
               if a.township_id is not None]
    if by_town:
        towns = dict(db.session.execute(sa.select(Organisation.id, Village.township_id).join(
            Organisation.village).where(Organisation.id.in_(org_ids))).all())
        pairs.update((org_id, role) for org_id, town in towns.items()
                     for township_id, role in by_town if town == township_id)
    return sorted(pairs)


def _waiting_role() -> sa.ScalarSelect[str]:
    """The role of a request's next step: its current round's first pending step."""
    first = (sa.select(sa.func.min(RequestStep.position))
             .where(RequestStep.request_id == SpendingRequest.id,
                    RequestStep.round == SpendingRequest.round,
                    RequestStep.state == StepState.PENDING)
             .correlate(SpendingRequest).scalar_subquery())
    return (sa.select(sa.cast(RequestStep.role, sa.String))
            .where(RequestStep.request_id == SpendingRequest.id,
                   RequestStep.round == SpendingRequest.round, RequestStep.position == first)
            .correlate(SpendingRequest).scalar_subquery())


def waiting_for(user: User) -> Waiting:
    """The requests whose next step is the user's: chosen in SQL by the role of each
    request's next step (so a township of 10,000 requests reads only the user's), then each
    confirmed by the requests' one steps rule (no one approves what they filed or takes two
    steps of one request)."""
    found = Waiting()
    org_ids = _organisations(user)
    if not org_ids:
        return found
    pairs = _acting_as(user, org_ids)
    payer_orgs = sorted({org_id for org_id, role in pairs if role == Role.CASHIER.value})
    wanted = [sa.and_(SpendingRequest.state == RequestState.RETURNED,
                      SpendingRequest.created_by_id == user.id)]
    if pairs:
        wanted.append(sa.and_(SpendingRequest.state == RequestState.SUBMITTED,
                              sa.tuple_(SpendingRequest.organisation_id, _waiting_role())
                              .in_(pairs)))
    if payer_orgs:
        wanted.append(sa.and_(SpendingRequest.state == RequestState.APPROVED,
                              SpendingRequest.organisation_id.in_(payer_orgs)))
    read = list(db.session.scalars(
        sa.select(SpendingRequest).where(SpendingRequest.organisation_id.in_(org_ids),
                                         sa.or_(*wanted))
        .order_by(SpendingRequest.submitted_at, SpendingRequest.id).limit(LOOKED_AT)
        .options(sa.orm.selectinload(SpendingRequest.steps))))
    found.capped = len(read) == LOOKED_AT
    for request in read:
        if not can(user, Action.VIEW_SPENDING, request.organisation):
            continue
        steps = steps_for(request, user)
        if "approve" in steps:
            found.to_approve.append(request)
        elif "pay" in steps:
            found.to_pay.append(request)
        elif "submit" in steps and request.state is RequestState.RETURNED:
            found.returned.append(request)
    return found
