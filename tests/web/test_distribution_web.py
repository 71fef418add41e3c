"""The distribution pages: drafting from the closed year, refusals that save nothing, the
approval trail with the resolution file, the payout list and bank file, payment once."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from openpyxl import load_workbook

from coopledger import dates
from coopledger.distribution.models import Plan, PlanLine, PlanState
from coopledger.extensions import db
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from tests.conftest import Auth
from tests.distribution_helpers import close_2024

URL = "/o/shian-tdgf/distribution"
FORM = {"year": "2024", "mode": "land_share", "entitlement": "days", "members_total": "14540",
        "reserve_percent": "20", "member_cap_percent": "60", "guarantee_per_mu": "800"}


@pytest.fixture
def closed(by_name: Any) -> Any:
    close_2024(by_name)
    db.session.commit()
    return by_name


def _land_class(lookup: Any) -> int:
    from coopledger.shares.services import classes_of

    return classes_of(lookup.org("shian-tdgf"))[0].id


def _plans() -> int:
    return db.session.scalar(sa.select(sa.func.count(Plan.id))) or 0


def _draft(client: FlaskClient, **fields: str) -> str:
    return client.post(f"{URL}/new", data=FORM | fields,
                       follow_redirects=True).get_data(as_text=True)


def test_bad_plans_are_refused_with_a_sentence_and_nothing_saved(
        client: FlaskClient, auth: Auth, closed: Any) -> None:
    auth.login("accountant")
    cases = [
        ({"reserve_percent": "101"}, "公积公益金提取比例须在 0% 至 100% 之间（现为 101%）。"),
        ({"welfare_percent": "-5"}, "福利费提取比例须在 0% 至 100% 之间（现为 -5%）。"),
        ({"members_total": "30000"}, "成员分配 30,000.00 元超过上限"),
        ({"entitlement": "record_date", "record_date": "2025-01-01"}, "股权登记日须在 2024 年内。"),
        ({"year": "2025"}, "2025年还没有结账"),
        ({"year": "2026"}, "2026年还没有结束，不能分配。"),
        ({"mode": "cooperative", "volume_percent": "55"},
         "农民专业合作社法第四十四条要求不低于可分配盈余的 60%，即至少 23,339.52 元"),
        ({f"weight-{_land_class(closed)}": "-1"}, "股份类别的分配权重不能为负数。"),
    ]
    for fields, sentence in cases:
        assert sentence in _draft(client, **fields), fields
    assert _plans() == 0


def test_a_plan_runs_its_trail_and_pays_each_line_once(client: FlaskClient, auth: Auth,
                                                       closed: Any) -> None:
    auth.login("accountant")
    page = _draft(client)
    assert "已按账簿计算分配方案草案。" in page
    assert '<th class="num" id="distributable">48,624.00</th>' in page
    plan = db.session.scalars(sa.select(Plan)).one()
    show = f"{URL}/{plan.id}"
    assert client.get(f"{show}/payout.xlsx", follow_redirects=True).get_data(
        as_text=True).count("方案经成员(代表)大会通过后才有兑付清单。") == 1
    client.post(f"{show}/propose", data={"on": "2025-01-10"})
    client.post(f"{show}/review", data={"on": "2025-01-20"})
    page = client.post(f"{show}/approve", data={"resolution_no": "成员大会决议〔2025〕1号",
                                                "on": "2025-02-01"},
                       follow_redirects=True).get_data(as_text=True)
    assert "请上传成员(代表)大会决议的扫描件，没有决议文件不能通过方案。" in page
    db.session.expire_all()
    assert plan.state is PlanState.REVIEWED
    page = client.post(f"{show}/approve", data={
        "resolution_no": "成员大会决议〔2025〕1号", "on": "2025-02-01",
        "file": (io.BytesIO(PLACEHOLDER_PNG), "决议.png")}, content_type="multipart/form-data",
        follow_redirects=True).get_data(as_text=True)
    assert "方案已通过，分配凭证草稿已生成" in page
    db.session.expire_all()
    assert plan.state is PlanState.APPROVED
    assert plan.voucher is not None
    lines = {line.holder: line for line in plan.lines}
    workbook = load_workbook(io.BytesIO(client.get(f"{show}/payout.xlsx").data))
    rows = {row[1]: row for row in workbook.active.iter_rows(min_row=2, values_only=True)
            if row and row[1]}
    assert rows["陈大山户"][11] == 2590.0
    assert rows["合计"][12] == 14540.0
    bank = client.get(f"{show}/bank-file").data.decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(bank)))
    assert records[0] == ["序号", "收款人户名", "收款人账号", "收款人开户行", "金额", "用途",
                          "业务参考号"]
    # The collective's 2,500.00 of 集体股 is an internal transfer, not in the bank file; the
    # payee is the person on the account, not "陈大山户".
    assert sum(Decimal(r[4]) for r in records[1:]) == Decimal("14540.00") - Decimal("2500.00")
    payees = {r[1] for r in records[1:]}
    assert "陈大山" in payees
    assert not any(name.endswith("户") for name in payees)
    first = lines["陈大山户"]
    page = client.post(f"{show}/pay", data={"on": "2025-03-01", "account": "102",
                                            "line": str(first.id)},
                       follow_redirects=True).get_data(as_text=True)
    assert "已兑付 1 户" in page
    page = client.post(f"{show}/pay", data={"on": "2025-03-02", "account": "102",
                                            "line": str(first.id)},
                       follow_redirects=True).get_data(as_text=True)
    assert "陈大山户 已于 2025-03-01 兑付，不能重复兑付。" in page
    db.session.expire_all()
    paid = db.session.get(PlanLine, first.id)
    assert paid is not None
    assert (paid.paid, paid.paid_on.isoformat() if paid.paid_on else "") == (
        Decimal("2590.00"), "2025-03-01")
    page = client.get(show).get_data(as_text=True)
    assert '<th id="unpaid">未付 11,950.00</th>' in page


def test_the_reviewer_sees_the_plan_but_cannot_change_it(client: FlaskClient, auth: Auth,
                                                         closed: Any) -> None:
    auth.login("accountant")
    _draft(client)
    plan = db.session.scalars(sa.select(Plan)).one()
    auth.login("reviewer")
    page = client.get(f"{URL}/{plan.id}").get_data(as_text=True)
    assert "48,624.00" in page
    assert "修改草案" not in page
    assert client.post(f"{URL}/{plan.id}/propose", data={"on": "2025-01-10"}).status_code == 403
    assert client.get(f"{URL}/{plan.id}/bank-file").status_code == 403


def test_a_plan_on_a_year_with_unposted_vouchers_is_refused(client: FlaskClient, auth: Auth,
                                                           closed: Any) -> None:
    from tests.ledger_helpers import make_voucher

    make_voucher(closed.org("shian-tdgf"), closed.user("accountant"), closed.user("reviewer"),
                 on=dt.date(2025, 2, 3), upto="submitted")
    db.session.commit()
    auth.login("accountant")
    assert "2025年还有 1 张凭证未记账，全部记账并结账后才能分配。" in _draft(client, year="2025")
    assert _plans() == 0


def test_volumes_are_typed_or_imported_all_or_nothing(client: FlaskClient, auth: Auth,
                                                      closed: Any) -> None:
    from openpyxl import Workbook

    from coopledger.distribution.models import MemberVolume
    from coopledger.members.models import Household, Membership

    auth.login("accountant")
    chen = db.session.scalars(sa.select(Household).where(Household.head_name == "陈大山")).one()
    number = db.session.scalar(sa.select(Membership.member_number).where(
        Membership.household_id == chen.id))
    page = client.post(f"{URL}/volumes/2024", data={f"volume-{chen.id}": "12.345"},
                       follow_redirects=True).get_data(as_text=True)
    assert "陈大山 的交易额：金额“12.345”最多只能有两位小数（精确到分）。" in page
    page = client.post(f"{URL}/volumes/2024", data={f"volume-{chen.id}": "30,000"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已保存 1 户的交易额。" in page
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["成员编号", "交易额"])
    sheet.append([number, 45000])
    sheet.append(["X-999", 100])
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = client.post(f"{URL}/volumes/2024", data={
        "workbook": (io.BytesIO(buffer.getvalue()), "volumes.xlsx")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "导入失败，未保存任何数据。发现 1 处问题" in page
    assert "“Sheet”表第3行A列：成员编号 X-999 不是本年度的成员户。" in page
    volume = db.session.scalars(sa.select(MemberVolume)).one()
    assert volume.volume == Decimal("30000.00")


def test_a_draft_with_class_weights_saves_twice(client: FlaskClient, auth: Auth,
                                                closed: Any) -> None:
    """Editing a draft plan that has share-class weights used to give a 500 (the unique
    (plan, class) constraint); saving the page's own values twice keeps one row per class and
    the second save's weight."""
    from coopledger.distribution.models import ClassWeight
    from coopledger.shares.services import classes_of

    auth.login("accountant")
    classes = classes_of(closed.org("shian-tdgf"))
    weights = {f"weight-{c.id}": "1" for c in classes}
    assert "已按账簿计算分配方案草案。" in _draft(client, **weights)
    plan = db.session.scalars(sa.select(Plan)).one()
    edit = f"{URL}/{plan.id}/edit"
    for weight in ("1", "1.5"):
        response = client.post(edit, data=FORM | weights | {f"weight-{classes[0].id}": weight},
                               follow_redirects=True)
        assert response.status_code == 200
    rows = db.session.scalars(sa.select(ClassWeight).where(ClassWeight.plan_id == plan.id)).all()
    assert sorted(r.share_class_id for r in rows) == sorted(c.id for c in classes)
    assert {r.share_class_id: r.weight for r in rows}[classes[0].id] == Decimal("1.5")


