"""Excel exports of the household roster."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from coopledger.extensions import db
from coopledger.ids import mask_bank, mask_id, mask_phone
from coopledger.members import queries
from coopledger.spreadsheets import append_row, new_sheet, workbook_bytes

if TYPE_CHECKING:
    from coopledger.orgs.models import Organisation

HEADERS = ("成员编号", "户主", "村", "家庭成员", "身份证号", "联系电话", "开户银行", "银行账号",
           "地块数", "入股面积（亩）")


def roster(org: Organisation, *, on: dt.date, full: bool) -> bytes:
    """One row per household; ID, phone and bank numbers masked unless ``full``."""
    households = list(db.session.scalars(queries.households_query(org)))
    areas = queries.contributed_area_by_household(org, [h.id for h in households], on)
    workbook, sheet = new_sheet("农户名册", HEADERS)
    for household in households:
        head = next((p for p in household.persons if p.relation.value == "head"), None)
        id_number = head.id_number if head else ""
        append_row(sheet, [
            queries.member_number(org, household), household.head_name, household.village.name,
            "、".join(p.name for p in household.persons),
            id_number if full else mask_id(id_number),
            household.phone if full else mask_phone(household.phone), household.bank_name,
            household.bank_account if full else mask_bank(household.bank_account),
            len(household.parcels), areas.get(household.id)])
    return workbook_bytes(workbook)
