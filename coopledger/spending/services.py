"""Spending requests through their approval chain to a paid, booked voucher.

Each transition locks the request and re-checks its steps after the lock (``rules.
request_steps``); services flush, the request commits once. Paying drafts the voucher (借 the
request's account, 贷 the cash or bank account it was paid from) with the request's scans
attached, for the normal review and posting; a request is paid at most once (its lock, and
``voucher_id`` unique).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger.audit.services import record
from coopledger.auth.permissions import org_roles, permitted
from coopledger.auth.roles import ROLE_LABELS, Role
from coopledger.dates import utcnow
from coopledger.extensions import db
from coopledger.files.scans import keep_scan
from coopledger.i18n import N_
from coopledger.ledger import origins, vouchers
from coopledger.ledger.models import Attachment, Voucher, VoucherState
from coopledger.ledger.queries import cash_accounts, open_leaf_codes
from coopledger.ledger.rules import Line
from coopledger.locking import lock
from coopledger.money import ZERO
from coopledger.orgs.models import Organisation, Township, Village
from coopledger.spending import rules
from coopledger.spending.models import (
    ChainStep,
    Method,
    RequestScan,
    RequestState,
    RequestStep,
    SpendingExemption,
    SpendingRequest,
    SpendingSettings,
    StepState,
)
from coopledger.spending.rules import ChainRule, Limits, SpendingError
from coopledger.workflow import Steps

if TYPE_CHECKING:
    from coopledger.auth.models import User
    from coopledger.files.stores import Store


def chain_of(township_id: int) -> list[ChainRule]:
    """The township's approval chain (the defaults until it saves its own)."""
    saved = list(db.session.scalars(sa.select(ChainStep).where(
        ChainStep.township_id == township_id).order_by(ChainStep.position)))
    return [ChainRule(step.role, step.from_amount) for step in saved] if saved \
        else list(rules.DEFAULT_CHAIN)


def limits_of(township_id: int) -> Limits:
    """The township's limits (the defaults until it saves its own)."""
    saved = db.session.scalar(sa.select(SpendingSettings).where(
        SpendingSettings.township_id == township_id))
    if saved is None:
        return Limits()
    return Limits(saved.cash_limit, saved.resolution_from, saved.scans_required,
                  saved.requests_from)


def exempt_ids(org_ids: list[int]) -> set[int]:
    """Of ``org_ids``, the organisations their township lets pay without requests."""
    if not org_ids:
        return set()
    return set(db.session.scalars(sa.select(SpendingExemption.organisation_id).where(
        SpendingExemption.organisation_id.in_(org_ids))))


def save_chain(township: Township, chain: list[ChainRule], limits: Limits, *, by: User,
               exempt: set[int] | None = None) -> None:
    """Replace the township's chain and limits (requests already submitted keep the steps
    they were given) and, given ``exempt``, the organisations that pay without requests."""
    rules.check_chain(chain, limits)
    lock(township)
    own = [o.id for o in db.session.scalars(sa.select(Organisation).join(
        Organisation.village).where(Village.township_id == township.id))]
    before = {"chain": [[r.role.value, str(r.from_amount)] for r in chain_of(township.id)],
              "limits": _limits_json(limits_of(township.id)),
              "exempt": sorted(exempt_ids(own))}
    if exempt is not None:
        if not exempt <= set(own):
            raise SpendingError(N_("只能免除本乡镇的组织。"))
        db.session.execute(sa.delete(SpendingExemption).where(
            SpendingExemption.organisation_id.in_(own)))
        for org_id in sorted(exempt):
            db.session.add(SpendingExemption(organisation_id=org_id, set_by_id=by.id,
                                             set_at=utcnow()))
    db.session.execute(sa.delete(ChainStep).where(ChainStep.township_id == township.id))
    for position, rule in enumerate(chain, start=1):
        db.session.add(ChainStep(township_id=township.id, position=position, role=rule.role,
                                 from_amount=rule.from_amount))
    settings = db.session.scalar(sa.select(SpendingSettings).where(
        SpendingSettings.township_id == township.id))
    if settings is None:
        settings = SpendingSettings(township_id=township.id)
        db.session.add(settings)
    settings.cash_limit, settings.resolution_from = limits.cash_limit, limits.resolution_from
    settings.scans_required, settings.requests_from = limits.scans_required, limits.requests_from
    settings.updated_by_id, settings.updated_at = by.id, utcnow()
    db.session.flush()
    record("spending.chain", township, by=by, label=township.name, before=before,
           after={"chain": [[r.role.value, str(r.from_amount)] for r in chain],
                  "limits": _limits_json(limits), "exempt": sorted(exempt_ids(own))})