def test_every_distribution_page_opens_for_a_cooperative_plan(client: FlaskClient, auth: Auth,
                                                              closed: Any) -> None:
    """The cooperative mode's label carries a percent sign ("不少于60%"): passed through
    ``_()`` in a template it used to raise and give a 500 to the accountant and the auditor.
    Every distribution page of the plan opens for every role that may see it."""
    from coopledger.distribution import services
    from coopledger.distribution.models import MemberVolume, Mode
    from coopledger.members.models import Household

    org = closed.org("shian-tdgf")
    chen = db.session.scalars(sa.select(Household).where(Household.head_name == "陈大山")).one()
    db.session.add(MemberVolume(organisation_id=org.id, year=2024, household_id=chen.id,
                                volume=Decimal("1000.00")))
    plan = services.create_plan(org, 2024, services.PlanData(
        mode=Mode.COOPERATIVE, members_total=Decimal("48624.00")),
        by=closed.user("accountant"), today=dates.today())
    db.session.commit()
    pages = [f"{URL}/", f"{URL}/{plan.id}", f"{URL}/{plan.id}/edit", f"{URL}/volumes/2024"]
    for user in ("admin", "accountant", "auditor", "reviewer"):
        auth.login(user)
        for page in pages:
            response = client.get(page)
            assert response.status_code in (200, 403, 404), (user, page, response.status_code)
        shown = client.get(f"{URL}/{plan.id}").get_data(as_text=True)
        assert "合作社：按交易量返还不少于60%，其余按出资和公积金份额" in shown, user
        assert 'id="distributable-surplus">48,624.00<' in shown


