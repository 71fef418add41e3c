"""Disclosures through the web: the calendar's computed states, the draft → 民主理财小组 →
township → published trail by the roles that own each step, the public pages and notices
(masked: no ID or bank numbers anywhere), verification of copies (unaltered, edited,
truncated, random, another organisation's), a crafted change refused, questions answered."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from coopledger import dates
from coopledger.auth.models import RoleAssignment
from coopledger.auth.roles import Role
from coopledger.disclosure import rules, verification
from coopledger.disclosure.models import Disclosure, DisclosureState, Question
from coopledger.extensions import db
from coopledger.files import store
from coopledger.ids import unmasked
from coopledger.ledger import periods
from coopledger.ledger.models import LedgerCheck
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.orgs.models import Township
from coopledger.supervision import queries as supervision
from coopledger.supervision.rules import Rule, Severity
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers, make_voucher

URL = "/o/shian-jjhzs/disclosures"


def _books(by_name: Any, code: str, accountant: str, reviewer: str) -> None:
    org = by_name.org(code)
    book_with_vouchers(org, by_name.user(accountant), by_name.user(reviewer))
    make_voucher(org, by_name.user(accountant), by_name.user(reviewer),
                 on=dt.date(2024, 2, 5), amount="8000.00", summary="收到鱼塘租金")
    for month in (1, 2, 3):
        periods.close_month(org, 2024, month, by=by_name.user(accountant))


@pytest.fixture
def quarter(by_name: Any) -> Any:
    _books(by_name, "shian-jjhzs", "accountant", "reviewer")
    db.session.commit()
    return by_name


def _publish(client: FlaskClient, auth: Auth) -> Disclosure:
    auth.login("accountant")
    client.post(f"{URL}/draft", data={"period": "2024-Q1"})
    disclosure = db.session.scalars(sa.select(Disclosure)).one()
    client.post(f"{URL}/{disclosure.id}/explain",
                data={"explain-explanation": "租金按合同收取。"})
    return _publish_draft(client, auth, disclosure)


def _publish_draft(client: FlaskClient, auth: Auth, disclosure: Disclosure) -> Disclosure:
    base = f"{URL}/{disclosure.id}"
    auth.login("accountant")
    client.post(f"{base}/posts", data={
        "post-category": "village", "post-title": "村民代表会议决议", "post-body": "同意鱼塘续包。",
        "post-attachment": (io.BytesIO(PLACEHOLDER_PNG), "决议.png")},
        content_type="multipart/form-data")
    client.post(f"{base}/submit")
    auth.login("supervisor")
    client.post(f"{base}/review", data={"review-agrees": "y", "review-comment": "核对无误"})
    auth.login("auditor")
    client.post(f"{base}/opinion", data={"opinion-agrees": "y", "opinion-opinion": "无异议"})
    auth.login("accountant")
    response = client.post(f"{base}/publish")
    assert response.status_code == 302
    db.session.expire_all()
    published = db.session.get_one(Disclosure, disclosure.id)
    assert published.state is DisclosureState.PUBLISHED, published.state
    return published


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_calendar_computes_missing_and_published(client: FlaskClient, auth: Auth,
                                                     quarter: Any) -> None:
    auth.login("accountant")
    page = client.get(f"{URL}/").get_data(as_text=True)
    row = page.split('id="period-2024-Q1"')[1].split("</tr>")[0]
    assert "逾期未公开" in row                  # due by 2024-04-15, never published
    assert 'id="period-2023-Q4"' not in page     # the books opened in 2024
    disclosure = _publish(client, auth)
    page = client.get(f"{URL}/").get_data(as_text=True)
    row = page.split('id="period-2024-Q1"')[1].split("</tr>")[0]
    assert "逾期后公开" in row                    # published long after 2024-04-15
    assert f"/disclosures/{disclosure.id}" in row


def test_the_trail_publishes_a_verified_masked_notice(client: FlaskClient, auth: Auth,
                                                      quarter: Any) -> None:
    disclosure = _publish(client, auth)
    assert disclosure.short_code is not None
    public = client.get("/p/shian-jjhzs").get_data(as_text=True)
    assert "2024年第1季度" in public
    assert disclosure.short_code in public
    client.post("/auth/logout")
    page = client.get(f"/p/shian-jjhzs/{disclosure.id}").get_data(as_text=True)
    assert "收到鱼塘租金" in page
    assert "8,000.00" in page
    assert "村民代表会议决议" in page
    with client.get(f"/p/shian-jjhzs/{disclosure.id}/notice.pdf") as response:
        a4 = response.data
    with client.get(f"/p/shian-jjhzs/{disclosure.id}/notice.pdf?size=a3") as response:
        a3 = response.data
    for content in (a4, a3):
        text = _pdf_text(content)
        assert disclosure.short_code in text
        assert "收到鱼塘租金" in text
        assert unmasked(text) == []
    for text in (public, page):
        assert unmasked(re.sub(r"<[^>]+>", " ", text)) == []
    ok = client.post("/verify", data={"file": (io.BytesIO(a4), "notice.pdf")},
                     content_type="multipart/form-data").get_data(as_text=True)
    assert "一致：这是" in ok
    by_code = client.post("/verify", data={"code": disclosure.short_code.lower()}).get_data(
        as_text=True)
    assert "一致：这是" in by_code
    middle = len(a4) // 2
    edited = a4[:middle] + bytes([a4[middle] ^ 1]) + a4[middle + 1:]
    for label, content in (("edited", edited),
                           ("truncated", a4[: len(a4) // 2]), ("random", b"%PDF-1.7 random")):
        page = client.post("/verify", data={"file": (io.BytesIO(content), f"{label}.pdf")},
                           content_type="multipart/form-data").get_data(as_text=True)
        assert "不一致" in page, label
    with client.get(f"/p/shian-jjhzs/{disclosure.id}/notice.pdf?size=full") as response:
        full = response.data
    assert "收到鱼塘租金" in _pdf_text(full)
    ok = client.post("/verify", data={"file": (io.BytesIO(full), "full.pdf")},
                     content_type="multipart/form-data").get_data(as_text=True)
    assert "一致：这是" in ok                       # the full notice is checked like the board's
    other = client.post("/p/shian-tdgf/verify", data={"file": (io.BytesIO(a4), "n.pdf")},
                        content_type="multipart/form-data").get_data(as_text=True)
    assert "不一致" in other


def test_a_published_snapshot_cannot_be_changed_by_crafted_requests(
        client: FlaskClient, auth: Auth, quarter: Any) -> None:
    disclosure = _publish(client, auth)
    frozen, digest = disclosure.frozen, disclosure.hash
    base = f"{URL}/{disclosure.id}"
    refused = client.post(f"{base}/explain", data={"explain-explanation": "篡改"},
                          follow_redirects=True).get_data(as_text=True)
    assert "只有草稿可以修改" in refused
    client.post(f"{base}/posts", data={"post-category": "party", "post-title": "插入"})
    client.post(f"{base}/submit")
    auth.login("supervisor")
    client.post(f"{base}/review", data={"review-agrees": "", "review-comment": "撤回"})
    db.session.expire_all()
    again = db.session.get_one(Disclosure, disclosure.id)
    assert (again.frozen, again.hash, again.state) == (frozen, digest, DisclosureState.PUBLISHED)
    assert [p.title for p in again.posts] == ["村民代表会议决议"]


def test_roles_own_their_steps(client: FlaskClient, auth: Auth, quarter: Any) -> None:
    auth.login("accountant")
    client.post(f"{URL}/draft", data={"period": "2024-Q1"})
    disclosure = db.session.scalars(sa.select(Disclosure)).one()
    base = f"{URL}/{disclosure.id}"
    client.post(f"{base}/submit")
    for user in ("accountant", "reviewer", "cashier", "auditor"):
        auth.login(user)
        assert client.post(f"{base}/review", data={"review-agrees": "y"}).status_code == 403
    auth.login("supervisor")
    assert client.post(f"{base}/opinion", data={"opinion-agrees": "y",
                                                "opinion-opinion": "同意"}).status_code == 403
    page = client.post(f"{base}/review", data={"review-agrees": "", "review-comment": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "不同意时请写明意见。" in page
    assert db.session.get_one(Disclosure, disclosure.id).state is DisclosureState.REVIEWING


def test_an_unclosed_period_is_refused_with_the_reason(client: FlaskClient, auth: Auth,
                                                       quarter: Any) -> None:
    auth.login("accountant")
    page = client.post(f"{URL}/draft", data={"period": "2024-Q2"},
                       follow_redirects=True).get_data(as_text=True)
    assert "2024-04、2024-05、2024-06 还没有结账" in page
    assert db.session.scalar(sa.select(sa.func.count(Disclosure.id))) == 0


def test_a_member_asks_and_the_accountant_answers(client: FlaskClient, auth: Auth,
                                                  quarter: Any) -> None:
    disclosure = _publish(client, auth)
    db.session.add(RoleAssignment(user_id=quarter.user("member").id, role=Role.MEMBER,
                                  organisation_id=quarter.org("shian-jjhzs").id))
    db.session.commit()
    auth.login("member")
    base = f"{URL}/{disclosure.id}"
    client.post(f"{base}/questions", data={"question-text": "鱼塘租金为什么只收了一次？"})
    question = disclosure.questions[0] if disclosure.questions else None
    db.session.expire_all()
    question = db.session.get_one(Disclosure, disclosure.id).questions[0]
    auth.login("accountant")
    client.post(f"{base}/questions/{question.id}/answer",
                data={"answer-text": "租金每年二月一次收清。"})
    auth.login("auditor")
    page = client.get(base).get_data(as_text=True)
    assert "鱼塘租金为什么只收了一次？" in page
    assert "租金每年二月一次收清。" in page


def test_verify_disclosure_on_the_command_line(client: FlaskClient, auth: Auth, quarter: Any,
                                               app: Flask, tmp_path: Path) -> None:
    disclosure = _publish(client, auth)
    with client.get(f"/p/shian-jjhzs/{disclosure.id}/notice.pdf?size=a3") as response:
        original = tmp_path / "notice.pdf"
        original.write_bytes(response.data)
    runner = app.test_cli_runner()
    matched = runner.invoke(args=["verify-disclosure", str(original)])
    assert matched.exit_code == 0, matched.output
    assert "MATCHED: shian-jjhzs 2024-Q1 version 1" in matched.output
    assert disclosure.short_code in matched.output
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(original.read_bytes()[:-100])
    refused = runner.invoke(args=["verify-disclosure", str(forged)])
    assert refused.exit_code == 1
    assert "NOT MATCHED" in refused.output


def test_the_accountant_is_warned_of_missing_disclosures_and_old_questions(
        client: FlaskClient, auth: Auth, quarter: Any, app: Flask) -> None:
    disclosure = _publish(client, auth)
    db.session.add(RoleAssignment(user_id=quarter.user("member").id, role=Role.MEMBER,
                                  organisation_id=quarter.org("shian-jjhzs").id))
    db.session.commit()
    auth.login("member")
    client.post(f"{URL}/{disclosure.id}/questions", data={"question-text": "租金收了吗？"})
    auth.login("accountant")
    home = client.get("/").get_data(as_text=True)
    # 2024 Q2–Q4 and the year, 2025's four quarters and the year, 2026 Q1–Q3 (Q1 2024 is out).
    assert "12 期财务公开已过期限尚未公开" in home
    assert "2026-Q1" in home.split("missing-disclosures")[1].split("</li>")[0]
    assert "质询超过" not in home                     # asked just now
    app.config["QUESTION_WARNING_DAYS"] = -1
    try:
        home = client.get("/").get_data(as_text=True)
    finally:
        app.config["QUESTION_WARNING_DAYS"] = 7
    assert "质询超过 -1 天未答复：租金收了吗？" in home


def test_members_read_publications_but_not_drafts(client: FlaskClient, auth: Auth,
                                                  quarter: Any) -> None:
    disclosure = _publish(client, auth)
    client.post(f"{URL}/{disclosure.id}/correct", data={"correct-reason": "补充说明"})
    draft = db.session.scalars(sa.select(Disclosure).where(Disclosure.version == 2)).one()
    db.session.add(RoleAssignment(user_id=quarter.user("member").id, role=Role.MEMBER,
                                  organisation_id=quarter.org("shian-jjhzs").id))
    db.session.commit()
    auth.login("member")
    assert client.get(f"{URL}/{disclosure.id}").status_code == 200
    assert client.get(f"{URL}/{draft.id}").status_code == 404
    auth.login("auditor")
    assert client.get(f"{URL}/{draft.id}").status_code == 200


def test_the_annual_disclosure_carries_the_distribution_masked_except_the_members_own(
        client: FlaskClient, auth: Auth, by_name: Any, app: Flask) -> None:
    from coopledger.disclosure import notice, services
    from coopledger.distribution import services as distribution
    from coopledger.distribution.models import Mode
    from tests.distribution_helpers import close_2024

    tdgf, accountant = close_2024(by_name), by_name.user("accountant")
    plan = distribution.create_plan(tdgf, 2024, distribution.PlanData(
        mode=Mode.LAND_SHARE, members_total=Decimal("14540.00"),
        guarantee_per_mu=Decimal("800.00")), by=accountant, today=dates.today())
    distribution.propose(plan, on=dt.date(2025, 1, 10), by=accountant, today=dates.today())
    distribution.review(plan, on=dt.date(2025, 1, 20), by=accountant, today=dates.today())
    distribution.approve(plan, resolution_no="成员大会决议〔2025〕1号", on=dt.date(2025, 2, 1),
                         content=PLACEHOLDER_PNG, filename="r.png",
                         storage=store(), by=accountant, today=dates.today())
    db.session.add(RoleAssignment(user_id=by_name.user("supervisor").id, role=Role.SUPERVISOR,
                                  organisation_id=tdgf.id))
    annual = services.draft(tdgf, "2024", by=accountant)
    services.submit(annual, by=accountant)
    services.review(annual, agrees=True, comment="", by=by_name.user("supervisor"))
    services.township_review(annual, agrees=True, opinion="无异议", by=by_name.user("auditor"))
    services.publish(annual, render_pdf=notice.render_both,
                     storage=store(), by=accountant, today=dates.today())
    db.session.commit()
    public = client.get(f"/p/shian-tdgf/{annual.id}").get_data(as_text=True)
    roster = public.split('id="distribution"')[1]
    assert "成员大会决议〔2025〕1号" in roster
    assert "陈**户" in roster
    assert "陈大山" not in roster
    auth.login("member")                               # 陈大山户's own login
    own = client.get(f"/o/shian-tdgf/disclosures/{annual.id}").get_data(as_text=True)
    mine = own.split('class="own-line"')[1].split("</tr>")[0]
    assert "陈大山" in mine
    assert "本户" in mine
    assert "王**户" in own.split('id="distribution"')[1]


def test_a_special_disclosure_of_a_lease_is_drafted_and_published(
        client: FlaskClient, auth: Auth, quarter: Any) -> None:
    auth.login("accountant")
    page = client.post(f"{URL}/special", data={
        "special-topic": "leases_investments", "special-period": "2024-Q1",
        "special-title": ""}, follow_redirects=True).get_data(as_text=True)
    title = ("建平县塔山镇石安村股份经济合作社集体资产资源发包、租赁、出让、投资及收益"
             "专项公开（2024-Q1）")
    assert f"已生成：{title}。" in page
    again = client.post(f"{URL}/special", data={
        "special-topic": "leases_investments", "special-period": "2024-Q1"},
        follow_redirects=True).get_data(as_text=True)
    assert "2024-Q1 的这项专项公开已经生成" in again
    special = db.session.scalars(sa.select(Disclosure)).one()
    assert (special.kind.value, special.topic) == ("special", "leases_investments")
    calendar = client.get(f"{URL}/").get_data(as_text=True)
    assert title in calendar.split('id="specials"')[1]
    # The periodic disclosure of the same quarter is a separate matter.
    client.post(f"{URL}/draft", data={"period": "2024-Q1"})
    assert db.session.scalar(sa.select(sa.func.count(Disclosure.id))) == 2


def test_the_public_list_says_which_periods_are_missing_and_which_were_corrected(
        client: FlaskClient, auth: Auth, quarter: Any) -> None:
    first = _publish(client, auth)
    base = f"{URL}/{first.id}"
    client.post(f"{base}/correct", data={"correct-reason": "补充说明"})
    second = db.session.scalars(sa.select(Disclosure).where(Disclosure.version == 2)).one()
    client.post(f"{URL}/{second.id}/submit")
    auth.login("supervisor")
    client.post(f"{URL}/{second.id}/review", data={"review-agrees": "y", "review-comment": ""})
    auth.login("auditor")
    client.post(f"{URL}/{second.id}/opinion", data={"opinion-agrees": "y",
                                                   "opinion-opinion": "无异议"})
    auth.login("accountant")
    assert client.post(f"{URL}/{second.id}/publish").status_code == 302
    client.post("/auth/logout")
    page = client.get("/p/shian-jjhzs").get_data(as_text=True)
    q1 = page.split('id="period-2024-Q1"')[1].split('id="period-')[0]
    assert "已被第 2 版更正" in q1                 # the first version is marked superseded
    q2 = page.split('id="period-2024-Q2"')[1].split('id="period-')[0]
    assert "应于 2024-07-15 前公开，尚未公开。" in q2   # a due period nobody published
    assert "逾期未公开" in q2
    db.session.expire_all()
    code = db.session.get_one(Disclosure, first.id).short_code
    verdict = client.post("/verify", data={"code": code}).get_data(as_text=True)
    assert "一致：这是" in verdict
    superseded = verdict.split('id="superseded"')[1]
    assert "这一版已被更正，以更正后的第 2 版为准" in superseded
    assert f"/p/shian-jjhzs/{second.id}" in superseded


def test_the_landing_page_lists_the_organisations_that_publish(
        client: FlaskClient, auth: Auth, quarter: Any) -> None:
    landing = client.get("/").get_data(as_text=True)
    assert "/p/shian-jjhzs" not in landing               # nothing published yet
    assert "还没有组织发布公开。" in landing
    _publish(client, auth)
    client.post("/auth/logout")
    listed = client.get("/").get_data(as_text=True).split('id="publishing"')[1]
    assert 'href="/p/shian-jjhzs"' in listed
    assert "塔山镇" in listed
    assert "/p/shian-tdgf" not in listed                 # published nothing
    with client.get("/favicon.ico") as icon:
        assert icon.mimetype == "image/svg+xml"
        assert icon.data.startswith(b"<svg")


def test_personal_numbers_are_refused_in_what_people_write_and_masked_from_the_books(
        client: FlaskClient, auth: Auth, quarter: Any) -> None:
    org, by_name = quarter.org("shian-jjhzs"), quarter
    periods.reopen_month(org, 2024, 3, reason="补记", by=by_name.user("admin"))
    make_voucher(org, by_name.user("accountant"), by_name.user("reviewer"),
                 on=dt.date(2024, 3, 20), amount="300.00", debit="513", credit="101",
                 summary="付王五运费，电话13812345678")
    periods.close_month(org, 2024, 3, by=by_name.user("accountant"))
    db.session.commit()
    auth.login("accountant")
    client.post(f"{URL}/draft", data={"period": "2024-Q1"})
    disclosure = db.session.scalars(sa.select(Disclosure)).one()
    base = f"{URL}/{disclosure.id}"
    client.post(f"{base}/explain", data={"explain-explanation": "有疑问请联系 13912345678"})
    page = client.post(f"{base}/submit", follow_redirects=True).get_data(as_text=True)
    assert "不能公开：说明（1391…5678）" in page
    db.session.expire_all()
    assert db.session.get_one(Disclosure, disclosure.id).state is DisclosureState.DRAFT
    client.post(f"{base}/explain", data={"explain-explanation": "有疑问请到村委会咨询。"})
    published = _publish_draft(client, auth, disclosure)
    public = client.get(f"/p/shian-jjhzs/{published.id}").get_data(as_text=True)
    assert "付王五运费，电话138******78" in public       # the posted 摘要, masked
    assert "13812345678" not in public
    assert unmasked(re.sub(r"<[^>]+>", " ", public)) == []


def test_a_rewritten_snapshot_is_not_shown_and_does_not_verify(
        client: FlaskClient, auth: Auth, quarter: Any, app: Flask) -> None:
    """Change a figure in the stored JSON and recompute that record's hash (issue 16): the
    public page does not show the changed figure, /verify names the publication but says the
    record does not match, and verify-ledger reports the broken chain."""
    from coopledger.ledger.bookfile import verify_book

    disclosure = _publish(client, auth)
    client.post("/auth/logout")
    stored = db.session.get_one(Disclosure, disclosure.id)
    code = stored.short_code
    forged = (stored.frozen or "").replace('"receipts":"8000.00"', '"receipts":"800.00"')
    assert forged != stored.frozen
    stored.frozen = forged
    storage = store()
    stored.hash = rules.publication_hash(stored.previous_hash or rules.GENESIS,
                                         forged.encode(), verification.notices(storage, stored),
                                         stored.ledger_head or rules.GENESIS)
    db.session.commit()
    page = client.get(f"/p/shian-jjhzs/{disclosure.id}").get_data(as_text=True)
    assert 'id="broken"' in page
    assert "800.00" not in page                     # the forged figure is not shown
    verdict = client.post("/verify", data={"code": code}).get_data(as_text=True)
    assert "不一致：这是" in verdict
    assert "一致：这是" not in verdict.replace("不一致：这是", "")
    # what the readers found is a red item on the township's dashboard at once, kept once
    checks = db.session.scalars(sa.select(LedgerCheck).where(
        LedgerCheck.organisation_id == stored.organisation_id)).all()
    assert [(c.ok, code in c.summary) for c in checks] == [(False, True)]
    town = db.session.scalars(sa.select(Township).where(Township.code == "tashan")).one()
    lines = {line.org.code: line for line in supervision.dashboard(
        supervision.organisations_of([town]), on=dt.date(2024, 5, 1))}
    assert Rule.LEDGER_CHECK in lines["shian-jjhzs"].fired
    assert lines["shian-jjhzs"].figures.colour is Severity.RED
    problems = verify_book(stored.organisation).chain_errors
    assert any("no longer match what was published" in p for p in problems), problems


def _asked(client: FlaskClient, auth: Auth, world: Any,
           text: str) -> tuple[Disclosure, Question]:
    """The quarter published, the member (a member of 石安村 too) asks ``text`` on it."""
    disclosure = _publish(client, auth)
    db.session.add(RoleAssignment(user_id=world.user("member").id, role=Role.MEMBER,
                                  organisation_id=world.org("shian-jjhzs").id))
    db.session.commit()
    auth.login("member")
    client.post(f"{URL}/{disclosure.id}/questions", data={"question-text": text})
    return disclosure, db.session.scalars(sa.select(Question)).one()


def test_the_members_home_shows_the_year_on_one_screen(
        client: FlaskClient, auth: Auth, quarter: Any) -> None:
    """Shares today, the latest publication and the member's own question with its answer
    (issue 18); the distribution line shows once a plan is approved (test_distribution_*)."""
    disclosure, question = _asked(client, auth, quarter, "鱼塘租金何时到账？")
    auth.login("accountant")
    client.post(f"{URL}/{disclosure.id}/questions/{question.id}/answer",
                data={"answer-text": "已于三月五日到账。"})
    auth.login("member")
    home = client.get("/").get_data(as_text=True)
    year = home.split('id="member-home"')[1]
    assert "今天的股份" in year
    assert "股" in year.split("今天的股份")[1].split("</dd>")[0]
    assert disclosure.title in year                       # the latest publication
    asked = year.split('id="my-questions"')[1].split("</ul>")[0]
    assert "鱼塘租金何时到账？" in asked
    assert "已于三月五日到账。" in asked


def test_a_changed_answer_is_a_new_version_and_the_first_stays(
        client: FlaskClient, auth: Auth, quarter: Any) -> None:
    disclosure, question = _asked(client, auth, quarter, "租金收了吗？")
    auth.login("accountant")
    for text in ("已收。", "已于三月五日全额收到。"):
        client.post(f"{URL}/{disclosure.id}/questions/{question.id}/answer",
                    data={"answer-text": text})
    db.session.expire_all()
    kept = db.session.get_one(Question, question.id)
    assert [a.text for a in kept.answers] == ["已收。", "已于三月五日全额收到。"]
    assert kept.answer == "已于三月五日全额收到。"
    page = client.get(f"{URL}/{disclosure.id}").get_data(as_text=True)
    earlier = page.split('class="earlier-answers"')[1].split("</details>")[0]
    assert "已收。" in earlier
    from coopledger.audit.models import AuditEvent
    changed = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "disclosure.answer").order_by(AuditEvent.id)).all()[-1]
    assert changed.before == {"question": question.id, "answer": "已收。"}
    assert changed.after == {"question": question.id, "answer": "已于三月五日全额收到。"}


def test_a_pdf_attached_to_a_post_is_read_for_personal_numbers(quarter: Any,
                                                                app: Flask) -> None:
    """A 村务 post's attached PDF whose text carries an ID number cannot be submitted nor
    published; the refusal names the attachment."""
    from weasyprint import HTML

    from coopledger.disclosure import services
    from coopledger.disclosure.models import PostCategory
    from coopledger.disclosure.services import DisclosureError

    storage = store()
    accountant = quarter.user("accountant")
    disclosure = services.draft(quarter.org("shian-jjhzs"), "2024-Q1", by=accountant)
    leaked = HTML(string="<p>Receipt of 511623196203150013, paid in full.</p>").write_pdf()
    services.add_post(disclosure, category=PostCategory.VILLAGE, title="道路维修验收单",
                      body="验收合格。", attachment=(leaked, "验收单.pdf"), storage=storage,
                      by=accountant)
    with pytest.raises(DisclosureError) as caught:
        services.submit(disclosure, by=accountant, storage=storage)
    assert "公开事项“道路维修验收单”的附件 验收单.pdf（5116…0013）" in str(caught.value)


def test_peoples_names_are_masked_on_public_pages_unless_the_organisation_shows_them(
        client: FlaskClient, auth: Auth, quarter: Any) -> None:
    """By default a payee's name in the books' text is masked like the roster's (陈**); an
    organisation may choose to show names, saved on the settings form with its threshold."""
    from coopledger.disclosure import contents

    org, by_name = quarter.org("shian-jjhzs"), quarter
    periods.reopen_month(org, 2024, 3, reason="补记", by=by_name.user("admin"))
    make_voucher(org, by_name.user("accountant"), by_name.user("reviewer"),
                 on=dt.date(2024, 3, 21), amount="260.00", debit="513", credit="101",
                 summary="支付陈大山误工补贴")
    periods.close_month(org, 2024, 3, by=by_name.user("accountant"))
    start, end = dt.date(2024, 1, 1), dt.date(2024, 3, 31)
    hidden = contents.generate(org, start, end, key="2024-Q1")
    summaries = [item["summary"] for item in hidden["cash_flow"]["items"]]
    assert "支付陈**误工补贴" in summaries
    assert not any("陈大山" in text for text in summaries)
    shown = contents.generate(org, start, end, key="2024-Q1", show_names=True)
    assert "支付陈大山误工补贴" in [item["summary"] for item in shown["cash_flow"]["items"]]
    db.session.commit()
    auth.login("accountant")
    page = client.post(f"{URL}/settings", data={
        "frequency": "quarterly", "deadline_day": "10", "posting_days": "20",
        "itemise_from": "1,500.00", "show_names": "y"}, follow_redirects=True)
    assert "公开设置已保存" in page.get_data(as_text=True)
    from coopledger.disclosure.services import settings_of

    saved = settings_of(org)
    assert (saved.show_names, saved.itemise_from, saved.posting_days) == (
        True, Decimal("1500.00"), 20)
