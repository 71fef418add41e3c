"""The permission matrix: every endpoint × every role × own and foreign objects.

A new endpoint fails ``test_every_endpoint_is_in_the_matrix`` until it is added here, so the
matrix keeps covering the whole app as later issues extend it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coopledger.extensions import db
from coopledger.jobs import services as jobs
from tests.conftest import Auth

ANON = "anonymous"
USERS = (ANON, "admin", "accountant", "reviewer", "cashier", "supervisor", "member", "auditor",
         "jinshi-kj")
EVERYONE = frozenset(USERS) - {ANON}


@dataclass(frozen=True)
class Case:
    """One request and who may make it."""

    name: str
    endpoint: str
    method: str
    path: Callable[[Any], str]
    allowed: frozenset[str]
    public: bool = False  # anonymous users get the page instead of the login redirect


def only(*users: str) -> frozenset[str]:
    return frozenset(users)


SHIAN_JJHZS = only("admin", "accountant", "reviewer", "cashier", "supervisor", "auditor")
SHIAN_TDGF = only("admin", "accountant", "reviewer", "member", "auditor")
ADMIN = only("admin")

CASES = [
    Case("home", "home.index", "GET", lambda w: "/", EVERYONE, public=True),
    Case("language", "home.set_language", "POST", lambda w: "/language", EVERYONE, public=True),
    Case("login page", "auth.login", "GET", lambda w: "/auth/login", EVERYONE, public=True),
    Case("logout", "auth.logout", "POST", lambda w: "/auth/logout", EVERYONE),
    Case("own password", "auth.change_password", "GET", lambda w: "/auth/password", EVERYONE),
    Case("org: village collective", "orgs.org", "GET", lambda w: "/o/shian-jjhzs/", SHIAN_JJHZS),
    Case("org: land-share coop", "orgs.org", "GET", lambda w: "/o/shian-tdgf/", SHIAN_TDGF),
    Case("org: other township", "orgs.org", "GET", lambda w: "/o/jinshi-jjhzs/",
         only("admin", "jinshi-kj")),
    Case("township: own", "orgs.township", "GET", lambda w: "/t/tashan/",
         only("admin", "auditor")),
    Case("township: other", "orgs.township", "GET", lambda w: "/t/jinshi/", ADMIN),
    Case("register pdf: own", "orgs.township_register_pdf", "GET",
         lambda w: "/t/tashan/register.pdf", only("admin", "auditor")),
    Case("register pdf: other", "orgs.township_register_pdf", "GET",
         lambda w: "/t/jinshi/register.pdf", ADMIN),
    Case("townships", "orgs.townships", "GET", lambda w: "/admin/townships", ADMIN),
    Case("add township", "orgs.townships", "POST", lambda w: "/admin/townships", ADMIN),
    Case("edit township", "orgs.edit_township", "GET",
         lambda w: f"/admin/townships/{w.township('tashan').id}/edit", ADMIN),
    Case("add village", "orgs.create_village", "GET", lambda w: "/admin/villages/new", ADMIN),
    Case("edit village", "orgs.edit_village", "GET",
         lambda w: f"/admin/villages/{w.village('shian').id}/edit", ADMIN),
    Case("organisations", "orgs.organisations", "GET", lambda w: "/admin/orgs", ADMIN),
    Case("register org", "orgs.create_organisation", "GET", lambda w: "/admin/orgs/new", ADMIN),
    Case("edit own org", "orgs.edit_organisation", "GET",
         lambda w: "/admin/orgs/shian-tdgf/edit", ADMIN),
    Case("edit own org (post)", "orgs.edit_organisation", "POST",
         lambda w: "/admin/orgs/shian-jjhzs/edit", ADMIN),
    Case("users", "users.index", "GET", lambda w: "/admin/users/", ADMIN),
    Case("create user", "users.create", "GET", lambda w: "/admin/users/new", ADMIN),
    Case("edit user", "users.edit", "GET", lambda w: f"/admin/users/{w.user('member').id}",
         ADMIN),
    Case("add role", "users.add_role", "POST",
         lambda w: f"/admin/users/{w.user('member').id}/roles", ADMIN),
    Case("revoke role", "users.revoke_role", "POST",
         lambda w: (f"/admin/users/{w.user('member').id}/roles/"
                    f"{w.user('member').assignments[0].id}/revoke"), ADMIN),
    Case("reset password", "users.reset_password", "POST",
         lambda w: f"/admin/users/{w.user('member').id}/reset-password", ADMIN),
    Case("audit log", "audit.index", "GET", lambda w: "/audit/", only("admin", "auditor")),
    Case("audit export", "audit.export", "POST", lambda w: "/audit/export",
         only("admin", "auditor")),
    Case("auditor's job", "jobs.show", "GET", lambda w: f"/jobs/{w.job_id}",
         only("admin", "auditor")),
    Case("auditor's job status", "jobs.status", "GET", lambda w: f"/jobs/{w.job_id}.json",
         only("admin", "auditor")),
    Case("auditor's job result", "jobs.download", "GET", lambda w: f"/jobs/{w.job_id}/download",
         only("admin", "auditor")),
]


@pytest.fixture
def world(by_name: Any) -> Any:
    """Sample-world lookups plus a finished export job started by the township auditor."""
    job = jobs.start_job("audit.export", title="导出", params={"township_ids": [
        by_name.township("tashan").id]}, by=by_name.user("auditor"))
    db.session.commit()
    jobs.execute_job(job.id)
    by_name.job_id = job.id
    return by_name


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_matrix(client: FlaskClient, auth: Auth, world: Any, case: Case, user: str) -> None:
    if user != ANON:
        auth.login(user)
    path = case.path(world)
    response = client.open(path, method=case.method)
    status = response.status_code
    response.close()
    if user == ANON and not case.public:
        assert status == 302
        assert response.headers["Location"].startswith("/auth/login")
    elif user in case.allowed or (user == ANON and case.public):
        assert status in (200, 302), f"{user} should reach {case.method} {path}, got {status}"
        if status == 302:
            assert not response.headers["Location"].startswith("/auth/login")
    else:
        assert status == 403, f"{user} must be refused {case.method} {path}, got {status}"
        assert "您没有权限查看或操作此页面" in response.get_data(as_text=True)


def test_every_endpoint_is_in_the_matrix(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    covered = {case.endpoint for case in CASES}
    assert endpoints - covered == set()


@pytest.mark.parametrize(("user", "links", "hidden"), [
    ("admin", ["/admin/users/", "/admin/orgs", "/audit/"], []),
    ("auditor", ["/audit/", "/t/tashan/"], ["/admin/users/", "/admin/orgs"]),
    ("accountant", ["/o/shian-jjhzs/", "/o/shian-tdgf/"], ["/admin/users/", "/audit/"]),
    ("member", ["/o/shian-tdgf/"], ["/admin/users/", "/audit/", "/o/shian-jjhzs/"]),
])
def test_home_shows_only_what_the_user_may_open(client: FlaskClient, auth: Auth, user: str,
                                                links: list[str], hidden: list[str]) -> None:
    auth.login(user)
    page = client.get("/").get_data(as_text=True)
    for link in links:
        assert f'href="{link}"' in page, link
    for link in hidden:
        assert f'href="{link}"' not in page, link


def test_org_page_links_only_to_what_the_viewer_may_open(client: FlaskClient,
                                                         auth: Auth) -> None:
    auth.login("member")
    page = client.get("/o/shian-tdgf/").get_data(as_text=True)
    assert "建平县塔山镇石安村股份经济合作社" in page
    assert 'href="/o/shian-jjhzs/"' not in page
    assert 'href="/t/tashan/"' not in page
    auth.login("auditor")
    page = client.get("/o/shian-tdgf/").get_data(as_text=True)
    assert 'href="/o/shian-jjhzs/"' in page
    assert 'href="/t/tashan/"' in page
