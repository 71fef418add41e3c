"""Reading distribution records for other pages."""

from __future__ import annotations

import sqlalchemy as sa

from coopledger.distribution.models import Plan, PlanLine, PlanState
from coopledger.extensions import db

MEMBER_VISIBLE = (PlanState.APPROVED, PlanState.POSTED, PlanState.FILED, PlanState.PAID)


def member_lines(household_ids: list[int]) -> list[PlanLine]:
    """The households' lines in approved plans, newest year first."""
    if not household_ids:
        return []
    return list(db.session.scalars(sa.select(PlanLine).join(Plan).where(
        PlanLine.household_id.in_(household_ids), Plan.state.in_(MEMBER_VISIBLE))
        .order_by(Plan.year.desc(), Plan.version.desc(), PlanLine.seq)))
