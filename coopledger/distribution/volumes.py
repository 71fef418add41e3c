"""Members' transaction volumes (交易量/额) with a cooperative in a year, entered on a page or
imported from a workbook; flushes, never commits.

Rules: only member households (a membership during the year) have volumes; an amount is a
plain amount of yuan ≥ 0 with at most two decimals; a workbook names each household by member
number in its 成员编号 column and gives the volume in its 交易额（元） column (found by name,
through the one import pipeline, :mod:`coopledger.workbook_import`); any bad row refuses the
whole import with its sheet, row, column and reason, and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from coopledger import workbook_import
from coopledger.audit.services import record
from coopledger.auth.models import User
from coopledger.distribution.models import MemberVolume
from coopledger.distribution.rules import DistributionError
from coopledger.distribution.settled import named, settled_plans
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.members.models import Household, Membership
from coopledger.money import MoneyInputError, parse_money
from coopledger.orgs.models import Organisation
from coopledger.workbook_import import Column, Sheet, money
from coopledger.workbook_import import text as text_cell


def members_of_year(org: Organisation, year: int) -> list[tuple[Household, str]]:
    """Member households during the year with their member numbers, by number."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = db.session.execute(sa.select(Household, Membership.member_number).join(
        Membership, Membership.household_id == Household.id).where(
        Membership.organisation_id == org.id, Membership.joined_on <= last,
        sa.or_(Membership.left_on.is_(None), Membership.left_on >= first))
        .order_by(Membership.member_number)).all()
    return [(household, number) for household, number in rows]


def volumes_of(org: Organisation, year: int) -> dict[int, Decimal]:
    """Household id → volume entered for the year."""
    return {v.household_id: v.volume for v in db.session.scalars(sa.select(MemberVolume).where(
        MemberVolume.organisation_id == org.id, MemberVolume.year == year))}


def save_volumes(org: Organisation, year: int, entered: dict[int, str], *,
                 by: User | None) -> int:
    """Save the typed volumes (household id → text; empty clears); returns how many are set.
    Refused while a plan of the year or a later one is approved (:mod:`.settled`)."""
    settled = settled_plans(org, dt.date(year, 1, 1))
    if settled:
        raise DistributionError(
            N_("%(year)d年的交易额已用于已通过的分配方案（%(plans)s）：请先在分配页为该方案另立"
               "新版本并说明原因，再修改交易额。"),
            year=year, plans=named(settled))
    members = {household.id: household for household, _n in members_of_year(org, year)}
    parsed: dict[int, Decimal | None] = {}
    for household_id, text in entered.items():
        if household_id not in members:
            raise DistributionError(N_("只能为本年度的成员户登记交易额。"))
        parsed[household_id] = _amount(text, members[household_id].head_name)
    existing = {v.household_id: v for v in db.session.scalars(sa.select(MemberVolume).where(
        MemberVolume.organisation_id == org.id, MemberVolume.year == year))}
    for household_id, amount in parsed.items():
        row = existing.get(household_id)
        if amount is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(MemberVolume(organisation_id=org.id, year=year,
                                        household_id=household_id, volume=amount))
        else:
            row.volume = amount
    db.session.flush()
    count = sum(1 for amount in parsed.values() if amount is not None)
    record("distribution.volumes", org, by=by, label=f"{org.name} {year}",
           after={"year": year, "households": count})
    return count


def _amount(text: str, who: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        amount = parse_money(text)
    except MoneyInputError as err:
        raise DistributionError(N_("%(who)s 的交易额：%(reason)s"), who=who,
                                reason=str(err)) from None
    if amount < 0:
        raise DistributionError(N_("%(who)s 的交易额不能为负数。"), who=who)
    return amount


VOLUME_SHEET = Sheet(None, (
    Column("number", "成员编号", text_cell(16, required=N_("成员编号不能为空。")), required=True),
    Column("name", "农户", text_cell(200)),
    Column("volume", "交易额（元）", money(minimum=Decimal(0)), required=True,
           aliases=("交易额", "交易量（额）", "交易额(元)")),
), max_rows=20000)


def import_volumes(org: Organisation, year: int, content: bytes, *, by: User | None) -> int:
    """Import volumes from a workbook (成员编号, 交易额（元）; an empty amount clears). All
    rows or none."""
    rows, problems = workbook_import.read(content, (VOLUME_SHEET,))
    by_number = {number: household for household, number in members_of_year(org, year)}
    entered: dict[int, str] = {}
    seen: dict[str, int] = {}
    for row in rows.get(None, []):
        number = row["number"]
        if not number or row.refused:
            continue
        household = by_number.get(number)
        if household is None:
            problems.at(row, "number", N_("成员编号 %(number)s 不是本年度的成员户。"),
                        number=number)
        elif number in seen:
            problems.at(row, "number", N_("成员编号 %(number)s 与第%(first)d行重复。"),
                        number=number, first=seen[number])
        else:
            seen[number] = row.number
            volume = row["volume"]
            entered[household.id] = "" if volume is None else str(volume)
    problems.refuse_if_any(downloadable=False)
    return save_volumes(org, year, entered, by=by)
