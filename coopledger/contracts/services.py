"""Registering partners and contracts, and signing contracts; flushes, never commits.

Rules: an enterprise, family farm or grower is identified by a valid 统一社会信用代码
(GB 32100-2015 checksum), an individual by a valid resident ID number; neither may appear
twice in one organisation's register. A contract number is unique in the organisation; a
draft may be changed, a signed contract not (``signing`` holds the date and approval rules).
Every change is written to the audit log, bank accounts masked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from coopledger import plausible
from coopledger.audit.services import masked_snapshot, record, snapshot
from coopledger.auth.models import User
from coopledger.contracts import schedules, signing
from coopledger.contracts.models import (
    Contract,
    ContractKind,
    ContractStatus,
    LeasedParcel,
    Partner,
    PartnerKind,
)
from coopledger.contracts.signing import ContractError
from coopledger.contracts.steps import steps_for
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ids import normalize_credit_code, normalize_resident_id
from coopledger.locking import lock
from coopledger.members.models import Contribution, Parcel
from coopledger.members.services import clean_bank_account, clean_phone
from coopledger.orgs.models import Organisation

PARTNER_FIELDS = ("name", "kind", "credit_code", "id_number", "legal_representative",
                  "contact_name", "phone", "address", "bank_name", "bank_account", "note")


class PartnerError(CoopLedgerError):
    """Partner details that break a rule."""

    message = N_("合作方信息不符合规定。")


@dataclass(frozen=True)
class PartnerData:
    """The editable fields of a partner."""

    name: str
    kind: PartnerKind
    identifier: str
    legal_representative: str = ""
    contact_name: str = ""
    phone: str = ""
    address: str = ""
    bank_name: str = ""
    bank_account: str = ""
    note: str = ""


def _identify(org: Organisation, data: PartnerData, partner_id: int | None,
              ) -> tuple[str | None, str | None]:
    """(credit code, ID number) of the partner, checked and unique in the register."""
    if not data.identifier.strip():
        if data.kind.is_person:
            raise PartnerError(N_("个人合作方请填写身份证号。"))
        raise PartnerError(N_("企业、家庭农场和种养大户请填写统一社会信用代码。"))
    if data.kind.is_person:
        credit_code, id_number = None, normalize_resident_id(data.identifier)
        column, value = Partner.id_number, id_number
    else:
        credit_code, id_number = normalize_credit_code(data.identifier), None
        column, value = Partner.credit_code, credit_code
    clash = db.session.scalar(sa.select(Partner).where(
        Partner.organisation_id == org.id, column == value, Partner.id != (partner_id or 0)))
    if clash is not None:
        raise PartnerError(N_("%(code)s 已登记为合作方“%(name)s”，不能重复登记。"),
                           code=value, name=clash.name)
    return credit_code, id_number


def _apply(partner: Partner, org: Organisation, data: PartnerData) -> None:
    name = data.name.strip()
    if not name:
        raise PartnerError(N_("请填写合作方名称。"))
    partner.credit_code, partner.id_number = _identify(org, data, partner.id)
    partner.name = name
    partner.kind = data.kind
    partner.legal_representative = data.legal_representative.strip()
    partner.contact_name = data.contact_name.strip()
    partner.phone = clean_phone(data.phone)
    partner.address = data.address.strip()
    partner.bank_name = data.bank_name.strip()
    partner.bank_account = clean_bank_account(data.bank_account)
    partner.note = data.note.strip()


def create_partner(org: Organisation, data: PartnerData, *, by: User | None) -> Partner:
    """Register a partner of the organisation."""
    partner = Partner(organisation=org)
    _apply(partner, org, data)
    db.session.add(partner)
    db.session.flush()
    record("partner.create", partner, by=by, label=partner.name,
           after=masked_snapshot(partner, PARTNER_FIELDS))
    return partner


def update_partner(partner: Partner, data: PartnerData, *, by: User | None) -> Partner:
    """Change a partner's details."""
    before = masked_snapshot(partner, PARTNER_FIELDS)
    _apply(partner, partner.organisation, data)
    db.session.flush()
    record("partner.update", partner, by=by, label=partner.name, before=before,
           after=masked_snapshot(partner, PARTNER_FIELDS))
    return partner


@dataclass(frozen=True)
class ContractData:
    """The editable fields of a draft contract."""

    number: str
    title: str
    kind: ContractKind
    partner_id: int
    starts_on: dt.date
    ends_on: dt.date | None
    note: str = ""


CONTRACT_FIELDS = ("number", "title", "kind", "partner_id", "starts_on", "ends_on", "status",
                   "approval_ref", "approved_on", "signed_on", "note")


