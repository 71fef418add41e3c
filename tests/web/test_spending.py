"""Spending approved before it is paid (issue 20): filing with scans, refusals that save
nothing, the township's chain by amount, refusal and resubmission with the history kept,
separation of duties, payment drafting the voucher, the home queues."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger.audit.models import AuditEvent
from coopledger.auth import services as auth_services
from coopledger.auth.roles import Role
from coopledger.extensions import db
from coopledger.ledger.models import VoucherState
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.spending import rules
from coopledger.spending import services as spending
from coopledger.spending.models import (
    Method,
    RequestState,
    SpendingRequest,
    StepState,
)
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers
from tests.spending_helpers import approved, file_request

URL = "/o/shian-jjhzs/spending"


@pytest.fixture
def books(by_name: Any) -> Any:
    book_with_vouchers(by_name.org("shian-jjhzs"), by_name.user("accountant"),
                       by_name.user("reviewer"))
    db.session.commit()
    return by_name


def _count() -> int:
    return int(db.session.scalar(sa.select(sa.func.count(SpendingRequest.id))) or 0)


def _form(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "amount": "1,280.50", "payee": "建平县农资供销社", "payee_bank": "建平农商行",
        "payee_account": "6228480012345678", "purpose": "购买村部办公桌椅",
        "account": "513", "method": "bank", "resolution_ref": "",
        "scans": (io.BytesIO(PLACEHOLDER_PNG), "发票.png")}
    form.update(changes)
    return form


def test_a_request_is_filed_with_its_scans_in_one_form(client: FlaskClient, auth: Auth,
                                                       books: Any) -> None:
    auth.login("accountant")
    answer = client.post(f"{URL}/new", data=_form(), content_type="multipart/form-data")
    assert answer.status_code == 302
    found = db.session.scalars(sa.select(SpendingRequest)).one()
    assert (found.amount, found.state, found.account_code) == (
        Decimal("1280.50"), RequestState.DRAFT, "513")
    assert [s.filename for s in found.scans] == ["发票.png"]
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "村主要负责人/理事长 → 民主理财小组/监事会" in page    # the chain it will pass
    assert client.get(f"{URL}/{found.id}/scans/{found.scans[0].id}").data == PLACEHOLDER_PNG


@pytest.mark.parametrize(("changes", "sentence"), [
    ({"amount": "0"}, "申请金额须大于 0。"),
    ({"amount": "12.345"}, "金额“12.345”最多只能有两位小数（精确到分）。"),
    ({"method": "cash", "amount": "6000", "payee_account": ""},
     "现金支付不能超过 5,000.00 元（乡镇规定的现金限额）：请改为银行转账。"),
    ({"scans": (io.BytesIO(b""), "")}, "乡镇要求附原始凭证：请上传发票、合同或会议记录的扫描件。"),
    ({"amount": "60000"}, "60,000.00 元达到 50,000.00 元，须填写成员（代表）大会决议文号。"),
    ({"account": "5"}, "不是有效的选择。"),        # 5 收入类 is a parent, not a leaf
    ({"account": "102"}, "支出不能记入现金或银行存款科目本身：请选择费用、往来等科目。"),
    ({"scans": (io.BytesIO(b"not an image"), "x.png")}, "只能上传 JPEG、PNG 图片或 PDF 文件。"),
])
def test_bad_input_gets_a_sentence_and_saves_nothing(client: FlaskClient, auth: Auth,
                                                     books: Any, changes: dict[str, object],
                                                     sentence: str) -> None:
    auth.login("accountant")
    answer = client.post(f"{URL}/new", data=_form(**changes),
                         content_type="multipart/form-data")
    assert answer.status_code == 422
    assert sentence in answer.get_data(as_text=True)
    assert _count() == 0


def _as(client: FlaskClient, auth: Auth, user: str, request: SpendingRequest, step: str,
        **data: str) -> str:
    auth.login(user)
    answer = client.post(f"{URL}/{request.id}/{step}", data=data, follow_redirects=True)
    return answer.get_data(as_text=True)


def test_a_large_request_passes_the_township_refused_once_and_resubmitted(
        client: FlaskClient, auth: Auth, books: Any) -> None:
    request = file_request(books, "12000.00", purpose="修缮村部屋顶")
    db.session.commit()
    assert "已提交审批。" in _as(client, auth, "accountant", request, "submit")
    db.session.refresh(request)
    assert [s.role for s in request.current_steps] == [
        Role.VILLAGE_HEAD, Role.SUPERVISOR, Role.TOWNSHIP_AUDITOR, Role.TOWNSHIP_LEADER]
    # out of turn: the supervisor is told whose step it is
    assert "这一环节由村主要负责人/理事长审批。" in _as(client, auth, "supervisor", request,
                                                     "approve")
    auth.login("head")
    assert "待我审批" in client.get("/").get_data(as_text=True)       # the head's home queue
    assert "已同意。" in _as(client, auth, "head", request, "approve")
    assert "已同意。" in _as(client, auth, "supervisor", request, "approve")
    assert "请写明不同意的理由。" in _as(client, auth, "auditor", request, "refuse", reason=" ")
    db.session.refresh(request)
    assert request.state is RequestState.SUBMITTED                  # a refusal needs a reason
    page = _as(client, auth, "auditor", request, "refuse", reason="缺少维修合同和预算表")
    assert "已退回申请人。" in page
    db.session.refresh(request)
    assert request.state is RequestState.RETURNED
    auth.login("accountant")
    home = client.get("/").get_data(as_text=True)
    assert "被退回待修改：" in home
    assert "缺少维修合同和预算表" in client.get(f"{URL}/{request.id}").get_data(as_text=True)
    client.post(f"{URL}/{request.id}/scans", data={
        "scans": (io.BytesIO(PLACEHOLDER_PNG), "维修合同.png")},
        content_type="multipart/form-data")
    assert "已提交审批。" in _as(client, auth, "accountant", request, "submit")
    db.session.refresh(request)
    assert request.round == 2
    assert [(s.round, s.state) for s in request.steps][:4] == [
        (1, StepState.APPROVED), (1, StepState.APPROVED), (1, StepState.REFUSED),
        (1, StepState.SKIPPED)]                          # round 1 kept as it was
    for user in ("head", "supervisor", "auditor", "leader"):
        assert "已同意。" in _as(client, auth, user, request, "approve"), user
    db.session.refresh(request)
    assert request.state is RequestState.APPROVED
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.action.like("spending.%")).order_by(AuditEvent.id)).all()
    assert actions.count("spending.approve") == 6
    assert actions.count("spending.refuse") == 1
    assert actions.count("spending.submit") == 2


def test_no_one_approves_their_own_request_or_takes_two_steps(
        client: FlaskClient, auth: Auth, books: Any) -> None:
    org = books.org("shian-jjhzs")
    head = books.user("head")
    auth_services.assign_role(head, Role.SUPERVISOR, organisation=org, township=None, by=None)
    auth_services.assign_role(books.user("accountant"), Role.VILLAGE_HEAD, organisation=org,
                              township=None, by=None)
    request = file_request(books, "600.00")
    spending.submit(request, by=books.user("accountant"))
    db.session.commit()
    assert "申请人不能审批自己的申请。" in _as(client, auth, "accountant", request, "approve")
    assert "已同意。" in _as(client, auth, "head", request, "approve")
    assert "同一人不能审批同一申请的两个环节。" in _as(client, auth, "head", request, "approve")
    db.session.refresh(request)
    assert [s.state for s in request.current_steps] == [StepState.APPROVED, StepState.PENDING]


def test_paying_drafts_the_voucher_with_the_scans_once(client: FlaskClient, auth: Auth,
                                                        books: Any) -> None:
    request = approved(books, "800.00")
    db.session.commit()
    auth.login("cashier")
    assert "已批准待付款" in client.get("/").get_data(as_text=True)
    refused = _as(client, auth, "cashier", request, "pay", on="2024-06-03", cash_code="102",
                  bank_reference="")
    assert "银行转账请填写银行回单号或交易流水号。" in refused
    wrong = _as(client, auth, "cashier", request, "pay", on="2024-06-03", cash_code="101",
                bank_reference="NX001")
    assert "付款科目须与之一致" in wrong
    page = _as(client, auth, "cashier", request, "pay", on="2024-06-03", cash_code="102",
               bank_reference="NX20240603001")
    assert "已登记支付，凭证草稿已生成，请审核记账。" in page
    db.session.refresh(request)
    voucher = request.voucher
    assert voucher is not None
    assert voucher.state is VoucherState.DRAFT
    assert [(line.account.code, line.debit, line.credit) for line in voucher.lines] == [
        ("513", Decimal("800.00"), Decimal("0.00")), ("102", Decimal("0.00"), Decimal("800.00"))]
    assert voucher.lines[0].summary == "支付石安村农资店购买办公用品"
    assert [a.sha256 for a in voucher.attachments] == [s.sha256 for s in request.scans]
    shown = client.get(f"/o/shian-jjhzs/vouchers/{voucher.id}").get_data(as_text=True)
    assert f"支出申请 {request.label}" in shown                      # linked both ways
    again = _as(client, auth, "cashier", request, "pay", on="2024-06-04", cash_code="102",
                bank_reference="NX2")
    assert "只有已批准的申请可以支付。" in again                        # paid once
    db.session.refresh(request)
    assert request.voucher_id == voucher.id
    # taken back while the voucher is a draft: approved again, the draft gone
    assert "已撤回支付" in _as(client, auth, "cashier", request, "unpay")
    db.session.refresh(request)
    assert (request.state, request.voucher_id) == (RequestState.APPROVED, None)


def test_the_township_sets_its_chain_and_limits(client: FlaskClient, auth: Auth,
                                                books: Any) -> None:
    auth.login("auditor")
    page = client.get("/t/tashan/spending/chain").get_data(as_text=True)
    assert "现行流程：村主要负责人/理事长 → 民主理财小组/监事会 → 乡镇审计（2,000.00 元起）" in page
    saved = client.post("/t/tashan/spending/chain", data={
        "use_village_head": "y", "from_village_head": "0", "use_supervisor": "y",
        "from_supervisor": "0", "use_township_auditor": "y", "from_township_auditor": "1000",
        "cash_limit": "2000", "resolution_from": "30000", "scans_required": "y"},
        follow_redirects=True)
    assert "审批流程已保存。" in saved.get_data(as_text=True)
    town = books.township("tashan").id
    assert spending.chain_of(town) == [
        rules.ChainRule(Role.VILLAGE_HEAD), rules.ChainRule(Role.SUPERVISOR),
        rules.ChainRule(Role.TOWNSHIP_AUDITOR, Decimal("1000.00"))]
    assert spending.limits_of(town) == rules.Limits(Decimal("2000.00"), Decimal("30000.00"),
                                                    True)
    bad = client.post("/t/tashan/spending/chain", data={
        "use_village_head": "y", "from_village_head": "100", "cash_limit": "2000",
        "resolution_from": "30000"}, follow_redirects=True)
    assert "第一个审批环节须适用于所有金额（起点金额为 0）。" in bad.get_data(as_text=True)
    assert len(spending.chain_of(town)) == 3                          # nothing saved
    request = file_request(books, "1500.00")
    spending.submit(request, by=books.user("accountant"))
    assert [s.role for s in request.current_steps][-1] is Role.TOWNSHIP_AUDITOR
    with pytest.raises(rules.SpendingError, match=r"2,000\.00"):
        file_request(books, "2500.00", method=Method.CASH)


def test_money_paid_out_without_an_approved_request_is_a_warning(client: FlaskClient,
                                                                  auth: Auth,
                                                                  books: Any) -> None:
    """Once the township adopts requests, a posted voucher paying out of cash or bank with
    no approved request behind it is 无审批支出 on the dashboard; one paid through a request is
    not, nor are payments before the day, nor an organisation let off requests."""
    import datetime as dt

    from coopledger import dates
    from coopledger.ledger import vouchers
    from coopledger.supervision import queries as supervision
    from coopledger.supervision.rules import Rule
    from tests.ledger_helpers import make_voucher

    org, accountant, reviewer = (books.org("shian-jjhzs"), books.user("accountant"),
                                 books.user("reviewer"))
    town = books.township("tashan")
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 2, 20), debit="513",
                 credit="101", amount="150.00", summary="采购办公用品（实行前）")
    unapproved = make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 5), debit="513",
                              credit="101", amount="260.00", summary="购买茶叶（无申请）")
    request = approved(books, "800.00")
    paid = spending.pay(request, on=dt.date(2024, 3, 8), cash_code="102",
                        bank_reference="NX0308", by=books.user("cashier"),
                        today=dates.today())
    vouchers.submit_voucher(paid, by=accountant)        # the accountant sends it on
    vouchers.review_voucher(paid, by=reviewer)
    vouchers.post_voucher(paid, by=reviewer, today=dates.today())
    on = dt.date(2024, 6, 30)
    line = supervision.organisation_line(org, on=on)
    assert Rule.UNAPPROVED_SPENDING not in line.fired           # not adopted yet
    spending.save_chain(town, list(rules.DEFAULT_CHAIN),
                        rules.Limits(requests_from=dt.date(2024, 3, 1)), by=books.user("auditor"))
    line = supervision.organisation_line(org, on=on)
    assert line.fired[Rule.UNAPPROVED_SPENDING] == 1
    alert = next(a for a in line.warnings if a.rule is Rule.UNAPPROVED_SPENDING)
    assert [(h.ref.key, h.amount) for h in alert.hits] == [(str(unapproved.id),
                                                           Decimal("260.00"))]
    db.session.commit()
    auth.login("auditor")
    page = client.get(f"/o/shian-jjhzs/supervision/?on={on.isoformat()}").get_data(as_text=True)
    assert "无审批支出" in page
    assert f"/o/shian-jjhzs/vouchers/{unapproved.id}" in page      # the voucher, linked
    # let off requests: no warning
    saved = client.post("/t/tashan/spending/chain", data={
        "use_village_head": "y", "from_village_head": "0", "use_supervisor": "y",
        "from_supervisor": "0", "cash_limit": "5000", "resolution_from": "50000",
        "scans_required": "y", "requests_from": "2024-03-01", "exempt": [str(org.id)]},
        follow_redirects=True)
    assert "审批流程已保存。" in saved.get_data(as_text=True)
    assert Rule.UNAPPROVED_SPENDING not in supervision.organisation_line(org, on=on).fired


def test_the_queue_finds_the_users_requests_behind_a_townships_backlog(
        client: FlaskClient, auth: Auth, books: Any) -> None:
    """210 older requests wait for the supervisor; the one new request waiting for the village
    head is still in the head's queue (the queue is chosen by each request's next step, not
    from the oldest 200 open ones), and the supervisor's home lists 20 and counts the rest."""
    from coopledger.spending.queries import waiting_for
    from tests.spending_helpers import bulk_submitted

    bulk_submitted(books, 210, waiting_role="supervisor")
    mine = file_request(books, "260.00")
    spending.submit(mine, by=books.user("accountant"))
    db.session.commit()
    assert [r.id for r in waiting_for(books.user("head")).to_approve] == [mine.id]
    backlog = waiting_for(books.user("supervisor"))
    assert len(backlog.to_approve) == 200
    assert backlog.capped
    auth.login("supervisor")
    home = client.get("/").get_data(as_text=True)
    assert home.count('class="queue-approve"') == 20
    assert "另有 180+ 件待我审批" in home


