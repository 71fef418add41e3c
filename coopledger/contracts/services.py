"""Registering and changing partner enterprises; flushes, never commits.

Rules: an enterprise, family farm or grower is identified by a valid 统一社会信用代码
(GB 32100-2015 checksum), an individual by a valid resident ID number; neither may appear
twice in one organisation's register. Every change is written to the audit log with bank
accounts masked.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from coopledger.audit.services import record, snapshot
from coopledger.auth.models import User
from coopledger.contracts.models import Partner, PartnerKind
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ids import mask_bank, normalize_credit_code, normalize_resident_id
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


def _logged(partner: Partner) -> dict[str, object]:
    values = snapshot(partner, PARTNER_FIELDS)
    if values.get("bank_account"):
        values["bank_account"] = mask_bank(str(values["bank_account"]))
    return values


def create_partner(org: Organisation, data: PartnerData, *, by: User | None) -> Partner:
    """Register a partner of the organisation."""
    partner = Partner(organisation=org)
    _apply(partner, org, data)
    db.session.add(partner)
    db.session.flush()
    record("partner.create", partner, by=by, label=partner.name, after=_logged(partner))
    return partner


def update_partner(partner: Partner, data: PartnerData, *, by: User | None) -> Partner:
    """Change a partner's details."""
    before = _logged(partner)
    _apply(partner, partner.organisation, data)
    db.session.flush()
    record("partner.update", partner, by=by, label=partner.name, before=before,
           after=_logged(partner))
    return partner
