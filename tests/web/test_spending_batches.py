"""Approved bank transfers paid through the bank's file (issue 20, "Paid once, booked once"):
the instruction file in a bank's layout, the result file marking each item paid (the request
paid and its voucher drafted) or failed (the request payable again), a result imported twice
paying nothing twice, a reference of another batch refused, an item answered by hand."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook

from coopledger.audit.models import AuditEvent
from coopledger.banking.models import BatchState, ItemState
from coopledger.extensions import db
from coopledger.spending import batches
from coopledger.spending.models import PaymentBatch, RequestState, SpendingRequest
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers
from tests.spending_helpers import approved

URL = "/o/shian-jjhzs/spending/batches"


@pytest.fixture
def two(by_name: Any) -> list[int]:
    book_with_vouchers(by_name.org("shian-jjhzs"), by_name.user("accountant"),
                       by_name.user("reviewer"))
    found = [approved(by_name, "800.00").id, approved(by_name, "1500.00").id]
    db.session.commit()
    return found


def _result_csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["业务参考号", "处理结果", "银行流水号", "失败原因", "备注"])
    for row in rows:
        writer.writerow([*row, ""])
    return out.getvalue().encode("gb18030")


def test_a_batch_is_paid_through_the_banks_file(client: FlaskClient, auth: Auth,
                                                two: list[int]) -> None:
    auth.login("cashier")
    made = client.post(f"{URL}/", data={"requests": [str(i) for i in two], "account": "102",
                                        "layout": "generic"}, follow_redirects=True)
    assert "已生成付款批次" in made.get_data(as_text=True)
    batch = db.session.scalars(sa.select(PaymentBatch)).one()
    assert batch.total == Decimal("2300.00")
    file = client.get(f"{URL}/{batch.id}/file")
    rows = list(csv.reader(io.StringIO(file.data.decode("utf-8-sig"))))
    assert rows[0] == ["序号", "收款人户名", "收款人账号", "收款人开户行", "金额", "用途",
                       "业务参考号"]
    assert [(r[2], r[4]) for r in rows[1:]] == [("6228480012345678", "800.00"),
                                                ("6228480012345678", "1500.00")]
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "spending.batch.file")) == 1
    first, second = (item.reference for item in batch.items)
    result = _result_csv([(first, "成功", "NX20240603001", ""),
                          (second, "失败", "", "户名与账号不符")])
    done = client.post(f"{URL}/{batch.id}/result", data={
        "on": "2024-06-03", "file": (io.BytesIO(result), "结果.csv")}, follow_redirects=True)
    assert "1 笔已付款（凭证草稿已生成），1 笔失败" in done.get_data(as_text=True)
    db.session.expire_all()
    paid, failed = (db.session.get(SpendingRequest, i) for i in two)
    assert paid is not None
    assert failed is not None
    assert paid.state is RequestState.PAID
    assert paid.bank_reference == "NX20240603001"
    assert paid.voucher is not None
    assert [(v.account.code, v.debit, v.credit) for v in paid.voucher.lines] == [
        ("513", Decimal("800.00"), Decimal("0.00")), ("102", Decimal("0.00"), Decimal("800.00"))]
    assert failed.state is RequestState.APPROVED                # payable in a later batch
    assert [r.id for r in batches.payable(failed.organisation)] == [failed.id]
    batch = db.session.get(PaymentBatch, batch.id)
    assert batch is not None
    assert batch.state is BatchState.SETTLED
    assert [i.state for i in batch.items] == [ItemState.PAID, ItemState.FAILED]
    assert batch.items[1].reason == "户名与账号不符"
    again = client.post(f"{URL}/{batch.id}/result", data={
        "on": "2024-06-03", "file": (io.BytesIO(result), "结果.csv")}, follow_redirects=True)
    assert "这批付款的每一笔银行都已处理完毕，结果不必再导入。" in again.get_data(as_text=True)
    page = client.get(f"{URL}/{batch.id}").get_data(as_text=True)
    assert "户名与账号不符" in page
    assert 'class="item-paid"' in page


def test_the_banks_own_layout_keeps_account_numbers_as_text_and_refuses_strangers(
        by_name: Any, client: FlaskClient, auth: Auth, two: list[int]) -> None:
    auth.login("cashier")
    client.post(f"{URL}/", data={"requests": [str(two[0])], "account": "102",
                                 "layout": "nongshang"})
    batch = db.session.scalars(sa.select(PaymentBatch)).one()
    sheet = load_workbook(io.BytesIO(client.get(f"{URL}/{batch.id}/file").data)).active
    assert [c.value for c in sheet[1]] == ["客户参考号", "收款账号", "收款户名", "交易金额",
                                           "收款行名称", "附言"]
    assert sheet["B2"].value == "6228480012345678"
    assert sheet["B2"].data_type == "s"
    workbook = Workbook()
    result = workbook.active
    result.append(["客户参考号", "交易状态", "交易流水", "备注"])
    result.append(["ZF9999990001", "交易成功", "X1", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    refused = client.post(f"{URL}/{batch.id}/result", data={
        "on": "2024-06-03", "file": (io.BytesIO(buffer.getvalue()), "r.xlsx")},
        follow_redirects=True)
    assert "业务参考号 ZF9999990001 不属于这批付款" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SpendingRequest, two[0]).state is RequestState.APPROVED  # type: ignore[union-attr]


def test_a_request_goes_in_one_open_batch_and_an_item_is_answered_by_hand(
        by_name: Any, client: FlaskClient, auth: Auth, two: list[int]) -> None:
    auth.login("cashier")
    client.post(f"{URL}/", data={"requests": [str(two[0])], "account": "102",
                                 "layout": "generic"})
    twice = client.post(f"{URL}/", data={"requests": [str(two[0])], "account": "102",
                                         "layout": "generic"}, follow_redirects=True)
    assert "已在一批待银行处理的付款里" in twice.get_data(as_text=True)
    none = client.post(f"{URL}/", data={"account": "102", "layout": "generic"},
                       follow_redirects=True)
    assert "请至少选择一笔已批准的银行转账申请" in none.get_data(as_text=True)
    batch = db.session.scalars(sa.select(PaymentBatch)).one()
    item = batch.items[0]
    blank = client.post(f"{URL}/{batch.id}/items/{item.id}",
                        data={"outcome": "paid", "on": "2024-06-04"}, follow_redirects=True)
    assert "请填写银行回单号或交易流水号" in blank.get_data(as_text=True)
    client.post(f"{URL}/{batch.id}/items/{item.id}",
                data={"outcome": "paid", "on": "2024-06-04", "bank_reference": "HD0604"})
    db.session.expire_all()
    request = db.session.get(SpendingRequest, two[0])
    assert request is not None
    assert (request.state, request.bank_reference) == (RequestState.PAID, "HD0604")
    auth.login("accountant")                       # files requests, does not pay them
    assert client.get(f"{URL}/{batch.id}/file").status_code == 403