def _limits_json(limits: Limits) -> dict[str, object]:
    return {"cash_limit": str(limits.cash_limit), "resolution_from": str(limits.resolution_from),
            "scans_required": limits.scans_required,
            "requests_from": limits.requests_from.isoformat() if limits.requests_from else None}


def _role_label(role: Role) -> str:
    from flask_babel import gettext

    return str(gettext(ROLE_LABELS[role]))


def waiting(request: SpendingRequest) -> RequestStep | None:
    """The step of the current round that waits for a decision."""
    return next((step for step in request.current_steps if step.state is StepState.PENDING),
                None)


def user_roles(user: User | None, org: Organisation) -> frozenset[Role]:
    """The chain roles ``user`` holds for ``org``: on the organisation, or on its township."""
    if user is None:
        return frozenset()
    held = set(org_roles(user, org))
    held.update(a.role for a in user.assignments if a.township_id == org.township_id)
    return frozenset(held)


def steps_for(request: SpendingRequest, user: User | None) -> Steps:
    """The steps of ``request`` that ``user`` may take now."""
    step = waiting(request)
    voucher = request.voucher
    return rules.request_steps(rules.RequestFacts(
        state=request.state.value, filer_id=request.created_by_id,
        user_id=user.id if user is not None else None,
        waiting_role=step.role if step is not None else None,
        deciders=frozenset(s.decided_by_id for s in request.current_steps
                           if s.decided_by_id is not None),
        user_roles=user_roles(user, request.organisation),
        voucher_is_draft=voucher is None or voucher.state is VoucherState.DRAFT),
        permitted(user, request.organisation), _role_label)


def _draft(amount: Decimal, method: Method, scans: int, resolution_ref: str, payee: str,
           purpose: str, payee_account: str) -> rules.Draft:
    return rules.Draft(amount=amount, cash=method is Method.CASH, scans=scans,
                       resolution_ref=resolution_ref, payee=payee, purpose=purpose,
                       payee_account=payee_account)


def save_request(org: Organisation, request: SpendingRequest | None, *, amount: Decimal,
                 payee: str, payee_bank: str, payee_account: str, purpose: str,
                 account_code: str, method: Method, resolution_ref: str,
                 scans: list[tuple[bytes, str]], storage: Store, by: User,
                 today: dt.date) -> SpendingRequest:
    """File a new request or change a draft or returned one, with the scans uploaded with
    it; the whole request is checked against the township's limits first."""
    if request is not None:
        lock(request)
        steps_for(request, by).require("edit", SpendingError)
    if account_code not in open_leaf_codes(org):
        raise SpendingError(N_("科目 %(code)s 不是本单位的末级科目。"), code=account_code)
    if account_code in {a.code for a in cash_accounts(org)}:
        raise SpendingError(N_("支出不能记入现金或银行存款科目本身：请选择费用、往来等科目。"))
    kept = len(request.scans) if request is not None else 0
    rules.check_request(_draft(amount, method, kept + len(scans), resolution_ref, payee,
                               purpose, payee_account), limits_of(org.township_id))
    before = None
    if request is None:
        lock(org)
        number = (db.session.scalar(sa.select(sa.func.max(SpendingRequest.number)).where(
            SpendingRequest.organisation_id == org.id, SpendingRequest.year == today.year))
            or 0) + 1
        request = SpendingRequest(organisation=org, year=today.year, number=number,
                                  state=RequestState.DRAFT, created_by_id=by.id,
                                  created_at=utcnow(), amount=amount, payee="", purpose="",
                                  account_code="", method=method)
        db.session.add(request)
    else:
        before = _facts(request)
    request.amount, request.payee, request.payee_bank = amount, payee.strip(), payee_bank.strip()
    request.payee_account, request.purpose = payee_account.strip(), purpose.strip()
    request.account_code, request.method = account_code, method
    request.resolution_ref = resolution_ref.strip()
    db.session.flush()
    for content, filename in scans:
        _keep_scan(request, content, filename, storage, by)
    record("spending.save", request, by=by, label=f"{request.label} {request.payee}",
           before=before, after=_facts(request))
    return request


