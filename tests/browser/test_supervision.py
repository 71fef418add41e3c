"""The township auditor, on a phone, opens the dashboard, follows a red warning to the voucher
behind it and records a finding; the cooperative's accountant answers it; the auditor closes it.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ORG = "jianping-tj"


def _prepare(server: LiveServer) -> int:
    """藤椒合作社's books opened this year, an expense paid in cash with no receipt (白条),
    an audit open; its own accountant. Returns the voucher's id."""
    from coopledger.auth import services as accounts
    from coopledger.auth.models import User
    from coopledger.auth.roles import Role
    from coopledger.dates import today
    from coopledger.extensions import db
    from coopledger.orgs.models import Organisation
    from coopledger.supervision import services
    from tests.ledger_helpers import book_with_vouchers, make_voucher

    with server.app.app_context():
        org = db.session.scalars(sa.select(Organisation).where(Organisation.code == ORG)).one()
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        accountant, _ = accounts.create_user(
            username="tj-browser-kj", display_name="藤椒会计", password=PASSWORD, by=None,
            min_password_length=8, must_change_password=False)
        accounts.assign_role(accountant, Role.ACCOUNTANT, organisation=org, township=None,
                             by=None)
        on = today()
        book_with_vouchers(org, accountant, users["admin"], on=dt.date(on.year, 1, 1))
        slip = make_voucher(org, accountant, users["admin"], on=on, amount="380.00",
                            debit="523", credit="101", summary="购买农药（无发票）")
        services.open_audit(org, scope="本年度现金收支专项检查", period_from=dt.date(on.year, 1, 1),
                            period_to=on, sample_size=0, seed=1, by=users["auditor"])
        db.session.commit()
        return slip.id


def test_auditor_follows_a_red_warning_to_the_voucher_and_the_accountant_answers(
        page: Page, live_server: LiveServer) -> None:
    voucher_id = _prepare(live_server)
    log_in(page, live_server, "auditor")
    page.click("nav >> text=乡镇监督")
    row = page.locator(f"tr[data-org='{ORG}']")
    expect(row).to_have_attribute("data-colour", "red")
    row.locator("td >> nth=1 >> a").click()
    slips = page.locator("li[data-rule='white_slip']")
    expect(slips).to_contain_text("支出凭证无原始凭证（白条）")
    expect(slips).to_contain_text("380.00")
    slips.locator(f"a[href$='/vouchers/{voucher_id}']").click()
    expect(page.locator("h1")).to_contain_text("记账凭证")
    page.click("#record-finding")
    expect(page.locator("textarea[name=records]")).to_have_value(f"voucher:{voucher_id}")
    page.select_option("select[name=severity]", "major")
    page.fill("input[name=title]", "现金购买农药无发票")
    page.fill("textarea[name=detail]", "380 元现金支出未附任何原始凭证。")
    page.click("form.form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("已记录问题")
    expect(page.locator("#finding-state")).to_have_text("待整改")
    expect(page.locator("#finding-records a")).to_have_attribute(
        "href", f"/o/{ORG}/vouchers/{voucher_id}")
    finding_url = page.url

    log_in(page, live_server, "tj-browser-kj")
    page.goto(finding_url)
    expect(page.locator("#close")).to_have_count(0)
    page.fill("textarea[name=response]", "已向农资店补开发票并附于凭证后。")
    page.click("#respond button[type=submit]")
    expect(page.locator("#finding-state")).to_have_text("整改中（已答复）")
    expect(page.locator("#finding-response")).to_contain_text("已向农资店补开发票")

    log_in(page, live_server, "auditor")
    page.goto(finding_url)
    page.fill("textarea[name=note]", "已核对发票。")
    page.click("#close input[name=close]")
    expect(page.locator("#finding-state")).to_have_text("已销号")
