"""An accountant runs the land-share cooperative's 2024 plan to approval on a phone; the member
then sees the household's figures and opens the statement."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from coopledger.auth.models import User
from coopledger.distribution.models import Plan
from coopledger.extensions import db
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.orgs.models import Organisation
from tests.browser.conftest import LiveServer, log_in
from tests.browser.test_money_alignment import aligned
from tests.browser.test_phone_reading import _crawl as crawl
from tests.distribution_helpers import close_2024

pytestmark = pytest.mark.browser


class _Lookup:
    def org(self, code: str) -> Organisation:
        return db.session.scalars(sa.select(Organisation).where(
            Organisation.code == code)).one()

    def user(self, username: str) -> User:
        return db.session.scalars(sa.select(User).where(User.username == username)).one()


def _closed_2024(server: LiveServer) -> None:
    with server.app.app_context():
        close_2024(_Lookup())
        db.session.commit()


def test_plan_to_approval_then_the_member_opens_the_statement(
        page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    _closed_2024(live_server)
    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}/o/shian-tdgf")
    page.click("text=收益分配")
    page.click("text=编制分配方案")
    page.fill("input[name=year]", "2024")
    page.select_option("select[name=mode]", "land_share")
    page.fill("input[name=members_total]", "14,540.00")
    page.fill("input[name=reserve_percent]", "20")
    page.fill("input[name=member_cap_percent]", "60")
    page.fill("input[name=guarantee_per_mu]", "800")
    page.click("form.plan-form button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("已按账簿计算分配方案草案。")
    expect(page.locator("#distributable")).to_have_text("48,624.00")
    expect(page.locator("#lines-total")).to_have_text("14,540.00")
    for date in ("2025-01-10", "2025-01-20"):
        page.fill("#trail input[name=on]", date)
        page.click("#trail form button[type=submit]")
    expect(page.locator("#plan-state")).to_contain_text("监事会已审核")
    scan = tmp_path / "决议.png"
    scan.write_bytes(PLACEHOLDER_PNG)
    page.fill("#trail input[name=resolution_no]", "成员大会决议〔2025〕1号")
    page.fill("#trail input[name=on]", "2025-02-01")
    page.set_input_files("#trail input[name=file]", str(scan))
    page.click("#trail form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("方案已通过，分配凭证草稿已生成")
    expect(page.locator("#plan-state")).to_contain_text("成员(代表)大会已通过")
    # the plan's amounts read like money, right-aligned, on the phone too
    cells = aligned(page, "table td.num")
    assert len(cells) >= 10
    assert {align for align, _text in cells} == {"right"}
    assert "48,624.00" in [text for _align, text in cells]

    log_in(page, live_server, "member")
    seen = crawl(page, live_server, "/")       # every page the member reaches, on the phone
    assert f"{live_server.url}/my/household" in seen
    page.goto(f"{live_server.url}/my/household")
    card = page.locator(".statement-card").first
    expect(card).to_contain_text("2024 年")
    expect(card).to_contain_text("2,590.00")
    expect(card).to_contain_text("贰仟伍佰玖拾元整")
    href = card.locator("a:has-text('下载分配明细单')").get_attribute("href")
    assert href is not None
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "陈大山户" in text
    assert "2,590.00" in text
    with live_server.app.app_context():
        plan: Any = db.session.scalars(sa.select(Plan)).one()
        assert plan.voucher is not None
