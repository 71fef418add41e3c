"""What waits for me on the home page (issue 19): the reviewer sees the vouchers to review
(not their own), the cashier those to confirm, the poster those to post, and a voucher sent
back shows on its preparer's home at once with the reason — each decided by the voucher's
steps rule, so the home page and the voucher page agree."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask.testing import FlaskClient

from coopledger.extensions import db
from coopledger.ledger import books, vouchers
from coopledger.ledger.work_queue import waiting_for
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers, make_voucher


def _queue(page: str, key: str) -> str:
    found = re.search(rf'<li class="[^"]*queue-{key}">(.*?)</li>', page, re.S)
    return found.group(1) if found else ""


def test_each_role_sees_what_waits_for_it(client: FlaskClient, auth: Auth,
                                           by_name: Any) -> None:
    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    books.set_cashier_confirms(org, True, by=accountant)
    for day in (5, 6):
        make_voucher(org, accountant, reviewer, upto="submitted", on=dt.date(2024, 3, day),
                     summary=f"收到租金{day}")
    make_voucher(org, accountant, reviewer, upto="reviewed", on=dt.date(2024, 3, 7),
                 summary="收到租金7")
    sent_back = make_voucher(org, accountant, reviewer, upto="submitted",
                             on=dt.date(2024, 3, 8), summary="收到租金8")
    vouchers.reject_voucher(sent_back, reason="附件不全，请补充租赁合同", by=reviewer)
    db.session.commit()

    auth.login("reviewer")
    page = client.get("/").get_data(as_text=True)
    assert "待审核 <strong>2</strong>" in _queue(page, "to_review")
    assert "收到租金5" in _queue(page, "to_review")
    assert _queue(page, "sent_back") == ""             # the accountant's, not the reviewer's

    auth.login("cashier")
    page = client.get("/").get_data(as_text=True)
    assert "待出纳确认 <strong>1</strong>" in _queue(page, "to_confirm")
    assert _queue(page, "to_review") == ""

    auth.login("accountant")
    page = client.get("/").get_data(as_text=True)
    assert "收到租金8" in _queue(page, "sent_back")
    assert "附件不全，请补充租赁合同" in _queue(page, "sent_back")
    assert _queue(page, "to_review") == ""             # their own vouchers are not theirs to review

    auth.login("member")
    assert "等我处理" not in client.get("/").get_data(as_text=True)


def test_a_draft_waiting_a_week_is_listed_and_the_rule_decides(by_name: Any) -> None:
    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    draft = make_voucher(org, accountant, reviewer, upto="draft", on=dt.date(2024, 3, 5))
    made = draft.created_at.date()
    assert not waiting_for(org, accountant, today=made + dt.timedelta(days=7)).stale_drafts
    assert waiting_for(org, accountant, today=made + dt.timedelta(days=8)).stale_drafts \
        .vouchers == [draft]
    assert not waiting_for(org, reviewer, today=made + dt.timedelta(days=30)).stale_drafts
    submitted = make_voucher(org, accountant, reviewer, upto="submitted", on=dt.date(2024, 3, 6))
    assert waiting_for(org, reviewer, today=made).to_review.vouchers == [submitted]
    assert waiting_for(org, accountant, today=made).to_review.vouchers == []


def test_the_supervisor_sees_disclosures_and_plans_to_review(client: FlaskClient, auth: Auth,
                                                             by_name: Any) -> None:
    """监事会/民主理财小组: a disclosure submitted for their review (the disclosure's steps rule
    says it is theirs) and a plan the 理事会 proposed; neither is on the accountant's home."""
    from coopledger import dates
    from coopledger.auth.models import RoleAssignment
    from coopledger.auth.roles import Role
    from coopledger.disclosure import services as disclosures
    from coopledger.distribution import services as plans
    from tests.distribution_helpers import close_2024
    from tests.web.test_distribution_plan import DATA

    org = close_2024(by_name)
    accountant = by_name.user("accountant")
    db.session.add(RoleAssignment(user_id=by_name.user("supervisor").id, role=Role.SUPERVISOR,
                                  organisation_id=org.id))
    plan = plans.create_plan(org, 2024, DATA, by=accountant, today=dates.today())
    plans.propose(plan, on=dt.date(2025, 1, 10), by=accountant, today=dates.today())
    disclosure = disclosures.draft(org, "2024-Q1", by=accountant)
    disclosures.submit(disclosure, by=accountant)
    db.session.commit()
    auth.login("supervisor")
    home = client.get("/").get_data(as_text=True)
    assert f"公开待民主理财小组审核：{disclosure.title}" in _queue(home, "disclosure")
    assert f'href="/o/shian-tdgf/disclosures/{disclosure.id}"' in home
    assert "分配方案待监事会审核：2024 年度（第 1 版）" in _queue(home, "plan")
    auth.login("accountant")
    home = client.get("/").get_data(as_text=True)
    assert "待民主理财小组审核" not in home
    assert "待监事会审核" not in home
