"""Shared households have an owner (issue 16): the organisation that registered a household
and its village's collective keep its identity data; another organisation it belongs to keeps
only its own payout account, and sees every change in the household's history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger.auth.models import RoleAssignment, User
from coopledger.auth.roles import Role
from coopledger.dates import utcnow
from coopledger.extensions import db
from coopledger.members import queries, services
from coopledger.members.models import Household, MembershipSource, Person
from tests.conftest import Auth

TJ = "/o/jianping-tj/households"
TDGF = "/o/shian-tdgf/households"


@pytest.fixture
def shared(by_name: Any) -> Household:
    """王德明户 of 石安村 (kept by the village collective, a member of 石安土地股份合作社) also
    joins 建平藤椒种植专业合作社, whose accountant is 罗春梅 (tj-kj)."""
    household = db.session.scalars(sa.select(Household).where(
        Household.head_name == "王德明")).one()
    tj = by_name.org("jianping-tj")
    services.admit(tj, household, member_number="TJ-901", joined_on=dt.date(2025, 3, 1),
                   source=MembershipSource.ORIGINAL, today=dt.date(2026, 12, 1), by=None)
    user = User(username="tj-kj", display_name="罗春梅", password_hash=by_name.user(
        "accountant").password_hash, must_change_password=False, created_at=utcnow())
    db.session.add(user)
    db.session.add(RoleAssignment(user=user, role=Role.ACCOUNTANT, organisation=tj))
    db.session.commit()
    return household


def test_the_village_collective_keeps_a_household_registered_in_the_sample(
        shared: Household, by_name: Any) -> None:
    assert shared.owner_organisation_id == by_name.org("shian-jjhzs").id
    assert [o.code for o in queries.identity_keepers(shared)] == ["shian-jjhzs"]


def test_another_organisation_cannot_change_identity_data_or_the_login(
        client: FlaskClient, auth: Auth, shared: Household) -> None:
    auth.login("tj-kj")
    page = client.get(f"{TJ}/{shared.id}").get_data(as_text=True)
    assert f"{TJ}/{shared.id}/edit" not in page
    assert f"{TJ}/{shared.id}/persons" not in page
    assert f"{TJ}/{shared.id}/open-login" not in page
    assert "由 建平县塔山镇石安村股份经济合作社 登记和维护" in page
    bank, phone = shared.bank_account, shared.phone
    for path, data in (("edit", {"head_name": "王德明", "bank_name": "农业银行",
                                 "bank_account": "6228480012345678", "phone": "13800000000"}),
                       ("persons", {"person-name": "王某", "person-id_number": "110105195001010039",
                                    "person-relation": "child"}),
                       ("login", {"username": "tj-fh"}),
                       ("open-login", {"username": "wdm"})):
        assert client.post(f"{TJ}/{shared.id}/{path}", data=data).status_code == 403, path
    assert client.get(f"{TJ}/{shared.id}/edit").status_code == 403
    db.session.refresh(shared)
    assert (shared.bank_account, shared.phone, shared.user_id) == (bank, phone, None)
    assert db.session.scalar(sa.select(sa.func.count(Person.id)).where(
        Person.household_id == shared.id, Person.name == "王某")) == 0


def test_each_organisation_pays_into_its_own_account_and_the_keepers_see_the_change(
        client: FlaskClient, auth: Auth, shared: Household, by_name: Any) -> None:
    auth.login("tj-kj")
    response = client.post(f"{TJ}/{shared.id}/payout-account", data={
        "bank_name": "农业银行", "bank_account": "6228 4800 1234 5678"}, follow_redirects=True)
    assert "已保存本社发放账户。" in response.get_data(as_text=True)
    db.session.refresh(shared)
    tj, tdgf = by_name.org("jianping-tj"), by_name.org("shian-tdgf")
    assert queries.payout_account(shared, tj.id) == ("农业银行", "6228480012345678")
    assert queries.payout_account(shared, tdgf.id) == (shared.bank_name, shared.bank_account)
    assert shared.bank_account != "6228480012345678"
    refused = client.post(f"{TJ}/{shared.id}/payout-account", data={
        "bank_name": "农业银行", "bank_account": "12ab"}, follow_redirects=True)
    assert "银行账号应为8至30位数字。" in refused.get_data(as_text=True)

    auth.login("accountant")  # staff of the collective that keeps the household
    page = client.get(f"{TDGF}/{shared.id}").get_data(as_text=True)
    history = page.split('id="household-history"')[1]
    assert ('修改某社的收益发放账户 · 罗春梅 · <span class="muted">建平县建平藤椒种植专业合作社 '
            '王德明户</span>') in history
    assert "6228480012345678" not in page
    assert f"{TDGF}/{shared.id}/edit" in page
    edited = client.post(f"{TDGF}/{shared.id}/edit", data={
        "head_name": "王德明", "address": "石安村三组", "phone": "13900000001",
        "bank_name": shared.bank_name, "bank_account": shared.bank_account})
    assert edited.status_code == 302
    db.session.refresh(shared)
    assert shared.address == "石安村三组"


def test_a_household_registered_by_an_organisation_is_kept_by_it(
        client: FlaskClient, auth: Auth, shared: Household, by_name: Any) -> None:
    auth.login("tj-kj")
    response = client.post(f"{TJ}/new", data={"head_name": "罗新户"})
    assert response.status_code == 302
    made = db.session.scalars(sa.select(Household).where(Household.head_name == "罗新户")).one()
    assert made.owner_organisation_id == by_name.org("jianping-tj").id
    assert client.get(f"{TJ}/{made.id}/edit").status_code == 200
