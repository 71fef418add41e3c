"""Asset cards through the web: the card form and its refusals, the monthly depreciation voucher
(amounts per card, accounts, order of months, closed months), disposal through 固定资产清理,
the register-to-ledger reconciliation (equal, then broken on purpose), photos and exports."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from openpyxl import load_workbook
from pypdf import PdfReader

from coopledger.assets import depreciation
from coopledger.assets.models import (
    AssetCard,
    AssetDisposal,
    AssetStatus,
    DepreciationLine,
    DepreciationRun,
)
from coopledger.extensions import db
from coopledger.ledger import periods
from coopledger.ledger.models import Voucher, VoucherState
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from tests.asset_helpers import asset_books
from tests.conftest import Auth
from tests.ledger_helpers import make_voucher, run

URL = "/o/shian-jjhzs/assets"
D = Decimal


@pytest.fixture
def register(by_name: Any) -> Any:
    org, computers, dryer = asset_books(by_name)
    db.session.commit()
    return org, computers, dryer


def _count(model: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id))) or 0


def _card_form(**fields: str) -> dict[str, str]:
    return {"number": "C-001", "name": "冷库", "category": "structure", "location": "三组",
            "acquired_on": "2024-05-10", "original": "80000.00", "life_months": "240",
            "residual_percent": "5", "method": "straight_line", "status": "in_use",
            "expense_code": "511", "purchase_voucher_id": "", "opening_accumulated": "",
            "opening_units": "", "total_units": "", "note": ""} | fields


def _lines(voucher: Voucher) -> list[tuple[str, Decimal, Decimal]]:
    return [(ln.account.code, ln.debit, ln.credit) for ln in voucher.lines]


def test_a_card_is_registered_and_shows_its_value(client: FlaskClient, auth: Auth,
                                                  register: Any) -> None:
    auth.login("accountant")
    response = client.post(f"{URL}/new", data=_card_form(), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "已建立资产卡片：C-001 冷库" in page
    card = db.session.scalars(sa.select(AssetCard).where(AssetCard.number == "C-001")).one()
    assert (card.original, card.residual_percent, card.life_months) == (D("80000.00"), D(5), 240)
    listing = client.get(f"{URL}/").get_data(as_text=True)
    # 12,000 + 36,000 + 80,000 held; only the 4,800 carried in is depreciated so far.
    assert "128,000.00" in listing
    assert "4,800.00" in listing
    assert "123,200.00" in listing


@pytest.mark.parametrize(("fields", "sentence"), [
    ({"life_months": "0"}, "使用年限必须大于零。"),
    ({"life_months": "-12"}, "使用年限必须大于零。"),
    ({"residual_percent": "100"}, "残值率须在 0% 至 100% 之间（现为 100%）。"),
    ({"residual_percent": "-1"}, "残值率须在 0% 至 100% 之间（现为 -1%）。"),
    ({"original": "0"}, "固定资产原值必须大于零。"),
    ({"number": "A-001"}, "资产编号 A-001 已被使用。"),
    ({"acquired_on": "2099-01-01"}, "取得日期 2099-01-01 晚于今天。"),
    ({"method": "units"}, "工作量法须填写预计总工作量（大于零）。"),
    ({"opening_accumulated": "90000.00"}, "期初累计折旧须在 0 至应计折旧额 76,000.00 之间。"),
])
def test_bad_card_terms_are_refused_with_a_sentence_and_nothing_saved(
        client: FlaskClient, auth: Auth, register: Any, fields: dict[str, str],
        sentence: str) -> None:
    auth.login("accountant")
    before = _count(AssetCard)
    page = client.post(f"{URL}/new", data=_card_form(**fields)).get_data(as_text=True)
    assert sentence in page
    assert _count(AssetCard) == before


def test_a_month_of_depreciation_drafts_one_voucher_per_account(
        client: FlaskClient, auth: Auth, register: Any) -> None:
    auth.login("accountant")
    for month in (1, 2, 3):
        page = client.post(f"{URL}/depreciation", data={"year": "2024", "month": str(month)},
                           follow_redirects=True).get_data(as_text=True)
        assert f"已计提 2024年{month}月折旧 200.00 元" in page
    page = client.post(f"{URL}/depreciation", data={"year": "2024", "month": "4"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已计提 2024年4月折旧 485.00 元" in page     # 200 + the dryer's first 285
    april = db.session.scalars(sa.select(DepreciationRun).where(
        DepreciationRun.month == 4)).one()
    assert april.voucher is not None
    assert april.voucher.on == dt.date(2024, 4, 30)
    assert april.voucher.state is VoucherState.DRAFT
    assert _lines(april.voucher) == [("511", D("285.00"), D("0.00")),
                                     ("513", D("200.00"), D("0.00")),
                                     ("152", D("0.00"), D("485.00"))]
    amounts = dict(db.session.execute(sa.select(AssetCard.number, DepreciationLine.amount)
                                      .join(DepreciationLine)
                                      .where(DepreciationLine.run_id == april.id)).all())
    assert amounts == {"A-001": D("200.00"), "B-001": D("285.00")}
    # The voucher links back to its run and cannot be edited in the voucher editor.
    voucher_page = client.get(f"/o/shian-jjhzs/vouchers/{april.voucher.id}").get_data(
        as_text=True)
    assert "2024年4月折旧计提" in voucher_page


def test_the_month_end_checklist_warns_while_a_months_depreciation_is_not_run(
        client: FlaskClient, auth: Auth, register: Any) -> None:
    from coopledger.ledger import month_end

    org = register[0]
    warned = [item.text % item.params for item in month_end.checklist(org, 2024, 1).warnings]
    assert warned == ["本月折旧尚未计提：1 张卡片应提 200.00 元。"]
    auth.login("accountant")
    page = client.get("/o/shian-jjhzs/books/periods/2024/1/check").get_data(as_text=True)
    assert 'href="/o/shian-jjhzs/assets/depreciation"' in page
    client.post(f"{URL}/depreciation", data={"year": "2024", "month": "1"})
    assert month_end.checklist(org, 2024, 1).warnings == []


def test_months_are_drafted_in_order_and_never_twice(client: FlaskClient, auth: Auth,
                                                     register: Any) -> None:
    auth.login("accountant")
    client.post(f"{URL}/depreciation", data={"year": "2024", "month": "1"})
    runs = _count(DepreciationRun)
    page = client.post(f"{URL}/depreciation", data={"year": "2024", "month": "3"},
                       follow_redirects=True).get_data(as_text=True)
    assert "折旧须按月依次计提：请先计提 2024年2月。" in page
    page = client.post(f"{URL}/depreciation", data={"year": "2024", "month": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "2024年1月的折旧已经计提过" in page
    page = client.post(f"{URL}/depreciation", data={"year": "2099", "month": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "2099年1月还没有结束：折旧在月末计提" in page
    assert _count(DepreciationRun) == runs


def test_depreciation_in_a_closed_month_is_refused(client: FlaskClient, auth: Auth,
                                                   register: Any, by_name: Any) -> None:
    org = register[0]
    periods.close_month(org, 2024, 1, by=by_name.user("accountant"))
    db.session.commit()
    auth.login("accountant")
    vouchers_before = _count(Voucher)
    page = client.post(f"{URL}/depreciation", data={"year": "2024", "month": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "2024年1月已结账" in page
    assert _count(DepreciationRun) == 0
    assert _count(Voucher) == vouchers_before


def test_the_latest_draft_month_can_be_withdrawn(client: FlaskClient, auth: Auth,
                                                 register: Any) -> None:
    auth.login("accountant")
    client.post(f"{URL}/depreciation", data={"year": "2024", "month": "1"})
    january = db.session.scalars(sa.select(DepreciationRun)).one()
    voucher_id = january.voucher_id
    page = client.post(f"{URL}/depreciation/{january.id}/withdraw",
                       follow_redirects=True).get_data(as_text=True)
    assert "已撤回 2024-01 的折旧" in page
    assert _count(DepreciationRun) == 0
    assert db.session.get(Voucher, voucher_id) is None


def _run_months(client: FlaskClient, *months: int) -> None:
    for month in months:
        client.post(f"{URL}/depreciation", data={"year": "2024", "month": str(month)})


def _post_asset_vouchers(by_name: Any) -> None:
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    for voucher in db.session.scalars(sa.select(Voucher).where(
            Voucher.state == VoucherState.DRAFT).order_by(Voucher.on, Voucher.id)):
        run(voucher, accountant, reviewer)
    db.session.commit()


def test_disposal_needs_the_month_depreciated_and_drafts_the_clearing_vouchers(
        client: FlaskClient, auth: Auth, register: Any) -> None:
    _org, computers, _dryer = register
    auth.login("accountant")
    _run_months(client, 1)
    sale = {"dispose-kind": "sale", "dispose-on": "2024-02-20", "dispose-proceeds": "6500.00",
            "dispose-costs": "100.00", "dispose-account": "101",
            "dispose-reason": "理事会决议出售旧电脑"}
    page = client.post(f"{URL}/{computers.id}/dispose", data=sale,
                       follow_redirects=True).get_data(as_text=True)
    assert "处置当月照提折旧：请先计提 2024年2月的折旧，再登记处置。" in page
    assert _count(AssetDisposal) == 0
    _run_months(client, 2)
    page = client.post(f"{URL}/{computers.id}/dispose", data=sale,
                       follow_redirects=True).get_data(as_text=True)
    # Accumulated 4,800 + 200 + 200 = 5,200; book value 6,800; 6,500 − 100 − 6,800 = −400.
    assert "净损益 -400.00 元" in page
    disposal = db.session.scalars(sa.select(AssetDisposal)).one()
    assert (disposal.accumulated, disposal.result) == (D("5200.00"), D("-400.00"))
    assert disposal.transfer_voucher is not None
    assert disposal.settle_voucher is not None
    assert _lines(disposal.transfer_voucher) == [("154", D("6800.00"), D("0.00")),
                                                 ("152", D("5200.00"), D("0.00")),
                                                 ("151", D("0.00"), D("12000.00"))]
    assert _lines(disposal.settle_voucher) == [
        ("101", D("6500.00"), D("0.00")), ("154", D("0.00"), D("6500.00")),
        ("154", D("100.00"), D("0.00")), ("101", D("0.00"), D("100.00")),
        ("515", D("400.00"), D("0.00")), ("154", D("0.00"), D("400.00"))]
    assert db.session.get_one(AssetCard, computers.id).status is AssetStatus.DISPOSED
    again = client.post(f"{URL}/{computers.id}/dispose", data=sale,
                        follow_redirects=True).get_data(as_text=True)
    assert "资产 A-001 办公电脑 已处置，不能再次处置。" in again
    assert _count(AssetDisposal) == 1
    # A disposed card is no longer depreciated: March has nothing to draft for it.
    assert [p.card.number for p in depreciation.plan(register[0], 2024, 4)] == ["B-001"]


def test_disposal_before_acquisition_is_refused(client: FlaskClient, auth: Auth,
                                                register: Any) -> None:
    _org, _computers, dryer = register
    auth.login("accountant")
    page = client.post(f"{URL}/{dryer.id}/dispose", data={
        "dispose-kind": "scrap", "dispose-on": "2024-02-01", "dispose-reason": "报废",
        "dispose-account": ""},
        follow_redirects=True).get_data(as_text=True)
    assert "处置日期 2024-02-01 早于取得日期 2024-03-05。" in page
    assert _count(AssetDisposal) == 0
    assert db.session.get_one(AssetCard, dryer.id).status is AssetStatus.IN_USE


def test_register_and_ledger_agree_then_a_stray_entry_shows_up(
        client: FlaskClient, auth: Auth, register: Any, by_name: Any) -> None:
    org = register[0]
    auth.login("accountant")
    _run_months(client, 1, 2, 3, 4)
    unposted = client.get(f"{URL}/reconcile?on=2024-04-30").get_data(as_text=True)
    assert "不一致" in unposted
    assert "台账已生成、尚未记账的凭证" in unposted
    _post_asset_vouchers(by_name)
    page = client.get(f"{URL}/reconcile?on=2024-04-30").get_data(as_text=True)
    assert "截至 2024-04-30，卡片与总账一致。" in page
    # 48,000 held; 4,800 + 3 × 200 + 485 = 5,885 depreciated.
    assert "48,000.00" in page
    assert "5,885.00" in page
    # On 2024-02-29 the dryer was not yet bought and March not yet depreciated.
    february = client.get(f"{URL}/reconcile?on=2024-02-29").get_data(as_text=True)
    assert "卡片与总账一致" in february
    assert "12,000.00" in february
    assert "5,200.00" in february
    make_voucher(org, by_name.user("accountant"), by_name.user("reviewer"),
                 on=dt.date(2024, 4, 30), amount="150.00", debit="513", credit="152",
                 summary="手工补提折旧")
    db.session.commit()
    broken = client.get(f"{URL}/reconcile?on=2024-04-30").get_data(as_text=True)
    assert "卡片与总账不一致" in broken
    assert "手工补提折旧" in broken
    assert "-150.00" in broken


def test_photos_and_exports(client: FlaskClient, auth: Auth, register: Any) -> None:
    _org, computers, _dryer = register
    auth.login("accountant")
    client.post(f"{URL}/{computers.id}/photos", data={
        "photo-file": (io.BytesIO(PLACEHOLDER_PNG), "pc.png")},
        content_type="multipart/form-data")
    card = db.session.get_one(AssetCard, computers.id)
    assert [p.filename for p in card.photos] == ["pc.png"]
    with client.get(f"{URL}/{computers.id}/photos/{card.photos[0].id}") as shown:
        assert shown.data == PLACEHOLDER_PNG
    _run_months(client, 1)
    workbook = load_workbook(io.BytesIO(client.get(f"{URL}/export.xlsx").data))
    rows = list(workbook["固定资产"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[15], r[16]) for r in rows] == [
        ("A-001", "办公电脑", 5000, 7000), ("B-001", "粮食烘干机", 0, 36000)]
    text = "".join(page.extract_text() for page in PdfReader(
        io.BytesIO(client.get(f"{URL}/register.pdf").data)).pages)
    assert "A-001" in text
    assert "48,000.00" in text
    labels = PdfReader(io.BytesIO(client.get(f"{URL}/labels.pdf").data))
    assert len(labels.pages) == 1
    assert "B-001" in labels.pages[0].extract_text()


def test_a_units_of_production_card_is_depreciated_by_the_month_units(
        client: FlaskClient, auth: Auth, register: Any) -> None:
    auth.login("accountant")
    client.post(f"{URL}/new", data=_card_form(
        number="D-001", name="植保无人机", category="machinery", acquired_on="2024-01-15",
        original="50000.00", life_months="60", residual_percent="10", method="units",
        total_units="1500"))
    drone = db.session.scalars(sa.select(AssetCard).where(AssetCard.number == "D-001")).one()
    page = client.post(f"{URL}/{drone.id}/usage", data={
        "usage-year": "2024", "usage-month": "2", "usage-units": "-3"},
        follow_redirects=True).get_data(as_text=True)
    assert "本月工作量不能为负数。" in page
    client.post(f"{URL}/{drone.id}/usage", data={
        "usage-year": "2024", "usage-month": "2", "usage-units": "42.5"})
    _run_months(client, 1, 2)
    february = db.session.scalars(sa.select(DepreciationRun).where(
        DepreciationRun.month == 2)).one()
    amounts = dict(db.session.execute(sa.select(AssetCard.number, DepreciationLine.amount)
                                      .join(DepreciationLine)
                                      .where(DepreciationLine.run_id == february.id)).all())
    # 45,000 depreciable ÷ 1,500 hours × 42.5 hours = 1,275.00.
    assert amounts == {"A-001": D("200.00"), "D-001": D("1275.00")}
    late = client.post(f"{URL}/{drone.id}/usage", data={
        "usage-year": "2024", "usage-month": "2", "usage-units": "50"},
        follow_redirects=True).get_data(as_text=True)
    assert "2024年2月的折旧已计提，不能再改该月工作量。" in late


def test_biological_and_intangible_cards_credit_their_own_contra_accounts(
        client: FlaskClient, auth: Auth, register: Any) -> None:
    auth.login("accountant")
    client.post(f"{URL}/new", data=_card_form(
        number="E-001", name="集体花椒林", category="orchard", acquired_on="2023-12-20",
        original="24000.00", life_months="120", residual_percent="0", expense_code="511"))
    client.post(f"{URL}/new", data=_card_form(
        number="F-001", name="财务软件", category="software", acquired_on="2023-12-20",
        original="3600.00", life_months="60", residual_percent="0", expense_code="513"))
    _run_months(client, 1)
    january = db.session.scalars(sa.select(DepreciationRun)).one()
    assert january.voucher is not None
    # 花椒林 24,000 / 120 = 200 to 生产性生物资产累计折旧; software 3,600 / 60 = 60 to 累计摊销.
    assert _lines(january.voucher) == [("511", D("200.00"), D("0.00")),
                                       ("513", D("260.00"), D("0.00")),
                                       ("133", D("0.00"), D("200.00")),
                                       ("152", D("0.00"), D("200.00")),
                                       ("162", D("0.00"), D("60.00"))]
    page = client.get(f"{URL}/reconcile?on=2024-01-31").get_data(as_text=True)
    assert "生产性生物资产（132/133）" in page
    assert "无形资产（161/162）" in page


def test_a_depreciated_card_keeps_its_value_terms_but_other_fields_change(
        client: FlaskClient, auth: Auth, register: Any) -> None:
    _org, computers, _dryer = register
    auth.login("accountant")
    _run_months(client, 1)
    fields = _card_form(number="A-001", name="办公电脑（4台）", category="office",
                        acquired_on="2021-12-10", original="12000.00", life_months="60",
                        residual_percent="0", expense_code="513",
                        purchase_voucher_id=str(computers.purchase_voucher_id),
                        opening_accumulated="4800.00", opening_through="2023-12-31",
                        location="村委会二楼")
    page = client.post(f"{URL}/{computers.id}/edit", data=fields,
                       follow_redirects=True).get_data(as_text=True)
    assert "资产卡片已保存。" in page
    card = db.session.get_one(AssetCard, computers.id)
    assert (card.name, card.location) == ("办公电脑（4台）", "村委会二楼")
    refused = client.post(f"{URL}/{computers.id}/edit", data=fields | {"life_months": "72"},
                          follow_redirects=True).get_data(as_text=True)
    assert "已计提折旧，原值、年限、残值率、折旧方法和期初数不能再修改" in refused
    assert db.session.get_one(AssetCard, computers.id).life_months == 60
