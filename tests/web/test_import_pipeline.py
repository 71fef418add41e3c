"""The one import pipeline, import by import (issue 17): columns found by name (a reordered
sheet imports right, a renamed column is refused), formula cells refused with their cell, money
through money.py (never rounded), strict dates, bounds on text, numbers, rows and bytes, every
problem located — those found while saving too — and all of them in a workbook when there are
more than the message shows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook

from coopledger import workbook_import
from coopledger.assets.models import AssetCard
from coopledger.distribution.models import MemberVolume
from coopledger.extensions import db
from coopledger.jobs.models import Job, JobState
from coopledger.ledger.models import Voucher
from coopledger.members.models import Household, Membership, Person
from tests.asset_helpers import asset_books
from tests.conftest import Auth
from tests.distribution_helpers import close_2024

D = Decimal


def _xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _job(client: FlaskClient, url: str, content: bytes) -> Job:
    response = client.post(url, data={"file": (io.BytesIO(content), "导入.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.get_one(Job, int(response.headers["Location"].rsplit("/", 1)[1]))


# ------------------------------------------------------------------ households (a job)

HOUSEHOLDS = "/o/jianping-tj/households/import"
PERSON_HEADERS = ["户号", "姓名", "身份证号", "与户主关系"]
PARCEL_HEADERS = ["户号", "地块编码", "面积（亩）", "等级系数", "地类", "坐落"]


def _households(header: list[str], rows: list[list[Any]], persons: list[list[Any]] | None = None,
                parcels: list[list[Any]] | None = None) -> bytes:
    return _xlsx({"农户": [header, *rows], "家庭成员": [PERSON_HEADERS, *(persons or [])],
                  "地块": [PARCEL_HEADERS, *(parcels or [])]})


def test_households_with_reordered_columns_are_stored_by_header(client: FlaskClient,
                                                                 auth: Auth) -> None:
    auth.login("admin")
    header = ["承包经营权证号", "户主姓名", "户号", "住址", "村编码", "联系电话"]
    job = _job(client, HOUSEHOLDS, _households(
        header, [["JP-2024-0091", "钱多多", "Q1", "建平村九组", "jianping",
                  "１３８０００００１２３"]],
        [["Q1", "钱多多", "110105195001010039", "户主"]],
        [["Q1", "QP-1", 2.5, None, "水田", "河东"]]))
    assert job.state is JobState.DONE, job.message
    household = db.session.scalars(sa.select(Household).where(
        Household.head_name == "钱多多")).one()
    assert (household.contract_cert_no, household.address) == ("JP-2024-0091", "建平村九组")
    assert household.phone == "13800000123"  # full-width digits normalised
    assert household.parcels[0].area == D("2.5000")


def test_households_renamed_or_missing_columns_are_refused(client: FlaskClient,
                                                            auth: Auth) -> None:
    auth.login("admin")
    before = db.session.scalar(sa.select(sa.func.count(Household.id)))
    job = _job(client, HOUSEHOLDS, _households(
        ["户号", "村编码", "户主", "家庭住址"], [["Q1", "jianping", "钱多多", "九组"]]))
    assert job.state is JobState.FAILED
    assert "“农户”表第1行C列：不认识的列名“户主”" in job.message
    assert "“农户”表第1行D列：不认识的列名“家庭住址”" in job.message
    assert "“农户”表第1行：缺少“户主姓名”列。" in job.message
    assert db.session.scalar(sa.select(sa.func.count(Household.id))) == before


def test_households_every_problem_is_located_including_those_found_while_saving(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("admin")
    header = ["户号", "村编码", "户主姓名", "联系电话"]
    registered = db.session.scalars(sa.select(Person).limit(1)).one()
    job = _job(client, HOUSEHOLDS, _households(
        header, [["Q1", "jianping", "钱" * 65, ""], ["Q2", "jianping", "孙", "12ab"],
                 ["Q3", "jianping", "=A1", ""], ["Q4", "jianping", "李", ""]],
        [["Q4", "李", "110105195001010039", "户主"], ["Q4", "李二", "11010519491231002X", "户主"],
         ["Q4", "李三", registered.id_number, "子女"]],
        [["Q4", "P1", "NaN", None], ["Q4", "P2", "Infinity", None],
         ["Q4", "P3", 1e20, None], ["Q4", "P4", 20000, None]]))
    assert job.state is JobState.FAILED
    for expected in ("“农户”表第2行C列：户主姓名：不能超过 64 个字（现有 65 个）。",
                     "“农户”表第3行D列：电话号码“12ab”不正确。",
                     "“农户”表第4行C列：单元格 C4 是公式",
                     "“家庭成员”表第3行D列：户号 Q4 已有户主（第2行）。",
                     "“家庭成员”表第4行C列：身份证号已登记：",  # found while saving
                     "“地块”表第2行C列：面积“NaN”不是有效的数字。",
                     "“地块”表第3行C列：面积“Infinity”不是有效的数字。",
                     "“地块”表第4行C列：地块面积 100000000000000000000 亩超过 10000 亩",
                     "“地块”表第5行C列：地块面积 20000 亩超过 10000 亩"):
        assert expected in job.message, expected
    assert db.session.scalar(sa.select(sa.func.count(Household.id)).where(
        Household.head_name.in_(["孙", "李"]))) == 0


def test_more_problems_than_the_message_shows_are_all_in_a_downloadable_workbook(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("admin")
    rows = [[f"Q{n}", "nowhere", "某", ""] for n in range(1, 81)]
    job = _job(client, HOUSEHOLDS, _households(["户号", "村编码", "户主姓名", "住址"], rows))
    assert job.state is JobState.FAILED
    assert "发现 80 处问题" in job.message
    assert "其余 30 处见“问题清单”工作簿（下载结果）" in job.message
    status = client.get(f"/jobs/{job.id}.json").get_json()
    assert status["download"] == f"/jobs/{job.id}/download"
    with client.get(status["download"]) as download:
        report = load_workbook(io.BytesIO(download.data)).active
    lines = list(report.iter_rows(values_only=True))
    assert lines[0] == ("表", "行", "列", "问题")
    assert len(lines) == 81
    assert lines[80] == ("农户", 81, "B", "村编码“nowhere”不存在。")


# ------------------------------------------------------------------ assets (a job)

ASSETS = "/o/shian-jjhzs/assets/import"
CARD = {"资产编号": "C-009", "资产名称": "冷库", "类别": "构筑物（晒场、烘干、冷库等）",
        "取得日期": "2024-05-10", "原值（元）": 80000, "使用年限（月）": 240}


def _cards(rows: list[dict[str, Any]], order: list[str] | None = None) -> bytes:
    header = order or list(CARD)
    return _xlsx({"固定资产": [header, *[[row.get(h) for h in header] for row in rows]]})


def test_assets_reordered_columns_keep_original_and_life_apart(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    asset_books(by_name)
    db.session.commit()
    auth.login("accountant")
    reordered = ["使用年限（月）", "原值（元）", "资产名称", "资产编号", "取得日期", "类别"]
    job = _job(client, ASSETS, _cards([CARD], reordered))
    assert job.state is JobState.DONE, job.message
    card = db.session.scalars(sa.select(AssetCard).where(AssetCard.number == "C-009")).one()
    assert (card.original, card.life_months) == (D("80000.00"), 240)


@pytest.mark.parametrize(("cell", "value", "expected"), [
    ("原值（元）", 100.005, "E列：原值（元）：金额“100.005”最多只能有两位小数（精确到分）。"),
    ("原值（元）", "NaN", "E列：原值（元）：“NaN”不是有效的金额。"),
    ("原值（元）", 1e20, "E列：原值（元）：“1e+20”不是有效的金额。"),
    ("使用年限（月）", 12000, "F列：使用年限（月）：应大于 0 且不超过 1200（现为 12000）。"),
    ("取得日期", "2024-03-01这是备注",
     "D列：取得日期：“2024-03-01这是备注”不是 YYYY-MM-DD 格式的日期。"),
    ("取得日期", "0001-01-01", "D列：取得日期：取得日期 0001-01-01 不在 1990-01-01 至"),
    ("取得日期", dt.datetime(1, 1, 1),  # noqa: DTZ001 - an Excel date cell has no zone
     "D列：取得日期：取得日期 0001-01-01 不在 1990-01-01 至"),
    ("原值（元）", "=70000+10000", "E列：单元格 E2 是公式"),
])
def test_assets_refuse_bad_cells_with_their_place(client: FlaskClient, auth: Auth,
                                                  by_name: Any, cell: str, value: Any,
                                                  expected: str) -> None:
    asset_books(by_name)
    db.session.commit()
    auth.login("accountant")
    before = db.session.scalar(sa.select(sa.func.count(AssetCard.id)))
    job = _job(client, ASSETS, _cards([CARD | {cell: value}]))
    assert job.state is JobState.FAILED
    assert "“固定资产”表第2行" + expected in job.message, job.message
    assert db.session.scalar(sa.select(sa.func.count(AssetCard.id))) == before


# ------------------------------------------------------------------ opening balances

OPENING = "/o/shian-jjhzs/books/opening"


def _open(client: FlaskClient, content: bytes) -> str:
    return client.post(OPENING, data={"on": "2024-01-01", "file": (io.BytesIO(content), "o.xlsx")},
                       content_type="multipart/form-data", follow_redirects=True
                       ).get_data(as_text=True)


def test_opening_balances_are_read_by_header_not_by_position(client: FlaskClient,
                                                             auth: Auth) -> None:
    auth.login("accountant")
    swapped = _xlsx({"期初余额": [["科目编码", "贷方余额", "借方余额"],
                                  ["101", None, "5000.00"], ["301", "5000.00", None]]})
    page = _open(client, swapped)
    assert "期初余额已导入为建账凭证" in page
    voucher = db.session.scalars(sa.select(Voucher)).one()
    assert sorted((ln.account.code, ln.debit, ln.credit) for ln in voucher.lines) == [
        ("101", D("5000.00"), D("0.00")), ("301", D("0.00"), D("5000.00"))]


def test_opening_balances_refuse_formulas_renamed_columns_and_huge_amounts(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("accountant")
    page = _open(client, _xlsx({"期初余额": [["科目编码", "借方", "贷方余额"]]}))
    assert "第1行B列：不认识的列名“借方”" in page
    assert "缺少“借方余额”列" in page
    page = _open(client, _xlsx({"期初余额": [
        ["科目编码", "科目名称", "借方余额", "贷方余额"], ["101", "库存现金", "=2500*2", None],
        ["102", "银行存款", 1e20, None], ["301", "资本", None, "5000"]]}))
    assert "“期初余额”表第2行C列：单元格 C2 是公式" in page
    assert "“期初余额”表第3行C列：借方余额：“1e+20”不是有效的金额。" in page
    assert db.session.scalar(sa.select(sa.func.count(Voucher.id))) == 0


# ------------------------------------------------------------------ member volumes

def test_volumes_are_read_by_header_and_refuse_formulas(client: FlaskClient, auth: Auth,
                                                        by_name: Any) -> None:
    close_2024(by_name)
    db.session.commit()
    auth.login("accountant")
    chen = db.session.scalars(sa.select(Household).where(Household.head_name == "陈大山")).one()
    number = db.session.scalar(sa.select(Membership.member_number).where(
        Membership.household_id == chen.id))
    url = "/o/shian-tdgf/distribution/volumes/2024"

    def upload(rows: list[list[Any]]) -> str:
        return client.post(url, data={"workbook": (io.BytesIO(_xlsx({"交易额": rows})), "v.xlsx")},
                           content_type="multipart/form-data", follow_redirects=True
                           ).get_data(as_text=True)

    page = upload([["交易额（元）", "成员编号"], [45000, number]])
    assert "已导入 1 户的交易额。" in page
    assert db.session.scalars(sa.select(MemberVolume)).one().volume == D("45000.00")
    page = upload([["成员编号", "交易额（元）"], [number, "=40000+1"]])
    assert "“交易额”表第2行B列：单元格 B2 是公式" in page
    page = upload([["成员编号", "金额"], [number, 1]])
    assert "“交易额”表第1行B列：不认识的列名“金额”" in page
    assert db.session.scalars(sa.select(MemberVolume)).one().volume == D("45000.00")


# ------------------------------------------------------------------ bounds, before parsing

def test_rows_and_bytes_are_bounded_before_the_rows_are_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = workbook_import.Sheet("表", (workbook_import.Column(
        "a", "甲", workbook_import.text(10), required=True),), max_rows=3)
    content = _xlsx({"表": [["甲"], *[[str(n)] for n in range(5)]]})
    rows, problems = workbook_import.read(content, (sheet,))
    assert rows == {"表": []}
    assert [p.sentence() for p in problems.items] == [
        "“表”表：有 5 行，一次最多导入 3 行，请分批导入。"]
    monkeypatch.setattr(workbook_import, "MAX_BYTES", 1000)
    rows, problems = workbook_import.read(content, (sheet,))
    assert rows == {}
    assert "一次最多导入 0 MB" in problems.items[0].sentence()


def test_a_refusal_read_in_the_request_does_not_promise_a_download() -> None:
    problems = workbook_import.Problems()
    for row in range(2, 62):
        problems.add("期初余额", row, "A", "科目编码“%(code)s”不是本账套的末级科目。", code="999")
    with pytest.raises(workbook_import.ImportRefusedError) as caught:
        problems.refuse_if_any(downloadable=False)
    assert "另有 10 处问题，请先改正以上各处后重新上传。" in str(caught.value)
    assert "问题清单" not in str(caught.value)
    assert caught.value.report is None
    with pytest.raises(workbook_import.ImportRefusedError) as as_job:
        problems.refuse_if_any()
    assert "其余 10 处见“问题清单”工作簿（下载结果）。" in str(as_job.value)
    assert as_job.value.report is not None
