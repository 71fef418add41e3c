"""塔山镇's filing of its first closed year in the demo (``[full_filings]`` of the sample
world), loaded after the books so the township and the county see every state: one
organisation returned once (a parcel missing from the resource register), corrected and
accepted; one accepted at once; one missing; the township's summary produced and accepted by
the county. Nothing is filed for a year whose books are not closed on the day of the load."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from coopledger.assets.resource_models import Resource, ResourceKind, ResourceStatus
from coopledger.assets.resources import ResourceData, create_resource
from coopledger.auth.models import User
from coopledger.extensions import db
from coopledger.filings import queries, services
from coopledger.filings.models import Filing
from coopledger.orgs.models import Organisation, Township


def _one(model: Any, column: Any, value: str) -> Any:
    return db.session.scalars(sa.select(model).where(column == value)).one()


def _file(row: dict[str, Any], year: int, auditor: User) -> int:
    org: Organisation = _one(Organisation, Organisation.code, row["org"])
    accountant: User = _one(User, User.username, row["accountant"])
    if not queries.is_closed(org, year) or db.session.scalar(sa.select(Filing.id).where(
            Filing.organisation_id == org.id, Filing.year == year).limit(1)) is not None:
        return 0
    first = services.submit(org, year, by=accountant)
    if "returned" in row:
        services.return_filing(first, reason=row["returned"], by=auditor)
        missing = row["resource"]
        if db.session.scalar(sa.select(Resource.id).where(
                Resource.organisation_id == org.id,
                Resource.number == missing["number"])) is None:
            create_resource(org, ResourceData(
                number=missing["number"], name=missing["name"],
                kind=ResourceKind(missing["kind"]), area_mu=Decimal(missing["area_mu"]),
                status=ResourceStatus(missing["status"])), by=accountant)
        first = services.submit(org, year, by=accountant)
    services.accept(first, by=auditor)
    return 1


def load(section: dict[str, Any]) -> tuple[int, int]:
    """File what is missing; returns (filings made, filings already there or not due)."""
    year = int(section["year"])
    auditor: User = _one(User, User.username, section["auditor"])
    made = sum(_file(row, year, auditor) for row in section["organisations"])
    skipped = len(section["organisations"]) - made
    township: Township = _one(Township, Township.code, section["township"])
    if made and not services.summaries(township, year):
        summary = services.summarise(township, year, by=auditor)
        services.accept_summary(summary, by=_one(User, User.username, section["county"]))
    return made, skipped