def _facts(request: SpendingRequest) -> dict[str, object]:
    return {"amount": str(request.amount), "payee": request.payee,
            "payee_account": request.payee_account[-4:], "purpose": request.purpose,
            "account": request.account_code, "method": request.method.value,
            "resolution": request.resolution_ref}


def _keep_scan(request: SpendingRequest, content: bytes, filename: str, storage: Store,
               by: User) -> RequestScan:
    return keep_scan(partial(RequestScan, request=request), content=content, filename=filename,
                     storage=storage, by=by, action="spending.scan", subject=request,
                     label=request.label)


def add_scan(request: SpendingRequest, *, content: bytes, filename: str, storage: Store,
             by: User) -> RequestScan:
    """Keep one more scan with a draft or returned request."""
    lock(request)
    steps_for(request, by).require("edit", SpendingError)
    return _keep_scan(request, content, filename, storage, by)


def submit(request: SpendingRequest, *, by: User) -> SpendingRequest:
    """Send a draft (or a returned request, as a new round) into the approval chain: the
    chain's steps that apply to its amount are fixed now."""
    lock(request)
    steps_for(request, by).require("submit", SpendingError)
    org = request.organisation
    rules.check_request(_draft(request.amount, request.method, len(request.scans),
                               request.resolution_ref, request.payee, request.purpose,
                               request.payee_account), limits_of(org.township_id))
    if request.state is RequestState.RETURNED:
        request.round += 1
    chain = rules.applicable(chain_of(org.township_id), request.amount)
    for position, rule in enumerate(chain, start=1):
        request.steps.append(RequestStep(round=request.round, position=position,
                                         role=rule.role))
    request.state = RequestState.APPROVED if not chain else RequestState.SUBMITTED
    request.submitted_at = utcnow()
    db.session.flush()
    record("spending.submit", request, by=by, label=f"{request.label} {request.payee}",
           after={"round": request.round, "amount": str(request.amount),
                  "steps": [rule.role.value for rule in chain]})
    return request


def approve(request: SpendingRequest, *, by: User) -> SpendingRequest:
    """Approve the step waiting now; the last approval makes the request payable."""
    lock(request)
    steps_for(request, by).require("approve", SpendingError)
    step = waiting(request)
    assert step is not None
    step.state, step.decided_by_id, step.decided_at = StepState.APPROVED, by.id, utcnow()
    if waiting(request) is None:
        request.state, request.approved_at = RequestState.APPROVED, utcnow()
    db.session.flush()
    record("spending.approve", request, by=by, label=f"{request.label} {request.payee}",
           after={"round": request.round, "position": step.position, "role": step.role.value,
                  "state": request.state.value})
    return request


def refuse(request: SpendingRequest, *, reason: str, by: User) -> SpendingRequest:
    """Refuse the step waiting now, with the reason: the request goes back to its author."""
    lock(request)
    steps_for(request, by).require("refuse", SpendingError)
    if not reason.strip():
        raise SpendingError(N_("请写明不同意的理由。"))
    step = waiting(request)
    assert step is not None
    step.state, step.decided_by_id, step.decided_at = StepState.REFUSED, by.id, utcnow()
    step.reason = reason.strip()[:500]
    for later in request.current_steps:
        if later.state is StepState.PENDING:
            later.state = StepState.SKIPPED
    request.state = RequestState.RETURNED
    db.session.flush()
    record("spending.refuse", request, by=by, label=f"{request.label} {request.payee}",
           after={"round": request.round, "position": step.position, "role": step.role.value,
                  "reason": step.reason})
    return request


