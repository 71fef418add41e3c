"""What a filing reads from the books and registers of one organisation and year: the lines of
the year's statements (``ledger.reports.year_statements``), movements and balances of
sub-accounts picked by name, the resource register and the membership register — each as the
value of a formula term (``filings.rules.Term``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import sqlalchemy as sa

from coopledger.assets.resource_models import Resource, ResourceKind, ResourceStatus
from coopledger.extensions import db
from coopledger.filings.rules import FormulaError, Term
from coopledger.ledger.models import Account
from coopledger.ledger.reports import YearStatements, year_statements
from coopledger.ledger.vouchers import year_closed
from coopledger.members.models import Membership
from coopledger.money import ZERO
from coopledger.orgs.models import Organisation

LAND_KINDS = tuple(kind for kind in ResourceKind if kind is not ResourceKind.BUILDING)
"""The resource kinds that are resource assets (资源性资产): land, forest, water; 房屋 are
fixed assets and are counted on the balance sheet instead."""


def is_closed(org: Organisation, year: int) -> bool:
    """Whether the year's books are closed (December closed, so every month before it)."""
    return year_closed(org, year)


def _leaves_under(accounts: list[Account], code: str, pattern: str) -> list[int]:
    """Leaf accounts under ``code`` whose own name or a parent's name below ``code`` matches
    ``pattern`` (every leaf under it when the pattern is empty)."""
    by_id = {account.id: account for account in accounts}
    matcher = re.compile(pattern) if pattern else None
    found = []
    for account in accounts:
        if not account.is_leaf or not account.code.startswith(code):
            continue
        names: list[str] = []
        current: Account | None = account
        while current is not None and current.code != code:
            names.append(current.name)
            current = by_id.get(current.parent_id) if current.parent_id else None
        if current is None:
            continue
        if matcher is None or any(matcher.search(name) for name in names):
            found.append(account.id)
    return found


def _ledger_value(figures: YearStatements, term: Term) -> Decimal:
    if term.kind in ("is", "bs", "bs0"):
        lines = {"is": figures.income, "bs": figures.balance_end,
                 "bs0": figures.balance_start}[term.kind]
        try:
            return lines[int(term.ref)]
        except (KeyError, ValueError) as err:
            raise FormulaError(f"no statement line {term.kind}:{term.ref}") from err
    code, _tilde, pattern = term.ref.partition("~")
    leaves = _leaves_under(figures.accounts, code, pattern)
    if term.kind == "bal":
        return sum((figures.balances.get(i, ZERO) for i in leaves), ZERO)
    flow = sum((figures.flows.get(i, ZERO) for i in leaves), ZERO)
    return -flow if term.kind == "cflow" else flow


def _resources(org: Organisation) -> list[Resource]:
    return list(db.session.scalars(sa.select(Resource).where(
        Resource.organisation_id == org.id, Resource.kind.in_(LAND_KINDS))))


def _resource_value(resources: list[Resource], ref: str) -> Decimal:
    kind_text, _dot, what = ref.partition(".")
    try:
        kinds = set(LAND_KINDS) if kind_text == "all" else {ResourceKind(kind_text)}
        status = ResourceStatus(what) if what not in ("area", "count") else None
    except ValueError as err:
        raise FormulaError(f"bad register term res:{ref}") from err
    found = [r for r in resources if r.kind in kinds and (status is None or r.status is status)]
    if what == "count":
        return Decimal(len(found))
    return sum((resource.area_mu or ZERO for resource in found), ZERO)


def _register_value(org: Organisation, ref: str, year: int) -> Decimal:
    if ref != "members":
        raise FormulaError(f"bad register term reg:{ref}")
    end = dt.date(year, 12, 31)
    count = db.session.scalar(sa.select(sa.func.count(Membership.id)).where(
        Membership.organisation_id == org.id, Membership.joined_on <= end,
        sa.or_(Membership.left_on.is_(None), Membership.left_on >= end))) or 0
    return Decimal(count)


def year_source(org: Organisation, year: int) -> Callable[[Term], Decimal]:
    """The value of any book or register term for ``org`` in ``year`` (the statements are read
    once, on the first term that needs them)."""
    cache: list[YearStatements] = []
    resources: list[list[Resource]] = []

    def value(term: Term) -> Decimal:
        if term.kind == "res":
            if not resources:
                resources.append(_resources(org))
            return _resource_value(resources[0], term.ref)
        if term.kind == "reg":
            return _register_value(org, term.ref, year)
        if not cache:
            cache.append(year_statements(org, year))
        return _ledger_value(cache[0], term)

    return value
