"""Contract money through the web: terms, the stored schedule, receipts that draft linked
vouchers, refusals that save nothing (price ≤ 0, more than outstanding, a closed month, a
deposit not held), advances for later years, grain prices, termination, the overdue list,
member work and the income it shows on the household page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger import dates
from coopledger.contracts import schedules
from coopledger.contracts.models import Contract, ContractStatus
from coopledger.contracts.money_models import (
    ContractPayment,
    Deferral,
    Employment,
    ScheduleLine,
)
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.ledger import periods
from coopledger.ledger.models import Voucher, VoucherState
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers

URL = "/o/shian-tdgf/contracts"
D = Decimal


@pytest.fixture
def books(by_name: Any) -> Any:
    """The land-share cooperative's books opened on 2024-01-01 (cash 101, bank 102)."""
    book_with_vouchers(by_name.org("shian-tdgf"), by_name.user("accountant"),
                       by_name.user("reviewer"))
    db.session.commit()
    return by_name


def _contract(number: str = "SATG-2024-001") -> Contract:
    return db.session.scalars(sa.select(Contract).where(Contract.number == number)).one()


def _lines(contract: Contract) -> list[ScheduleLine]:
    db.session.expire_all()
    return schedules.schedule_of(contract)


def _pay(client: FlaskClient, contract: Contract, **fields: str) -> str:
    data = {"pay-purpose": "rent", "pay-on": "2024-03-25", "pay-amount": "5274.36",
            "pay-account": "102"} | fields
    return client.post(f"{URL}/{contract.id}/payments", data=data,
                       follow_redirects=True).get_data(as_text=True)


def _payments() -> int:
    return db.session.scalar(sa.select(sa.func.count(ContractPayment.id))) or 0


def _vouchers() -> int:
    return db.session.scalar(sa.select(sa.func.count(Voucher.id))) or 0


def test_signing_stored_the_grain_rent_schedule_with_steps_and_estimates(session: Any) -> None:
    lines = _lines(_contract())
    assert len(lines) == 15                                # 2024 … 2038
    # 6.37 亩 × 600 斤 × 1.38 元 (2024), × 1.40 (2025), 2026 estimated at 2025's price.
    assert [(ln.amount, ln.price_year, ln.estimated) for ln in lines[:3]] == [
        (D("5274.36"), 2024, False), (D("5350.80"), 2025, False), (D("5350.80"), 2025, True)]
    assert lines[5].amount == D("5885.88")                 # 2029: +10 % after 5 years
    assert lines[10].amount == D("6474.47")                # 2034: ×1.21
    assert lines[0].due_on == dt.date(2024, 3, 31)         # 90 days into the year


def test_a_receipt_drafts_its_voucher_and_both_link_to_each_other(
        client: FlaskClient, auth: Auth, books: Any) -> None:
    auth.login("accountant")
    lease = _contract()
    page = _pay(client, lease)
    assert "已登记收取租金 5,274.36 元" in page
    payment = db.session.scalars(sa.select(ContractPayment)).one()
    voucher = payment.voucher
    assert voucher is not None
    assert voucher.state is VoucherState.DRAFT
    assert [(ln.account.code, ln.debit, ln.credit) for ln in voucher.lines] == [
        ("102", D("5274.36"), D(0)), ("501", D(0), D("5274.36"))]
    assert f'href="/o/shian-tdgf/contracts/{lease.id}">合同 SATG-2024-001 的收付款</a>' in page
    assert [ln.received for ln in _lines(lease)[:2]] == [D("5274.36"), D(0)]
    contract_page = client.get(f"{URL}/{lease.id}").get_data(as_text=True)
    assert f'href="/o/shian-tdgf/vouchers/{voucher.id}">{voucher.label}</a>' \
        in contract_page
    edit = client.get(f"/o/shian-tdgf/vouchers/{voucher.id}/edit",
                      follow_redirects=True).get_data(as_text=True)
    assert "这张凭证由业务记录自动生成，不能直接修改或删除" in edit
    client.post(f"/o/shian-tdgf/vouchers/{voucher.id}/delete")
    assert db.session.get(Voucher, voucher.id) is not None


