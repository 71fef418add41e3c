"""The asset and resource registers as an Excel workbook: the import template, importing
existing cards and resources all or nothing (a job), and exporting both registers.

Two sheets with Chinese headers (:data:`SHEETS`). Categories, kinds, methods and states are
given by their Chinese names. Every problem is reported with its sheet, row, column and reason;
nothing is saved unless there are none. The same workbook layout is what the export writes, so
an exported register (disposed cards aside) can be edited and imported elsewhere.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Font

from coopledger.assets import cards, resources
from coopledger.assets.depreciation import accumulated_by_card
from coopledger.assets.models import CATEGORY_LABELS, AssetCard, AssetStatus
from coopledger.assets.resource_models import RESOURCE_KIND_LABELS, Resource, ResourceStatus
from coopledger.assets.rules import Method
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.jobs.registry import Progress, job_kind
from coopledger.orgs.models import Organisation
from coopledger.spreadsheets import append_row
from coopledger.workbooks import (
    UnreadableWorkbookError,
    cell_text,
    located,
    open_workbook,
    uploaded_workbook,
)

CARD_SHEET, RESOURCE_SHEET = "固定资产", "资源"
SHEETS: dict[str, tuple[str, ...]] = {
    CARD_SHEET: ("资产编号", "资产名称", "类别", "存放地点", "取得日期", "原值（元）",
                 "使用年限（月）", "残值率（%）", "折旧方法", "预计总工作量", "状态",
                 "折旧费用科目", "期初累计折旧（元）", "期初折旧截止日期", "备注"),
    RESOURCE_SHEET: ("资源编号", "资源名称", "类别", "坐落", "面积（亩）", "规模",
                     "权属证书", "状态", "备注"),
}
EXPORT_EXTRA = ("累计折旧（元）", "净值（元）")
IMPORT_KIND = "assets.import"
CATEGORIES = {label: category for category, label in CATEGORY_LABELS.items()}
KINDS = {label: kind for kind, label in RESOURCE_KIND_LABELS.items()}
METHODS = {m.label: m for m in Method}
CARD_STATES = {s.label: s for s in AssetStatus if s is not AssetStatus.DISPOSED}
RESOURCE_STATES = {s.label: s for s in ResourceStatus}


class AssetImportError(CoopLedgerError):
    """A workbook that cannot be imported."""

    message = N_("导入失败，未保存任何数据。发现 %(n)d 处问题：%(problems)s")




def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "")) if text else None
    except InvalidOperation:
        return None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def template() -> bytes:
    """The empty workbook with both sheets and their headers."""
    return _workbook({title: [] for title in SHEETS}, SHEETS)


def _workbook(rows: dict[str, list[list[Any]]], headers: dict[str, tuple[str, ...]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header in headers.items():
        sheet = workbook.create_sheet(title)
        append_row(sheet, list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows.get(title, []):
            append_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class Parsed:
    """A workbook read and checked field by field, ready for the services."""

    cards: list[tuple[int, cards.CardData]] = field(default_factory=list)
    resources: list[tuple[int, resources.ResourceData]] = field(default_factory=list)


def _card_row(org: Organisation, number: int, cells: list[str], problems: list[str],
              seen: dict[str, int]) -> cards.CardData | None:
    found: list[str] = []

    def bad(column: str, template_: str, **params: object) -> None:
        found.append(located(CARD_SHEET, number, column,
                              str(CoopLedgerError(template_, **params))))

    (key, name, category, location, acquired, original, life, residual, method, units, state,
     expense, opening, through, note) = cells
    if not key:
        bad("A", N_("资产编号不能为空。"))
    elif key in seen:
        bad("A", N_("资产编号 %(key)s 与第%(first)d行重复。"), key=key, first=seen[key])
    seen.setdefault(key, number)
    if not name:
        bad("B", N_("资产名称不能为空。"))
    if category not in CATEGORIES:
        bad("C", N_("类别“%(value)s”不在模板列出的类别中。"), value=category)
    acquired_on = _date(acquired)
    if acquired_on is None:
        bad("E", N_("取得日期应为 YYYY-MM-DD 格式的日期。"))
    original_value = _number(original)
    if original_value is None or original_value <= 0:
        bad("F", N_("原值必须是大于零的金额。"))
    life_months = _number(life)
    if life_months is None or life_months <= 0 or life_months != int(life_months):
        bad("G", N_("使用年限（月）必须是大于零的整数。"))
    residual_percent = _number(residual or "0")
    if residual_percent is None or not 0 <= residual_percent < 100:
        bad("H", N_("残值率须在 0%% 至 100%% 之间（现为“%(value)s”）。"), value=residual)
    chosen = METHODS.get(method or Method.STRAIGHT_LINE.label)
    if chosen is None:
        bad("I", N_("折旧方法应为“年限平均法”或“工作量法”。"))
    total_units = _number(units)
    if chosen is Method.UNITS and (total_units is None or total_units <= 0):
        bad("J", N_("工作量法须填写预计总工作量（大于零）。"))
    status = CARD_STATES.get(state or AssetStatus.IN_USE.label)
    if status is None:
        bad("K", N_("状态应为“在用”“闲置”或“出租”（已处置的资产不导入）。"))
    valid_expense = {a.code for a in cards.expense_accounts(org)}
    if expense and expense not in valid_expense:
        bad("L", N_("科目 %(code)s 不是可用的成本或费用末级科目。"), code=expense)
    opening_value = _number(opening or "0")
    if opening_value is None or opening_value < 0:
        bad("M", N_("期初累计折旧必须是不小于零的金额。"))
    opening_through = _date(through)
    if through and opening_through is None:
        bad("N", N_("期初折旧截止日期应为 YYYY-MM-DD 格式的日期。"))
    if found:
        problems.extend(found)
        return None
    assert acquired_on is not None
    assert original_value is not None
    assert life_months is not None
    assert residual_percent is not None
    assert chosen is not None
    assert status is not None
    chosen_category = CATEGORIES[category]
    return cards.CardData(
        number=key, name=name, category=chosen_category, location=location,
        acquired_on=acquired_on, original=original_value.quantize(Decimal("0.01")),
        residual_percent=residual_percent, life_months=int(life_months), method=chosen,
        total_units=total_units if chosen is Method.UNITS else None, status=status,
        expense_code=expense or cards.default_expense_code(org, chosen_category),
        opening_accumulated=(opening_value or Decimal(0)).quantize(Decimal("0.01")),
        opening_through=opening_through, note=note)


def _resource_row(number: int, cells: list[str], problems: list[str],
                  seen: dict[str, int]) -> resources.ResourceData | None:
    found: list[str] = []

    def bad(column: str, template_: str, **params: object) -> None:
        found.append(located(RESOURCE_SHEET, number, column,
                              str(CoopLedgerError(template_, **params))))

    key, name, kind, location, area, size, certificate, state, note = cells
    if not key:
        bad("A", N_("资源编号不能为空。"))
    elif key in seen:
        bad("A", N_("资源编号 %(key)s 与第%(first)d行重复。"), key=key, first=seen[key])
    seen.setdefault(key, number)
    if not name:
        bad("B", N_("资源名称不能为空。"))
    chosen = KINDS.get(kind)
    if chosen is None:
        bad("C", N_("类别“%(value)s”不在模板列出的类别中。"), value=kind)
    area_mu = _number(area)
    if area and (area_mu is None or area_mu <= 0):
        bad("E", N_("面积必须大于零。"))
    elif not area and (chosen is None or chosen.is_land):
        bad("E", N_("土地和水面须填写面积（亩）。"))
    status = RESOURCE_STATES.get(state or ResourceStatus.SELF_OPERATED.label)
    if status is None:
        bad("H", N_("状态应为“自营”“发包/出租”或“闲置”。"))
    if found:
        problems.extend(found)
        return None
    assert chosen is not None
    assert status is not None
    return resources.ResourceData(number=key, name=name, kind=chosen, area_mu=area_mu,
                                  status=status, location=location, size=size,
                                  certificate=certificate, note=note)


def read(org: Organisation, content: bytes) -> Parsed:
    """Read and check the whole workbook; raise with every problem found."""
    try:
        workbook = open_workbook(content)
    except UnreadableWorkbookError as err:
        raise AssetImportError(n=1, problems=str(err)) from None
    problems: list[str] = []
    parsed = Parsed()
    if not any(title in workbook.sheetnames for title in SHEETS):
        problems.append(str(CoopLedgerError(N_("工作簿里没有“固定资产”表或“资源”表。"))))
    existing_cards = set(db.session.scalars(sa.select(AssetCard.number).where(
        AssetCard.organisation_id == org.id)))
    existing_resources = set(db.session.scalars(sa.select(Resource.number).where(
        Resource.organisation_id == org.id)))
    for title, width in ((CARD_SHEET, 15), (RESOURCE_SHEET, 9)):
        if title not in workbook.sheetnames:
            continue
        seen: dict[str, int] = {}
        for number, row in enumerate(workbook[title].iter_rows(min_row=2, values_only=True),
                                     start=2):
            if not row or all(v in (None, "") for v in row):
                continue
            cells = [cell_text(v) for v in (*row, *[None] * width)][:width]
            existing = existing_cards if title == CARD_SHEET else existing_resources
            if cells[0] in existing:
                problems.append(located(title, number, "A", str(CoopLedgerError(
                    N_("编号 %(key)s 已在本组织登记。"), key=cells[0]))))
                continue
            if title == CARD_SHEET:
                card = _card_row(org, number, cells, problems, seen)
                if card is not None:
                    parsed.cards.append((number, card))
            else:
                resource = _resource_row(number, cells, problems, seen)
                if resource is not None:
                    parsed.resources.append((number, resource))
    if problems:
        raise AssetImportError(n=len(problems), problems="\n" + "\n".join(problems[:50]))
    return parsed


def save(org: Organisation, parsed: Parsed) -> tuple[int, int]:
    """Create everything read, in the caller's transaction; a refusal names its row."""
    for number, card in parsed.cards:
        try:
            cards.create_card(org, card, by=None)
        except CoopLedgerError as err:
            raise AssetImportError(n=1, problems=located(CARD_SHEET, number, "—",
                                                          str(err))) from None
    for number, resource in parsed.resources:
        try:
            resources.create_resource(org, resource, by=None)
        except CoopLedgerError as err:
            raise AssetImportError(n=1, problems=located(RESOURCE_SHEET, number, "—",
                                                          str(err))) from None
    return len(parsed.cards), len(parsed.resources)


@job_kind(IMPORT_KIND)
def import_job(params: dict[str, Any], progress: Progress, out_dir: Path) -> None:
    """The background import: check everything, then save it in one transaction."""
    org = db.session.get(Organisation, int(params["organisation_id"]))
    assert org is not None
    with uploaded_workbook(params) as content:
        progress(5, N_("正在检查导入文件"))
        parsed = read(org, content)
        progress(30, N_("检查通过，正在保存（全部成功才会保存）"))
        made = save(org, parsed)
        db.session.flush()
    progress(100, str(CoopLedgerError(N_("已导入 %(cards)d 张资产卡片、%(resources)d 项资源。"),
                                      cards=made[0], resources=made[1])))


def export(org: Organisation) -> bytes:
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
    return _workbook({CARD_SHEET: card_rows, RESOURCE_SHEET: resource_rows},
                     {CARD_SHEET: (*SHEETS[CARD_SHEET], *EXPORT_EXTRA),
                      RESOURCE_SHEET: SHEETS[RESOURCE_SHEET]})

