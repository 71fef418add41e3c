"""Approved bank-transfer requests paid through the bank's file (批量转账): a batch of them
written as a payment instruction file in the bank's layout, the bank's result file (or a
manual answer per item) marking each paid — which pays the request and drafts its voucher
(``services.pay``) — or failed, when the request stays approved and may go in a later batch.

A request is in at most one pending item (checked under the request's lock); every request is
paid at most once (``services.pay``). The batch is locked while a result is applied, so a
result imported twice at once pays nothing twice."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger.audit.services import record
from coopledger.auth.permissions import permitted
from coopledger.banking import payment_files
from coopledger.banking.models import BatchState, ItemState
from coopledger.banking.payment_files import Outcome
from coopledger.banking.queries import bank_accounts
from coopledger.dates import utcnow
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.locking import lock
from coopledger.spending import rules, services
from coopledger.spending.models import (
    Method,
    PaymentBatch,
    PaymentItem,
    RequestState,
    SpendingRequest,
)
from coopledger.spending.rules import SpendingError
from coopledger.workflow import Steps

if TYPE_CHECKING:
    from coopledger.auth.models import User
    from coopledger.orgs.models import Organisation


def steps_for(state: BatchState | ItemState, user: User | None,
              org: Organisation) -> Steps:
    """The batch steps ``user`` may take on a batch or an item in ``state``
    (``rules.batch_steps``)."""
    return rules.batch_steps(state=state.value, may=permitted(user, org))


def _in_a_pending_item(request_id: int) -> bool:
    return db.session.scalar(sa.select(PaymentItem.id).where(
        PaymentItem.request_id == request_id, PaymentItem.state == ItemState.PENDING)
        .limit(1)) is not None


def payable(org: Organisation) -> list[SpendingRequest]:
    """Approved bank-transfer requests not already in a batch waiting for the bank."""
    pending = sa.select(PaymentItem.request_id).where(PaymentItem.state == ItemState.PENDING)
    return list(db.session.scalars(sa.select(SpendingRequest).where(
        SpendingRequest.organisation_id == org.id,
        SpendingRequest.state == RequestState.APPROVED, SpendingRequest.method == Method.BANK,
        SpendingRequest.id.not_in(pending)).order_by(SpendingRequest.year,
                                                     SpendingRequest.number)))


def bank_codes(org: Organisation) -> list[str]:
    """The bank leaf accounts a batch may be paid from."""
    return [a.code for a in bank_accounts(org)]


def create_batch(org: Organisation, requests: list[SpendingRequest], *, account_code: str,
                 layout: str, by: User) -> PaymentBatch:
    """A batch of approved bank-transfer requests, paid from ``account_code``."""
    payment_files.layout_of(layout)
    if account_code not in bank_codes(org):
        raise SpendingError(N_("请选择付款的银行存款末级科目。"))
    if not requests:
        raise SpendingError(N_("请至少选择一笔已批准的银行转账申请。"))
    batch = PaymentBatch(organisation_id=org.id, account_code=account_code, layout=layout,
                         created_by_id=by.id, created_at=utcnow())
    db.session.add(batch)
    db.session.flush()
    for number, request in enumerate(sorted(requests, key=lambda r: r.id), start=1):
        lock(request)
        services.steps_for(request, by).require("pay", SpendingError)
        if request.method is not Method.BANK or not request.payee_account:
            raise SpendingError(N_("申请 %(label)s 不是银行转账或没有收款账号。"),
                                label=request.label)
        if _in_a_pending_item(request.id):
            raise SpendingError(N_("申请 %(label)s 已在一批待银行处理的付款里。"),
                                label=request.label)
        db.session.add(PaymentItem(
            batch_id=batch.id, request_id=request.id, number=number,
            reference=f"ZF{batch.id:06d}{number:04d}", payee=request.payee,
            account=request.payee_account, bank=request.payee_bank, amount=request.amount))
    db.session.flush()
    db.session.refresh(batch)
    record("spending.batch", batch, by=by, label=f"{org.code} #{batch.id}",
           after={"items": len(batch.items), "total": str(batch.total), "layout": layout,
                  "account": account_code})
    return batch


def instruction_file(batch: PaymentBatch) -> bytes:
    """The batch's payment instruction file in its layout."""
    layout = payment_files.layout_of(batch.layout)
    return payment_files.instruction_file(layout, [
        payment_files.Item(item.number, item.payee, item.account, item.bank, item.amount,
                           item.request.purpose[:50], item.reference) for item in batch.items])


def _settle(item: PaymentItem, outcome: Outcome, *, on: dt.date, by: User,
            today: dt.date) -> None:
    if outcome.paid:
        services.pay(item.request, on=on, cash_code=item.batch.account_code,
                     bank_reference=outcome.bank_reference or item.reference, by=by,
                     today=today)
        item.state = ItemState.PAID
    else:
        item.state = ItemState.FAILED
    item.bank_reference, item.reason = outcome.bank_reference[:64], outcome.reason[:200]
    item.settled_at = utcnow()


def _close_if_done(batch: PaymentBatch) -> None:
    if all(item.state is not ItemState.PENDING for item in batch.items):
        batch.state = BatchState.SETTLED


def apply_result(batch: PaymentBatch, *, content: bytes, filename: str, on: dt.date,
                 by: User, today: dt.date) -> tuple[int, int]:
    """Apply the bank's result file: (paid, failed) items. A reference of another batch is
    refused with nothing saved; an item already answered is left as it is."""
    lock(batch)
    steps_for(batch.state, by, batch.organisation).require("result", SpendingError)
    outcomes = payment_files.read_result(payment_files.layout_of(batch.layout), content,
                                         filename)
    items = {item.reference: item for item in batch.items}
    if unknown := payment_files.strangers(outcomes, items):
        raise SpendingError(N_("结果文件里的业务参考号 %(refs)s 不属于这批付款。"), refs=unknown)
    paid = failed = 0
    for outcome in outcomes:
        item = items[outcome.reference]
        if item.state is not ItemState.PENDING:
            continue
        _settle(item, outcome, on=on, by=by, today=today)
        paid, failed = (paid + 1, failed) if outcome.paid else (paid, failed + 1)
    _close_if_done(batch)
    db.session.flush()
    record("spending.batch.result", batch, by=by, label=f"#{batch.id}",
           after={"paid": paid, "failed": failed, "on": on.isoformat()})
    return paid, failed


def answer_item(item: PaymentItem, *, paid: bool, bank_reference: str, reason: str,
                on: dt.date, by: User, today: dt.date) -> PaymentItem:
    """Mark one item by hand from the bank's receipt: paid with its 流水号, or failed."""
    lock(item.batch)
    steps_for(item.state, by, item.batch.organisation).require("answer", SpendingError)
    if paid and not bank_reference.strip():
        raise SpendingError(N_("请填写银行回单号或交易流水号。"))
    if not paid and not reason.strip():
        raise SpendingError(N_("请写明付款失败的原因。"))
    _settle(item, Outcome(item.reference, paid, bank_reference.strip(), reason.strip()),
            on=on, by=by, today=today)
    _close_if_done(item.batch)
    db.session.flush()
    record("spending.batch.item", item.batch, by=by, label=f"#{item.batch_id} {item.reference}",
           after={"paid": paid, "bank_reference": bank_reference, "reason": reason})
    return item