def test_more_than_outstanding_is_refused_unless_kept_as_an_advance(
        client: FlaskClient, auth: Auth, books: Any) -> None:
    auth.login("accountant")
    lease = _contract()
    owed = sum((ln.amount for ln in _lines(lease)), D(0))
    before = (_payments(), _vouchers())
    page = _pay(client, lease, **{"pay-amount": f"{owed + 1000}"})
    assert (f"收款 {owed + 1000:,.2f} 元超过未收金额 {owed:,.2f} 元。如果多出的 1,000.00 元确是预收"
            in page)
    assert (_payments(), _vouchers()) == before
    page = _pay(client, lease, **{"pay-amount": f"{owed + 1000}", "pay-keep_excess": "y"})
    payment = db.session.scalars(sa.select(ContractPayment)).one()
    assert payment.excess == D("1000.00")
    assert all(ln.outstanding == 0 for ln in _lines(lease))
    # Paid in 2024 for 2024–2038: 2024's rent is income now, the rest and the excess wait in 应付款.
    assert payment.voucher is not None
    booked = {ln.account.code: ln.credit for ln in payment.voucher.lines if ln.credit}
    assert booked == {"501": D("5274.36"), "211": owed + 1000 - D("5274.36")}
    deferred = {d.year: d.amount for d in payment.deferrals}
    assert sorted(deferred) == list(range(2025, 2039))
    assert deferred[2025] == D("5350.80")
    assert sum(deferred.values(), D(0)) == owed - D("5274.36")


