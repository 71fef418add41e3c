"""One rule per workflow of which steps a user may take now (issue 22): vouchers, share
requests, plans, disclosures, stock-takes, audits and findings, contracts, and the records
that drafted vouchers (a depreciation run, a contract receipt). Walked through every state
with every role, the page offers exactly the steps of the domain's ``steps_for``, the services
accept exactly those (each tried in a savepoint), and the permission matrix's expectation
(``test_permissions._step_allowed``) is the rule's permission."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger import dates
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.files import store
from coopledger.ledger import attachments, books, vouchers
from coopledger.ledger.models import Voucher
from coopledger.ledger.rules import VOUCHER_STEPS
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.members.models import Household
from coopledger.workflow import NOT_PERMITTED, Steps
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers, line, make_voucher
from tests.web.test_permissions import _step_allowed

URL = "/o/shian-jjhzs/vouchers"
USERS = ("admin", "accountant", "reviewer", "cashier", "supervisor", "auditor", "member")

# The form or link of each step on the voucher page.
ON_PAGE = {"edit": r'href="[^"]*/vouchers/{id}/edit"', "submit": r'action="[^"]*/{id}/submit"',
           "delete": r'action="[^"]*/{id}/delete"', "review": r'action="[^"]*/{id}/review"',
           "confirm_cash": r'action="[^"]*/{id}/confirm-cash"',
           "post": r'action="[^"]*/{id}/post"', "reject": r'action="[^"]*/{id}/reject"',
           "reverse": r'action="[^"]*/{id}/reverse"',
           "correct_prior_year": r'action="[^"]*/{id}/correct-prior-year"',
           "attach": r'action="[^"]*/{id}/attachments"'}


def _services(voucher: Voucher) -> dict[str, Callable[[Any], object]]:
    org = voucher.organisation
    same = [line("收到土地租金", "102", "8000.00"), line("收到土地租金", "501", credit="8000.00")]
    return {
        "edit": lambda by: vouchers.save_voucher(org, voucher=voucher, on=voucher.on,
                                                 lines=same, attachment_count=1, by=by,
                                                 today=dates.today()),
        "delete": lambda by: vouchers.delete_draft(voucher, by=by),
        "attach": lambda by: attachments.add_attachment(
            voucher, content=PLACEHOLDER_PNG, filename="scan.png", storage=store(), by=by),
        "submit": lambda by: vouchers.submit_voucher(voucher, by=by),
        "review": lambda by: vouchers.review_voucher(voucher, by=by),
        "confirm_cash": lambda by: vouchers.confirm_cash(voucher, by=by),
        "post": lambda by: vouchers.post_voucher(voucher, by=by, today=dates.today()),
        "reject": lambda by: vouchers.reject_voucher(voucher, reason="附件不全", by=by),
        "reverse": lambda by: vouchers.reverse_voucher(voucher, on=voucher.on, by=by,
                                                       today=dates.today()),
        "correct_prior_year": lambda by: vouchers.correct_prior_year(
            voucher, on=voucher.on.replace(year=voucher.on.year + 1), by=by, today=dates.today()),
    }


def _walk(client: FlaskClient, auth: Auth, by_name: Any, *, workflow: str, url: str,
          table: Mapping[str, Any], on_page: Mapping[str, str], record_id: int,
          steps_of: Callable[[Any], Steps], attempt: Callable[[str, Any], None],
          error: type[Exception], strict: bool = False) -> set[str]:
    """Every role in turn: the page offers exactly the steps the rule allows; the service
    refuses every other step with the rule's own sentence and takes an allowed one without a
    rule's sentence (with ``strict``, without any refusal); the matrix gives the permission to
    whom the rule does. Returns the steps anyone may take."""
    seen: set[str] = set()
    for username in USERS:
        user = by_name.user(username)
        steps = steps_of(user)
        auth.sign_in(username)
        response = client.get(url)
        if response.status_code != 200:
            assert steps.allowed == frozenset(), username
            continue
        page = response.get_data(as_text=True)
        offered = {step for step, pattern in on_page.items()
                   if re.search(pattern.format(id=record_id), page)}
        assert offered == steps.allowed & set(on_page), username
        sentences = {r.message for r in steps.why_not.values() if r is not None}
        for step in table:
            reason = steps.why_not[step]
            savepoint = db.session.begin_nested()
            try:
                attempt(step, user)
                db.session.flush()
                refused = None
            except error as err:
                refused = getattr(err, "template", str(err))
            finally:
                savepoint.rollback()
            if reason is not None:
                assert refused == reason.message, (username, step, refused)
            elif strict:
                assert refused is None, (username, step, refused)
            else:
                assert refused not in sentences, (username, step, refused)
            if reason is None or reason.message == NOT_PERMITTED:
                assert (step in steps) is (username in _step_allowed(by_name, step, workflow)), \
                    (username, step)
        seen |= steps.allowed
    return seen


@pytest.fixture
def walk(by_name: Any) -> Any:
    """石安村's books with a voucher in every state: posted, then (cashier confirmation on)
    a draft, a submitted one, a reviewed one waiting for the cashier and one confirmed."""
    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    by_name.states = {"posted": make_voucher(org, accountant, reviewer).id}
    books.set_cashier_confirms(org, True, by=accountant)
    for state in ("draft", "submitted", "reviewed"):
        by_name.states[state] = make_voucher(org, accountant, reviewer, upto=state).id
    confirmed = make_voucher(org, accountant, reviewer, upto="reviewed")
    vouchers.confirm_cash(confirmed, by=by_name.user("cashier"))
    by_name.states["confirmed"] = confirmed.id
    db.session.commit()
    return by_name


@pytest.mark.parametrize("state", ["draft", "submitted", "reviewed", "confirmed", "posted"])
def test_page_service_and_matrix_agree_on_every_step(client: FlaskClient, auth: Auth,
                                                     walk: Any, state: str) -> None:
    voucher_id = walk.states[state]
    seen_any = _walk(
        client, auth, walk, workflow="voucher", url=f"{URL}/{voucher_id}", table=VOUCHER_STEPS,
        on_page=ON_PAGE, record_id=voucher_id,
        steps_of=lambda user: vouchers.steps_for(db.session.get_one(Voucher, voucher_id), user),
        attempt=lambda step, user: _services(db.session.get_one(Voucher, voucher_id))[step](user),
        error=CoopLedgerError, strict=True)
    expected = {"draft": {"edit", "delete", "attach", "submit"},
                "submitted": {"attach", "review", "reject"},
                "reviewed": {"attach", "reject", "confirm_cash"},
                "confirmed": {"attach", "reject", "post"},
                "posted": {"reverse"}}[state]
    assert seen_any == expected


def test_the_matrix_gives_each_step_to_the_roles_of_the_books(walk: Any) -> None:
    """The derived matrix, spelled out: the accountant prepares, the reviewer reviews and
    rejects, the cashier confirms, the accountant or the reviewer posts; admin may do all."""
    assert {step: _step_allowed(walk, step) for step in VOUCHER_STEPS} == {
        **{step: frozenset({"admin", "accountant"}) for step in
           ("edit", "delete", "attach", "submit", "reverse", "correct_prior_year")},
        "review": frozenset({"admin", "reviewer"}), "reject": frozenset({"admin", "reviewer"}),
        "confirm_cash": frozenset({"admin", "cashier"}),
        "post": frozenset({"admin", "accountant", "reviewer"})}


SHARE_PAGE = {"approve": r'action="[^"]*/shares/{id}/approve"',
              "complete": r'action="[^"]*/shares/{id}/complete"',
              "refuse": r'action="[^"]*/shares/{id}/refuse"'}


@pytest.mark.parametrize("state", ["draft", "approved", "done", "refused"])
def test_share_request_steps_agree_on_page_service_and_matrix(
        client: FlaskClient, auth: Auth, by_name: Any, state: str) -> None:
    """A buy-back request of the land-share cooperative in each state, every role."""
    import datetime as dt
    from decimal import Decimal

    from coopledger.shares import services as shares
    from coopledger.shares.models import OperationKind, ShareKind, ShareOperation
    from coopledger.shares.rules import SHARE_REQUEST_STEPS, ShareRuleError

    org = by_name.org("shian-tdgf")
    land = shares.class_of(org, ShareKind.LAND)
    household = db.session.scalars(sa.select(Household).where(
        Household.head_name == "张福生")).one()
    account = shares.household_account(org, household)
    day = dt.date(2026, 1, 1)
    op = shares.request(org, kind=OperationKind.BUYBACK, share_class=land, source=account,
                        target=None, quantity=Decimal("0.0100"), on=dt.date(2025, 8, 1),
                        today=day, by=None, reason="自愿退出")
    if state in ("approved", "done"):
        shares.approve(op, today=day, by=None)
    if state == "done":
        shares.complete(op, today=day, by=None)
    if state == "refused":
        shares.refuse(op, reason="材料不全", by=None)
    db.session.commit()
    services = {"approve": lambda o, u: shares.approve(o, today=day, by=u),
                "complete": lambda o, u: shares.complete(o, today=day, by=u),
                "refuse": lambda o, u: shares.refuse(o, reason="材料不全", by=u)}
    seen = _walk(
        client, auth, by_name, workflow="share", url=f"/o/shian-tdgf/shares/{op.id}",
        table=SHARE_REQUEST_STEPS, on_page=SHARE_PAGE, record_id=op.id,
        steps_of=lambda user: shares.steps_for(db.session.get_one(ShareOperation, op.id), user),
        attempt=lambda step, user: services[step](db.session.get_one(ShareOperation, op.id),
                                                  user),
        error=ShareRuleError, strict=True)
    assert seen == {"draft": {"approve", "refuse"}, "approved": {"complete", "refuse"},
                    "done": set(), "refused": set()}[state]


PLAN_PAGE = {"edit": r'href="[^"]*/distribution/{id}/edit"',
             "propose": r'action="[^"]*/distribution/{id}/propose"',
             "review": r'action="[^"]*/distribution/{id}/review"',
             "approve": r'action="[^"]*/distribution/{id}/approve"',
             "post": r'action="[^"]*/distribution/{id}/post"',
             "file": r'action="[^"]*/distribution/{id}/file"',
             "pay": r'action="[^"]*/distribution/{id}/pay"',
             "new_version": r'action="[^"]*/distribution/{id}/version"'}
TRAIL = ("draft", "proposed", "reviewed", "approved", "posted", "filed")


@pytest.mark.parametrize("state", TRAIL)
def test_plan_steps_agree_on_page_service_and_matrix(client: FlaskClient, auth: Auth,
                                                     by_name: Any, state: str) -> None:
    """A 2024 plan of the land-share cooperative moved along its trail to ``state``; every
    role. A step the rule refuses is refused by the service with the rule's sentence; a step it
    allows is not (the service may still refuse the figures or dates it is given)."""
    from coopledger.distribution import services as plans
    from coopledger.distribution.models import Plan
    from coopledger.distribution.rules import PLAN_STEPS, DistributionError
    from tests.distribution_helpers import close_2024
    from tests.web.test_distribution_web import FORM

    close_2024(by_name)
    db.session.commit()
    auth.login("accountant")
    client.post("/o/shian-tdgf/distribution/new", data=FORM)
    plan = db.session.scalars(sa.select(Plan)).one()
    accountant = by_name.user("accountant")
    moves = [lambda p: plans.propose(p, on=dt.date(2025, 1, 10), by=accountant,
                                     today=dates.today()),
             lambda p: plans.review(p, on=dt.date(2025, 1, 20), by=accountant, today=dates.today()),
             lambda p: plans.approve(p, resolution_no="决议", on=dt.date(2025, 2, 1),
                                     content=PLACEHOLDER_PNG, filename="r.png",
                                     storage=store(), by=accountant, today=dates.today()),
             lambda p: plans.post(p, start=dt.date(2025, 2, 2), end=dt.date(2025, 2, 16),
                                  by=accountant),
             lambda p: plans.file_with_township(p, on=dt.date(2025, 2, 20), by=accountant,
                                                today=dates.today())]
    for move in moves[:TRAIL.index(state)]:
        move(plan)
    db.session.commit()
    line_id = plan.lines[0].id
    attempts: dict[str, Callable[[Any, Any], object]] = {
        "edit": lambda p, u: plans.update_plan(
            p, plans.PlanData(mode=p.mode, members_total=p.members_total), by=u),
        "explain": lambda p, u: plans.explain_overpayment(p, line_id, "多付原因", by=u),
        "propose": lambda p, u: plans.propose(p, on=dt.date(2025, 1, 10), by=u,
                                              today=dates.today()),
        "review": lambda p, u: plans.review(p, on=dt.date(2025, 1, 20), by=u, today=dates.today()),
        "approve": lambda p, u: plans.approve(p, resolution_no="决议", on=dt.date(2025, 2, 1),
                                              content=PLACEHOLDER_PNG, filename="r.png",
                                              storage=store(), by=u, today=dates.today()),
        "post": lambda p, u: plans.post(p, start=dt.date(2025, 2, 2), end=dt.date(2025, 2, 16),
                                        by=u),
        "file": lambda p, u: plans.file_with_township(p, on=dt.date(2025, 2, 20), by=u,
                                                      today=dates.today()),
        "pay": lambda p, u: plans.pay(p, [line_id], on=dt.date(2025, 3, 1), cash_code="102",
                                      by=u, today=dates.today()),
        "new_version": lambda p, u: plans.new_version(p, reason="更正", by=u),
    }
    seen = _walk(
        client, auth, by_name, workflow="plan", url=f"/o/shian-tdgf/distribution/{plan.id}",
        table=PLAN_STEPS, on_page=PLAN_PAGE, record_id=plan.id,
        steps_of=lambda user: plans.steps_for(db.session.get_one(Plan, plan.id), user),
        attempt=lambda step, user: attempts[step](db.session.get_one(Plan, plan.id), user),
        error=DistributionError)
    assert seen == {"draft": {"edit", "explain", "propose"},
                    "proposed": {"explain", "review", "new_version"},
                    "reviewed": {"explain", "approve", "new_version"},
                    "approved": {"post", "pay", "new_version"},
                    "posted": {"file", "pay", "new_version"},
                    "filed": {"pay", "new_version"}}[state]


DISCLOSURE_PAGE = {
    "explain": r'action="[^"]*/disclosures/{id}/explain"',
    "add_post": r'action="[^"]*/disclosures/{id}/posts"',
    "submit": r'action="[^"]*/disclosures/{id}/submit"',
    "review": r'action="[^"]*/disclosures/{id}/review"',
    "township": r'action="[^"]*/disclosures/{id}/opinion"',
    "publish": r'action="[^"]*/disclosures/{id}/publish"',
    "correct": r'action="[^"]*/disclosures/{id}/correct"'}
DISCLOSURE_TRAIL = ("draft", "reviewing", "township", "agreed", "published")


@pytest.mark.parametrize("state", DISCLOSURE_TRAIL)
def test_disclosure_steps_agree_on_page_service_and_matrix(
        client: FlaskClient, auth: Auth, by_name: Any, state: str) -> None:
    """石安村's 2024 first quarter along its trail (drafted, with the 民主理财小组, with the
    township, agreed by the township, published); every role."""
    from coopledger.disclosure import notice
    from coopledger.disclosure import services as disclosures
    from coopledger.disclosure.models import Disclosure, PostCategory
    from coopledger.disclosure.rules import DISCLOSURE_STEPS
    from coopledger.disclosure.services import DisclosureError
    from coopledger.ledger import periods

    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 2, 5))
    for month in (1, 2, 3):
        periods.close_month(org, 2024, month, by=accountant)
    disclosure = disclosures.draft(org, "2024-Q1", by=accountant)
    trail = [lambda d: disclosures.submit(d, by=accountant),
             lambda d: disclosures.review(d, agrees=True, comment="",
                                          by=by_name.user("supervisor")),
             lambda d: disclosures.township_review(d, agrees=True, opinion="无异议",
                                                   by=by_name.user("auditor")),
             lambda d: disclosures.publish(d, render_pdf=notice.render_both, storage=store(),
                                           by=accountant, today=dates.today())]
    for move in trail[:DISCLOSURE_TRAIL.index(state)]:
        move(disclosure)
    db.session.commit()
    attempts: dict[str, Callable[[Any, Any], object]] = {
        "explain": lambda d, u: disclosures.explain(d, "说明", by=u),
        "add_post": lambda d, u: disclosures.add_post(
            d, category=next(iter(PostCategory)), title="事项", body="内容", attachment=None,
            storage=store(), by=u),
        "submit": lambda d, u: disclosures.submit(d, by=u),
        "review": lambda d, u: disclosures.review(d, agrees=True, comment="", by=u),
        "township": lambda d, u: disclosures.township_review(d, agrees=True, opinion="无异议",
                                                             by=u),
        "publish": lambda d, u: None,      # rendering a notice per user would take minutes
        "correct": lambda d, u: disclosures.correct(d, reason="更正", by=u),
    }
    def attempt(step: str, user: Any) -> None:
        current = db.session.get_one(Disclosure, disclosure.id)
        if step == "publish" and "publish" not in disclosures.steps_for(current, user):
            disclosures.publish(current, render_pdf=notice.render_both, storage=store(), by=user,
                                today=dates.today())
        else:
            attempts[step](current, user)

    seen = _walk(
        client, auth, by_name, workflow="disclosure",
        url=f"/o/shian-jjhzs/disclosures/{disclosure.id}", table=DISCLOSURE_STEPS,
        on_page=DISCLOSURE_PAGE, record_id=disclosure.id,
        steps_of=lambda user: disclosures.steps_for(db.session.get_one(Disclosure, disclosure.id),
                                                    user),
        attempt=attempt, error=DisclosureError)
    assert seen == {"draft": {"explain", "add_post", "submit"}, "reviewing": {"review"},
                    "township": {"township"}, "agreed": {"publish"},
                    "published": {"correct"}}[state]


STOCKTAKE_PAGE = {"count": r'action="[^"]*/stocktakes/{id}/items/\d+"',
                  "approve": r'action="[^"]*/stocktakes/{id}/approve"'}


@pytest.mark.parametrize("state", ["counting", "approved"])
def test_stocktake_steps_agree_on_page_service_and_matrix(
        client: FlaskClient, auth: Auth, by_name: Any, state: str) -> None:
    """石安村's 2024 stock-take of its two cards, being counted or approved; every role."""
    from coopledger.assets import stocktake
    from coopledger.assets.resource_models import CountResult, StockTake
    from coopledger.assets.rules import STOCKTAKE_STEPS, AssetRuleError
    from tests.asset_helpers import asset_books

    org, _computers, _dryer = asset_books(by_name)
    accountant = by_name.user("accountant")
    taken = stocktake.start(org, year=2024, counted_on=dt.date(2024, 6, 30), by=accountant,
                            today=dates.today())
    for item in taken.items:
        stocktake.record_count(item, result=CountResult.FOUND, counted_area=None, note="",
                               by=accountant)
    if state == "approved":
        stocktake.approve(taken, approval_ref="成员代表会议决议", approved_on=dt.date(2024, 7, 1),
                          by=accountant, today=dates.today())
    db.session.commit()
    item_id = taken.items[0].id

    def attempt(step: str, user: Any) -> None:
        current = db.session.get_one(StockTake, taken.id)
        if step == "count":
            item = next(i for i in current.items if i.id == item_id)
            stocktake.record_count(item, result=CountResult.FOUND, counted_area=None, note="",
                                   by=user)
        else:
            stocktake.approve(current, approval_ref="决议", approved_on=dt.date(2024, 7, 1),
                              by=user, today=dates.today())

    seen = _walk(
        client, auth, by_name, workflow="stocktake",
        url=f"/o/shian-jjhzs/stocktakes/{taken.id}", table=STOCKTAKE_STEPS,
        on_page=STOCKTAKE_PAGE, record_id=taken.id,
        steps_of=lambda user: stocktake.steps_for(db.session.get_one(StockTake, taken.id), user),
        attempt=attempt, error=AssetRuleError, strict=True)
    assert seen == {"counting": {"count", "approve"}, "approved": set()}[state]


