"""Importing households from Excel: all or nothing, every error located; roster export."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook

from coopledger import paths
from coopledger.auth.models import User
from coopledger.extensions import db
from coopledger.jobs.models import Job, JobState
from coopledger.members.models import Household, IdLookup, Parcel, Person
from tests.conftest import Auth

URL = "/o/jianping-tj/households"
SAMPLE = paths.SAMPLE_DATA_DIR / "households_import.xlsx"


def _upload(client: FlaskClient, content: bytes) -> Job:
    response = client.post(f"{URL}/import", data={"file": (io.BytesIO(content), "农户.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    job = db.session.get(Job, job_id)
    assert job is not None
    return job


def _counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(sa.select(sa.func.count(model.id))) or 0  # type: ignore[return-value]
                 for model in (Household, Person, Parcel))


def test_the_sample_workbook_imports_and_a_second_time_is_refused(client: FlaskClient,
                                                                  auth: Auth) -> None:
    auth.login("admin")
    started = time.time() - 1
    before = _counts()
    job = _upload(client, SAMPLE.read_bytes())
    assert job.state is JobState.DONE, job.message
    assert job.message == "已导入 10 户。"
    sample = load_workbook(SAMPLE, read_only=True)
    persons = sample["家庭成员"].max_row - 1
    parcels = sample["地块"].max_row - 1
    assert _counts() == (before[0] + 10, before[1] + persons, before[2] + parcels)
    again = _upload(client, SAMPLE.read_bytes())
    assert again.state is JobState.FAILED
    assert "导入失败，未保存任何数据" in again.message
    assert "“家庭成员”表第2行C列：身份证号已登记：王春生，塔山镇建平村王春生户。请勿重复录入。" \
        in again.message
    # each registered ID number is an ID lookup of the importing user: past 20 in an hour the
    # import stops naming holders, and the lookups are kept although nothing was saved
    assert "“家庭成员”表第23行C列：一小时内已有 20 次录入了已登记的身份证号" in again.message
    admin = db.session.scalars(sa.select(User).where(User.username == "admin")).one()
    assert db.session.scalar(sa.select(sa.func.count(IdLookup.id)).where(
        IdLookup.user_id == admin.id)) == 20
    assert _counts() == (before[0] + 10, before[1] + persons, before[2] + parcels)
    # Both uploads (one saved, one refused) are gone: they held ID and bank numbers.
    kept = Path(client.application.config["STORAGE_DIR"]) / "imports"
    assert [p for p in kept.glob("*.xlsx") if p.stat().st_mtime >= started] == []


def _workbook(households: list[list[object]], persons: list[list[object]],
              parcels: list[list[object]]) -> bytes:
    from coopledger.members.imports import SHEETS

    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec, rows in zip(SHEETS, (households, persons, parcels), strict=True):
        sheet = workbook.create_sheet(spec.title)
        sheet.append(spec.headers)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_every_error_is_reported_with_sheet_row_column_and_nothing_is_saved(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("admin")
    before = _counts()
    bad = _workbook(
        [["H1", "jianping", "赵大", "", "", "", "", ""], ["H2", "nowhere", "", "", "", "", "", ""],
         ["H1", "jianping", "赵二", "", "", "", "", ""]],
        [["H1", "赵大", "110105194912310021", "户主"], ["H9", "某", "11010519491231002X", "户主"],
         ["H1", "赵三", "11010519491231002X", "侄子"]],
        [["H1", "P1", "0", "1"], ["H1", "P2", "1.23456", "1"], ["H1", "P3", "2", "0.00001"]])
    job = _upload(client, bad)
    assert job.state is JobState.FAILED
    for expected in ("“农户”表第4行A列：户号 H1 重复",
                     "“农户”表第3行B列：村编码“nowhere”不存在",
                     "“农户”表第3行C列：户主姓名不能为空",
                     "“家庭成员”表第2行C列：身份证号码校验位不正确",
                     "“家庭成员”表第3行A列：户号 H9 在“农户”表中没有",
                     "“家庭成员”表第4行C列：身份证号与第3行重复",
                     "“家庭成员”表第4行D列：与户主关系应为",
                     "“地块”表第2行C列：面积必须大于零",
                     "“地块”表第3行C列：面积“1.23456”最多只能有四位小数",
                     "“地块”表第4行D列：等级系数“0.00001”最多只能有四位小数"):
        assert expected in job.message, expected
    assert _counts() == before


def test_roster_export_masks_for_roles_without_pii(client: FlaskClient, auth: Auth) -> None:
    auth.login("reviewer")
    response = client.get("/o/shian-tdgf/households/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["陈大山"][0] == "TD001"
    assert rows["陈大山"][4] == "511623********0013"
    assert rows["陈大山"][9] == 2.77
    auth.login("accountant")
    sheet = load_workbook(io.BytesIO(client.get(
        "/o/shian-tdgf/households/export.xlsx").data)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["陈大山"][4] == "511623196203150013"


def test_holdings_export_has_the_totals(client: FlaskClient, auth: Auth, session: Any) -> None:
    auth.login("auditor")
    sheet = load_workbook(io.BytesIO(client.get(
        "/o/shian-tdgf/shares/holdings.xlsx?on=2025-12-31").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("成员编号", "持有人", "土地股", "集体股", "其中质押")
    assert rows[-1][1:4] == ("合计", 12.04, 2.5)


def test_the_uploaded_workbook_is_deleted_when_the_import_ends(client: FlaskClient,
                                                                auth: Auth) -> None:
    """It holds ID and bank numbers: kept in the store only while its import runs, then
    deleted whether the import saved everything or was refused."""
    from coopledger.files import store

    auth.login("admin")
    for content in (SAMPLE.read_bytes(), SAMPLE.read_bytes()):   # saved, then refused
        job = _upload(client, content)
        assert job.state in (JobState.DONE, JobState.FAILED)
        key = job.params["upload"]
        assert key.startswith("imports/")
        assert key.endswith(".xlsx")
        assert not store().exists(key)
    assert not store().keys("imports/")
