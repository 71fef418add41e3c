"""Members employed under an employment contract (就业参与), and what a household earns from
the organisation's dealings; flushes, never commits.

Rules: work is recorded on a signed employment contract, for a person of a member household of
the organisation, in a period inside the contract's term, with days > 0 and a wage ≥ 0; the
wage's payment day is not before the period starts nor in the future. A household's income
from the organisation per year is the wages its people were paid and the rent received for its
leased parcels, shared among a lease's parcels by area.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from coopledger.audit.services import record
from coopledger.auth.models import User
from coopledger.contracts.models import Contract, LeasedParcel
from coopledger.contracts.money_models import (
    Allocation,
    ContractPayment,
    Employment,
    LineKind,
    ScheduleLine,
)
from coopledger.contracts.signing import ContractError
from coopledger.contracts.steps import steps_for
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.locking import lock
from coopledger.members.models import Household, Membership, Parcel, Person
from coopledger.money import ZERO, allocate


@dataclass(frozen=True)
class WorkData:
    """One period of a member's work."""

    person_id: int
    period_start: dt.date
    period_end: dt.date
    days: Decimal
    wage: Decimal
    paid_on: dt.date | None = None
    note: str = ""


def add_employment(contract: Contract, data: WorkData, *, by: User | None,
                   today: dt.date) -> Employment:
    """Record a member's work and wage under an employment contract."""
    lock(contract)
    steps_for(contract, by).require("record_work", ContractError)
    person = db.session.get(Person, data.person_id)
    member = person is not None and db.session.scalar(sa.select(Membership.id).where(
        Membership.organisation_id == contract.organisation_id,
        Membership.household_id == person.household_id)) is not None
    if person is None or not member:
        raise ContractError(N_("务工人员须是本组织成员户的家庭成员。"))
    if data.period_end < data.period_start:
        raise ContractError(N_("务工结束日期 %(end)s 早于开始日期 %(start)s。"),
                            end=data.period_end.isoformat(), start=data.period_start.isoformat())
    last = contract.terminated_on or contract.ends_on
    if data.period_start < contract.starts_on or (last is not None and data.period_end > last):
        raise ContractError(N_("务工期间须在合同期限之内。"))
    if data.days <= 0:
        raise ContractError(N_("务工天数必须大于零。"))
    if data.wage < 0:
        raise ContractError(N_("工资不能为负数。"))
    if data.paid_on is not None and not data.period_start <= data.paid_on <= today:
        raise ContractError(N_("发放日期须在务工开始之后、且不晚于今天。"))
    work = Employment(organisation_id=contract.organisation_id, contract=contract,
                      person=person, period_start=data.period_start,
                      period_end=data.period_end, days=data.days, wage=data.wage,
                      paid_on=data.paid_on, note=data.note.strip()[:200])
    db.session.add(work)
    db.session.flush()
    record("contract.employment", contract, by=by, label=f"{contract.number} {person.name}",
           after={"person": person.name, "from": data.period_start.isoformat(),
                  "to": data.period_end.isoformat(), "days": str(data.days),
                  "wage": str(data.wage)})
    return work


def employments_of(contract: Contract) -> list[Employment]:
    """The work recorded under a contract, by period."""
    return list(db.session.scalars(sa.select(Employment).where(
        Employment.contract_id == contract.id).order_by(Employment.period_start,
                                                        Employment.id)))


@dataclass
class YearIncome:
    """A household's income from the organisation in one year."""

    wages: Decimal = ZERO
    rent: Decimal = ZERO
    dividends: Decimal = ZERO
    details: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """Wages, rent and distributions together."""
        return self.wages + self.rent + self.dividends


def household_income(household: Household, org_ids: list[int],
                     dividends: Iterable[tuple[int, int, Decimal]] = ()) -> dict[int, YearIncome]:
    """Wages paid, leased-parcel rent received and ``dividends`` (organisation id, year
    distributed, amount: the household's approved distribution lines, which the distribution
    domain passes in) per year, newest first."""
    years: dict[int, YearIncome] = {}
    for work in db.session.scalars(sa.select(Employment).join(Person).where(
            Person.household_id == household.id, Employment.organisation_id.in_(org_ids),
            Employment.paid_on.is_not(None))):
        assert work.paid_on is not None
        years.setdefault(work.paid_on.year, YearIncome()).wages += work.wage
    leases = db.session.scalars(sa.select(Contract).join(LeasedParcel).join(Parcel).where(
        Parcel.household_id == household.id, Contract.organisation_id.in_(org_ids)).distinct())
    for contract in leases:
        areas = {lp.parcel_id: lp.parcel.area for lp in contract.parcels}
        own = {lp.parcel_id for lp in contract.parcels
               if lp.parcel.household_id == household.id}
        received = db.session.execute(sa.select(ContractPayment.on, Allocation.amount)
                                      .join(Allocation).join(ScheduleLine).where(
            ContractPayment.contract_id == contract.id,
            ScheduleLine.kind == LineKind.RENT)).all()
        for on, amount in received:
            shares = allocate(amount, areas)
            part = sum((shares[pid] for pid in own), ZERO)
            years.setdefault(on.year, YearIncome()).rent += part
    for org_id, year, amount in dividends:
        if org_id in org_ids:
            years.setdefault(year, YearIncome()).dividends += amount
    return dict(sorted(years.items(), reverse=True))