def _audit_of_shian(by_name: Any) -> tuple[Any, Voucher]:
    """石安村's books with one posted voucher, and the township's open audit of 2024 that
    samples it."""
    from coopledger.supervision import services as supervision

    org, accountant = by_name.org("shian-jjhzs"), by_name.user("accountant")
    book_with_vouchers(org, accountant, by_name.user("reviewer"))
    voucher = make_voucher(org, accountant, by_name.user("reviewer"))
    audit = supervision.open_audit(org, scope="2024年财务收支", period_from=dt.date(2024, 1, 1),
                                   period_to=dt.date(2024, 12, 31), sample_size=1, seed=1,
                                   by=by_name.user("auditor"))
    return audit, voucher


FINDING_PAGE = {"respond": r'action="[^"]*/findings/{id}/respond"',
                "close": r'action="[^"]*/findings/{id}/close"',
                "reopen": r'action="[^"]*/findings/{id}/close"'}    # one form, two buttons


@pytest.mark.parametrize("state", ["open", "answered", "closed"])
def test_finding_steps_agree_on_page_service_and_matrix(
        client: FlaskClient, auth: Auth, by_name: Any, state: str) -> None:
    """A finding of the township's audit of 石安村, open, answered and closed; every role."""
    from coopledger.supervision import services as supervision
    from coopledger.supervision.models import Finding, FindingSeverity
    from coopledger.supervision.rules import FINDING_STEPS
    from coopledger.supervision.services import SupervisionError

    accountant, auditor = by_name.user("accountant"), by_name.user("auditor")
    audit, voucher = _audit_of_shian(by_name)
    found = supervision.add_finding(
        audit, severity=FindingSeverity.MINOR, title="摘要不清", detail="",
        records=f"voucher:{voucher.id}", deadline=dt.date(2024, 12, 31),
        on=dt.date(2024, 12, 1), by=auditor)
    if state in ("answered", "closed"):
        supervision.respond(found, response="已补充摘要", by=accountant)
    if state == "closed":
        supervision.close_finding(found, note="已整改", by=auditor)
    db.session.commit()
    attempts = {"respond": lambda f, u: supervision.respond(f, response="已补充", by=u),
                "close": lambda f, u: supervision.close_finding(f, note="已整改", by=u),
                "reopen": lambda f, u: supervision.reopen_finding(f, note="仍不清楚", by=u)}
    seen = _walk(
        client, auth, by_name, workflow="finding",
        url=f"/o/shian-jjhzs/supervision/findings/{found.id}", table=FINDING_STEPS,
        on_page=FINDING_PAGE, record_id=found.id,
        steps_of=lambda user: supervision.finding_steps_for(
            db.session.get_one(Finding, found.id), user),
        attempt=lambda step, user: attempts[step](db.session.get_one(Finding, found.id), user),
        error=SupervisionError, strict=True)
    assert seen == {"open": {"respond"}, "answered": {"respond", "close", "reopen"},
                    "closed": set()}[state]


