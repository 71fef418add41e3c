"""Contract warnings of an organisation on a day, for the accountant's home page and the
township's supervision.

- A contract expires soon when it is active and its end falls within the next N days
  (``CONTRACT_EXPIRY_WARNING_DAYS``).
- Contributed land is idle when a parcel contributed on that day is in no active lease
  running on that day.
- A lease covers withdrawn land when an active lease running on that day covers a parcel that
  is no longer contributed to the organisation on that day.
- A receipt is overdue when its due date has passed and it is not fully received (nor
  written off by an early termination).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from coopledger.contracts.models import Contract, ContractStatus, LeasedParcel
from coopledger.contracts.money_models import ScheduleLine
from coopledger.contracts.queries import overdue_query, overdue_total
from coopledger.extensions import db
from coopledger.members.models import Contribution, Parcel
from coopledger.members.queries import contribution_live
from coopledger.orgs.models import Organisation

SAMPLE = 10  # parcels named on the home page; the count covers all of them


@dataclass
class ContractWarnings:
    """What needs the accountant's attention in the organisation's contracts."""

    expiring: list[Contract] = field(default_factory=list)
    idle_count: int = 0
    idle_sample: list[Parcel] = field(default_factory=list)
    withdrawn: list[tuple[Contract, Parcel]] = field(default_factory=list)
    overdue_count: int = 0
    overdue_amount: Decimal = Decimal("0.00")
    overdue_sample: list[ScheduleLine] = field(default_factory=list)

    def __bool__(self) -> bool:
        """Whether there is anything to show."""
        return bool(self.expiring or self.idle_count or self.withdrawn or self.overdue_count)


def _running(on: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(Contract.status == ContractStatus.ACTIVE, Contract.starts_on <= on,
                   sa.or_(Contract.ends_on.is_(None), Contract.ends_on >= on))


def _contributed(org: Organisation, on: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(Contribution.organisation_id == org.id, contribution_live(on))


def idle_parcels_query(org: Organisation, on: dt.date) -> sa.Select[Parcel]:
    """Parcels contributed to the organisation on ``on`` that no running lease covers."""
    leased_now = sa.select(LeasedParcel.parcel_id).join(Contract).where(
        Contract.organisation_id == org.id, _running(on))
    return sa.select(Parcel).join(Contribution).where(
        _contributed(org, on), Parcel.id.not_in(leased_now)).order_by(Parcel.code)


def contract_warnings(org: Organisation, on: dt.date, *, expiry_days: int) -> ContractWarnings:
    """The organisation's contract warnings on ``on``."""
    expiring = list(db.session.scalars(sa.select(Contract).where(
        Contract.organisation_id == org.id, _running(on),
        Contract.ends_on <= on + dt.timedelta(days=expiry_days)).order_by(Contract.ends_on)))
    idle = idle_parcels_query(org, on)
    idle_count = db.session.scalar(sa.select(sa.func.count()).select_from(idle.subquery())) or 0
    idle_sample = list(db.session.scalars(idle.limit(SAMPLE)))
    contributed_now = sa.select(Contribution.parcel_id).where(_contributed(org, on))
    withdrawn = [(c, p) for c, p in db.session.execute(
        sa.select(Contract, Parcel).join(LeasedParcel, LeasedParcel.contract_id == Contract.id)
        .join(Parcel, Parcel.id == LeasedParcel.parcel_id).where(
            Contract.organisation_id == org.id, _running(on),
            Parcel.id.not_in(contributed_now)).order_by(Contract.number, Parcel.code))]
    overdue_count, overdue_amount = overdue_total(org, on)
    overdue_sample = list(db.session.scalars(overdue_query(org, on).limit(SAMPLE)))
    return ContractWarnings(expiring=expiring, idle_count=idle_count, idle_sample=idle_sample,
                            withdrawn=withdrawn, overdue_count=overdue_count,
                            overdue_amount=overdue_amount, overdue_sample=overdue_sample)
