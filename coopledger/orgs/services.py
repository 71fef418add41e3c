"""Creating and changing townships, villages and organisations.

Each function checks the rules, changes the models, writes one audit line and flushes; the
calling view commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from coopledger.audit.services import record, snapshot
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ids import normalize_credit_code
from coopledger.orgs import rules
from coopledger.orgs.models import AccountingStandard, Organisation, OrgKind, Township, Village

if TYPE_CHECKING:
    from coopledger.auth.models import User

TOWNSHIP_FIELDS = ("code", "name", "county")
VILLAGE_FIELDS = ("code", "name", "township_id")
ORG_FIELDS = ("code", "name", "kind", "credit_code", "standard", "village_id", "leading_org_id")


class DuplicateError(CoopLedgerError):
    """A code or name that another record already uses."""

    message = N_("该编码或名称已被使用。")


@dataclass(frozen=True)
class OrganisationData:
    """The editable fields of an organisation, as entered."""

    code: str
    name: str
    kind: OrgKind
    credit_code: str
    standard: AccountingStandard
    village: Village
    leading_org: Organisation | None


def create_township(*, code: str, name: str, county: str, by: User | None) -> Township:
    """Add a township."""
    _unique(Township, Township.code, rules.check_code(code), N_("乡镇编码“%(value)s”已被使用。"))
    township = Township(code=code, name=name.strip(), county=county.strip())
    db.session.add(township)
    db.session.flush()
    record("township.create", township, by=by, after=snapshot(township, TOWNSHIP_FIELDS))
    return township


def update_township(township: Township, *, code: str, name: str, county: str,
                    by: User | None) -> Township:
    """Change a township's code, name or county."""
    before = snapshot(township, TOWNSHIP_FIELDS)
    _unique(Township, Township.code, rules.check_code(code), N_("乡镇编码“%(value)s”已被使用。"),
            exclude=township.id)
    township.code, township.name, township.county = code, name.strip(), county.strip()
    db.session.flush()
    record("township.update", township, by=by, before=before,
           after=snapshot(township, TOWNSHIP_FIELDS))
    return township


def create_village(township: Township, *, code: str, name: str, by: User | None) -> Village:
    """Add a village to a township."""
    _unique(Village, Village.code, rules.check_code(code), N_("村编码“%(value)s”已被使用。"))
    _unique_village_name(township, name.strip())
    village = Village(township=township, code=code, name=name.strip())
    db.session.add(village)
    db.session.flush()
    record("village.create", village, by=by, after=snapshot(village, VILLAGE_FIELDS))
    return village


def update_village(village: Village, *, code: str, name: str, by: User | None) -> Village:
    """Change a village's code or name."""
    before = snapshot(village, VILLAGE_FIELDS)
    _unique(Village, Village.code, rules.check_code(code), N_("村编码“%(value)s”已被使用。"),
            exclude=village.id)
    _unique_village_name(village.township, name.strip(), exclude=village.id)
    village.code, village.name = code, name.strip()
    db.session.flush()
    record("village.update", village, by=by, before=before, after=snapshot(village, VILLAGE_FIELDS))
    return village


SET_UP: list[Callable[[Organisation], object]] = []
"""What the domains prepare for a new organisation — its chart of accounts (ledger), the
usual share classes of its kind (shares) — registered by the app factory, so that this core
package imports no domain."""


def create_organisation(data: OrganisationData, *, by: User | None) -> Organisation:
    """Register an organisation whose books coopledger will keep."""
    org = Organisation()
    _apply(org, data)
    db.session.add(org)
    db.session.flush()
    for set_up in SET_UP:
        set_up(org)
    record("organisation.create", org, by=by, after=snapshot(org, ORG_FIELDS))
    return org


def update_organisation(org: Organisation, data: OrganisationData, *,
                        by: User | None) -> Organisation:
    """Change an organisation's registration details."""
    before = snapshot(org, ORG_FIELDS)
    if org.led_orgs and data.kind is not OrgKind.VILLAGE_COLLECTIVE:
        raise rules.OrganisationRuleError(
            N_("该组织正在领办合作社，不能改为其他类型。"))
    if data.standard is not org.standard:
        raise rules.OrganisationRuleError(
            N_("账套已按所选会计制度建立，不能更换会计制度（两套制度的科目编码含义不同）。"))
    _apply(org, data)
    db.session.flush()
    record("organisation.update", org, by=by, before=before, after=snapshot(org, ORG_FIELDS))
    return org


def _apply(org: Organisation, data: OrganisationData) -> None:
    code = rules.check_code(data.code)
    credit_code = normalize_credit_code(data.credit_code)
    rules.check_standard(data.kind, data.standard)
    leader = data.leading_org
    rules.check_leader(
        data.kind, data.village.township_id,
        leader_kind=leader.kind if leader is not None else None,
        leader_township_id=leader.township_id if leader is not None else None,
        is_self=leader is not None and org.id is not None and leader.id == org.id)
    _unique(Organisation, Organisation.code, code, N_("组织简码“%(value)s”已被使用。"),
            exclude=org.id)
    _unique(Organisation, Organisation.name, data.name.strip(),
            N_("组织名称“%(value)s”已被使用。"), exclude=org.id)
    _unique(Organisation, Organisation.credit_code, credit_code,
            N_("统一社会信用代码 %(value)s 已登记在另一个组织名下。"), exclude=org.id)
    org.code, org.name, org.kind, org.credit_code = code, data.name.strip(), data.kind, credit_code
    org.standard, org.village, org.leading_org = data.standard, data.village, leader


def _unique(model: type[Township | Village | Organisation], column: InstrumentedAttribute[str],
            value: str, message: str, *, exclude: int | None = None) -> None:
    query = sa.select(model.id).where(column == value)
    if exclude is not None:
        query = query.where(model.id != exclude)
    if db.session.scalar(query) is not None:
        raise DuplicateError(message, value=value)


def _unique_village_name(township: Township, name: str, *, exclude: int | None = None) -> None:
    query = sa.select(Village.id).where(Village.township_id == township.id, Village.name == name)
    if exclude is not None:
        query = query.where(Village.id != exclude)
    if db.session.scalar(query) is not None:
        raise DuplicateError(N_("%(township)s已有名为“%(value)s”的村。"),
                             township=township.name, value=name)
