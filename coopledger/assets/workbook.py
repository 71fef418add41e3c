"""The asset and resource registers as an Excel workbook: the import template, importing
existing cards and resources all or nothing (a job), and exporting both registers.

Two sheets with Chinese headers (:data:`SHEETS`). Categories, kinds, methods and states are
given by their Chinese names. Every problem is reported with its sheet, row, column and reason;
nothing is saved unless there are none. The same workbook layout is what the export writes, so
an exported register (disposed cards aside) can be edited and imported elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from coopledger import plausible, workbook_import
from coopledger.assets import cards, resources
from coopledger.assets.depreciation import accumulated_by_card
from coopledger.assets.models import CATEGORY_LABELS, AssetCard, AssetStatus
from coopledger.assets.resource_models import RESOURCE_KIND_LABELS, Resource, ResourceStatus
from coopledger.assets.rules import Method
from coopledger.db import reading
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.jobs.registry import Progress
from coopledger.orgs.models import Organisation
from coopledger.workbook_import import (
    Column,
    Problems,
    Row,
    Sheet,
    choice,
    column_length,
    date,
    money,
    number,
    text,
)
from coopledger.workbooks import uploaded_workbook

CARD_SHEET, RESOURCE_SHEET = "固定资产", "资源"
EXPORT_EXTRA = ("累计折旧（元）", "净值（元）")
IMPORT_KIND = "assets.import"
CATEGORIES = {label: category for category, label in CATEGORY_LABELS.items()}
KINDS = {label: kind for kind, label in RESOURCE_KIND_LABELS.items()}
METHODS = {m.label: m for m in Method}
CARD_STATES = {s.label: s for s in AssetStatus if s is not AssetStatus.DISPOSED}
RESOURCE_STATES = {s.label: s for s in ResourceStatus}
LONGEST_LIFE_MONTHS = Decimal(100 * 12)
MAX_UNITS = Decimal("999999999999.99")


def sheets(today: dt.date) -> tuple[Sheet, Sheet]:
    """The two sheets of the template; dates are checked against ``today``."""
    return (
        Sheet(CARD_SHEET, (
            Column("number", "资产编号", text(column_length(AssetCard.number),
                                             required=N_("资产编号不能为空。")), required=True),
            Column("name", "资产名称", text(column_length(AssetCard.name),
                                           required=N_("资产名称不能为空。")), required=True),
            Column("category", "类别", choice(CATEGORIES, sentence=N_(
                "类别应为模板列出的类别之一。")), required=True),
            Column("location", "存放地点", text(column_length(AssetCard.location))),
            Column("acquired", "取得日期", date(today=today, what=N_("取得日期"),
                                               required=N_("请填写取得日期。")), required=True),
            Column("original", "原值（元）", money(required=N_("请填写原值。")), required=True),
            Column("life", "使用年限（月）", number(
                places=0, minimum=Decimal(0), maximum=LONGEST_LIFE_MONTHS, strictly_above=True,
                whole=True, required=N_("请填写使用年限（月）。")), required=True),
            Column("residual", "残值率（%）", number(places=2, minimum=Decimal(0),
                                                     maximum=Decimal("99.99"),
                                                     empty=Decimal(0))),
            Column("method", "折旧方法", choice(METHODS, sentence=N_(
                "折旧方法应为“年限平均法”或“工作量法”。"), empty=Method.STRAIGHT_LINE)),
            Column("units", "预计总工作量", number(places=2, minimum=Decimal(0),
                                                   maximum=MAX_UNITS, strictly_above=True)),
            Column("status", "状态", choice(CARD_STATES, sentence=N_(
                "状态应为“在用”“闲置”或“出租”（已处置的资产不导入）。"),
                empty=AssetStatus.IN_USE)),
            Column("expense", "折旧费用科目", text(column_length(AssetCard.expense_code))),
            Column("opening", "期初累计折旧（元）", money(empty=Decimal("0.00"))),
            Column("through", "期初折旧截止日期", date(today=today, what=N_("期初折旧截止日期"))),
            Column("note", "备注", text(column_length(AssetCard.note))))),
        Sheet(RESOURCE_SHEET, (
            Column("number", "资源编号", text(column_length(Resource.number),
                                             required=N_("资源编号不能为空。")), required=True),
            Column("name", "资源名称", text(column_length(Resource.name),
                                           required=N_("资源名称不能为空。")), required=True),
            Column("kind", "类别", choice(KINDS, sentence=N_("类别应为模板列出的类别之一。")),
                   required=True),
            Column("location", "坐落", text(column_length(Resource.location))),
            Column("area", "面积（亩）", number(places=2, minimum=Decimal(0),
                                                maximum=plausible.MAX_PARCEL_MU * 100,
                                                strictly_above=True)),
            Column("size", "规模", text(column_length(Resource.size))),
            Column("certificate", "权属证书", text(column_length(Resource.certificate))),
            Column("status", "状态", choice(RESOURCE_STATES, sentence=N_(
                "状态应为“自营”“发包/出租”或“闲置”。"), empty=ResourceStatus.SELF_OPERATED)),
            Column("note", "备注", text(column_length(Resource.note))))),
    )


def template(today: dt.date) -> bytes:
    """The empty workbook with both sheets and their headers."""
    return workbook_import.template(sheets(today))


@dataclass
class Parsed:
    """A workbook read and checked field by field, ready for the services."""

    cards: list[tuple[Row, cards.CardData]] = field(default_factory=list)
    resources: list[tuple[Row, resources.ResourceData]] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)


def _card(org: Organisation, row: Row, problems: Problems, expense_codes: set[str],
          ) -> cards.CardData | None:
    """The card of a row whose cells all parsed, with the checks across its cells
    (``expense_codes``: the accounts depreciation may be charged to, read once per import)."""
    if row["method"] is Method.UNITS and row["units"] is None:
        problems.at(row, "units", N_("工作量法须填写预计总工作量（大于零）。"))
        return None
    if row["expense"] and row["expense"] not in expense_codes:
        problems.at(row, "expense", N_("科目 %(code)s 不是可用的成本或费用末级科目。"),
                    code=row["expense"])
        return None
    category = row["category"]
    return cards.CardData(
        number=row["number"], name=row["name"], category=category, location=row["location"],
        acquired_on=row["acquired"], original=row["original"],
        residual_percent=row["residual"], life_months=int(row["life"]), method=row["method"],
        total_units=row["units"] if row["method"] is Method.UNITS else None,
        status=row["status"],
        expense_code=row["expense"] or cards.default_expense_code(org, category),
        opening_accumulated=row["opening"], opening_through=row["through"], note=row["note"])


def read(org: Organisation, content: bytes, *, today: dt.date) -> Parsed:
    """Read and check the whole workbook (nothing saved); ``problems`` says what is wrong."""
    rows, problems = workbook_import.read(content, sheets(today), any_of=True)
    parsed = Parsed(problems=problems)
    taken = {CARD_SHEET: set(db.session.scalars(sa.select(AssetCard.number).where(
        AssetCard.organisation_id == org.id))),
        RESOURCE_SHEET: set(db.session.scalars(sa.select(Resource.number).where(
            Resource.organisation_id == org.id)))}
    expense_codes = cards.expense_codes(org)
    for title in (CARD_SHEET, RESOURCE_SHEET):
        seen: dict[str, int] = {}
        for row in rows.get(title, []):
            key = row["number"]
            if key and key in taken[title]:
                problems.at(row, "number", N_("编号 %(key)s 已在本组织登记。"), key=key)
                continue
            if key and key in seen:
                problems.at(row, "number", N_("编号 %(key)s 与第%(first)d行重复。"), key=key,
                            first=seen[key])
                continue
            if key:
                seen[key] = row.number
            if row.refused:
                continue  # a cell of this row was refused (named already)
            if title == CARD_SHEET:
                card = _card(org, row, problems, expense_codes)
                if card is not None:
                    parsed.cards.append((row, card))
            else:
                parsed.resources.append((row, resources.ResourceData(
                    number=key, name=row["name"], kind=row["kind"], area_mu=row["area"],
                    status=row["status"], location=row["location"], size=row["size"],
                    certificate=row["certificate"], note=row["note"])))
    return parsed


def save(org: Organisation, parsed: Parsed, *, today: dt.date) -> tuple[int, int]:
    """Create everything read, row by row in the caller's transaction; what a service refuses
    (a residual value above the original, a land resource without area) is located at its
    row and the rest is still checked."""
    made = [0, 0]
    for row, card in parsed.cards:
        with parsed.problems.saving(db.session, row):
            cards.create_card(org, card, by=None, today=today)
            made[0] += 1
    for row, resource in parsed.resources:
        with parsed.problems.saving(db.session, row):
            resources.create_resource(org, resource, by=None)
            made[1] += 1
    return made[0], made[1]


def import_job(params: dict[str, Any], progress: Progress, out_dir: Path) -> None:
    """The background import: check everything beside the other writers (``db.reading``),
    then save it in one transaction."""
    day = dt.date.fromisoformat(str(params["today"]))
    with reading(db.session):
        org = db.session.get(Organisation, int(params["organisation_id"]))
        assert org is not None
        content = uploaded_workbook(params)
        progress(5, N_("正在检查导入文件"))
        parsed = read(org, content, today=day)
    progress(30, N_("正在逐行保存（全部成功才会保存）"))
    made = save(org, parsed, today=day)
    parsed.problems.refuse_if_any()
    progress(100, str(CoopLedgerError(N_("已导入 %(cards)d 张资产卡片、%(resources)d 项资源。"),
                                      cards=made[0], resources=made[1])))


def export(org: Organisation, *, today: dt.date) -> bytes:
    """Both registers in the import layout, cards with their accumulated depreciation."""
    drafted = accumulated_by_card(org)
    card_rows = []
    for card in db.session.scalars(sa.select(AssetCard).where(
            AssetCard.organisation_id == org.id).order_by(AssetCard.number)):
        held = card.opening_accumulated + drafted.get(card.id, Decimal("0.00"))
        card_rows.append([
            card.number, card.name, CATEGORY_LABELS[card.category], card.location,
            card.acquired_on, card.original, card.life_months, card.residual_percent,
            card.method.label, card.total_units, card.status.label, card.expense_code,
            card.opening_accumulated, card.opening_through, card.note, held,
            card.original - held])
    resource_rows = [[r.number, r.name, RESOURCE_KIND_LABELS[r.kind], r.location, r.area_mu,
                      r.size, r.certificate, r.status.label, r.note]
                     for r in resources.resources_of(org)]
    return workbook_import.template(sheets(today), {CARD_SHEET: card_rows,
                                                    RESOURCE_SHEET: resource_rows},
                                    extra={CARD_SHEET: EXPORT_EXTRA})