def test_the_banks_result_pays_the_households_it_paid_and_names_those_it_could_not(
        client: FlaskClient, auth: Auth, closed: Any) -> None:
    """Issue 20, "Batch payouts to households": the approved plan's bank file carries a
    reference per household; the bank's result pays those it paid (one voucher) and leaves the
    one it could not unpaid, with its reason; the same result again pays nothing twice."""
    auth.login("accountant")
    _draft(client)
    plan = db.session.scalars(sa.select(Plan)).one()
    show = f"{URL}/{plan.id}"
    client.post(f"{show}/propose", data={"on": "2025-01-10"})
    client.post(f"{show}/review", data={"on": "2025-01-20"})
    client.post(f"{show}/approve", data={
        "resolution_no": "成员大会决议〔2025〕1号", "on": "2025-02-01",
        "file": (io.BytesIO(PLACEHOLDER_PNG), "决议.png")}, content_type="multipart/form-data")
    records = list(csv.reader(io.StringIO(
        client.get(f"{show}/bank-file?layout=generic").data.decode("utf-8-sig"))))[1:]
    assert all(r[6].startswith(f"FP{plan.id}-") for r in records)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["业务参考号", "处理结果", "银行流水号", "失败原因"])
    for number, row in enumerate(records):
        writer.writerow([row[6], "失败" if number == 0 else "成功", f"DF{number:04d}",
                         "账户已销户" if number == 0 else ""])
    result = out.getvalue().encode("utf-8")
    page = client.post(f"{show}/bank-result", data={
        "on": "2025-03-05", "account": "102", "layout": "generic",
        "file": (io.BytesIO(result), "代发结果.csv")}, content_type="multipart/form-data",
        follow_redirects=True).get_data(as_text=True)
    assert f"银行已付 {len(records) - 1} 户，凭证草稿 " in page
    assert f"付款失败 1 户：{records[0][1]}" in page
    assert "账户已销户" in page
    db.session.expire_all()
    lines = [line for line in db.session.scalars(sa.select(PlanLine).where(
        PlanLine.plan_id == plan.id)) if line.household_id and line.total]
    unpaid = [line for line in lines if line.paid_on is None]
    assert len(unpaid) == 1
    vouchers = {line.payment_voucher_id for line in lines if line.paid_on is not None}
    assert len(vouchers) == 1
    again = client.post(f"{show}/bank-result", data={
        "on": "2025-03-05", "account": "102", "layout": "generic",
        "file": (io.BytesIO(result), "代发结果.csv")}, content_type="multipart/form-data",
        follow_redirects=True).get_data(as_text=True)
    assert "结果文件里没有新付款的农户。" in again
    stranger = client.post(f"{show}/bank-result", data={
        "on": "2025-03-05", "account": "102", "layout": "generic",
        "file": (io.BytesIO("业务参考号,处理结果\nFP999-1,成功\n".encode()), "r.csv")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "业务参考号 FP999-1 不属于这个方案" in stranger
