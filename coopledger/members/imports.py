"""Importing households, persons and parcels from one Excel workbook, all or nothing.

Three sheets with Chinese headers (:data:`SHEETS`): 农户, 家庭成员 and 地块; 户号 is the
workbook's own key tying them together. Read through the one import pipeline
(:mod:`coopledger.workbook_import`: columns by name, strict cells, every problem located);
cross-row checks here (a 户号 twice, a person of no household, an ID number twice, two 户主);
then saved row by row, so that what the services refuse — an ID number already registered,
counted as an ID lookup of the importing user (issue 16) — is located too. Runs as a job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from coopledger import plausible, workbook_import
from coopledger.auth.models import User
from coopledger.auth.permissions import Action, can
from coopledger.dates import utcnow
from coopledger.db import reading
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ids import normalize_resident_id
from coopledger.jobs.registry import Progress
from coopledger.members import rules, services
from coopledger.members.models import Household, Parcel, Person, Relationship
from coopledger.orgs.models import Organisation, Village
from coopledger.workbook_import import (
    Column,
    Problems,
    Row,
    Sheet,
    choice,
    column_length,
    ruled,
    text,
)
from coopledger.workbook_import import (
    template as sheet_template,
)
from coopledger.workbooks import uploaded_workbook

RELATIONS = {"户主": Relationship.HEAD, "配偶": Relationship.SPOUSE, "子女": Relationship.CHILD,
             "父母": Relationship.PARENT, "孙子女": Relationship.GRANDCHILD,
             "兄弟姐妹": Relationship.SIBLING, "其他": Relationship.OTHER}
IMPORT_KIND = "members.import"
HOUSEHOLD_SHEET, PERSON_SHEET, PARCEL_SHEET = "农户", "家庭成员", "地块"
KEY = Column("key", "户号", text(32, required=N_("户号不能为空。")), required=True)


def _area(what: str) -> Any:
    return lambda raw: rules.parse_area(raw, what=what)


def _parcel_area(raw: str) -> Decimal:
    area = rules.parse_area(raw, what=N_("面积"))
    plausible.check_area(area, what=N_("地块面积"))
    return area


SHEETS = (
    Sheet(HOUSEHOLD_SHEET, (
        KEY,
        Column("village", "村编码", text(32, required=N_("村编码不能为空。")), required=True),
        Column("head", "户主姓名", text(column_length(Household.head_name),
                                        required=N_("户主姓名不能为空。")), required=True),
        Column("address", "住址", text(column_length(Household.address))),
        Column("cert", "承包经营权证号", text(column_length(Household.contract_cert_no))),
        Column("phone", "联系电话", ruled(services.clean_phone, empty="")),
        Column("bank_name", "开户银行", text(column_length(Household.bank_name))),
        Column("bank_account", "银行账号", ruled(services.clean_bank_account, empty="")))),
    Sheet(PERSON_SHEET, (
        KEY,
        Column("name", "姓名", text(column_length(Person.name), required=N_("姓名不能为空。")),
               required=True),
        Column("id_number", "身份证号", ruled(normalize_resident_id,
                                              required=N_("身份证号不能为空。")), required=True),
        Column("relation", "与户主关系", choice(RELATIONS, sentence=N_(
            "与户主关系应为：户主、配偶、子女、父母、孙子女、兄弟姐妹或其他。")), required=True))),
    Sheet(PARCEL_SHEET, (
        KEY,
        Column("code", "地块编码", text(column_length(Parcel.code),
                                        required=N_("地块编码不能为空。")), required=True),
        Column("area", "面积（亩）", ruled(_parcel_area, required=N_("面积不能为空。")),
               required=True),
        Column("coefficient", "等级系数", ruled(_area(N_("等级系数")), default="1")),
        Column("land_class", "地类", text(column_length(Parcel.land_class))),
        Column("location", "坐落", text(column_length(Parcel.location))))),
)


def template() -> bytes:
    """The empty workbook with its three sheets and headers."""
    return sheet_template(SHEETS)


@dataclass
class Parsed:
    """A workbook read and checked, ready to save; ``problems`` holds what was found."""

    households: dict[str, Row] = field(default_factory=dict)
    villages: dict[str, int] = field(default_factory=dict)
    persons: list[Row] = field(default_factory=list)
    parcels: list[Row] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    duplicate_ids: int = 0


def read(content: bytes) -> Parsed:
    """Read and check the whole workbook (nothing saved); ``problems`` says what is wrong."""
    rows, problems = workbook_import.read(content, SHEETS)
    parsed = Parsed(problems=problems)
    parsed.villages = {v.code: v.id for v in db.session.scalars(sa.select(Village))}
    for row in rows.get(HOUSEHOLD_SHEET, []):
        key = row["key"]
        if not key:
            continue
        if key in parsed.households:
            problems.at(row, "key", N_("户号 %(key)s 重复。"), key=key)
            continue
        if row["village"] and row["village"] not in parsed.villages:
            problems.at(row, "village", N_("村编码“%(code)s”不存在。"), code=row["village"])
        parsed.households[key] = row
    seen: dict[str, int] = {}
    heads: dict[str, int] = {}
    for row in rows.get(PERSON_SHEET, []):
        if row["key"] and row["key"] not in parsed.households:
            problems.at(row, "key", N_("户号 %(key)s 在“农户”表中没有。"), key=row["key"])
        number = row["id_number"]
        if number and number in seen:
            problems.at(row, "id_number", N_("身份证号与第%(first)d行重复。"), first=seen[number])
        elif number:
            seen[number] = row.number
        if row["relation"] is Relationship.HEAD and row["key"]:
            if row["key"] in heads:
                problems.at(row, "relation", N_("户号 %(key)s 已有户主（第%(first)d行）。"),
                            key=row["key"], first=heads[row["key"]])
            else:
                heads[row["key"]] = row.number
        parsed.persons.append(row)
    codes: dict[tuple[str, str], int] = {}
    for row in rows.get(PARCEL_SHEET, []):
        if row["key"] and row["key"] not in parsed.households:
            problems.at(row, "key", N_("户号 %(key)s 在“农户”表中没有。"), key=row["key"])
        pair = (row["key"], row["code"])
        if row["code"] and pair in codes:
            problems.at(row, "code", N_("地块编码 %(code)s 与第%(first)d行重复。"),
                        code=row["code"], first=codes[pair])
        elif row["code"]:
            codes[pair] = row.number
        parsed.parcels.append(row)
    return parsed


def save(parsed: Parsed, *, by: User | None, now: dt.datetime,
         owner: Organisation | None = None) -> int:
    """Create everything read, row by row in the caller's transaction; a refusal of a service
    is located at its row and the rest is still checked. Returns the number of households.

    No progress is reported from here: the import stays all or nothing until the job commits.
    """
    problems = parsed.problems
    created: dict[str, Household] = {}
    for key, row in parsed.households.items():
        village = db.session.get(Village, parsed.villages.get(row["village"], 0))
        if village is None or row.refused:
            continue
        with problems.saving(db.session, row):
            created[key] = services.create_household(village, services.HouseholdData(
                row["head"], row["address"] or "", row["cert"] or "", row["phone"] or "",
                row["bank_name"] or "", row["bank_account"] or ""), by=by, owner=owner)
    for row in parsed.persons:
        household = created.get(row["key"])
        if household is None or row.refused:
            continue
        before = parsed.duplicate_ids
        with problems.saving(db.session, row, "id_number"):
            _add_person(parsed, household, row, by=by, now=now)
        if by is not None and parsed.duplicate_ids > before:
            services.record_lookup(by, now=now)  # the hourly limit holds within one import
    for row in parsed.parcels:
        household = created.get(row["key"])
        if household is None or row.refused:
            continue
        with problems.saving(db.session, row, "code"):
            services.add_parcel(household, code=row["code"], area=row["area"],
                                grade_coefficient=row["coefficient"] or Decimal(1),
                                land_class=row["land_class"] or "",
                                location=row["location"] or "", by=by)
    return len(created)


def _add_person(parsed: Parsed, household: Household, row: Row, *, by: User | None,
                now: dt.datetime) -> None:
    try:
        services.add_person(household, name=row["name"], id_number=row["id_number"],
                            relationship=row["relation"], by=by, now=now,
                            may_see=lambda holder: by is not None and can(
                                by, Action.VIEW_HOUSEHOLD, holder))
    except services.DuplicateIdError:
        parsed.duplicate_ids += 1  # an ID lookup, counted even though nothing is saved
        raise
def import_job(params: dict[str, Any], progress: Progress, out_dir: Path) -> None:
    """The background import: read and check everything, then save it in one transaction."""
    now = utcnow()
    with reading(db.session):  # checked beside the other writers, then saved at once
        content = uploaded_workbook(params)
        progress(5, N_("正在检查导入文件"))
        parsed = read(content)
    user = db.session.get(User, int(params["user_id"])) if "user_id" in params else None
    progress(30, N_("正在逐行保存（全部成功才会保存）"))
    owner = db.session.get(Organisation, int(params["organisation_id"])) \
        if "organisation_id" in params else None
    count = save(parsed, by=user, now=now, owner=owner)
    if parsed.problems:
        db.session.rollback()
        if user is not None and parsed.duplicate_ids:
            for _n in range(parsed.duplicate_ids):
                services.record_lookup(user, now=now)
            db.session.commit()
        parsed.problems.refuse_if_any()
    progress(100, str(CoopLedgerError(N_("已导入 %(n)d 户。"), n=count)))
