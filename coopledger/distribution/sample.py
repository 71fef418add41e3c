"""The demo distribution: a plan run through its whole trail inside the sample books, month by
month, so its vouchers are posted before each month closes (called from the sample loader)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Any

import sqlalchemy as sa

from coopledger.auth.models import User
from coopledger.distribution import figures, guarantees, services
from coopledger.distribution.models import Mode, Plan
from coopledger.extensions import db
from coopledger.files.stores import Store
from coopledger.ledger.models import Voucher
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.money import round_money
from coopledger.orgs.models import Organisation


def _day(row: dict[str, Any], key: str) -> dt.date:
    return dt.date.fromisoformat(row[key])


def _members_total(org: Organisation, row: dict[str, Any]) -> Decimal:
    """A round share (row["members_percent"]) of distributable income, or with
    ``members_base = "surplus"`` of 可分配盈余 (the year's surplus after 盈余公积), down to 100
    yuan."""
    sources, _cash = figures.ledger_sources(org, int(row["year"]))
    base = sources.distributable
    if row.get("members_base") == "surplus":
        reserve = round_money(sources.year_surplus * Decimal(row["reserve_percent"]) / 100)
        base = sources.year_surplus - reserve
    share = base * Decimal(row["members_percent"]) / 100
    return (share / 100).quantize(Decimal(1), rounding=ROUND_DOWN) * 100


def _due(row: dict[str, Any], key: str, year: int, month: int) -> bool:
    on = _day(row, key)
    return (on.year, on.month) == (year, month)


def _steps(plan: Plan, row: dict[str, Any], year: int, month: int, *, by: User,
           storage: Store, today: dt.date) -> list[Voucher]:
    made: list[Voucher] = []
    if _due(row, "proposed_on", year, month):
        services.propose(plan, on=_day(row, "proposed_on"), by=by, today=today)
    if _due(row, "reviewed_on", year, month):
        services.review(plan, on=_day(row, "reviewed_on"), by=by, today=today)
    if _due(row, "approved_on", year, month):
        services.approve(plan, resolution_no=row["resolution_no"],
                         on=_day(row, "approved_on"), content=PLACEHOLDER_PNG,
                         filename="成员大会决议.png", storage=storage, by=by, today=today)
        made += [plan.voucher] if plan.voucher is not None else []
    if _due(row, "posted_from", year, month):
        services.post(plan, start=_day(row, "posted_from"), end=_day(row, "posted_to"), by=by)
    if _due(row, "filed_on", year, month):
        services.file_with_township(plan, on=_day(row, "filed_on"), by=by, today=today)
    if _due(row, "paid_on", year, month):
        unpaid = {f"{name}户" for name in row.get("unpaid", [])}
        lines = [ln.id for ln in plan.lines if ln.holder not in unpaid and ln.total]
        made.append(services.pay(plan, lines, on=_day(row, "paid_on"),
                                 cash_code=row["account"], by=by, today=today))
    return made


def guarantee_steps(org: Organisation, rows: list[dict[str, Any]], year: int, month: int, *,
                    by: User) -> list[Voucher]:
    """The 保底 payments of the sample dated in this month: every household is paid what its
    land earns for the year at the row's rate (by whoever held the land shares on each day)."""
    made: list[Voucher] = []
    for row in rows:
        on = _day(row, "on")
        if row["org"] != org.code or (on.year, on.month) != (year, month):
            continue
        rate, paid_year = Decimal(row["rate"]), int(row["year"])
        owed = {r.household.id: r.outstanding for r in guarantees.owed(org, paid_year, rate)}
        made.append(guarantees.pay(org, paid_year, owed, rate=rate, on=on,
                                   cash_code=row["account"], today=on, by=by))
    return made


def month_end(org: Organisation, rows: list[dict[str, Any]], year: int, month: int, *,
              by: User, storage: Store, today: dt.date) -> list[Voucher]:
    """Take the steps of the sample plans dated in this month; returns their voucher drafts."""
    made: list[Voucher] = []
    for row in rows:
        plan = db.session.scalar(sa.select(Plan).where(
            Plan.organisation_id == org.id, Plan.year == int(row["year"])))
        if plan is None and _due(row, "proposed_on", year, month):
            plan = services.create_plan(org, int(row["year"]), services.PlanData(
                mode=Mode(row["mode"]), members_total=_members_total(org, row),
                reserve_percent=Decimal(row["reserve_percent"]),
                member_cap_percent=Decimal(row["member_cap_percent"]),
                volume_percent=Decimal(row.get("volume_percent", "60")),
                guarantee_per_mu=Decimal(row.get("guarantee_per_mu", "0"))), by=by, today=today)
        if plan is not None:
            made += _steps(plan, row, year, month, by=by, storage=storage, today=today)
    return made
