"""Reads of spending requests with business meaning: what waits for a user across every
organisation they approve, pay or file for (the home page's work queue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger.auth.permissions import Action, audited_township_ids, can, led_township_ids
from coopledger.extensions import db
from coopledger.orgs.models import Organisation, Village
from coopledger.spending.models import RequestState, SpendingRequest
from coopledger.spending.services import steps_for

if TYPE_CHECKING:
    from coopledger.auth.models import User

LOOKED_AT = 200
"""Requests of one state read for one user's queue; more than that is shown as "200+"."""


@dataclass
class Waiting:
    """What waits for a user: requests to approve, to pay, and their own sent back."""

    to_approve: list[SpendingRequest] = field(default_factory=list)
    to_pay: list[SpendingRequest] = field(default_factory=list)
    returned: list[SpendingRequest] = field(default_factory=list)

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


def waiting_for(user: User) -> Waiting:
    """The requests whose next step is the user's (by the requests' one steps rule)."""
    found = Waiting()
    org_ids = _organisations(user)
    if not org_ids:
        return found
    for request in db.session.scalars(
            sa.select(SpendingRequest).where(
                SpendingRequest.organisation_id.in_(org_ids),
                SpendingRequest.state.in_((RequestState.SUBMITTED, RequestState.APPROVED,
                                           RequestState.RETURNED)))
            .order_by(SpendingRequest.submitted_at, SpendingRequest.id).limit(LOOKED_AT)
            .options(sa.orm.selectinload(SpendingRequest.steps))):
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
