"""Paying 保底 during the year: each household's land and what it earns at the rate, what the
books say was paid, a payment of chosen households as one voucher draft, the refusals that
save nothing (overpaying, unreadable amounts, a village collective), and withdrawing a draft."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger.audit.models import AuditEvent
from coopledger.banking.models import BatchState, ItemState
from coopledger.distribution.models import GuaranteeBatch, GuaranteeBatchItem, GuaranteePayment
from coopledger.extensions import db
from coopledger.ledger import vouchers
from coopledger.ledger.models import Voucher, VoucherState
from coopledger.ledger.vouchers import VoucherError
from coopledger.members.models import Household
from tests.conftest import Auth
from tests.distribution_helpers import close_2024

URL = "/o/shian-tdgf/distribution/guarantee"


@pytest.fixture
def closed(by_name: Any) -> Any:
    close_2024(by_name)
    db.session.commit()
    return by_name


def _id(head: str) -> int:
    return db.session.scalars(sa.select(Household.id).where(Household.head_name == head)).one()


def _payments() -> list[tuple[str, Decimal]]:
    return [(p.household.head_name, p.amount) for p in db.session.scalars(
        sa.select(GuaranteePayment).where(GuaranteePayment.year == 2025)
        .order_by(GuaranteePayment.id))]


def _pay(client: FlaskClient, **amounts: str) -> str:
    data: dict[str, Any] = {"rate": "800.00", "on": "2025-06-30", "account": "102",
                            "household": [str(_id(head)) for head in amounts]}
    data |= {f"amount-{_id(head)}": amount for head, amount in amounts.items()}
    return client.post(f"{URL}/2025", data=data, follow_redirects=True).get_data(as_text=True)


def test_the_year_shows_land_due_and_what_the_books_paid(client: FlaskClient, auth: Auth,
                                                        closed: Any) -> None:
    """2024 was paid in full by one posted voucher (2.77 亩 × 800 = 2,216.00 for 陈大山户);
    2025 is owed in full: 365 days at 800 元/亩 (刘秀珍户 1.60 亩 → 1,280.00); 王德明户 gave 0.5
    of his 2.64 land shares to 陈大山户 on 2025-03-10, so 0.5 / 2.64 of his 2.40 亩 earns for
    陈大山户 from that day (2.40 → 1.9455 亩 at the year end)."""
    auth.login("accountant")
    page = client.get(f"{URL}/2024?rate=800").get_data(as_text=True)
    row = page[page.index("<td>陈大山户"):].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[1:6]] == [
        "2.77", "2,216.00", "2,216.00", "0.00", "0.00"]
    assert "9,376.00" in page                       # the year's total due = paid
    page = client.get(f"{URL}/2025?rate=800").get_data(as_text=True)
    row = page[page.index("<td>刘秀珍户"):].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[1:7]] == [
        "1.6", "1,280.00", "0.00", "0.00", "0.00", "1,280.00"]
    row = page[page.index("<td>王德明户"):].split("</tr>")[0]
    # 68 days (to 03-09) at 2.40 亩, then 297 days at 2.40 × (1 − 0.5 / 2.64)
    assert [cell.split(">")[-1] for cell in row.split("</td>")[1:3]] == ["1.9455", "1,624.11"]


def test_a_payment_drafts_one_voucher_and_overpaying_is_refused(client: FlaskClient, auth: Auth,
                                                               closed: Any) -> None:
    auth.login("accountant")
    page = _pay(client, 陈大山="1108.00", 刘秀珍="1e3")
    assert "“1e3”不是有效的金额。" in page              # unreadable amount: nothing saved
    assert not _payments()
    page = _pay(client, 陈大山="1108.00", 刘秀珍="")      # empty: what is still owed
    assert "已支付 2 户保底" in page
    assert _payments() == [("陈大山", Decimal("1108.00")), ("刘秀珍", Decimal("1280.00"))]
    voucher = db.session.scalars(sa.select(Voucher).join(
        GuaranteePayment, GuaranteePayment.voucher_id == Voucher.id)
        .where(GuaranteePayment.year == 2025)).first()
    assert voucher is not None
    assert [(line.summary, line.account.code, line.debit, line.credit)
            for line in voucher.lines] == [
        ("支付陈大山户2025年保底收益", "521", Decimal("1108.00"), Decimal("0.00")),
        ("支付刘秀珍户2025年保底收益", "521", Decimal("1280.00"), Decimal("0.00")),
        ("支付2025年保底收益（2户）", "102", Decimal("0.00"), Decimal("2388.00"))]
    page = _pay(client, 陈大山="1500.00")   # 2.77 亩 all year + 0.4545 亩 from 03-10
    assert "陈大山户 2025 年保底应付 2,511.89 元，已付、待记账和银行处理中共 1,108.00 元，" \
        "本次最多还能付 1,403.89 元。" in page
    page = _pay(client, 刘秀珍="0.01")
    assert "本次最多还能付 0.00 元" in page
    assert len(_payments()) == 2
    voucher_id = voucher.id
    with pytest.raises(VoucherError, match="由业务记录自动生成"):
        vouchers.delete_draft(voucher, by=closed.user("accountant"))
    response = client.post(f"{URL}/2025/withdraw/{voucher_id}", follow_redirects=True)
    assert "保底支付已撤回" in response.get_data(as_text=True)
    assert _payments() == []
    assert db.session.get(Voucher, voucher_id) is None


def test_a_submitted_payment_cannot_be_withdrawn_and_the_plan_waits_for_it(
        client: FlaskClient, auth: Auth, closed: Any) -> None:
    auth.login("accountant")
    _pay(client, 刘秀珍="100.00")
    voucher = db.session.scalars(sa.select(GuaranteePayment)).all()[-1].voucher
    vouchers.submit_voucher(voucher, by=closed.user("accountant"))
    db.session.commit()
    assert voucher.state is VoucherState.SUBMITTED
    page = client.post(f"{URL}/2025/withdraw/{voucher.id}",
                       follow_redirects=True).get_data(as_text=True)
    assert "请先退回为草稿" in page
    assert _payments() == [("刘秀珍", Decimal("100.00"))]


def test_only_a_land_share_cooperative_pays_guarantee(client: FlaskClient, auth: Auth,
                                                      closed: Any) -> None:
    auth.login("accountant")
    assert client.get("/o/shian-jjhzs/distribution/guarantee/2025").status_code == 404
    auth.login("member")
    assert client.post(f"{URL}/2025", data={"rate": "800"}).status_code == 403


def _send(client: FlaskClient, account: str = "102", **amounts: str) -> str:
    data: dict[str, Any] = {"rate": "800.00", "on": "2025-06-30", "account": account,
                            "layout": "generic", "to_bank": "1",
                            "household": [str(_id(head)) for head in amounts]}
    data |= {f"amount-{_id(head)}": amount for head, amount in amounts.items()}
    return client.post(f"{URL}/2025", data=data, follow_redirects=True).get_data(as_text=True)


def _result(client: FlaskClient, batch: GuaranteeBatch, rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["业务参考号", "处理结果", "银行流水号", "失败原因"])
    writer.writerows(rows)
    return client.post(f"{URL}/2025/batches/{batch.id}/result", data={
        "on": "2025-07-02", "file": (io.BytesIO(out.getvalue().encode()), "代发结果.csv")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)


def test_guarantee_goes_through_the_banks_file_and_its_result_pays_once(
        client: FlaskClient, auth: Auth, closed: Any) -> None:
    """Issue 20, "Batch payouts to households" — rent shares (保底) through the bank: the chosen
    households go in a payment file to their payout accounts; while the bank has it the amount
    is 银行处理中 and cannot be paid again; the result pays those it paid (one voucher 借 521
    贷 102) and leaves the failed one payable; the same result again pays nothing; a voucher
    the bank paid cannot be withdrawn; a reference of another batch is refused."""
    auth.login("accountant")
    page = _send(client, 陈大山="1108.00", 刘秀珍="")
    assert "已生成保底代发批次" in page
    assert "2 户，2,388.00 元" in page
    batch = db.session.scalars(sa.select(GuaranteeBatch)).one()
    assert [(i.payee, i.amount, i.state) for i in batch.items] == [
        ("刘秀珍", Decimal("1280.00"), ItemState.PENDING),
        ("陈大山", Decimal("1108.00"), ItemState.PENDING)]
    assert _payments() == []                       # nothing is paid before the bank says so
    response = client.get(f"{URL}/2025/batches/{batch.id}/file")
    records = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert records[0] == ["序号", "收款人户名", "收款人账号", "收款人开户行", "金额", "用途",
                          "业务参考号"]
    accounts = {h.head_name: h.bank_account for h in db.session.scalars(sa.select(Household))}
    assert [(r[1], r[2], r[4], r[5], r[6]) for r in records[1:]] == [
        ("刘秀珍", accounts["刘秀珍"], "1280.00", "2025年保底收益", batch.items[0].reference),
        ("陈大山", accounts["陈大山"], "1108.00", "2025年保底收益", batch.items[1].reference)]
    assert db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "distribution.guarantee_batch_file")).first() is not None
    page = client.get(f"{URL}/2025?rate=800").get_data(as_text=True)
    row = page[page.index("<td>刘秀珍户"):].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[4:7]] == [
        "0.00", "1,280.00", "0.00"]
    refused = _pay(client, 刘秀珍="0.01")
    assert "已付、待记账和银行处理中共 1,280.00 元，本次最多还能付 0.00 元" in refused
    stranger = _result(client, batch, [["BD999999999", "成功", "X", ""]])
    assert "业务参考号 BD999999999 不属于这批代发" in stranger
    assert _payments() == []
    rows = [[batch.items[0].reference, "失败", "", "账户已销户"],
            [batch.items[1].reference, "成功", "DF0001", ""]]
    page = _result(client, batch, rows[1:])       # the bank answers 陈大山 first
    assert "银行已付 1 户，凭证草稿" in page
    page = _result(client, batch, rows)           # then both: 陈大山 is not paid twice
    assert "结果文件里没有新付款的农户。" in page
    assert "付款失败 1 户：刘秀珍 账户已销户" in page
    db.session.expire_all()
    assert _payments() == [("陈大山", Decimal("1108.00"))]
    payment = db.session.scalars(sa.select(GuaranteePayment).where(
        GuaranteePayment.year == 2025)).one()
    voucher = payment.voucher
    assert payment.on == dt.date(2025, 7, 2)
    assert voucher.on == dt.date(2025, 7, 2)
    assert [(line.account.code, line.debit, line.credit) for line in voucher.lines] == [
        ("521", Decimal("1108.00"), Decimal("0.00")),
        ("102", Decimal("0.00"), Decimal("1108.00"))]
    batch = db.session.get(GuaranteeBatch, batch.id)
    assert batch is not None
    assert batch.state is BatchState.SETTLED
    assert [(i.state, i.bank_reference, i.reason, i.voucher_id) for i in batch.items] == [
        (ItemState.FAILED, "", "账户已销户", None), (ItemState.PAID, "DF0001", "", voucher.id)]
    again = _result(client, batch, rows)            # every household answered: refused
    assert "这批代发的每一户银行都已处理完毕，结果不必再导入。" in again
    assert len(_payments()) == 1
    assert f'action="{URL}/2025/batches/{batch.id}/result"' not in client.get(
        f"{URL}/2025?rate=800").get_data(as_text=True)   # the page offers no import
    page = client.post(f"{URL}/2025/withdraw/{voucher.id}",
                       follow_redirects=True).get_data(as_text=True)
    assert "这笔保底已由银行按代发文件付出，凭证不能撤回" in page
    assert db.session.get(Voucher, voucher.id) is not None
    page = client.get(f"{URL}/2025?rate=800").get_data(as_text=True)
    row = page[page.index("<td>刘秀珍户"):].split("</tr>")[0]
    assert row.split("</td>")[6].split(">")[-1] == "1,280.00"   # failed: payable again


def test_a_bank_file_is_refused_without_a_bank_account_to_pay_from_or_to(
        client: FlaskClient, auth: Auth, closed: Any) -> None:
    auth.login("accountant")
    page = _send(client, account="101", 刘秀珍="100.00")
    assert "请选择付款的银行存款末级科目。" in page
    household = db.session.get(Household, _id("刘秀珍"))
    assert household is not None
    household.bank_account = ""
    for membership in household.memberships:
        membership.bank_account = ""
    db.session.commit()
    page = _send(client, 刘秀珍="100.00", 陈大山="100.00")
    assert "刘秀珍户 还没有登记收款银行账户" in page
    assert db.session.scalars(sa.select(GuaranteeBatch)).all() == []
    page = _send(client, 陈大山="3000.00")
    assert "本次最多还能付 2,511.89 元" in page
    assert db.session.scalars(sa.select(GuaranteeBatchItem)).all() == []
