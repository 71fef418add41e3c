"""Reading the partner and contract registers with their filters."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from coopledger.contracts.models import (
    Contract,
    ContractKind,
    ContractStatus,
    LeasedParcel,
    Partner,
    PartnerKind,
)
from coopledger.extensions import db
from coopledger.orgs.models import Organisation


def partners_query(org: Organisation, search: str = "", kind: str = "",
                   ) -> sa.Select[Partner]:
    """The organisation's partners matching a search text and kind, ordered by name."""
    query = sa.select(Partner).where(Partner.organisation_id == org.id)
    text = search.strip()
    if text:
        pattern = f"%{text}%"
        query = query.where(sa.or_(Partner.name.ilike(pattern),
                                   Partner.credit_code.ilike(pattern),
                                   Partner.contact_name.ilike(pattern),
                                   Partner.legal_representative.ilike(pattern)))
    if kind in {k.value for k in PartnerKind}:
        query = query.where(Partner.kind == PartnerKind(kind))
    return query.order_by(Partner.name, Partner.id)


def contracts_query(org: Organisation, *, kind: str = "", status: str = "",
                    on: dt.date) -> sa.Select[Contract]:
    """The organisation's contracts of a kind and a status as seen on ``on``, newest first."""
    query = sa.select(Contract).where(Contract.organisation_id == org.id)
    if kind in {k.value for k in ContractKind}:
        query = query.where(Contract.kind == ContractKind(kind))
    running = sa.or_(Contract.ends_on.is_(None), Contract.ends_on >= on)
    if status == ContractStatus.EXPIRED.value:
        query = query.where(Contract.status == ContractStatus.ACTIVE, sa.not_(running))
    elif status == ContractStatus.ACTIVE.value:
        query = query.where(Contract.status == ContractStatus.ACTIVE, running)
    elif status in {s.value for s in ContractStatus}:
        query = query.where(Contract.status == ContractStatus(status))
    return query.order_by(Contract.starts_on.desc(), Contract.id.desc())


def leases_of_parcels(parcel_ids: list[int]) -> dict[int, list[Contract]]:
    """The live (not terminated) leases covering each of these parcels, oldest first."""
    rows = db.session.execute(
        sa.select(LeasedParcel.parcel_id, Contract).join(Contract).where(
            LeasedParcel.parcel_id.in_(parcel_ids),
            Contract.status != ContractStatus.TERMINATED,
        ).order_by(Contract.starts_on)).all() if parcel_ids else []
    found: dict[int, list[Contract]] = {}
    for parcel_id, contract in rows:
        found.setdefault(parcel_id, []).append(contract)
    return found
