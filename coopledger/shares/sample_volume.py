"""Demo volume for the land-share cooperative: 200 households, their land and a year of
register operations of every kind. Deterministic (a fixed random seed); loaded through the
same services as the pages use, so every rule is applied and every change is audited.

The households join, and contribute their land, on 1 January of the world's second year: the
first year's distribution is approved and paid by then, and a household holding land shares
in that year but missing from its paid plan is what the register's settled-year check refuses
(:mod:`coopledger.members.settled`).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger.extensions import db
from coopledger.ids import resident_id_check_char
from coopledger.members import services as members
from coopledger.members.models import Household, MembershipSource, Relationship
from coopledger.shares import rules, services
from coopledger.shares.models import OperationKind, ShareKind

if TYPE_CHECKING:
    from coopledger.orgs.models import Organisation, Village

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
            "许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程")
GIVEN = ("建国", "秀英", "桂兰", "德明", "玉兰", "志强", "春生", "淑芬", "国华", "明", "芳",
         "军", "红梅", "永福", "小平", "金花", "大山", "长生", "凤英", "福贵", "海燕", "文清",
         "树林", "兰英")
CLASSES = ("水田", "旱地", "园地")
START = dt.date(2025, 1, 1)
"""The day the volume households join, as the world is written (its second year)."""


def _person_id(rng: random.Random, year: int, sequence: int, male: bool) -> str:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    order = sequence % 500 * 2 + (1 if male else 0)
    base = f"511623{year}{month:02d}{day:02d}{order % 1000:03d}"
    return base + resident_id_check_char(base)


def load_volume(org: Organisation, village: Village, *, households: int, today: dt.date,
                seed: int, years: int = 0, until: dt.date | None = None) -> int:
    """Add ``households`` member households with land, register a year of changes (the world
    moved by ``years`` and nothing after ``until``: sample_dating)."""
    existing = db.session.scalar(sa.select(sa.func.count(Household.id)).where(
        Household.village_id == village.id)) or 0
    if existing >= households:
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    start = START.replace(year=START.year + years)
    created: list[Household] = []
    sequence = 0
    for number in range(1, households + 1):
        surname = SURNAMES[rng.randrange(len(SURNAMES))]
        head_name = surname + rng.choice(GIVEN)
        household = members.create_household(village, members.HouseholdData(
            head_name=head_name, address=f"{village.name}{rng.randint(1, 6)}组{number}号",
            contract_cert_no=f"51162320180{number:04d}",
            phone=f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
            bank_name="四川农信", bank_account=f"623159010{rng.randint(10**9, 10**10 - 1)}"),
            by=None)
        people = ((Relationship.HEAD, rng.randint(1948, 1975), True),
                  (Relationship.SPOUSE, rng.randint(1950, 1976), False),
                  (Relationship.CHILD, rng.randint(1978, 2005), rng.random() < .5))
        for relation, year, male in people:
            if relation is Relationship.CHILD and rng.random() < 0.3:
                continue
            sequence += 1
            name = head_name if relation is Relationship.HEAD else (
                (surname if relation is Relationship.CHILD else rng.choice(SURNAMES))
                + rng.choice(GIVEN))
            members.add_person(household, name=name,
                               id_number=_person_id(rng, year, sequence, male),
                               relationship=relation, by=None)
        members.admit(org, household, member_number=f"V{number:04d}", joined_on=start,
                      source=MembershipSource.ORIGINAL, today=today, by=None)
        for index in range(1, rng.randint(2, 4) + 1):
            parcel = members.add_parcel(
                household, code=f"V{number:04d}-{index}",
                area=Decimal(rng.randint(30, 400)) / 100,
                grade_coefficient=Decimal(rng.choice(("0.8", "0.9", "1.0", "1.1", "1.2"))),
                land_class=rng.choice(CLASSES), location=f"{village.name}{rng.randint(1, 6)}组",
                by=None)
            members.contribute(parcel, org, on=start, today=today, by=None)
        created.append(household)
    _register_all(org, today)
    _a_year_of_changes(org, created, rng, today, year=START.year + years, until=until)
    return len(created)


def _register_all(org: Organisation, today: dt.date) -> None:
    from coopledger.shares.models import OperationState, ShareOperation

    for op in db.session.scalars(sa.select(ShareOperation).where(
            ShareOperation.organisation_id == org.id,
            ShareOperation.state == OperationState.DRAFT).order_by(ShareOperation.number)):
        services.approve(op, today=today, by=None)
        services.complete(op, today=today, by=None)


def _a_year_of_changes(org: Organisation, households: list[Household], rng: random.Random,
                       today: dt.date, *, year: int, until: dt.date | None) -> None:
    """About 60 changes through ``year``, every kind at least once (none after ``until``);
    refusals are kept as such."""
    land = services.class_of(org, ShareKind.LAND)
    assert land is not None
    accounts = [services.household_account(org, h) for h in households]
    plan: list[tuple[OperationKind, int, int | None, str, str]] = []
    kinds = [OperationKind.TRANSFER, OperationKind.INHERIT, OperationKind.GIFT,
             OperationKind.PLEDGE, OperationKind.RELEASE, OperationKind.BUYBACK,
             OperationKind.INCREASE, OperationKind.ADJUST]
    reasons = {OperationKind.TRANSFER: "户间转让", OperationKind.INHERIT: "继承（户主去世）",
               OperationKind.GIFT: "赠与子女分户", OperationKind.PLEDGE: "生产经营贷款质押",
               OperationKind.RELEASE: "贷款还清解押", OperationKind.BUYBACK: "自愿退出，本社回购",
               OperationKind.INCREASE: "新增流转地块折股", OperationKind.ADJUST: "测量复核调整面积"}
    for week in range(60):
        kind = kinds[week % len(kinds)]
        first = rng.randrange(len(accounts))
        second = rng.randrange(len(accounts))
        plan.append((kind, first, second if second != first else None,
                     reasons[kind], f"{year}-{week + 1:03d}"))
    pledged: list[int] = []
    for week, (kind, source, target, reason, document) in enumerate(plan):
        on = dt.date(year, 1, 6) + dt.timedelta(days=week * 6)
        if until is not None and on > until:
            break
        quantity = Decimal(rng.randint(10, 80)) / 100
        giver, receiver = accounts[source], accounts[target] if target is not None else None
        if kind in rules.MOVES and receiver is None:
            continue
        if kind is OperationKind.RELEASE:
            if not pledged:
                continue
            giver = accounts[pledged.pop(0)]
            quantity = Decimal("0.50")
        op = None
        try:
            op = services.request(
                org, kind=kind, share_class=land,
                source=None if kind is OperationKind.INCREASE else giver,
                target=receiver if kind in rules.MOVES else (
                    giver if kind is OperationKind.INCREASE else None),
                quantity=Decimal("0.50") if kind is OperationKind.PLEDGE else quantity,
                on=on, today=today, by=None, reason=reason, document=document,
                counterparty="四川农信塔山支行" if kind is OperationKind.PLEDGE else "")
            services.approve(op, today=today, by=None)
            services.complete(op, today=today, by=None)
        except rules.ShareRuleError as err:
            if op is not None and op.state.value in ("draft", "approved"):
                services.refuse(op, reason=str(err), by=None)
            continue
        if kind is OperationKind.PLEDGE:
            pledged.append(source)