AUDIT_PAGE = {"check": r'action="[^"]*/audits/{id}/checks/\d+"',
              "add_finding": r'href="[^"]*/audits/{id}/findings/new',
              "close": r'action="[^"]*/audits/{id}/close"'}


@pytest.mark.parametrize("state", ["open", "closed"])
def test_audit_steps_agree_on_page_service_and_matrix(
        client: FlaskClient, auth: Auth, by_name: Any, state: str) -> None:
    """The township's audit of 石安村, open and closed; every role."""
    from coopledger.supervision import services as supervision
    from coopledger.supervision.models import Audit, CheckResult, FindingSeverity
    from coopledger.supervision.rules import AUDIT_STEPS
    from coopledger.supervision.services import SupervisionError

    auditor = by_name.user("auditor")
    audit, _voucher = _audit_of_shian(by_name)
    for check in audit.checks:
        supervision.set_check(audit, check, result=CheckResult.PASSED, note="", by=auditor)
    if state == "closed":
        supervision.close_audit(audit, conclusion="账实相符", by=auditor)
    db.session.commit()
    check_id = audit.checks[0].id

    def attempt(step: str, user: Any) -> None:
        current = db.session.get_one(Audit, audit.id)
        if step == "check":
            check = next(c for c in current.checks if c.id == check_id)
            supervision.set_check(current, check, result=CheckResult.PASSED, note="", by=user)
        elif step == "add_finding":
            supervision.add_finding(current, severity=FindingSeverity.MINOR, title="摘要不清",
                                    detail="", records="", deadline=dt.date(2025, 1, 31),
                                    on=dt.date(2024, 12, 1), by=user)
        else:
            supervision.close_audit(current, conclusion="账实相符", by=user)

    seen = _walk(
        client, auth, by_name, workflow="audit",
        url=f"/o/shian-jjhzs/supervision/audits/{audit.id}", table=AUDIT_STEPS,
        on_page=AUDIT_PAGE, record_id=audit.id,
        steps_of=lambda user: supervision.audit_steps_for(db.session.get_one(Audit, audit.id),
                                                          user),
        attempt=attempt, error=SupervisionError)
    assert seen == {"open": {"check", "add_finding", "close"}, "closed": set()}[state]


