"""Households, persons and land through the web: refusals, masking by role, the member's view."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger.extensions import db
from coopledger.members.models import Contribution, Household, Parcel, Person
from tests.conftest import Auth

URL = "/o/shian-tdgf/households"
CHEN_ID = "511623196203150013"


def _household(head: str) -> Household:
    return db.session.scalars(sa.select(Household).where(Household.head_name == head)).one()


def test_accountant_registers_a_household_with_a_person_and_a_parcel(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("accountant")
    response = client.post(f"{URL}/new", data={"head_name": "赵春生", "phone": "139 0816 5555",
                                               "bank_account": "6231 5901 0009 9999 888"})
    household = _household("赵春生")
    assert response.headers["Location"] == f"{URL}/{household.id}"
    assert household.phone == "13908165555"
    assert household.village.code == "shian"
    client.post(f"{URL}/{household.id}/persons", data={
        "person-name": "赵春生", "person-id_number": "11010519491231002x",
        "person-relation": "head"})
    person = db.session.scalars(sa.select(Person).where(Person.name == "赵春生")).one()
    assert (person.id_number, person.gender, person.birth_on.isoformat()) == (
        "11010519491231002X", "F", "1949-12-31")
    client.post(f"{URL}/{household.id}/parcels", data={
        "parcel-code": "SA-09-001", "parcel-area": "2.1250", "parcel-grade_coefficient": "0.9"})
    parcel = db.session.scalars(sa.select(Parcel).where(Parcel.code == "SA-09-001")).one()
    assert (str(parcel.area), str(parcel.grade_coefficient)) == ("2.1250", "0.9000")


def test_the_same_id_number_cannot_be_entered_twice(client: FlaskClient, auth: Auth) -> None:
    auth.login("accountant")
    other = _household("王德明")
    page = client.post(f"{URL}/{other.id}/persons", data={
        "person-name": "陈大山", "person-id_number": CHEN_ID, "person-relation": "child"},
        follow_redirects=True).get_data(as_text=True)
    assert "身份证号已登记：陈大山，塔山镇石安村陈大山户。请勿重复录入。" in page
    assert db.session.scalar(sa.select(sa.func.count(Person.id)).where(
        Person.id_number == CHEN_ID)) == 1


def test_bad_parcels_are_refused_with_the_reason(client: FlaskClient, auth: Auth) -> None:
    auth.login("accountant")
    household = _household("王德明")
    before = len(household.parcels)
    for area, reason in (("0", "面积必须大于零"), ("1.23456", "面积“1.23456”最多只能有四位小数"),
                         ("abc", "不是有效的数字")):
        page = client.post(f"{URL}/{household.id}/parcels", data={
            "parcel-code": "X1", "parcel-area": area, "parcel-grade_coefficient": "1"},
            follow_redirects=True).get_data(as_text=True)
        assert reason in page
    db.session.expire_all()
    assert len(_household("王德明").parcels) == before


def test_a_parcel_cannot_be_contributed_twice_or_before_joining(client: FlaskClient,
                                                                auth: Auth) -> None:
    auth.login("accountant")
    household = _household("张福生")
    parcel = household.parcels[0]
    page = client.post(f"/o/shian-tdgf/parcels/{parcel.id}/contribute", data={"on": "2025-03-01"},
                       follow_redirects=True).get_data(as_text=True)
    assert "这块地自 2024-01-01 起已入股，同一时间不能入股两次" in page
    contribution = parcel.contributions[0]
    # the land shares the parcel gave end with it: refused unless a buy-back is drafted
    refused = client.post(f"/o/shian-tdgf/contributions/{contribution.id}/withdraw",
                          data={"on": "2025-02-28"}, follow_redirects=True).get_data(
        as_text=True)
    assert f"张福生户 仍持有地块 {parcel.code} 折的" in refused
    assert db.session.get(Contribution, contribution.id).withdrawn_on is None  # type: ignore[union-attr]
    done = client.post(f"/o/shian-tdgf/contributions/{contribution.id}/withdraw",
                       data={"on": "2025-02-28", "buy_back": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "该地块折的土地股已起草回购申请" in done
    assert db.session.get(Contribution, contribution.id).withdrawn_on.isoformat() == (  # type: ignore[union-attr]
        "2025-02-28")
    from coopledger.shares.models import OperationKind, OperationState, ShareOperation

    buyback = db.session.scalars(sa.select(ShareOperation).where(
        ShareOperation.parcel_id == parcel.id,
        ShareOperation.kind == OperationKind.BUYBACK)).one()
    subscribed = db.session.scalars(sa.select(ShareOperation).where(
        ShareOperation.parcel_id == parcel.id,
        ShareOperation.kind == OperationKind.SUBSCRIBE)).first()
    assert subscribed is not None
    assert (buyback.state, buyback.quantity, buyback.effective_on) == (
        OperationState.DRAFT, subscribed.quantity, dt.date(2025, 2, 28))
    page = client.post(f"/o/shian-tdgf/parcels/{parcel.id}/contribute",
                       data={"on": "2023-06-01"}, follow_redirects=True).get_data(as_text=True)
    assert "在 2023-06-01 不是建平县石安土地股份合作社的成员" in page
    client.post(f"/o/shian-tdgf/parcels/{parcel.id}/contribute", data={"on": "2025-03-01"})
    assert len(db.session.get(Parcel, parcel.id).contributions) == 2  # type: ignore[union-attr]


def test_full_id_and_bank_numbers_only_for_the_accountant_and_cashier(
        client: FlaskClient, auth: Auth) -> None:
    household = _household("陈大山")
    auth.login("accountant")
    page = client.get(f"{URL}/{household.id}").get_data(as_text=True)
    assert CHEN_ID in page
    assert "6231590100012345678" in page
    for user in ("reviewer", "auditor"):
        auth.login(user)
        page = client.get(f"{URL}/{household.id}").get_data(as_text=True)
        assert CHEN_ID not in page
        assert "511623********0013" in page
        assert "***************5678" in page
        assert "139****1234" in page


def test_contributed_area_per_village_and_household(client: FlaskClient, auth: Auth) -> None:
    auth.login("accountant")
    page = client.get(f"{URL}/").get_data(as_text=True)
    assert "石安村 11.7200 亩" in page
    row = re.search(r">陈大山</a>.*?<td class=\"num\">([^<]*)</td>", page, re.S)
    assert row is not None
    assert row.group(1) == "2.7700"


def test_member_sees_only_their_own_household(client: FlaskClient, auth: Auth) -> None:
    auth.login("member")
    page = client.get("/my/household").get_data(as_text=True)
    assert "陈大山户" in page
    assert "SA-01-012" in page
    assert "建平县石安土地股份合作社：2024-01-01" in page
    assert "511623********0013" in page
    assert CHEN_ID not in page
    assert "王德明" not in page
    other = _household("王德明")
    assert client.get(f"{URL}/{other.id}").status_code == 403
    assert client.get(f"{URL}/").status_code == 403


def test_accountant_opens_a_members_login_who_must_change_the_password(
        client: FlaskClient, auth: Auth) -> None:
    from coopledger.auth.models import User

    auth.login("accountant")
    household = _household("王德明")
    page = client.post(f"{URL}/{household.id}/open-login", data={"username": "wangdeming"},
                       follow_redirects=True).get_data(as_text=True)
    match = re.search(r"已开通社员账号 wangdeming，初始密码：([a-z0-9-]+)", page)
    assert match is not None
    user = db.session.scalars(sa.select(User).where(User.username == "wangdeming")).one()
    assert user.must_change_password
    assert [(a.role.value, a.organisation.code if a.organisation else None)
            for a in user.assignments] == [("member", "shian-tdgf")]
    again = client.post(f"{URL}/{household.id}/open-login", data={"username": "wdm2"},
                        follow_redirects=True).get_data(as_text=True)
    assert "这一户已经有社员登录账号" in again
    auth.login("wangdeming", match.group(1))
    assert client.get("/my/household").headers["Location"] == "/auth/password"
    client.post("/auth/password", data={"current": match.group(1), "new": "wdm-2026-phone",
                                        "confirm": "wdm-2026-phone"})
    page = client.get("/my/household").get_data(as_text=True)
    assert "王德明户" in page
    assert "陈大山" not in page


def test_an_id_registered_elsewhere_is_not_named_and_lookups_are_limited(
        client: FlaskClient, auth: Auth) -> None:
    """金石村's accountant (another township) types 陈大山's ID number: refused, but neither his
    name nor household is shown — only that it is registered in 塔山镇, whom to ask. Twenty
    such lookups in an hour and the form stops checking ID numbers for that user."""
    auth.login("jinshi-kj")
    url = "/o/jinshi-jjhzs/households"
    client.post(f"{url}/new", data={"head_name": "孙金石"})
    household = _household("孙金石")
    page = client.post(f"{url}/{household.id}/persons", data={
        "person-name": "某人", "person-id_number": CHEN_ID, "person-relation": "head"},
        follow_redirects=True).get_data(as_text=True)
    assert "这个身份证号已在别处登记（塔山镇），不能重复录入" in page
    assert "陈大山" not in page
    for _ in range(19):
        client.post(f"{url}/{household.id}/persons", data={
            "person-name": "某人", "person-id_number": CHEN_ID, "person-relation": "head"})
    page = client.post(f"{url}/{household.id}/persons", data={
        "person-name": "孙金石", "person-id_number": "11010519491231002x",
        "person-relation": "head"}, follow_redirects=True).get_data(as_text=True)
    assert "暂停核对身份证号" in page
    assert db.session.scalar(sa.select(sa.func.count(Person.id)).where(
        Person.household_id == household.id)) == 0


def test_a_household_leaving_with_shares_gets_their_buy_back_drafted_or_is_refused(
        client: FlaskClient, auth: Auth) -> None:
    """退社 with land shares still held: refused naming them unless the buy-back is asked for;
    then the membership ends and one draft buy-back request per class holds what was held."""
    from coopledger.members.models import Membership
    from coopledger.shares.models import OperationKind, OperationState, ShareOperation

    auth.login("accountant")
    household = _household("王德明")
    url = f"{URL}/{household.id}/leave"
    refused = client.post(url, data={"on": "2025-06-30"}, follow_redirects=True).get_data(
        as_text=True)
    assert "王德明户 退社时仍持有 土地股" in refused
    membership = db.session.scalars(sa.select(Membership).join(Membership.organisation).where(
        Membership.household_id == household.id,
        Membership.organisation.has(code="shian-tdgf"))).one()
    assert membership.left_on is None
    page = client.get(f"{URL}/{household.id}").get_data(as_text=True)
    assert 'name="buy_back" value="1" checked' in page
    done = client.post(url, data={"on": "2025-06-30", "buy_back": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已办理退社，所持股份已起草回购申请" in done
    db.session.refresh(membership)
    assert membership.left_on == dt.date(2025, 6, 30)
    drafted = db.session.scalars(sa.select(ShareOperation).where(
        ShareOperation.kind == OperationKind.BUYBACK,
        ShareOperation.state == OperationState.DRAFT)).all()
    assert [(op.share_class.name, op.effective_on) for op in drafted] == [
        ("土地股", dt.date(2025, 6, 30))]
    assert drafted[0].quantity > 0
