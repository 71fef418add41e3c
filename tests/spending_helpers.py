"""Spending requests of 石安村股份经济合作社 in each state, for the web tests and the matrix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from coopledger import dates
from coopledger.files import store
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.spending import services as spending
from coopledger.spending.models import Method, SpendingRequest

SCAN = (PLACEHOLDER_PNG, "发票.png")


def file_request(by_name: Any, amount: str, *, method: Method = Method.BANK,
                 by: str = "accountant", payee: str = "石安村农资店",
                 purpose: str = "购买办公用品", resolution_ref: str = "",
                 scans: list[tuple[bytes, str]] | None = None) -> SpendingRequest:
    """A draft request of 石安村股份经济合作社, booked to 513 管理费用, with one scan."""
    return spending.save_request(
        by_name.org("shian-jjhzs"), None, amount=Decimal(amount), payee=payee,
        payee_bank="建平农商行", payee_account="6228480012345678" if method is Method.BANK else "",
        purpose=purpose, account_code="513", method=method, resolution_ref=resolution_ref,
        scans=[SCAN] if scans is None else scans, storage=store(), by=by_name.user(by),
        today=dates.today())


def approved(by_name: Any, amount: str, *, method: Method = Method.BANK) -> SpendingRequest:
    """A request approved by the village head and the supervisor (under 2,000 元 that is the
    whole default chain)."""
    request = file_request(by_name, amount, method=method)
    spending.submit(request, by=by_name.user("accountant"))
    spending.approve(request, by=by_name.user("head"))
    spending.approve(request, by=by_name.user("supervisor"))
    return request


def paid(by_name: Any, amount: str) -> SpendingRequest:
    """An approved cash request paid by the cashier, its voucher a draft."""
    request = approved(by_name, amount, method=Method.CASH)
    spending.pay(request, on=dt.date(2024, 6, 3), cash_code="101", bank_reference="",
                 by=by_name.user("cashier"), today=dates.today())
    return request


def build_requests(by_name: Any) -> dict[str, SpendingRequest]:
    """One request in each state: a draft, one waiting for the village head, one approved,
    one paid."""
    draft = file_request(by_name, "300.00", method=Method.CASH)
    waiting = file_request(by_name, "3000.00")
    spending.submit(waiting, by=by_name.user("accountant"))
    return {"draft": draft, "submitted": waiting, "approved": approved(by_name, "800.00"),
            "paid": paid(by_name, "500.00")}


def open_batch(by_name: Any) -> Any:
    """A batch of one approved bank transfer, waiting for the bank's result."""
    from coopledger.spending import batches

    request = approved(by_name, "700.00")
    return batches.create_batch(by_name.org("shian-jjhzs"), [request], account_code="102",
                                layout="generic", by=by_name.user("cashier"))


def bulk_submitted(by_name: Any, count: int, *, waiting_role: str) -> None:
    """``count`` submitted requests of 石安村 whose first step is approved and whose next step
    waits for ``waiting_role``, written straight to the tables (a township's backlog)."""
    import sqlalchemy as sa

    from coopledger.auth.roles import Role
    from coopledger.extensions import db
    from coopledger.spending.models import RequestState, RequestStep, StepState

    org, filer = by_name.org("shian-jjhzs"), by_name.user("accountant")
    start = (db.session.scalar(sa.select(sa.func.max(SpendingRequest.number)).where(
        SpendingRequest.organisation_id == org.id)) or 0) + 1
    now = dates.utcnow() - dt.timedelta(days=30)
    db.session.execute(SpendingRequest.__table__.insert(), [{
        "organisation_id": org.id, "year": 2024, "number": start + i,
        "state": RequestState.SUBMITTED, "amount": Decimal("100.00"), "payee": f"积压{i}",
        "payee_bank": "", "payee_account": "", "purpose": "积压", "account_code": "513",
        "method": Method.CASH, "resolution_ref": "", "round": 1, "created_by_id": filer.id,
        "created_at": now, "submitted_at": now, "bank_reference": ""} for i in range(count)])
    ids = db.session.scalars(sa.select(SpendingRequest.id).where(
        SpendingRequest.payee.like("积压%")))
    db.session.execute(RequestStep.__table__.insert(), [
        row for request_id in ids for row in (
            {"request_id": request_id, "round": 1, "position": 1, "role": Role.VILLAGE_HEAD,
             "state": StepState.APPROVED, "reason": ""},
            {"request_id": request_id, "round": 1, "position": 2, "role": Role(waiting_role),
             "state": StepState.PENDING, "reason": ""})])