CONTRACT_PAGE = {"edit": r'href="[^"]*/contracts/{id}/edit"',
                 "lease_parcels": r'action="[^"]*/contracts/{id}/parcels"',
                 "sign": r'action="[^"]*/contracts/{id}/sign"',
                 "terminate": r'action="[^"]*/contracts/{id}/terminate"',
                 "record_payment": r'action="[^"]*/contracts/{id}/payments"',
                 "settle_year": r'action="[^"]*/contracts/{id}/settlements"',
                 "record_work": r'action="[^"]*/contracts/{id}/employments"'}


@pytest.mark.parametrize(("number", "state"), [
    ("SATG-2026-001", "draft"), ("SATG-2026-001", "active"), ("SATG-2024-001", "active"),
    ("SATG-2024-001", "terminated"), ("SATG-2024-003", "active")])
def test_contract_steps_agree_on_page_service_and_matrix(
        client: FlaskClient, auth: Auth, by_name: Any, number: str, state: str) -> None:
    """The land-share cooperative's joint venture (a draft, then signed), its land lease
    (running, then ended early) and its employment contract; every role, every step."""
    from decimal import Decimal

    from coopledger.contracts import employment, payments, schedules
    from coopledger.contracts import services as contracts
    from coopledger.contracts.models import Contract
    from coopledger.contracts.money_models import Purpose
    from coopledger.contracts.rules import CONTRACT_STEPS
    from coopledger.contracts.signing import ContractError
    from coopledger.contracts.steps import steps_for

    book_with_vouchers(by_name.org("shian-tdgf"), by_name.user("accountant"),
                       by_name.user("reviewer"))
    contract = db.session.scalars(sa.select(Contract).where(Contract.number == number)).one()
    if state == "active" and not contract.is_signed:
        contracts.sign_contract(contract, approval_ref="成员大会决议〔2026〕9号",
                                approved_on=dt.date(2026, 11, 1),
                                signed_on=dt.date(2026, 11, 20), by=None, today=dates.today())
    if state == "terminated":
        schedules.terminate_contract(contract, on=dt.date(2025, 6, 30), reason="企业经营困难",
                                     by=None)
    db.session.commit()
    assert contract.status.value == state

    def attempt(step: str, user: Any) -> None:
        current = db.session.get_one(Contract, contract.id)
        day = dt.date(2025, 7, 1)
        {"edit": lambda: schedules.set_terms(current, schedules.MoneyTerms(
            profit_share_percent=Decimal("30")), by=user),
         "lease_parcels": lambda: contracts.add_leased_parcel(current, "没有这块地", by=user),
         "sign": lambda: contracts.sign_contract(current, approval_ref="决议",
                                                 approved_on=dt.date(2026, 11, 1),
                                                 signed_on=dt.date(2026, 11, 20), by=user,
                                                 today=dates.today()),
         "terminate": lambda: schedules.terminate_contract(current, on=day, reason="协商解除",
                                                           by=user),
         "record_payment": lambda: payments.record_payment(
             current, purpose=Purpose.DEPOSIT_IN, on=day, amount=Decimal("100.00"),
             cash_code="102", by=user, today=dates.today()),
         "settle_year": lambda: schedules.settle_venture_year(
             current, year=2027, venture_profit=Decimal("100.00"), due_on=None, by=user),
         "record_work": lambda: employment.add_employment(current, employment.WorkData(
             person_id=0, period_start=day, period_end=day, days=Decimal(1),
             wage=Decimal("100.00")), by=user, today=dates.today())}[step]()

    seen = _walk(
        client, auth, by_name, workflow="contract", url=f"/o/shian-tdgf/contracts/{contract.id}",
        table=CONTRACT_STEPS, on_page=CONTRACT_PAGE, record_id=contract.id,
        steps_of=lambda user: steps_for(db.session.get_one(Contract, contract.id), user),
        attempt=attempt, error=ContractError)
    assert seen == {
        ("SATG-2026-001", "draft"): {"edit", "sign"},
        ("SATG-2026-001", "active"): {"terminate", "record_payment", "settle_year"},
        ("SATG-2024-001", "active"): {"terminate", "record_payment"},
        ("SATG-2024-001", "terminated"): {"record_payment"},
        ("SATG-2024-003", "active"): {"terminate", "record_work"}}[number, state]


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_withdrawing_a_depreciation_run_agrees_on_page_service_and_matrix(
        client: FlaskClient, auth: Auth, by_name: Any, state: str) -> None:
    """石安村's January depreciation, its voucher a draft or already submitted; every role."""
    from coopledger.assets import depreciation
    from coopledger.assets.models import DepreciationRun
    from coopledger.assets.rules import RUN_STEPS, AssetRuleError
    from tests.asset_helpers import asset_books

    org, _computers, _dryer = asset_books(by_name)
    accountant = by_name.user("accountant")
    made = depreciation.draft_run(org, 2024, 1, by=accountant, today=dates.today())
    if state == "submitted":
        assert made.voucher is not None
        vouchers.submit_voucher(made.voucher, by=accountant)
    db.session.commit()
    seen = _walk(
        client, auth, by_name, workflow="run",
        url=f"/o/shian-jjhzs/assets/depreciation/{made.id}", table=RUN_STEPS,
        on_page={"withdraw": r'action="[^"]*/depreciation/{id}/withdraw"'}, record_id=made.id,
        steps_of=lambda user: depreciation.run_steps_for(
            db.session.get_one(DepreciationRun, made.id), user),
        attempt=lambda step, user: depreciation.withdraw_run(
            db.session.get_one(DepreciationRun, made.id), by=user),
        error=AssetRuleError, strict=True)
    assert seen == ({"withdraw"} if state == "draft" else set())


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_withdrawing_a_contract_receipt_agrees_on_page_service_and_matrix(
        client: FlaskClient, auth: Auth, by_name: Any, state: str) -> None:
    """A rent receipt of the land-share cooperative's lease, its voucher a draft or already
    submitted; every role."""
    from decimal import Decimal

    from coopledger.contracts import payments
    from coopledger.contracts.models import Contract
    from coopledger.contracts.money_models import ContractPayment, Purpose
    from coopledger.contracts.rules import PAYMENT_STEPS
    from coopledger.contracts.signing import ContractError
    from coopledger.contracts.steps import payment_steps_for

    accountant = by_name.user("accountant")
    book_with_vouchers(by_name.org("shian-tdgf"), accountant, by_name.user("reviewer"))
    lease = db.session.scalars(sa.select(Contract).where(
        Contract.number == "SATG-2024-001")).one()
    made = payments.record_payment(lease, purpose=Purpose.RENT, on=dt.date(2024, 3, 25),
                                   amount=Decimal("1000.00"), cash_code="102", by=accountant,
                                   today=dates.today())
    if state == "submitted":
        assert made.voucher is not None
        vouchers.submit_voucher(made.voucher, by=accountant)
    db.session.commit()
    seen = _walk(
        client, auth, by_name, workflow="payment", url=f"/o/shian-tdgf/contracts/{lease.id}",
        table=PAYMENT_STEPS, on_page={"withdraw": r'action="[^"]*/payments/{id}/cancel"'},
        record_id=made.id,
        steps_of=lambda user: payment_steps_for(db.session.get_one(ContractPayment, made.id),
                                                user),
        attempt=lambda step, user: payments.cancel_payment(
            db.session.get_one(ContractPayment, made.id), by=user),
        error=ContractError, strict=True)
    assert seen == ({"withdraw"} if state == "draft" else set())
