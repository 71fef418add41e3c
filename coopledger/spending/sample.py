"""The demo's spending requests (``[full_spending]`` of the sample world).

- :func:`month_steps`, called by the books loader for each month before it closes: a year of
  requests (``[[full_spending.year]]``, the twelve months that end with the cutoff month), each
  filed by the accountant, approved along the township's chain by whoever holds each step's
  role (``[full_spending.roles]``) and paid by the cashier — in cash, by bank transfer with
  the bank's 回单号, or through a payment batch and the bank's result file — so that each
  payment's voucher is drafted by the request and posted with the month's own. The records'
  times are set to the business day they happened on (the audit log keeps the load's own).
- :func:`load`: the requests of the as-of month in every state of the chain (filed, refused,
  resubmitted, approved, a draft), each with a scan.

Everything goes through the services; loaded once: a second load finds them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from coopledger.auth.models import User
from coopledger.auth.roles import Role
from coopledger.extensions import db
from coopledger.files.stores import Store
from coopledger.ledger.models import Voucher
from coopledger.ledger.queries import cash_accounts
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.ledger.standards import STANDARDS
from coopledger.orgs.models import Organisation
from coopledger.sample_dating import Dating
from coopledger.spending import batches, services
from coopledger.spending.models import Method, RequestState, SpendingRequest


def _user(name: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == name)).one()


def load(config: dict[str, Any], *, storage: Store, today: dt.date) -> tuple[int, int]:
    """File the configured requests and take each through its steps; returns (made, found)."""
    org = db.session.scalars(sa.select(Organisation).where(
        Organisation.code == config["org"])).one()
    existing = db.session.scalar(sa.select(sa.func.count(SpendingRequest.id)).where(
        SpendingRequest.organisation_id == org.id,
        SpendingRequest.purpose.in_([row["purpose"] for row in config.get("requests", [])])))\
        or 0
    if existing:
        return 0, int(existing)
    filer = _user(config["filer"])
    for row in config.get("requests", []):
        request = services.save_request(
            org, None, amount=Decimal(row["amount"]), payee=row["payee"],
            payee_bank=row.get("payee_bank", ""), payee_account=row.get("payee_account", ""),
            purpose=row["purpose"], account_code=row["account"], method=Method(row["method"]),
            resolution_ref=row.get("resolution", ""),
            scans=[(PLACEHOLDER_PNG, f"{row['purpose'][:20]}.png")], storage=storage,
            by=filer, today=today)
        if not row.get("submit", True):
            continue
        services.submit(request, by=filer)
        if row.get("refused_by"):
            *earlier, refuser = row["refused_by"]
            for name in earlier:
                services.approve(request, by=_user(name))
            services.refuse(request, reason=row["refusal"], by=_user(refuser))
            services.add_scan(request, content=PLACEHOLDER_PNG, filename="维修合同及预算表.png",
                              storage=storage, by=filer)
            services.submit(request, by=filer)
        for name in row.get("approvers", []):
            services.approve(request, by=_user(name))
    db.session.flush()
    return len(config.get("requests", [])), 0


def _nth_month(year: int, month: int, when: Dating) -> int:
    """Which of the twelve months ending with the cutoff month (1 … 12) this is, else 0."""
    back = when.cutoff[0] * 12 + when.cutoff[1] - (year * 12 + month)
    return 12 - back if 0 <= back < 12 else 0


def _at(day: dt.date, hour: int) -> dt.datetime:
    """A moment of a business day (China time, stored in UTC)."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC) - dt.timedelta(hours=8)


def _approve_all(request: SpendingRequest, roles: dict[Role, User], day: dt.date) -> None:
    """Every waiting step approved by the holder of its role, an hour apart on ``day``."""
    hour = 9
    while (step := services.waiting(request)) is not None:
        services.approve(request, by=roles[step.role])
        step.decided_at = _at(day, min(hour, 18))
        hour += 1
    request.approved_at = _at(day, min(hour, 18))


