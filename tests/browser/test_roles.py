"""One journey per kind of user in Chromium: log in through the form, land on the role's home
page, and be refused another organisation's page; plus the phone layout and a live progress bar.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from coopledger.auth.models import User
from coopledger.extensions import db
from coopledger.jobs import services as jobs
from tests.browser.conftest import LiveServer, log_in

pytestmark = pytest.mark.browser

REFUSAL = "您没有权限查看或操作此页面。"


@pytest.mark.parametrize(("username", "home_text", "foreign"), [
    ("accountant", ["我的组织", "建平县塔山镇石安村股份经济合作社", "建平县石安土地股份合作社"],
     "/o/jinshi-jjhzs/"),
    ("reviewer", ["我的组织", "审核"], "/o/jianping-tj/"),
    ("cashier", ["建平县塔山镇石安村股份经济合作社", "出纳"], "/o/shian-tdgf/"),
    ("supervisor", ["建平县塔山镇石安村股份经济合作社", "民主理财小组/监事会"], "/o/shian-tdgf/"),
    ("member", ["我所在的合作社", "建平县石安土地股份合作社", "社员"], "/o/shian-jjhzs/"),
    ("auditor", ["我负责审计的乡镇", "塔山镇", "建平县建平藤椒种植专业合作社"], "/o/jinshi-jjhzs/"),
    ("jinshi-kj", ["建平县金石镇金石村股份经济合作社"], "/o/shian-tdgf/"),
])
def test_role_logs_in_lands_home_and_is_refused_a_foreign_organisation(
        page: Page, live_server: LiveServer, username: str, home_text: list[str],
        foreign: str) -> None:
    log_in(page, live_server, username)
    assert page.url == f"{live_server.url}/"
    for text in home_text:
        expect(page.locator("main")).to_contain_text(text)
    response = page.goto(f"{live_server.url}{foreign}")
    assert response is not None
    assert response.status == 403
    expect(page.locator(".error-message")).to_have_text(REFUSAL)


def test_admin_lands_on_the_setup_home_and_can_open_every_organisation(
        page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, "admin")
    expect(page.locator("#admin-home")).to_contain_text("系统设置")
    expect(page.locator("#admin-home dd").nth(2)).to_have_text("5")
    page.click("text=管理用户与角色")
    expect(page.locator("table.data")).to_contain_text("陈大山")
    response = page.goto(f"{live_server.url}/o/jinshi-jjhzs/")
    assert response is not None
    assert response.status == 200


def test_the_public_sees_the_landing_page_and_is_sent_to_login(
        page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("村社账本")
    page.goto(f"{live_server.url}/o/shian-tdgf/")
    assert page.url.startswith(f"{live_server.url}/auth/login")
    expect(page.locator(".flash-info")).to_have_text("请先登录。")


def test_wrong_password_shows_the_reason_on_the_form(page: Page,
                                                      live_server: LiveServer) -> None:
    log_in(page, live_server, "member", "wrong-password")
    expect(page.locator(".flash-error")).to_have_text("用户名或密码不正确。")


def test_pages_fit_a_360_pixel_phone(page: Page, live_server: LiveServer) -> None:
    log_in(page, live_server, "admin")
    for path in ("/", "/o/shian-tdgf/", "/admin/users/", "/audit/", "/admin/orgs/new"):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the phone"


def test_language_switch_turns_the_page_english(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/auth/login")
    page.click("button[value=en]")
    expect(page.locator("h1")).to_have_text("Log in")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("button[value=zh_CN]")
    expect(page.locator("h1")).to_have_text("登录")


def test_progress_bar_follows_a_job_without_reloading(page: Page,
                                                      live_server: LiveServer) -> None:
    with live_server.app.app_context():
        auditor = db.session.scalars(sa.select(User).where(User.username == "auditor")).one()
        job = jobs.start_job("audit.export", title="导出审计日志", params={
            "township_ids": [a.township_id for a in auditor.assignments]}, by=auditor)
        db.session.commit()
        job_id = job.id
    log_in(page, live_server, "auditor")
    page.goto(f"{live_server.url}/jobs/{job_id}")
    expect(page.locator("#job-state")).to_have_text("排队中")
    assert page.locator("#job-download").is_hidden()
    page.evaluate("window.__same_page = true")
    with live_server.app.app_context():
        jobs.execute_job(job_id)
    expect(page.locator("#job-state")).to_have_text("已完成")
    expect(page.locator("#job-percent")).to_have_text("100")
    expect(page.locator("#job-download")).to_be_visible()
    assert page.evaluate("window.__same_page") is True
    with page.expect_download() as download:
        page.click("#job-download-link")
    assert download.value.suggested_filename == "audit-log.xlsx"
