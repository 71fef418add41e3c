"""Entering vouchers by keyboard alone (issue 19): Enter moves from cell to cell, the carried
摘要 is selected so Enter keeps it and typing replaces it, "=" fills the amount that
balances, Ctrl+Enter saves and opens the next voucher with the date kept, Ctrl+S saves, and
lines nobody typed into are left out. The test counts the keystrokes of a three-line voucher
and prints them (target ≤ 40)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, log_in, open_books

pytestmark = pytest.mark.browser


class Keys:
    """The keyboard, counting keystrokes (a typed character is one, so is a key press)."""

    def __init__(self, page: Page) -> None:
        self.page, self.count = page, 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.count += 1


def _saved(server: LiveServer) -> list[list[tuple[str, str, Decimal, Decimal]]]:
    from coopledger.extensions import db
    from coopledger.ledger.models import Voucher

    with server.app.app_context():
        found = db.session.scalars(sa.select(Voucher).order_by(Voucher.id)).all()
        result = [[(ln.summary, ln.account.code, ln.debit, ln.credit) for ln in v.lines]
                  for v in found if v.lines and v.lines[0].summary.startswith("键盘")]
        db.session.remove()
        return result


def test_three_vouchers_by_keyboard_alone(page: Page, live_server: LiveServer) -> None:
    open_books(live_server, "shian-jjhzs")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}/o/shian-jjhzs/vouchers/new")
    day = page.input_value("input[name=on]")
    keys = Keys(page)
    page.focus("input[name=attachment_count]")
    keys.press("Enter")                      # not a half-filled save: on to the first 摘要
    expect(page.locator("input[name='lines-0-summary']")).to_be_focused()
    keys.count = 0
    # a three-line voucher: rent received, split over two income accounts, "=" for the last
    keys.type("键盘收租")
    keys.press("Enter")
    keys.type("102")
    keys.press("Enter")
    keys.type("1000")
    keys.press("Enter", "Enter")             # no credit; on to line 2, its 摘要 carried
    keys.press("Enter")                      # keep the carried 摘要
    keys.type("501")
    keys.press("Enter", "Enter")             # no debit
    keys.type("600")
    keys.press("Enter")
    keys.type("键盘其他")                     # typing replaces the carried 摘要
    keys.press("Enter")
    keys.type("502")
    keys.press("Enter", "Enter")
    keys.press("=")                          # the amount that balances: 400
    expect(page.locator("input[name='lines-2-credit']")).to_have_value("400.00")
    expect(page.locator("#balance-state")).to_have_text("✓")
    three_lines = keys.count
    keys.press("Control+Enter")              # 保存并新增
    print(f"\nkeystrokes for a three-line voucher: {three_lines} (target ≤ 40), "
          f"with saving: {keys.count}")
    assert three_lines <= 40
    expect(page.locator(".flash-success")).to_contain_text("请录入下一张")
    expect(page.locator("input[name=on]")).to_have_value(day)
    # the second: two lines, then Enter walks through the empty third line and on; typing
    # starts once the new page's scripts run (on a busy machine the flash shows before that)
    page.wait_for_load_state("load")
    page.focus("input[name='lines-0-summary']")
    keys.type("键盘付款")
    keys.press("Enter")
    keys.type("521")
    keys.press("Enter")
    keys.type("250")
    keys.press("Enter", "Enter", "Enter")    # line 2: carried 摘要 kept
    keys.type("101")
    keys.press("Enter", "Enter", "=")
    keys.press("Enter", "Enter")             # into line 3: its 摘要 is carried, nothing typed
    keys.press("Control+Enter")
    expect(page.locator(".flash-success")).to_contain_text("请录入下一张")
    # the third, saved with Ctrl+S
    page.wait_for_load_state("load")
    page.focus("input[name='lines-0-summary']")
    keys.type("键盘存现")
    keys.press("Enter")
    keys.type("102")
    keys.press("Enter")
    keys.type("300")
    keys.press("Enter", "Enter", "Enter")
    keys.type("101")
    keys.press("Enter", "Enter", "=", "Control+s")
    expect(page.locator(".flash-success")).to_have_text("凭证已保存为草稿。")
    zero, d = Decimal("0.00"), Decimal
    assert _saved(live_server) == [
        [("键盘收租", "102", d("1000.00"), zero), ("键盘收租", "501", zero, d("600.00")),
         ("键盘其他", "502", zero, d("400.00"))],
        [("键盘付款", "521", d("250.00"), zero), ("键盘付款", "101", zero, d("250.00"))],
        [("键盘存现", "102", d("300.00"), zero), ("键盘存现", "101", zero, d("300.00"))],
    ]


def test_deleting_a_draft_asks_first_and_names_it(page: Page, live_server: LiveServer) -> None:
    """Confirm what cannot be undone: the question names the draft; "cancel" keeps it."""
    from coopledger.auth.models import User
    from coopledger.extensions import db
    from coopledger.ledger.models import Voucher
    from coopledger.orgs.models import Organisation
    from tests.ledger_helpers import make_voucher

    open_books(live_server, "shian-jjhzs")
    with live_server.app.app_context():
        org = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "shian-jjhzs")).one()
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        draft = make_voucher(org, users["accountant"], users["reviewer"], upto="draft",
                             summary="待删除的草稿")
        draft_id = draft.id
        db.session.commit()
        db.session.remove()
    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}/o/shian-jjhzs/vouchers/{draft_id}")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("button:has-text('删除草稿')")
    expect(page.locator("h1")).to_have_text(f"记账凭证 #{draft_id}")   # still there
    assert len(asked) == 1
    assert "待删除的草稿" in asked[0]
    assert "删除后不能恢复" in asked[0]
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('删除草稿')")
    expect(page.locator(".flash-success")).to_have_text("草稿已删除。")
    with live_server.app.app_context():
        assert db.session.get(Voucher, draft_id) is None
        db.session.remove()


def test_accounts_are_found_by_initials_name_and_member(page: Page,
                                                       live_server: LiveServer) -> None:
    """The 科目 field's list: pinyin initials (kcxj → 101 库存现金), a parent's initials list
    its sub-accounts, part of a name, a member's number or name; arrows move, Enter takes the
    highlighted account and goes on to the debit cell, Esc closes the list; only leaf
    accounts are offered."""
    from coopledger.extensions import db
    from coopledger.ledger import books
    from coopledger.orgs.models import Organisation

    open_books(live_server, "shian-jjhzs")
    with live_server.app.app_context():
        org = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "shian-jjhzs")).one()
        by_code = books.accounts_by_code(org)
        if "11301" not in by_code:                       # a member's sub-ledger, once
            books.add_subaccount(by_code["113"], code="11301", name="0001-陈大山",
                                 member_ledger=True, by=None)
            books.add_subaccount(by_code["113"], code="11302", name="0002-王德明",
                                 member_ledger=True, by=None)
            db.session.commit()
        db.session.remove()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "accountant")
    page.goto(f"{live_server.url}/o/shian-jjhzs/vouchers/new")
    page.wait_for_load_state("load")
    field = page.locator("input[name='lines-0-account']")
    listed = page.locator("#account-suggestions li")
    field.focus()
    page.keyboard.type("kcxj")
    expect(listed.first).to_have_text("101 库存现金")
    page.keyboard.press("Enter")
    expect(field).to_have_value("101 库存现金")
    expect(page.locator("input[name='lines-0-debit']")).to_be_focused()
    expect(page.locator("#account-suggestions")).to_be_hidden()
    # a parent's initials list its leaves, never the parent itself; arrows choose
    field.fill("")
    field.focus()
    page.keyboard.type("nbwl")
    expect(listed).to_have_text(["11301 内部往来—0001-陈大山", "11302 内部往来—0002-王德明"])
    page.keyboard.press("ArrowDown")
    expect(listed.nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(field).to_have_value("11302 内部往来—0002-王德明")
    # a member by number or by name; part of an account's name
    member = "11301 内部往来—0001-陈大山"
    for typed, first in (("0001", member), ("陈大山", member), ("银行", "102 银行存款")):
        field.fill("")
        field.focus()
        page.keyboard.type(typed)
        expect(listed.first).to_have_text(first)
    page.keyboard.press("Escape")
    expect(page.locator("#account-suggestions")).to_be_hidden()
    expect(field).to_have_value("银行")
    expect(field).to_be_focused()