def month_steps(org: Organisation, config: dict[str, Any] | None, year: int, month: int, *,
                storage: Store, when: Dating) -> list[Voucher]:
    """File, approve and pay the month's requests of the demo's year (when ``org`` is the
    configured organisation); returns the vouchers their payments drafted."""
    nth = _nth_month(year, month, when)
    if config is None or config["org"] != org.code or not nth:
        return []
    filer, cashier = _user(config["filer"]), _user(config["cashier"])
    roles = {Role(role): _user(name) for role, name in config["roles"].items()}
    cash = STANDARDS[org.standard].cash
    leaves = [a.code for a in cash_accounts(org)]
    cash_code = next(code for code in leaves if code.startswith(cash))
    bank_code = batches.bank_codes(org)[0]
    paid: list[SpendingRequest] = []
    in_batch: list[SpendingRequest] = []
    for row in config.get("year", []):
        if row["month"] != nth:
            continue
        filed = dt.date(year, month, row["day"])
        approved_on = filed + dt.timedelta(days=row.get("days_to_approve", 1))
        request = services.save_request(
            org, None, amount=Decimal(row["amount"]), payee=row["payee"],
            payee_bank=row.get("payee_bank", ""), payee_account=row.get("payee_account", ""),
            purpose=row["purpose"], account_code=row["account"], method=Method(row["method"]),
            resolution_ref=row.get("resolution", "").format(year=year),
            scans=[(PLACEHOLDER_PNG, f"{row['purpose'][:20]}.png")], storage=storage,
            by=filer, today=filed)
        request.created_at = _at(filed, 8)
        services.submit(request, by=filer)
        request.submitted_at = _at(filed, 9)
        if row.get("refused_by"):
            *earlier, refuser = row["refused_by"]
            for name in earlier:
                services.approve(request, by=_user(name))
            services.refuse(request, reason=row["refusal"], by=_user(refuser))
            services.add_scan(request, content=PLACEHOLDER_PNG, filename=row["added_scan"],
                              storage=storage, by=filer)
            services.submit(request, by=filer)
            for step in request.steps:
                if step.decided_at is not None:
                    step.decided_at = _at(filed, 15)
            request.submitted_at = _at(approved_on, 8)
        _approve_all(request, roles, approved_on)
        if row.get("batch"):
            in_batch.append(request)
            continue
        pay_on = approved_on + dt.timedelta(days=1)
        bank = request.method is Method.BANK
        services.pay(request, on=pay_on, cash_code=bank_code if bank else cash_code,
                     bank_reference=f"HD{pay_on:%Y%m%d}{request.number:03d}" if bank else "",
                     by=cashier, today=pay_on)
        paid.append(request)
    if in_batch:
        paid.extend(_through_the_bank(org, in_batch, bank_code, cashier))
    db.session.flush()
    return [request.voucher for request in paid if request.voucher is not None]


def _through_the_bank(org: Organisation, requests: list[SpendingRequest], bank_code: str,
                      cashier: User) -> list[SpendingRequest]:
    """One payment batch of the requests, and the bank's result file paying every item the
    day after the last approval."""
    batch = batches.create_batch(org, requests, account_code=bank_code, layout="generic",
                                 by=cashier)
    pay_on = max(r.approved_at for r in requests if r.approved_at is not None).date() \
        + dt.timedelta(days=1)
    batch.created_at = _at(pay_on, 9)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["业务参考号", "处理结果", "银行流水号", "失败原因"])
    for item in batch.items:
        writer.writerow([item.reference, "成功", f"PL{pay_on:%Y%m%d}{item.number:04d}", ""])
    batches.apply_result(batch, content=out.getvalue().encode("utf-8"), filename="结果.csv",
                         on=pay_on, by=cashier, today=pay_on)
    assert all(r.state is RequestState.PAID for r in requests)
    return requests
