"""Reading the partner and contract registers with their filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from coopledger.contracts.models import (
    Contract,
    ContractKind,
    ContractStatus,
    LeasedParcel,
    Partner,
    PartnerKind,
)
from coopledger.contracts.money_models import ContractPayment, Purpose, ScheduleLine
from coopledger.extensions import db
from coopledger.money import from_fen
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


def open_fen() -> sa.ColumnElement[int]:
    """What is still to be received on a schedule line, in fen."""
    amount, received, written_off = (sa.type_coerce(column, sa.BigInteger) for column in (
        ScheduleLine.amount, ScheduleLine.received, ScheduleLine.written_off))
    return amount - received - written_off


def overdue_query(org: Organisation, on: dt.date) -> sa.Select[ScheduleLine]:
    """Schedule lines due before ``on`` and not fully received, oldest first, with their
    contracts and partners loaded."""
    return (sa.select(ScheduleLine)
            .join(Contract, Contract.id == ScheduleLine.contract_id)
            .options(contains_eager(ScheduleLine.contract).joinedload(Contract.partner))
            .where(ScheduleLine.organisation_id == org.id, ScheduleLine.due_on < on,
                   open_fen() > 0)
            .order_by(ScheduleLine.due_on, Contract.number, ScheduleLine.seq))


def overdue_total(org: Organisation, on: dt.date) -> tuple[int, Decimal]:
    """How many lines are overdue on ``on`` and how much they still owe."""
    count, fen = db.session.execute(sa.select(sa.func.count(), sa.func.sum(open_fen())).where(
        ScheduleLine.organisation_id == org.id, ScheduleLine.due_on < on,
        open_fen() > 0)).one()
    return int(count), from_fen(int(fen or 0))


def received_by_year(partner: Partner) -> dict[int, dict[str, Decimal]]:
    """Money received from a partner per year and purpose (incoming payments only)."""
    fen = sa.type_coerce(ContractPayment.amount, sa.BigInteger)
    year = sa.extract("year", ContractPayment.on)
    rows = db.session.execute(
        sa.select(year, ContractPayment.purpose, sa.func.sum(fen)).join(Contract).where(
            Contract.partner_id == partner.id,
            ContractPayment.purpose.in_([p for p in Purpose if p.incoming]))
        .group_by(year, ContractPayment.purpose)).all()
    table: dict[int, dict[str, Decimal]] = {}
    for y, purpose, total in rows:
        table.setdefault(int(y), {})[Purpose(purpose).value] = from_fen(int(total or 0))
    return dict(sorted(table.items(), reverse=True))


def received_in_years(partner_ids: list[int], years: list[int],
                      ) -> dict[tuple[int, int], Decimal]:
    """Money received from each partner in each of ``years`` (incoming payments only)."""
    if not partner_ids:
        return {}
    fen = sa.type_coerce(ContractPayment.amount, sa.BigInteger)
    year = sa.extract("year", ContractPayment.on)
    rows = db.session.execute(
        sa.select(Contract.partner_id, year, sa.func.sum(fen)).join(Contract).where(
            Contract.partner_id.in_(partner_ids), year.in_(years),
            ContractPayment.purpose.in_([p for p in Purpose if p.incoming]))
        .group_by(Contract.partner_id, year)).all()
    return {(partner_id, int(y)): from_fen(int(total or 0)) for partner_id, y, total in rows}
