"""User administration: creating accounts, assigning and revoking roles, resets."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger.audit.models import AuditEvent
from coopledger.auth.models import RoleAssignment
from coopledger.auth.passwords import verify_password
from coopledger.auth.roles import Role
from coopledger.extensions import db
from tests.conftest import Auth


def _flash_password(page: str) -> str:
    match = re.search(r"密码：([a-z0-9-]+)", page)
    assert match, page
    return match.group(1)


def test_admin_creates_a_user_who_must_change_the_generated_password(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("admin")
    response = client.post("/admin/users/new", data={"username": "Zhangsan",
                                                     "display_name": "张三", "password": ""},
                           follow_redirects=True)
    password = _flash_password(response.get_data(as_text=True))
    user = by_name.user("zhangsan")
    assert user.must_change_password
    assert verify_password(user.password_hash, password)
    assert user.password_hash.startswith("$argon2id$")
    org = by_name.org("shian-tdgf")
    response = client.post(f"/admin/users/{user.id}/roles", data={
        "role-role": "cashier", "role-organisation": org.id, "role-township": 0})
    assert response.status_code == 302
    assert [(a.role, a.organisation) for a in user.assignments] == [(Role.CASHIER, org)]
    auth.login("zhangsan", password)
    assert client.get("/o/shian-tdgf/").headers["Location"] == "/auth/password"


def test_duplicate_username_is_refused(client: FlaskClient, auth: Auth) -> None:
    auth.login("admin")
    response = client.post("/admin/users/new", data={"username": "member",
                                                     "display_name": "重复", "password": ""})
    assert "用户名“member”已被使用" in response.get_data(as_text=True)


def test_role_scope_must_match_the_role(client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("admin")
    user = by_name.user("member")
    count = len(user.assignments)
    response = client.post(f"/admin/users/{user.id}/roles", data={
        "role-role": "township_auditor", "role-organisation": 0, "role-township": 0},
        follow_redirects=True)
    assert "乡镇审计角色必须指定乡镇" in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{user.id}/roles", data={
        "role-role": "member", "role-organisation": by_name.org("shian-tdgf").id,
        "role-township": 0}, follow_redirects=True)
    assert "该用户已经拥有这一角色" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(by_name.user("member").assignments) == count


def test_revoking_a_role_removes_access_and_is_audited(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("admin")
    user = by_name.user("cashier")
    assignment_id = user.assignments[0].id
    response = client.post(f"/admin/users/{user.id}/roles/{assignment_id}/revoke")
    assert response.status_code == 302
    assert db.session.get(RoleAssignment, assignment_id) is None
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "user.revoke_role").order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert event.before == {"role": "cashier", "scope": "建平县塔山镇石安村股份经济合作社"}
    auth.login("cashier")
    assert client.get("/o/shian-jjhzs/").status_code == 403


def test_admin_cannot_revoke_own_admin_role_or_deactivate_self(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("admin")
    admin = by_name.user("admin")
    response = client.post(f"/admin/users/{admin.id}/roles/{admin.assignments[0].id}/revoke",
                           follow_redirects=True)
    assert "不能撤销自己的管理员角色" in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{admin.id}", data={"display_name": "管理员"})
    assert "不能停用自己的账号" in response.get_data(as_text=True)


def test_reset_password_forces_a_change(client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("admin")
    user = by_name.user("supervisor")
    response = client.post(f"/admin/users/{user.id}/reset-password", follow_redirects=True)
    password = _flash_password(response.get_data(as_text=True))
    assert by_name.user("supervisor").must_change_password
    auth.login("supervisor", password)
    assert client.get("/").headers["Location"] == "/auth/password"
