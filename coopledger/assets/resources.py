"""Keeping the resource register (资源台账): resources, their ownership documents and the
contracts that use them, and the lists of idle resources and of resources whose contract has
ended; flushes, never commits.

Rules: the number is unique in the organisation; land and water have an area in 亩 greater
than zero (buildings may give a size instead, an area if given is still positive); a linked
contract is one of the organisation's. What users see as the state comes from the contracts:
a resource with a contract in force is contracted out, one marked contracted out whose
contracts have all ended is listed as "contract ended", and idle ones are listed as idle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coopledger.assets.resource_models import (
    Resource,
    ResourceFile,
    ResourceKind,
    ResourceStatus,
    resource_contracts,
)
from coopledger.assets.rules import AssetRuleError
from coopledger.audit.services import record, snapshot
from coopledger.auth.models import User
from coopledger.contracts.models import Contract, ContractStatus
from coopledger.dates import utcnow
from coopledger.extensions import db
from coopledger.files.scans import keep_scan
from coopledger.files.stores import Store
from coopledger.i18n import N_
from coopledger.orgs.models import Organisation

RESOURCE_FIELDS = ("number", "name", "kind", "location", "area_mu", "size", "certificate",
                   "status", "note")


@dataclass(frozen=True)
class ResourceData:
    """The editable fields of a resource."""

    number: str
    name: str
    kind: ResourceKind
    area_mu: Decimal | None
    status: ResourceStatus = ResourceStatus.SELF_OPERATED
    location: str = ""
    size: str = ""
    certificate: str = ""
    note: str = ""


def _check(org: Organisation, data: ResourceData, resource: Resource | None) -> None:
    if not data.number.strip():
        raise AssetRuleError(N_("资源编号不能为空。"))
    if not data.name.strip():
        raise AssetRuleError(N_("资源名称不能为空。"))
    if data.area_mu is not None and data.area_mu <= 0:
        raise AssetRuleError(N_("面积必须大于零（现为 %(area)s 亩）。"), area=f"{data.area_mu}")
    if data.area_mu is None and data.kind.is_land:
        raise AssetRuleError(N_("%(kind)s须填写面积（亩）。"),
                             kind=str(AssetRuleError(data.kind.label)))
    if data.area_mu is None and not data.size.strip():
        raise AssetRuleError(N_("请填写面积（亩）或规模。"))
    duplicate = db.session.scalar(sa.select(Resource.id).where(
        Resource.organisation_id == org.id, Resource.number == data.number.strip()))
    if duplicate is not None and (resource is None or duplicate != resource.id):
        raise AssetRuleError(N_("资源编号 %(number)s 已被使用。"), number=data.number.strip())


def _apply(resource: Resource, data: ResourceData) -> None:
    for name in RESOURCE_FIELDS:
        value = getattr(data, name)
        setattr(resource, name, value.strip() if type(value) is str else value)


def create_resource(org: Organisation, data: ResourceData, *, by: User | None) -> Resource:
    """Register a resource."""
    _check(org, data, None)
    resource = Resource(organisation=org, created_at=utcnow())
    _apply(resource, data)
    db.session.add(resource)
    db.session.flush()
    record("resource.create", resource, by=by, label=str(resource),
           after=snapshot(resource, RESOURCE_FIELDS))
    return resource


def update_resource(resource: Resource, data: ResourceData, *, by: User | None) -> Resource:
    """Change a resource's details."""
    _check(resource.organisation, data, resource)
    before = snapshot(resource, RESOURCE_FIELDS)
    _apply(resource, data)
    db.session.flush()
    record("resource.update", resource, by=by, label=str(resource), before=before,
           after=snapshot(resource, RESOURCE_FIELDS))
    return resource


def resources_of_contract(contract: Contract) -> list[Resource]:
    """The resources a contract uses, by register number (contracts.coverage reads this)."""
    if contract.id is None:
        return []
    return list(db.session.scalars(
        sa.select(Resource).join(resource_contracts,
                                 resource_contracts.c.resource_id == Resource.id)
        .where(resource_contracts.c.contract_id == contract.id).order_by(Resource.number)))


def link_contract(resource: Resource, contract: Contract, *, by: User | None) -> None:
    """Record that ``contract`` uses the resource (a lease then counts its area); a resource
    linked to a contract that is not over is marked contracted out."""
    if contract.organisation_id != resource.organisation_id:
        raise AssetRuleError(N_("合同不属于本组织。"))
    if contract in resource.contracts:
        raise AssetRuleError(N_("合同 %(number)s 已关联该资源。"), number=contract.number)
    resource.contracts.append(contract)
    if contract.status in (ContractStatus.DRAFT, ContractStatus.ACTIVE):
        resource.status = ResourceStatus.CONTRACTED_OUT
    db.session.flush()
    record("resource.link", resource, by=by, label=f"{resource} ↔ {contract.number}")


def unlink_contract(resource: Resource, contract: Contract, *, by: User) -> None:
    """Remove a contract from the resource."""
    if contract not in resource.contracts:
        raise AssetRuleError(N_("合同 %(number)s 没有关联该资源。"), number=contract.number)
    resource.contracts.remove(contract)
    db.session.flush()
    record("resource.unlink", resource, by=by, label=f"{resource} ↔ {contract.number}")


def add_file(resource: Resource, *, content: bytes, filename: str, storage: Store,
             by: User) -> ResourceFile:
    """Keep a scanned ownership document."""
    return keep_scan(partial(ResourceFile, resource=resource), content=content,
                     filename=filename, storage=storage, by=by, action="resource.attach",
                     subject=resource, label=str(resource))


def in_force(resource: Resource, day: dt.date) -> list[Contract]:
    """The resource's contracts in force on ``day``."""
    return [c for c in resource.contracts if c.status_on(day) is ContractStatus.ACTIVE]


def state_on(resource: Resource, day: dt.date) -> str:
    """What the register shows: contracted out (a contract in force), contract ended, or the
    stored state (untranslated)."""
    if in_force(resource, day):
        return ResourceStatus.CONTRACTED_OUT.label
    if resource.status is ResourceStatus.CONTRACTED_OUT:
        return N_("合同已到期")
    return resource.status.label


def resources_of(org: Organisation) -> list[Resource]:
    """The organisation's resources with their contracts, by number."""
    return list(db.session.scalars(sa.select(Resource).where(
        Resource.organisation_id == org.id).options(selectinload(Resource.contracts))
        .order_by(Resource.number)))


def idle(org: Organisation, day: dt.date) -> list[Resource]:
    """Resources marked idle with no contract in force."""
    return [r for r in resources_of(org)
            if r.status is ResourceStatus.IDLE and not in_force(r, day)]


def contract_ended(org: Organisation, day: dt.date) -> list[Resource]:
    """Resources marked contracted out whose contracts have all ended (or that have none)."""
    return [r for r in resources_of(org)
            if r.status is ResourceStatus.CONTRACTED_OUT and not in_force(r, day)]
