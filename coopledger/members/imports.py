"""Importing households, persons and parcels from one Excel workbook, all or nothing.

Three sheets with Chinese headers (see :data:`SHEETS`): 农户, 家庭成员 and 地块; 户号 is the
workbook's own key tying them together. Every problem is reported with its sheet, row, column
and reason; nothing is saved unless there are none. Runs as a job.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Font

from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ids import IdentifierError, normalize_resident_id
from coopledger.jobs.registry import Progress, job_kind
from coopledger.members import rules, services
from coopledger.members.models import Household, Person, Relationship
from coopledger.orgs.models import Village
from coopledger.spreadsheets import append_row
from coopledger.workbooks import (
    UnreadableWorkbookError,
    cell_text,
    located,
    open_workbook,
    uploaded_workbook,
)

SHEETS: dict[str, tuple[str, ...]] = {
    "农户": ("户号", "村编码", "户主姓名", "住址", "承包经营权证号", "联系电话", "开户银行",
             "银行账号"),
    "家庭成员": ("户号", "姓名", "身份证号", "与户主关系"),
    "地块": ("户号", "地块编码", "面积（亩）", "等级系数", "地类", "坐落"),
}
RELATIONS = {"户主": Relationship.HEAD, "配偶": Relationship.SPOUSE, "子女": Relationship.CHILD,
             "父母": Relationship.PARENT, "孙子女": Relationship.GRANDCHILD,
             "兄弟姐妹": Relationship.SIBLING, "其他": Relationship.OTHER}
IMPORT_KIND = "members.import"


class WorkbookImportError(CoopLedgerError):
    """A workbook that cannot be imported."""

    message = N_("导入失败，未保存任何数据。发现 %(n)d 处问题：%(problems)s")


def template() -> bytes:
    """The empty workbook with its three sheets and headers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers in SHEETS.items():
        sheet = workbook.create_sheet(title)
        append_row(sheet, list(headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _problem(sheet: str, row: int, column: str, template_: str, **params: object) -> str:
    return located(sheet, row, column, str(CoopLedgerError(template_, **params)))


@dataclass
class Parsed:
    """A workbook read and checked, ready to save."""

    households: dict[str, dict[str, Any]] = field(default_factory=dict)
    persons: list[dict[str, Any]] = field(default_factory=list)
    parcels: list[dict[str, Any]] = field(default_factory=list)


def read(content: bytes) -> Parsed:
    """Read and check the whole workbook; raise with every problem found."""
    try:
        workbook = open_workbook(content)
    except UnreadableWorkbookError as err:
        raise WorkbookImportError(n=1, problems=str(err)) from None
    problems: list[str] = []
    parsed = Parsed()
    rows: dict[str, list[tuple[int, tuple[Any, ...]]]] = {}
    for title in SHEETS:
        if title not in workbook.sheetnames:
            problems.append(str(CoopLedgerError(N_("缺少“%(sheet)s”表。"), sheet=title)))
            continue
        rows[title] = [(n, r) for n, r in enumerate(
            workbook[title].iter_rows(min_row=2, values_only=True), start=2)
            if r and any(v not in (None, "") for v in r)]
    villages = {v.code: v.id for v in db.session.scalars(sa.select(Village))}
    for number, row in rows.get("农户", []):
        cells = [cell_text(v) for v in (*row, *[None] * 8)][:8]
        key, village, head = cells[0], cells[1], cells[2]
        if not key:
            problems.append(_problem("农户", number, "A", N_("户号不能为空。")))
            continue
        if key in parsed.households:
            problems.append(_problem("农户", number, "A", N_("户号 %(key)s 重复。"), key=key))
        if village not in villages:
            problems.append(_problem("农户", number, "B", N_("村编码“%(code)s”不存在。"),
                                     code=village))
        if not head:
            problems.append(_problem("农户", number, "C", N_("户主姓名不能为空。")))
        parsed.households[key] = {"village_id": villages.get(village), "data": (
            services.HouseholdData(head, cells[3], cells[4], cells[5], cells[6], cells[7]))}
    existing_ids = set(db.session.scalars(sa.select(Person.id_number)))
    seen: dict[str, int] = {}
    for number, row in rows.get("家庭成员", []):
        key, name, id_text, relation = [cell_text(v) for v in (*row, *[None] * 4)][:4]
        if key not in parsed.households:
            problems.append(_problem("家庭成员", number, "A", N_("户号 %(key)s 在“农户”表中没有。"),
                                     key=key))
        if not name:
            problems.append(_problem("家庭成员", number, "B", N_("姓名不能为空。")))
        try:
            id_number = normalize_resident_id(id_text)
        except IdentifierError as err:
            problems.append(_problem("家庭成员", number, "C", N_("%(reason)s"), reason=str(err)))
            id_number = ""
        if id_number and id_number in seen:
            problems.append(_problem("家庭成员", number, "C", N_("身份证号与第%(first)d行重复。"),
                                     first=seen[id_number]))
        elif id_number and id_number in existing_ids:
            problems.append(_problem("家庭成员", number, "C", N_("身份证号已在系统中登记。")))
        if id_number:
            seen.setdefault(id_number, number)
        if relation not in RELATIONS:
            problems.append(_problem("家庭成员", number, "D",
                                     N_("与户主关系应为：户主、配偶、子女、父母、孙子女、兄弟姐妹或其他。")))
        parsed.persons.append({"key": key, "name": name, "id_number": id_number,
                               "relation": RELATIONS.get(relation, Relationship.OTHER)})
    for number, row in rows.get("地块", []):
        key, code, area_text, coefficient_text, land_class, location = [
            cell_text(v) for v in (*row, *[None] * 6)][:6]
        if key not in parsed.households:
            problems.append(_problem("地块", number, "A", N_("户号 %(key)s 在“农户”表中没有。"),
                                     key=key))
        if not code:
            problems.append(_problem("地块", number, "B", N_("地块编码不能为空。")))
        values: list[Decimal] = []
        for column, text, what in (("C", area_text, N_("面积")),
                                   ("D", coefficient_text or "1", N_("等级系数"))):
            try:
                values.append(rules.parse_area(text, what=str(CoopLedgerError(what))))
            except rules.MemberRuleError as err:
                problems.append(_problem("地块", number, column, N_("%(reason)s"),
                                         reason=str(err)))
                values.append(Decimal("1"))
        parsed.parcels.append({"key": key, "code": code, "area": values[0],
                               "coefficient": values[1], "land_class": land_class,
                               "location": location})
    if problems:
        raise WorkbookImportError(n=len(problems), problems="\n" + "\n".join(problems[:50]))
    return parsed


def save(parsed: Parsed) -> int:
    """Create everything read, in the caller's transaction; returns the number of households.

    No progress is reported from here: reporting commits, and the import must stay all or
    nothing until the job commits at the end.
    """
    created: dict[str, Household] = {}
    for key, row in parsed.households.items():
        village = db.session.get(Village, row["village_id"])
        assert village is not None
        created[key] = services.create_household(village, row["data"], by=None)
    for person in parsed.persons:
        services.add_person(created[person["key"]], name=person["name"],
                            id_number=person["id_number"], relationship=person["relation"],
                            by=None)
    for parcel in parsed.parcels:
        services.add_parcel(created[parcel["key"]], code=parcel["code"], area=parcel["area"],
                            grade_coefficient=parcel["coefficient"],
                            land_class=parcel["land_class"], location=parcel["location"],
                            by=None)
    return len(created)


@job_kind(IMPORT_KIND)
def import_job(params: dict[str, Any], progress: Progress, out_dir: Path) -> None:
    """The background import: read and check everything, then save it in one transaction."""
    with uploaded_workbook(params) as content:
        progress(5, N_("正在检查导入文件"))
        parsed = read(content)
        progress(30, N_("检查通过，正在保存（全部成功才会保存）"))
        count = save(parsed)
        db.session.flush()
    progress(100, str(CoopLedgerError(N_("已导入 %(n)d 户。"), n=count)))
