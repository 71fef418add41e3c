"""The resource register, the yearly stock-take and the workbook import through the web:
areas refused when not positive, idle resources and resources whose contract ended listed,
a stock-take whose missing card is booked through 待处理财产损溢 after approval, and an import
that saves everything or nothing, naming sheet, row and column."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from openpyxl import Workbook

from coopledger import dates
from coopledger.assets.models import AssetCard, AssetDisposal, AssetStatus, DisposalKind
from coopledger.assets.resource_models import Resource, ResourceKind, ResourceStatus, StockTake
from coopledger.assets.resources import ResourceData, create_resource, link_contract
from coopledger.assets.workbook import sheets
from coopledger.contracts import schedules
from coopledger.contracts import services as contracts
from coopledger.contracts.models import Contract, ContractKind, ContractStatus, Partner, PartnerKind
from coopledger.extensions import db
from coopledger.jobs.models import Job, JobState
from tests.asset_helpers import asset_books
from tests.conftest import Auth

URL = "/o/shian-jjhzs"
D = Decimal


@pytest.fixture
def register(by_name: Any) -> Any:
    org, computers, dryer = asset_books(by_name)
    db.session.commit()
    return org, computers, dryer


def _count(model: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id))) or 0


def _resource_form(**fields: str) -> dict[str, str]:
    return {"number": "R-01", "name": "东山林地", "kind": "forest", "location": "东山",
            "area_mu": "120.5", "size": "", "certificate": "林权证 0012", "status": "idle",
            "note": ""} | fields


@pytest.mark.parametrize(("fields", "sentence"), [
    ({"area_mu": "0"}, "面积必须大于零（现为 0 亩）。"),
    ({"area_mu": "-3"}, "面积必须大于零（现为 -3 亩）。"),
    ({"area_mu": ""}, "林地须填写面积（亩）。"),
    ({"kind": "building", "area_mu": "", "size": ""}, "请填写面积（亩）或规模。"),
])
def test_a_resource_area_must_be_positive(client: FlaskClient, auth: Auth, register: Any,
                                          fields: dict[str, str], sentence: str) -> None:
    auth.login("accountant")
    page = client.post(f"{URL}/resources/new", data=_resource_form(**fields)).get_data(
        as_text=True)
    assert sentence in page
    assert _count(Resource) == 0


def _contract(org: Any, number: str, ends_on: dt.date) -> Contract:
    partner = Partner(organisation=org, name="宏达农业公司", kind=PartnerKind.ENTERPRISE,
                      credit_code=f"91511623MA6XH2K5{number[-2:]}")
    contract = Contract(organisation=org, partner=partner, number=number, title="鱼塘承包",
                        kind=ContractKind.LEASE, status=ContractStatus.ACTIVE,
                        starts_on=dt.date(2020, 1, 1), ends_on=ends_on)
    db.session.add(contract)
    db.session.flush()
    return contract


def test_idle_resources_and_resources_whose_contract_ended_are_listed(
        client: FlaskClient, auth: Auth, register: Any, by_name: Any) -> None:
    org = register[0]
    accountant = by_name.user("accountant")
    current = _contract(org, "JJ-2020-01", dt.date(2030, 12, 31))
    ended = _contract(org, "JJ-2020-02", dt.date(2024, 12, 31))
    for number, name, status in (("R-01", "东山林地", ResourceStatus.IDLE),
                                 ("R-02", "南塘", ResourceStatus.CONTRACTED_OUT),
                                 ("R-03", "北塘", ResourceStatus.CONTRACTED_OUT)):
        create_resource(org, ResourceData(number=number, name=name, kind=ResourceKind.WATER,
                                          area_mu=D("8.5"), status=status), by=accountant)
    db.session.commit()
    auth.login("accountant")
    south, north = (db.session.scalars(sa.select(Resource).where(Resource.number == n)).one()
                    for n in ("R-02", "R-03"))
    client.post(f"{URL}/resources/{south.id}/contracts", data={"link-contract_id": current.id})
    client.post(f"{URL}/resources/{north.id}/contracts", data={"link-contract_id": ended.id})
    page = client.get(f"{URL}/resources/").get_data(as_text=True)
    idle = page.split('id="idle-resources"')[1].split("</section>")[0]
    assert "R-01 东山林地" in idle
    assert "R-02" not in idle
    gone = page.split('id="ended-resources"')[1].split("</section>")[0]
    assert "R-03 北塘" in gone
    assert "JJ-2020-02" in gone
    assert "R-02" not in gone
    assert "25.5 亩" in page                            # 3 × 8.5 亩 of water
    shown = client.get(f"{URL}/resources/{south.id}").get_data(as_text=True)
    assert "JJ-2020-01 鱼塘承包" in shown
    contract_page = client.get(f"{URL}/contracts/{current.id}").get_data(as_text=True)
    assert "R-02 南塘" in contract_page


def test_a_lease_of_collective_land_is_signed_with_rent_on_its_area(
        register: Any, by_name: Any) -> None:
    org = register[0]
    accountant = by_name.user("accountant")
    partner = Partner(organisation=org, name="渔业大户", kind=PartnerKind.LARGE_GROWER,
                      credit_code="92511623MA6XK3P10B")
    db.session.add(partner)
    db.session.flush()
    lease = contracts.create_contract(org, contracts.ContractData(
        number="JJ-2024-01", title="大堰塘承包", kind=ContractKind.LEASE, partner_id=partner.id,
        starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2026, 12, 31)), by=accountant)
    schedules.set_terms(lease, schedules.MoneyTerms(price_per_mu=D("600.00")), by=accountant)
    pond = create_resource(org, ResourceData(number="R-05", name="大堰塘",
                                             kind=ResourceKind.WATER, area_mu=D("12.6")),
                           by=accountant)
    link_contract(pond, lease, by=accountant)
    contracts.sign_contract(lease, approval_ref="村民代表会议决议",
                            approved_on=dt.date(2023, 11, 28), signed_on=dt.date(2023, 12, 10),
                            by=accountant, today=dates.today())
    assert [line.amount for line in schedules.schedule_of(lease)] == [D("7560.00")] * 3
    assert pond.status is ResourceStatus.CONTRACTED_OUT


def test_a_stock_take_books_the_missing_card_after_approval(
        client: FlaskClient, auth: Auth, register: Any, by_name: Any) -> None:
    org, computers, dryer = register
    create_resource(org, ResourceData(number="R-01", name="东山林地", kind=ResourceKind.FOREST,
                                      area_mu=D("120.50")), by=by_name.user("accountant"))
    db.session.commit()
    auth.login("accountant")
    for month in (1, 2, 3, 4):
        client.post(f"{URL}/assets/depreciation", data={"year": "2024", "month": str(month)})
    client.post(f"{URL}/stocktakes/", data={"year": "2024", "counted_on": "2024-04-20"})
    stock_take = db.session.scalars(sa.select(StockTake)).one()
    items = {(i.card or i.resource).number: i for i in stock_take.items}  # type: ignore[union-attr]
    assert set(items) == {"A-001", "B-001", "R-01"}
    # 36,000 − 285 (April) = 35,715.00 book value of the dryer.
    assert items["B-001"].book_value == D("35715.00")
    base = f"{URL}/stocktakes/{stock_take.id}"
    approve = {"approve-approval_ref": "村民代表会议决议〔2024〕3号",
               "approve-approved_on": "2024-04-28"}
    page = client.post(f"{base}/approve", data=approve, follow_redirects=True).get_data(
        as_text=True)
    assert "还有 3 项未清点" in page

    def count(key: str, **fields: str) -> str:
        item = items[key]
        data = {f"count-{item.id}-{name}": value for name, value in fields.items()}
        return client.post(f"{base}/items/{item.id}", data=data,
                           follow_redirects=True).get_data(as_text=True)

    assert "面积变化须填写清点面积，且必须大于零。" in count("R-01", result="area_changed",
                                                       counted_area="0", note="")
    count("R-01", result="missing", counted_area="", note="")   # not offered for resources
    assert db.session.get_one(type(items["R-01"]), items["R-01"].id).result.value == "pending"
    count("A-001", result="found", counted_area="", note="")
    count("B-001", result="missing", counted_area="", note="被盗，已报案")
    count("R-01", result="area_changed", counted_area="118.2", note="修路占用")
    page = client.post(f"{base}/approve", data=approve, follow_redirects=True).get_data(
        as_text=True)
    assert "清查已审批" in page
    db.session.expire_all()
    stock_take = db.session.get_one(StockTake, stock_take.id)
    assert stock_take.loss_voucher is not None
    assert stock_take.writeoff_voucher is not None
    lines = [(ln.account.code, ln.debit, ln.credit) for ln in stock_take.loss_voucher.lines]
    assert lines == [("181", D("35715.00"), D("0.00")), ("152", D("285.00"), D("0.00")),
                     ("151", D("0.00"), D("36000.00"))]
    writeoff = [(ln.account.code, ln.debit, ln.credit)
                for ln in stock_take.writeoff_voucher.lines]
    assert writeoff == [("515", D("35715.00"), D("0.00")), ("181", D("0.00"), D("35715.00"))]
    assert db.session.get_one(AssetCard, dryer.id).status is AssetStatus.DISPOSED
    shortage = db.session.scalars(sa.select(AssetDisposal)).one()
    assert shortage.kind is DisposalKind.SHORTAGE
    assert db.session.scalars(sa.select(Resource)).one().area_mu == D("118.20")
    assert db.session.get_one(AssetCard, computers.id).status is AssetStatus.IN_USE
    closed = count("A-001", result="damaged", counted_area="", note="")
    assert "清查已审批，不能再修改清点结果。" in closed


def _workbook(cards: list[list[object]], resources: list[list[object]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec, rows in zip(sheets(dt.date(2026, 12, 1)), (cards, resources), strict=True):
        sheet = workbook.create_sheet(spec.title)
        sheet.append(spec.headers)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client: FlaskClient, content: bytes) -> Job:
    response = client.post(f"{URL}/assets/import",
                           data={"file": (io.BytesIO(content), "资产.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.get_one(Job, int(response.headers["Location"].rsplit("/", 1)[1]))


GOOD_CARD = ["C-001", "冷库", "构筑物（晒场、烘干、冷库等）", "三组", "2024-05-10", 80000,
             240, 5, "年限平均法", None, "在用", "511", None, None, ""]
GOOD_RESOURCE = ["R-01", "东山林地", "林地", "东山", 120.5, None, "林权证 0012", "闲置", ""]


def test_an_import_with_errors_saves_nothing_and_names_sheet_row_and_column(
        client: FlaskClient, auth: Auth, register: Any) -> None:
    auth.login("accountant")
    bad_life = [*GOOD_CARD[:6], 0, *GOOD_CARD[7:]]
    bad_residual = ["C-002", *GOOD_CARD[1:7], 120, *GOOD_CARD[8:]]
    taken = ["A-001", *GOOD_CARD[1:]]
    bad_area = [*GOOD_RESOURCE[:4], -2, *GOOD_RESOURCE[5:]]
    job = _upload(client, _workbook([bad_life, bad_residual, taken], [bad_area]))
    assert job.state is JobState.FAILED
    assert "导入失败，未保存任何数据。发现 4 处问题" in job.message
    assert "“固定资产”表第2行G列：使用年限（月）：应大于 0 且不超过 1200（现为 0）。" \
        in job.message
    assert "“固定资产”表第3行H列：残值率（%）：应在 0 至 99.99 之间（现为 120）。" in job.message
    assert "“固定资产”表第4行A列：编号 A-001 已在本组织登记。" in job.message
    assert "“资源”表第2行E列：面积（亩）：应大于 0 且不超过 1000000（现为 -2）。" in job.message
    assert _count(AssetCard) == 2
    assert _count(Resource) == 0


def test_a_clean_import_saves_every_card_and_resource(client: FlaskClient, auth: Auth,
                                                      register: Any) -> None:
    auth.login("accountant")
    job = _upload(client, _workbook([GOOD_CARD], [GOOD_RESOURCE]))
    assert job.state is JobState.DONE, job.message
    assert job.message == "已导入 1 张资产卡片、1 项资源。"
    card = db.session.scalars(sa.select(AssetCard).where(AssetCard.number == "C-001")).one()
    assert (card.original, card.life_months, card.expense_code) == (D("80000.00"), 240, "511")
    resource = db.session.scalars(sa.select(Resource)).one()
    assert (resource.area_mu, resource.status) == (D("120.50"), ResourceStatus.IDLE)
    # The export is in the import layout, so it reads back the same.
    from openpyxl import load_workbook
    exported = load_workbook(io.BytesIO(client.get(f"{URL}/assets/export.xlsx").data))
    assert [r[0] for r in exported["固定资产"].iter_rows(min_row=2, values_only=True)] == [
        "A-001", "B-001", "C-001"]
    assert [r[:5] for r in exported["资源"].iter_rows(min_row=2, values_only=True)] == [
        ("R-01", "东山林地", "林地", "东山", 120.5)]
