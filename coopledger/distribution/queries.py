"""Reading distribution records for other pages."""

from __future__ import annotations

import sqlalchemy as sa

from coopledger.contracts import employment
from coopledger.contracts.employment import YearIncome
from coopledger.distribution.models import Plan, PlanLine, PlanState
from coopledger.extensions import db
from coopledger.members.models import Household
from coopledger.orgs.models import Organisation

MEMBER_VISIBLE = (PlanState.APPROVED, PlanState.POSTED, PlanState.FILED, PlanState.PAID)


def household_income(household: Household, org_ids: list[int]) -> dict[int, YearIncome]:
    """A household's income per year (contracts.employment): wages, rent of its leased parcels
    and its lines in approved plans (保底 outstanding, returns and dividends)."""
    return employment.household_income(household, org_ids, dividends=[
        (line.plan.organisation_id, line.plan.year, line.total)
        for line in member_lines([household.id])])


def member_lines(household_ids: list[int]) -> list[PlanLine]:
    """The households' lines in approved plans, newest year first."""
    if not household_ids:
        return []
    return list(db.session.scalars(sa.select(PlanLine).join(Plan).where(
        PlanLine.household_id.in_(household_ids), Plan.state.in_(MEMBER_VISIBLE))
        .order_by(Plan.year.desc(), Plan.version.desc(), PlanLine.seq)))


def awaiting_supervisors(org: Organisation) -> list[Plan]:
    """Plans the 理事会 has proposed that wait for the 监事会's review (the supervisors read
    them before their meeting; the accountant records its date), oldest year first."""
    return list(db.session.scalars(sa.select(Plan).where(
        Plan.organisation_id == org.id, Plan.state == PlanState.PROPOSED)
        .order_by(Plan.year, Plan.version)))