def test_advance_rent_is_transferred_to_income_of_its_year(
        client: FlaskClient, auth: Auth, books: Any) -> None:
    from coopledger.ledger import month_end

    auth.login("accountant")
    lease = _contract()
    _pay(client, lease, **{"pay-amount": "10625.16"})          # 2024 and 2025 together
    payment = db.session.scalars(sa.select(ContractPayment)).one()
    assert [(d.year, d.amount) for d in payment.deferrals] == [(2025, D("5350.80"))]
    # 期末检查 names the advance in 2025's months (not in 2024's) until it is income
    org = books.org("shian-tdgf")
    assert month_end.checklist(org, 2024, 12).warnings == []
    assert [item.text % item.params for item in month_end.checklist(org, 2025, 1).warnings] \
        == ["合同 SATG-2024-001 预收的 2025 年租金 5,350.80 元尚未转入收入。"]
    page = client.post(f"{URL}/{lease.id}/deferrals/2025", data={"release-on": "2024-12-31"},
                       follow_redirects=True).get_data(as_text=True)
    assert "结转日期须在 2025 年内。" in page
    page = client.post(f"{URL}/{lease.id}/deferrals/2025", data={"release-on": "2025-01-01"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已生成预收租金结转凭证草稿。" in page
    deferral = db.session.scalars(sa.select(Deferral)).one()
    assert deferral.voucher is not None
    assert [(ln.account.code, ln.debit, ln.credit) for ln in deferral.voucher.lines] == [
        ("211", D("5350.80"), D(0)), ("501", D(0), D("5350.80"))]
    assert "合同 SATG-2024-001 的预收租金结转" in page
    cancel = client.post(f"{URL}/{lease.id}/payments/{payment.id}/cancel",
                         follow_redirects=True).get_data(as_text=True)
    assert "这笔收款的预收租金已结转收入，不能撤销。" in cancel


def test_a_receipt_in_a_closed_month_is_refused_and_nothing_is_saved(
        client: FlaskClient, auth: Auth, books: Any) -> None:
    for month in (1, 2, 3):
        periods.close_month(books.org("shian-tdgf"), 2024, month, by=books.user("accountant"))
    db.session.commit()
    auth.login("accountant")
    before = (_payments(), _vouchers())
    page = _pay(client, _contract())
    assert "2024年3月已结账，不能再录入、记账或冲销到该月。" in page
    assert (_payments(), _vouchers()) == before
    assert _lines(_contract())[0].received == 0


def test_bad_payments_are_refused_with_a_sentence(client: FlaskClient, auth: Auth,
                                                  books: Any) -> None:
    auth.login("accountant")
    lease = _contract()
    before = (_payments(), _vouchers())
    cases = [
        ({"pay-amount": "0"}, "金额必须大于零。"),
        ({"pay-on": "2030-01-01"}, "收付款日期 2030-01-01 在今天之后。"),
        ({"pay-on": "2023-12-01"}, "收付款日期 2023-12-01 早于合同签订日期 2023-12-08。"),
        ({"pay-purpose": "deposit_out", "pay-amount": "100"},
         "退还保证金 100.00 元超过已收保证金余额 0.00 元。"),
        ({"pay-purpose": "dividend"}, "不是有效的选择。"),
        ({"pay-account": "501"}, "不是有效的选择。"),
        ({"pay-amount": "12.345"}, "金额“12.345”最多只能有两位小数（精确到分）。"),
    ]
    for fields, sentence in cases:
        page = _pay(client, lease, **fields)
        assert sentence in page, fields
    assert (_payments(), _vouchers()) == before


def test_cancelling_a_draft_payment_restores_the_schedule(client: FlaskClient, auth: Auth,
                                                          books: Any) -> None:
    auth.login("accountant")
    lease = _contract()
    _pay(client, lease, **{"pay-amount": "3000"})
    payment = db.session.scalars(sa.select(ContractPayment)).one()
    voucher_id = payment.voucher_id
    page = client.post(f"{URL}/{lease.id}/payments/{payment.id}/cancel",
                       follow_redirects=True).get_data(as_text=True)
    assert "已撤销这笔收付款，凭证草稿已删除。" in page
    assert _lines(lease)[0].received == 0
    assert db.session.get(Voucher, voucher_id) is None
    assert _payments() == 0


def test_price_of_zero_or_less_is_refused_and_the_terms_stay(client: FlaskClient,
                                                            auth: Auth) -> None:
    auth.login("accountant")
    draft = _contract("SATG-2026-001")                     # the joint venture draft
    lease = Contract(organisation_id=draft.organisation_id, partner_id=draft.partner_id,
                     number="SATG-2026-010", title="六组租赁", kind=draft.kind.LEASE,
                     status=ContractStatus.DRAFT, starts_on=dt.date(2027, 1, 1),
                     ends_on=dt.date(2031, 12, 31))
    db.session.add(lease)
    db.session.commit()
    for basis, field in (("cash", "terms-price_per_mu"), ("grain", "terms-grain_jin_per_mu")):
        for value in ("0", "-5"):
            page = client.post(f"{URL}/{lease.id}/terms", data={
                "terms-rent_basis": basis, field: value}, follow_redirects=True
            ).get_data(as_text=True)
            assert "每亩租金必须大于零。" in page, (basis, value)
    page = client.post(f"{URL}/{lease.id}/terms", data={
        "terms-rent_basis": "cash", "terms-price_per_mu": "800", "terms-step_percent": "10"},
        follow_redirects=True).get_data(as_text=True)
    assert "递增比例不能为负，递增间隔须为正整数年。" in page
    db.session.expire_all()
    assert (lease.price_per_mu, lease.grain_jin_per_mu) == (None, None)
    page = client.post(f"{URL}/{lease.id}/terms", data={
        "terms-rent_basis": "cash", "terms-price_per_mu": "800", "terms-half_yearly": "y"},
        follow_redirects=True).get_data(as_text=True)
    assert "已保存合同条款。" in page
    db.session.expire_all()
    assert lease.price_per_mu == D("800.00")
    assert lease.half_yearly


def test_a_years_grain_price_reprices_the_estimated_lines(client: FlaskClient,
                                                          auth: Auth) -> None:
    auth.login("accountant")
    page = client.post("/o/shian-tdgf/grain-prices", data={
        "year": "2026", "price_per_jin": "1.45", "grain": "稻谷", "source": "县发改局"},
        follow_redirects=True).get_data(as_text=True)
    assert "已保存 2026 年参考价，重算了 13 条估算租金。" in page   # 2026 … 2038
    lines = _lines(_contract())
    assert (lines[2].amount, lines[2].price_year, lines[2].estimated) == (
        D("5541.90"), 2026, False)                        # 6.37 × 600 × 1.45
    assert (lines[3].amount, lines[3].estimated) == (D("5541.90"), True)
    page = client.post("/o/shian-tdgf/grain-prices", data={"year": "2026",
                                                           "price_per_jin": "0"},
                       follow_redirects=True).get_data(as_text=True)
    assert "粮食参考价必须大于零。" in page


def test_the_overdue_list_and_home_warning_follow_the_receipts(
        client: FlaskClient, auth: Auth, books: Any) -> None:
    auth.login("accountant")
    page = client.get(f"{URL}/overdue").get_data(as_text=True)
    # 2024, 2025 and 2026 rent are due and unpaid on 2026-11-29.
    assert "共 3 笔应收款逾期未收清，合计 15,975.96 元。" in page
    home = client.get("/").get_data(as_text=True)
    assert "3 笔应收款逾期未收，合计 15,975.96 元" in home
    _pay(client, _contract(), **{"pay-amount": "6000.00"})
    page = client.get(f"{URL}/overdue").get_data(as_text=True)
    assert "共 2 笔应收款逾期未收清，合计 9,975.96 元。" in page
    assert "4,625.16" in page                              # 2025 line: 5,350.80 − 725.64


def test_early_termination_writes_off_the_rest_and_keeps_arrears(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("accountant")
    lease = _contract()
    page = client.post(f"{URL}/{lease.id}/terminate", data={"end-on": "2026-06-30",
                                                            "end-reason": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "请填写终止日期和终止原因。" in page
    page = client.post(f"{URL}/{lease.id}/terminate", data={
        "end-on": "2026-06-30", "end-reason": "宏达公司停产，双方协商解除"},
        follow_redirects=True).get_data(as_text=True)
    assert "合同已提前终止，收款计划已按终止日结清。" in page
    lines = _lines(lease)
    assert lease.status is ContractStatus.TERMINATED
    # 2026 runs 181 of 365 days: 5,350.80 × 181/365 = 2,653.41 stays owed.
    assert (lines[2].outstanding, lines[2].written_off) == (D("2653.41"), D("2697.39"))
    assert all(ln.outstanding == 0 and ln.written_off == ln.amount for ln in lines[3:])
    assert lines[0].outstanding == D("5274.36")
    assert "2026-06-30 提前终止：宏达公司停产，双方协商解除" in lines[3].note


def test_members_work_is_recorded_and_shows_as_household_income(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("accountant")
    work = _contract("SATG-2024-003")
    before = db.session.scalar(sa.select(sa.func.count(Employment.id)))
    data = {"work-person": "陈小军", "work-period_start": "2026-01-01",
            "work-period_end": "2026-06-30", "work-days": "110", "work-wage": "16500",
            "work-paid_on": "2026-07-10"}
    for change, sentence in (({"work-person": "张三"}, "本组织成员户中没有“张三”。"),
                             ({"work-days": "0"}, "务工天数必须大于零。"),
                             ({"work-period_end": "2025-12-31"}, "务工结束日期 2025-12-31 早于"),
                             ({"work-period_start": "2023-01-01"}, "务工期间须在合同期限之内。")):
        page = client.post(f"{URL}/{work.id}/employments", data=data | change,
                           follow_redirects=True).get_data(as_text=True)
        assert sentence in page, change
    assert db.session.scalar(sa.select(sa.func.count(Employment.id))) == before
    page = client.post(f"{URL}/{work.id}/employments", data=data,
                       follow_redirects=True).get_data(as_text=True)
    assert "已登记 陈小军 的务工记录。" in page
    household = db.session.get(Employment, db.session.scalar(sa.select(
        sa.func.max(Employment.id)))).person.household  # type: ignore[union-attr]
    page = client.get(f"/o/shian-tdgf/households/{household.id}").get_data(as_text=True)
    # 2025: two half-years of 陈小军 paid in 2025 (18,000) and 2026 (17,700 + 16,500).
    assert "<td>2026</td><td class=\"num\">34,200.00</td>" in page
    assert "<td>2025</td><td class=\"num\">18,000.00</td>" in page
    auth.login("member")
    mine = client.get("/my/household").get_data(as_text=True)
    assert "34,200.00" in mine


def test_the_partner_page_sums_what_was_received_per_year(
        client: FlaskClient, auth: Auth, books: Any) -> None:
    auth.login("accountant")
    lease = _contract()
    _pay(client, lease, **{"pay-purpose": "deposit_in", "pay-on": "2024-01-05",
                           "pay-amount": "20000"})
    _pay(client, lease)
    page = client.get(f"/o/shian-tdgf/partners/{lease.partner_id}").get_data(as_text=True)
    assert "<td>2024</td><td class=\"num\">5,274.36</td>" in page
    assert "25,274.36" in page
    back = _pay(client, lease, **{"pay-purpose": "deposit_out", "pay-on": "2024-06-01",
                                  "pay-amount": "20000.01"})
    assert "退还保证金 20,000.01 元超过已收保证金余额 20,000.00 元。" in back


def test_a_joint_venture_year_makes_the_share_due(by_name: Any) -> None:
    venture = _contract("SATG-2026-001")
    from coopledger.contracts import services
    services.sign_contract(venture, approval_ref="成员大会决议〔2026〕9号",
                           approved_on=dt.date(2026, 11, 1), signed_on=dt.date(2026, 11, 20),
                           by=None, today=dates.today())
    line = schedules.settle_venture_year(venture, year=2027, venture_profit=D("100000.00"),
                                         due_on=None, by=None)
    assert (line.amount, line.due_on) == (D("30000.00"), dt.date(2028, 3, 31))
    with pytest.raises(Exception, match="2027 年的合作分成已经登记"):
        schedules.settle_venture_year(venture, year=2027, venture_profit=D("1.00"),
                                      due_on=None, by=None)
    with pytest.raises(Exception, match="2032 年不在合同期限之内"):
        schedules.settle_venture_year(venture, year=2032, venture_profit=D("1.00"),
                                      due_on=None, by=None)


def test_the_partner_list_shows_contracts_and_this_and_last_years_receipts(
        client: FlaskClient, auth: Auth, books: Any) -> None:
    auth.login("accountant")
    lease = _contract()
    _pay(client, lease, **{"pay-on": today().replace(month=1, day=2).isoformat(),
                           "pay-amount": "1234.56"})
    page = client.get("/o/shian-tdgf/partners/").get_data(as_text=True)
    year = today().year
    assert f"{year} 年收款" in page
    assert f"{year - 1} 年收款" in page
    row = page[page.index("建平县宏达生猪养殖有限公司"):]
    row = row[:row.index("</tr>")]
    assert '<td class="num">2</td>' in row                 # the lease and the employment
    assert '<td class="num">1,234.56</td>' in row


def test_contract_scans_are_kept_and_other_files_refused(client: FlaskClient,
                                                         auth: Auth) -> None:
    from io import BytesIO

    from coopledger.contracts.money_models import ContractFile
    from coopledger.ledger.sample_books import PLACEHOLDER_PNG

    auth.login("accountant")
    lease = _contract()
    page = client.post(f"{URL}/{lease.id}/files", data={
        "file": (BytesIO(b"not a scan"), "contract.txt")}, content_type="multipart/form-data",
        follow_redirects=True).get_data(as_text=True)
    assert "只能上传 JPEG、PNG 图片或 PDF 文件。" in page
    assert db.session.scalar(sa.select(sa.func.count(ContractFile.id))) == 0
    page = client.post(f"{URL}/{lease.id}/files", data={
        "file": (BytesIO(PLACEHOLDER_PNG), "第1页.png")}, content_type="multipart/form-data",
        follow_redirects=True).get_data(as_text=True)
    assert "合同扫描件已上传。" in page
    item = db.session.scalars(sa.select(ContractFile)).one()
    assert f'{URL}/{lease.id}/files/{item.id}">第1页.png</a>' in page
    scan = client.get(f"{URL}/{lease.id}/files/{item.id}")
    assert (scan.mimetype, scan.data) == ("image/png", PLACEHOLDER_PNG)
    scan.close()
    assert client.get(f"{URL}/{_contract('SATG-2024-002').id}/files/{item.id}").status_code \
        == 404