def _apply_contract(contract: Contract, org: Organisation, data: ContractData) -> None:
    number, title = data.number.strip(), data.title.strip()
    if not number or not title:
        raise ContractError(N_("请填写合同编号和合同名称。"))
    partner = db.session.get(Partner, data.partner_id)
    if partner is None or partner.organisation_id != org.id:
        raise ContractError(N_("请选择本组织登记的合作方。"))
    signing.check_period(data.kind, data.starts_on, data.ends_on)
    plausible.check_term(data.starts_on, data.ends_on)
    clash = db.session.scalar(sa.select(Contract.id).where(
        Contract.organisation_id == org.id, Contract.number == number,
        Contract.id != (contract.id or 0)))
    if clash is not None:
        raise ContractError(N_("合同编号 %(number)s 已经使用。"), number=number)
    contract.number, contract.title, contract.kind = number, title, data.kind
    contract.partner = partner
    contract.starts_on, contract.ends_on = data.starts_on, data.ends_on
    contract.note = data.note.strip()


def create_contract(org: Organisation, data: ContractData, *, by: User | None) -> Contract:
    """Register a draft contract."""
    contract = Contract(organisation=org, status=ContractStatus.DRAFT)
    _apply_contract(contract, org, data)
    db.session.add(contract)
    db.session.flush()
    record("contract.create", contract, by=by, label=str(contract),
           after=snapshot(contract, CONTRACT_FIELDS))
    return contract


def update_contract(contract: Contract, data: ContractData, *, by: User | None) -> Contract:
    """Change a draft; a signed contract is changed only by its own operations."""
    lock(contract)
    steps_for(contract, by).require("edit", ContractError)
    before = snapshot(contract, CONTRACT_FIELDS)
    _apply_contract(contract, contract.organisation, data)
    db.session.flush()
    record("contract.update", contract, by=by, label=str(contract), before=before,
           after=snapshot(contract, CONTRACT_FIELDS))
    return contract


def sign_contract(contract: Contract, *, approval_ref: str, approved_on: dt.date | None,
                  signed_on: dt.date, by: User | None, today: dt.date) -> Contract:
    """Record the approval and the signing: the draft becomes active (a lease's schedule is
    stored)."""
    lock(contract)
    steps_for(contract, by).require("sign", ContractError)
    signing.check_signing(approval_ref=approval_ref, approved_on=approved_on,
                          signed_on=signed_on, starts_on=contract.starts_on, today=today)
    schedules.check_ready_to_sign(contract)
    before = snapshot(contract, CONTRACT_FIELDS)
    contract.approval_ref, contract.approved_on = approval_ref.strip(), approved_on
    contract.signed_on, contract.status = signed_on, ContractStatus.ACTIVE
    db.session.flush()
    if contract.kind is ContractKind.LEASE:
        schedules.store_schedule(contract)
    record("contract.sign", contract, by=by, label=str(contract), before=before,
           after=snapshot(contract, CONTRACT_FIELDS))
    return contract


def add_leased_parcel(contract: Contract, parcel_code: str, *, by: User | None,
                      ) -> LeasedParcel:
    """Cover one more contributed parcel by a draft lease (refused if leased elsewhere)."""
    lock(contract)
    steps_for(contract, by).require("lease_parcels", ContractError)
    code = parcel_code.strip()
    found = db.session.scalars(sa.select(Parcel).join(Contribution).where(
        Parcel.code == code, Contribution.organisation_id == contract.organisation_id,
    ).distinct()).all()
    if not found:
        raise ContractError(N_("本社入股地块中没有编码为 %(code)s 的地块。"), code=code)
    if len(found) > 1:
        raise ContractError(
            N_("编码 %(code)s 对应多户的地块（%(holders)s），请先在农户页面更正编码。"),
            code=code, holders="、".join(str(p.household) for p in found))
    parcel = found[0]
    if any(p.parcel_id == parcel.id for p in contract.parcels):
        raise ContractError(N_("地块 %(parcel)s 已在这份合同中。"), parcel=code)
    signing.check_parcel_contributed(
        [(c.contributed_on, c.withdrawn_on) for c in parcel.contributions
         if c.organisation_id == contract.organisation_id],
        parcel=code, starts_on=contract.starts_on)
    others = db.session.execute(sa.select(Contract.number, Contract.starts_on, Contract.ends_on)
                                .join(LeasedParcel).where(
        LeasedParcel.parcel_id == parcel.id, Contract.id != contract.id,
        Contract.status != ContractStatus.TERMINATED)).all()
    signing.check_parcel_free([(n, s, e) for n, s, e in others], parcel=code,
                              starts_on=contract.starts_on, ends_on=contract.ends_on)
    leased = LeasedParcel(contract=contract, parcel=parcel)
    db.session.add(leased)
    db.session.flush()
    record("contract.parcel_add", contract, by=by, label=str(contract),
           after={"parcel": code, "area": str(parcel.area)})
    return leased


def remove_leased_parcel(leased: LeasedParcel, *, by: User | None) -> None:
    """Take a parcel out of a draft lease."""
    lock(leased.contract)
    contract = leased.contract
    steps_for(contract, by).require("lease_parcels", ContractError)
    code, area = leased.parcel.code, str(leased.parcel.area)
    contract.parcels.remove(leased)
    db.session.delete(leased)
    db.session.flush()
    record("contract.parcel_remove", contract, by=by, label=str(contract),
           before={"parcel": code, "area": area})
