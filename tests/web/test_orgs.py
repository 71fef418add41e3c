"""Administering townships, villages and organisations; their pages; the register PDF."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger.audit.models import AuditEvent
from coopledger.extensions import db
from coopledger.orgs.models import AccountingStandard, Organisation, OrgKind, Township
from tests.conftest import Auth

VALID_CODE = "93511623MA6XD2K803"  # used by shian-tdgf


def _new_org_form(by_name: Any, **changes: Any) -> dict[str, Any]:
    form = {
        "code": "shian-guoshu", "name": "石安果蔬专业合作社", "kind": "professional_coop",
        "credit_code": "93511623MA6XG5R2XM", "standard": "coop_2021",
        "village": by_name.village("shian").id, "leading_org": 0,
    }
    form.update(changes)
    return form


def _last_event(action: str) -> AuditEvent:
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                               .order_by(AuditEvent.id.desc())).first()
    assert event is not None
    return event


def test_admin_registers_a_cooperative_led_by_the_village_collective(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    from coopledger.ids import credit_code_check_char

    code = "93511623MA6XG5R2X"
    code += credit_code_check_char(code)
    auth.login("admin")
    leader = by_name.org("shian-jjhzs")
    response = client.post("/admin/orgs/new", data=_new_org_form(
        by_name, credit_code=code.lower(), leading_org=leader.id))
    assert response.status_code == 302
    assert response.headers["Location"] == "/o/shian-guoshu/"
    org = by_name.org("shian-guoshu")
    assert (org.kind, org.standard, org.credit_code) == (
        OrgKind.PROFESSIONAL_COOP, AccountingStandard.COOP_2021, code)
    assert org.leading_org == leader
    event = _last_event("organisation.create")
    assert event.actor_name == "admin"
    assert event.after is not None
    assert event.after["credit_code"] == code
    assert event.township_id == by_name.township("tashan").id
    page = client.get("/o/shian-jjhzs/").get_data(as_text=True)
    assert "石安果蔬专业合作社" in page


def test_bad_credit_code_is_refused_and_nothing_is_saved(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("admin")
    before = db.session.scalar(sa.select(sa.func.count(Organisation.id)))
    response = client.post("/admin/orgs/new", data=_new_org_form(
        by_name, credit_code="93511623MA6XG5R2X0"))
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == before


def test_duplicate_credit_code_names_the_problem(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("admin")
    response = client.post("/admin/orgs/new", data=_new_org_form(by_name,
                                                                 credit_code=VALID_CODE))
    assert "统一社会信用代码 93511623MA6XD2K803 已登记在另一个组织名下" in response.get_data(
        as_text=True)


def test_collective_cannot_keep_cooperative_books(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("admin")
    response = client.post("/admin/orgs/new", data=_new_org_form(
        by_name, kind="village_collective", standard="coop_2021"))
    assert "这一类组织不能采用所选的会计制度" in response.get_data(as_text=True)


def test_leader_from_another_township_is_refused(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("admin")
    response = client.post("/admin/orgs/new", data=_new_org_form(
        by_name, leading_org=by_name.org("jinshi-jjhzs").id))
    assert "同一乡镇" in response.get_data(as_text=True)


def test_editing_an_organisation_records_before_and_after(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("admin")
    org = by_name.org("jianping-tj")
    form = _new_org_form(by_name, code="jianping-tj", name="建平县建平藤椒专业合作社",
                         credit_code=org.credit_code)
    response = client.post("/admin/orgs/jianping-tj/edit", data=form)
    assert response.status_code == 302
    event = _last_event("organisation.update")
    assert event.before is not None
    assert event.after is not None
    assert event.before["name"] == "建平县建平藤椒种植专业合作社"
    assert event.after["name"] == "建平县建平藤椒专业合作社"
    assert event.before["village_id"] == by_name.village("jianping").id
    assert event.after["village_id"] == by_name.village("shian").id


def test_a_collective_that_leads_a_cooperative_cannot_change_kind(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("admin")
    org = by_name.org("shian-jjhzs")
    form = _new_org_form(by_name, code=org.code, name=org.name, credit_code=org.credit_code,
                         kind="land_share_coop", standard="coop_2021")
    response = client.post("/admin/orgs/shian-jjhzs/edit", data=form)
    assert "正在领办合作社" in response.get_data(as_text=True)
    db.session.expire_all()
    assert by_name.org("shian-jjhzs").kind is OrgKind.VILLAGE_COLLECTIVE


def test_townships_and_villages_are_created_and_renamed(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("admin")
    response = client.post("/admin/townships", data={
        "code": "shiguan", "name": "石关镇", "county": "建平县"})
    assert response.status_code == 302
    township = by_name.township("shiguan")
    response = client.post("/admin/villages/new", data={
        "township": township.id, "code": "shiguan-cun", "name": "石关村"})
    assert response.status_code == 302
    village = by_name.village("shiguan-cun")
    assert village.township == township
    duplicate = client.post("/admin/villages/new", data={
        "township": township.id, "code": "shiguan-2", "name": "石关村"})
    assert "石关镇已有名为“石关村”的村" in duplicate.get_data(as_text=True)
    client.post(f"/admin/villages/{village.id}/edit", data={"code": "shiguan-cun",
                                                            "name": "石关社区"})
    assert by_name.village("shiguan-cun").name == "石关社区"
    assert _last_event("village.update").before == {
        "code": "shiguan-cun", "name": "石关村", "township_id": township.id}
    bad = client.post("/admin/townships", data={"code": "Bad Code", "name": "x",
                                                "county": "y"})
    assert "简码“Bad Code”无效" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(Township).where(Township.name == "x")) is None


def test_org_page_shows_the_registration_and_hides_edit_from_non_admins(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("accountant")
    page = client.get("/o/shian-tdgf/").get_data(as_text=True)
    assert "93511623MA6XD2K803" in page
    assert "建平县塔山镇石安村股份经济合作社" in page  # the leading collective
    assert "会计（制单）" in page
    assert "/admin/orgs/shian-tdgf/edit" not in page
    auth.login("admin")
    assert "/admin/orgs/shian-tdgf/edit" in client.get("/o/shian-tdgf/").get_data(as_text=True)


def test_auditor_township_page_lists_only_its_organisations(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("auditor")
    page = client.get("/t/tashan/").get_data(as_text=True)
    for name in ("建平县石安土地股份合作社", "建平县建平藤椒种植专业合作社",
                 "建平县塔山镇塔山村股份经济合作社"):
        assert name in page
    assert "金石村" not in page
