"""成员账户 of a professional cooperative (农民专业合作社法 §42–§44): the year's 公积金 quantified
to each member by the plan's stored method, the property formed from subsidies quantified
equally, both counted with capital as the weight of what remains after the volume return; the
account page, its PDF and the workbook of every member show it year by year."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from coopledger import dates
from coopledger.distribution import member_accounts, services
from coopledger.distribution.models import Mode, Plan, QuantifyBy
from coopledger.distribution.volumes import save_volumes
from coopledger.extensions import db
from coopledger.files import store
from coopledger.members import services as members
from coopledger.members.models import Household, MembershipSource
from coopledger.shares import services as shares
from coopledger.shares.models import OperationKind, ShareKind
from tests.conftest import Auth
from tests.distribution_helpers import approve_plan, close_year
from tests.ledger_helpers import book_with_vouchers, make_voucher, run

D = Decimal
MEMBERS = (("陈大山", "TJ001", "6000", "20000.00"), ("王德明", "TJ002", "4000", "15000.00"),
           ("李桂兰", "TJ003", "3000", "5000.00"))


def _household(head: str) -> Household:
    return db.session.scalars(sa.select(Household).where(Household.head_name == head)).one()


@pytest.fixture
def cooperative(by_name: Any, app: Flask) -> Any:
    """建平藤椒: three members with capital and 2024 volumes; 2024 income 60,000.00 and a state
    subsidy of 9,000.00 received into 专项基金; its 2024 plan approved and booked."""
    org = by_name.org("jianping-tj")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    from coopledger.auth.models import Role
    from coopledger.auth.services import assign_role

    for user, role in ((accountant, Role.ACCOUNTANT), (reviewer, Role.REVIEWER)):
        assign_role(user, role, organisation=org, township=None, by=by_name.user("admin"))
    capital = shares.class_of(org, ShareKind.CAPITAL)
    today = dt.date(2026, 6, 1)
    for head, number, amount, volume in MEMBERS:
        household = _household(head)
        members.admit(org, household, member_number=number, joined_on=dt.date(2024, 1, 1),
                      source=MembershipSource.ORIGINAL, today=today, by=None)
        op = shares.request(org, kind=OperationKind.SUBSCRIBE, share_class=capital,
                            source=None, target=shares.household_account(org, household),
                            quantity=D(amount), on=dt.date(2024, 1, 1), today=today, by=None,
                            reason="入社出资", document=f"出资凭证 {number}")
        shares.approve(op, today=today, by=None)
        shares.complete(op, today=today, by=None)
        save_volumes(org, 2024, {household.id: volume}, by=None)
    book_with_vouchers(org, accountant, reviewer)
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 5), amount="60000.00",
                 summary="销售藤椒")
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 4, 8), amount="9000.00",
                 credit="311", summary="收到农业产业发展补助资金（形成专项基金）")
    close_year(org, 2024, accountant=accountant, reviewer=reviewer)
    plan = services.create_plan(org, 2024, services.PlanData(
        mode=Mode.COOPERATIVE, members_total=D("54000.00"), reserve_percent=D(10),
        volume_percent=D(60), reserve_quantify_by=QuantifyBy.VOLUME), by=accountant,
        today=dates.today())
    approve_plan(plan, by=accountant, storage=store())
    assert plan.voucher is not None
    run(plan.voucher, accountant, reviewer)
    db.session.commit()
    by_name.plan = plan
    return by_name


def test_the_reserve_and_the_subsidy_are_quantified_and_weigh_with_capital(
        cooperative: Any) -> None:
    """盈余公积 10 % of 60,000.00 = 6,000.00 quantified by volume (20,000 : 15,000 : 5,000 →
    3,000.00, 2,250.00, 750.00); 专项基金 9,000.00 equally (3,000.00 each). After the volume
    return (60 % of 54,000.00 = 32,400.00) the remaining 21,600.00 is split by capital +
    公积金份额 + 补助份额 = 12,000 : 9,250 : 6,750 → 9,257.14, 7,135.72 (the largest remainder),
    5,207.14 — not by capital alone (6,000 : 4,000 : 3,000)."""
    plan: Plan = cooperative.plan
    lines = {line.holder: line for line in plan.lines}
    assert plan.subsidy_property == D("9000.00")
    assert [(lines[f"{h}户"].reserve_share, lines[f"{h}户"].subsidy_share,
             lines[f"{h}户"].by_volume, lines[f"{h}户"].dividend) for h, *_ in MEMBERS] == [
        (D("3000.00"), D("3000.00"), D("16200.00"), D("9257.14")),
        (D("2250.00"), D("3000.00"), D("12150.00"), D("7135.72")),
        (D("750.00"), D("3000.00"), D("4050.00"), D("5207.14"))]
    assert sum((line.dividend + line.by_volume for line in plan.lines), D(0)) == D("54000.00")


def test_the_member_account_page_pdf_and_workbook(cooperative: Any, client: FlaskClient,
                                                  auth: Auth) -> None:
    chen = _household("陈大山")
    years = member_accounts.accounts_of(cooperative.org("jianping-tj"), [chen.id])[chen.id]
    assert [(y.year, y.capital, y.reserve_before, y.reserve_share, y.reserve_after,
             y.subsidy_share, y.volume, y.by_volume, y.dividend) for y in years] == [
        (2024, D("6000.00"), D("0.00"), D("3000.00"), D("3000.00"), D("3000.00"),
         D("20000.00"), D("16200.00"), D("9257.14"))]
    auth.login("accountant")
    base = f"/o/jianping-tj/distribution/members/{chen.id}/account"
    page = client.get(base).get_data(as_text=True)
    row = page[page.index("<td>2024</td>"):].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[:10]] == [
        "2024", "6,000.00", "0.00", "3,000.00", "3,000.00", "3,000.00", "20,000.00",
        "16,200.00", "9,257.14", "0.00"]
    pdf = client.get(f"{base}.pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    sheet = load_workbook(io.BytesIO(client.get(
        "/o/jianping-tj/distribution/member-accounts.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("年度", "成员编号", "成员", "出资额")
    assert [r[1] for r in rows[1:]] == ["TJ001", "TJ002", "TJ003"]
    assert rows[2][5] == 2250      # 王德明's quantified 公积金 of 2024
    auth.login("member")                  # 陈大山's own login sees his account, not another's
    assert client.get(base).status_code == 200
    other = _household("王德明")
    assert client.get(f"/o/jianping-tj/distribution/members/{other.id}/account"
                      ).status_code == 403


def test_next_year_brings_the_quantified_reserve_forward(cooperative: Any) -> None:
    """2025: 陈大山's account starts with the 3,000.00 quantified in 2024, and it weighs in the
    2025 remainder with his capital."""
    org = cooperative.org("jianping-tj")
    accountant, reviewer = cooperative.user("accountant"), cooperative.user("reviewer")
    for head, _number, _amount, volume in MEMBERS:
        save_volumes(org, 2025, {_household(head).id: volume}, by=None)
    make_voucher(org, accountant, reviewer, on=dt.date(2025, 5, 5), amount="30000.00",
                 summary="销售藤椒")
    close_year(org, 2025, accountant=accountant, reviewer=reviewer)
    plan = services.create_plan(org, 2025, services.PlanData(
        mode=Mode.COOPERATIVE, members_total=D("27000.00"), reserve_percent=D(10),
        volume_percent=D(60)), by=accountant, today=dates.today())
    chen = next(line for line in plan.lines if line.holder == "陈大山户")
    assert (chen.reserve_before, chen.reserve_share) == (D("3000.00"), D("1500.00"))
    assert chen.weight == D("6000.0000") + D("3000.00") + D("1500.00") + D("3000.00")