def test_an_audit_sample_can_be_drawn_from_the_spending_requests(
        client: FlaskClient, auth: Auth, books: Any) -> None:
    """Issue 20, "Seen by the township": the auditor draws the sample from the vouchers that
    paid spending requests; each leads to its request."""
    import datetime as dt

    from coopledger import dates
    from coopledger.ledger import vouchers
    from coopledger.supervision.models import Audit
    from tests.ledger_helpers import make_voucher

    org = books.org("shian-jjhzs")
    accountant, reviewer = books.user("accountant"), books.user("reviewer")
    for day in (3, 4, 5):
        make_voucher(org, accountant, reviewer, on=dt.date(2024, 6, day))  # no request behind
    request = approved(books, "800.00")
    paid = spending.pay(request, on=dt.date(2024, 6, 10), cash_code="102",
                        bank_reference="NX0610", by=books.user("cashier"), today=dates.today())
    vouchers.submit_voucher(paid, by=accountant)
    vouchers.review_voucher(paid, by=reviewer)
    vouchers.post_voucher(paid, by=reviewer, today=dates.today())
    db.session.commit()
    auth.login("auditor")
    form = {"scope": "2024年支出审批执行情况", "period_from": "2024-01-01",
            "period_to": "2024-12-31", "sample_size": "5", "seed": "7"}
    client.post("/o/shian-jjhzs/supervision/audits/new", data={**form, "sample_from": "spending"})
    audit = db.session.scalars(sa.select(Audit)).one()
    assert audit.sample_from == "spending"
    assert [s.voucher_id for s in audit.samples] == [paid.id]
    page = client.get(f"/o/shian-jjhzs/supervision/audits/{audit.id}").get_data(as_text=True)
    assert "期间内支出申请的付款凭证" in page
    client.post("/o/shian-jjhzs/supervision/audits/new", data={**form, "sample_from": "vouchers"})
    wider = db.session.scalars(sa.select(Audit).order_by(Audit.id.desc())).first()
    assert wider is not None
    assert len(wider.samples) == 5                      # the opening and the three others too
    refused = client.post("/o/shian-jjhzs/supervision/audits/new",
                          data={**form, "sample_from": "contracts"}, follow_redirects=True)
    assert "不是有效的选择" in refused.get_data(as_text=True)