def delete(request: SpendingRequest, *, by: User) -> None:
    """Delete a draft that was never submitted."""
    lock(request)
    steps_for(request, by).require("delete", SpendingError)
    record("spending.delete", request, by=by, label=f"{request.label} {request.payee}",
           before=_facts(request))
    db.session.delete(request)
    db.session.flush()


def pay(request: SpendingRequest, *, on: dt.date, cash_code: str, bank_reference: str,
        by: User, today: dt.date) -> Voucher:
    """Record that an approved request was paid and draft its voucher (借 the request's
    account, 贷 ``cash_code``, the request's scans attached). Paid at most once."""
    lock(request)
    steps_for(request, by).require("pay", SpendingError)
    org = request.organisation
    paying = {a.code: a for a in cash_accounts(org)}
    if cash_code not in paying:
        raise SpendingError(N_("请选择付款的现金或银行存款末级科目。"))
    cash_side = paying[cash_code].code.startswith(_cash_root(org))
    if cash_side != (request.method is Method.CASH):
        raise SpendingError(N_("这份申请批准的支付方式是“%(method)s”：付款科目须与之一致。"),
                            method=request.method.label)
    if request.method is Method.BANK and not bank_reference.strip():
        raise SpendingError(N_("银行转账请填写银行回单号或交易流水号。"))
    summary = rules.payment_summary(request.payee, request.purpose)
    voucher = vouchers.save_voucher(org, voucher=None, on=on, lines=[
        Line(summary, request.account_code, request.amount, ZERO),
        Line(summary, cash_code, ZERO, request.amount)],
        attachment_count=len(request.scans), by=by, today=today)
    for scan in request.scans:
        db.session.add(Attachment(voucher=voucher, sha256=scan.sha256, filename=scan.filename,
                                  content_type=scan.content_type, size=scan.size,
                                  uploaded_by_id=scan.uploaded_by_id,
                                  uploaded_at=scan.uploaded_at))
    request.state, request.paid_on, request.paid_by_id = RequestState.PAID, on, by.id
    request.bank_reference, request.voucher = bank_reference.strip()[:64], voucher
    db.session.flush()
    record("spending.pay", request, by=by, label=f"{request.label} {request.payee}",
           after={"on": on.isoformat(), "amount": str(request.amount), "account": cash_code,
                  "reference": request.bank_reference, "voucher": voucher.id})
    return voucher


def _cash_root(org: Organisation) -> str:
    from coopledger.ledger.standards import STANDARDS

    return STANDARDS[org.standard].cash


def unpay(request: SpendingRequest, *, by: User) -> SpendingRequest:
    """Take back a payment whose voucher is still a draft: the draft is deleted and the
    request is approved and payable again."""
    lock(request)
    steps_for(request, by).require("unpay", SpendingError)
    voucher = request.voucher
    record("spending.unpay", request, by=by, label=f"{request.label} {request.payee}",
           before={"on": request.paid_on.isoformat() if request.paid_on else None,
                   "voucher": voucher.id if voucher else None})
    request.state, request.paid_on, request.paid_by_id = RequestState.APPROVED, None, None
    request.bank_reference, request.voucher = "", None
    db.session.flush()
    if voucher is not None:
        record("voucher.delete", voucher, by=by, label=f"{voucher.label} {voucher.summary}")
        db.session.delete(voucher)
        db.session.flush()
    return request


def voucher_origin(voucher: Voucher) -> origins.Origin | None:
    """The spending request whose payment drafted ``voucher``."""
    from coopledger.auth.actions import Action

    found = db.session.execute(sa.select(SpendingRequest.id, SpendingRequest.year,
                                         SpendingRequest.number)
                               .where(SpendingRequest.voucher_id == voucher.id)).first()
    if found is None:
        return None
    request_id, year, number = found
    return origins.Origin(N_("支出申请 %(label)s"), {"label": f"{year}-{number:03d}"},
                          "spending.show", Action.VIEW_SPENDING,
                          {"code": voucher.organisation.code, "request_id": request_id})
