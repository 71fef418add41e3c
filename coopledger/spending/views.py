"""Pages of spending requests: the organisation's list, filing and changing a request with its
scans, the request with its approval trail and the steps the user may take, paying it, and a
township's approval chain. Every step is checked on the request by ``services.steps_for``
(the same answer the template shows its buttons from)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.auth.permissions import Action, require
from coopledger.auth.roles import ROLE_LABELS
from coopledger.dates import today
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.files import store
from coopledger.files.scans import send_scan
from coopledger.forms import ConfirmForm, read_upload
from coopledger.ledger.queries import cash_accounts, open_leaves
from coopledger.orgs.queries import get_township, township_organisations
from coopledger.spending import rules, services
from coopledger.spending.batch_views import (
    batch_file,
    batch_item,
    batch_page,
    batch_result,
    batches_page,
)
from coopledger.spending.forms import ChainForm, PayForm, RefuseForm, RequestForm
from coopledger.spending.models import Method, RequestScan, RequestState, SpendingRequest
from coopledger.textnum import is_digits, whole_number
from coopledger.web import (
    apply_change,
    child_or_404,
    flash_form_errors,
    me,
    org_for,
    owned_or_404,
)

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from coopledger.orgs.models import Organisation

bp = Blueprint("spending", __name__)


def _load(code: str, request_id: int, action: Action = Action.VIEW_SPENDING,
          ) -> tuple[Organisation, SpendingRequest]:
    """The organisation and its request, once ``action`` on the organisation is allowed (a
    step's permission, ``rules.REQUEST_STEPS``; whether the step may be taken now is the
    service's to refuse, with its sentence)."""
    org = org_for(code, action)
    return org, owned_or_404(SpendingRequest, request_id, org)


def _step_action(step: str) -> Action:
    return rules.REQUEST_STEPS[step].action


@bp.route("/o/<code>/spending/")
@login_required
def index(code: str) -> ResponseReturnValue:
    """The organisation's requests, newest first, filtered by state."""
    org = org_for(code, Action.VIEW_SPENDING)
    state = request.args.get("state", "")
    query = sa.select(SpendingRequest).where(SpendingRequest.organisation_id == org.id)
    if state in {s.value for s in RequestState}:
        query = query.where(SpendingRequest.state == RequestState(state))
    found = list(db.session.scalars(query.order_by(SpendingRequest.year.desc(),
                                                   SpendingRequest.number.desc()).limit(200)))
    return render_template("spending/index.html", org=org, requests=found, state=state,
                           states=list(RequestState))


def _account_choices(org: Organisation) -> list[tuple[str, str]]:
    return [(a.code, f"{a.code} {a.full_name}") for a in open_leaves(org)]


def _fill(form: RequestForm, org: Organisation) -> None:
    form.account.choices = _account_choices(org)


def _scans() -> list[tuple[bytes, str]]:
    return [(read_upload(upload), upload.filename or "scan")
            for upload in request.files.getlist("scans") if upload.filename]


def _save(org: Organisation, form: RequestForm, found: SpendingRequest | None,
          ) -> SpendingRequest | None:
    saved: SpendingRequest | None = apply_change(lambda: services.save_request(
        org, found, amount=form.amount.amount(), payee=form.payee.data or "",
        payee_bank=form.payee_bank.data or "", payee_account=form.payee_account.data or "",
        purpose=form.purpose.data or "", account_code=form.account.data or "",
        method=Method(form.method.data), resolution_ref=form.resolution_ref.data or "",
        scans=_scans(), storage=store(), by=me(), today=today()),
        _("支出申请已保存。")).value
    return saved


@bp.route("/o/<code>/spending/new", methods=["GET", "POST"])
@login_required
def create(code: str) -> ResponseReturnValue:
    """File a request (as a draft; submitting sends it into the approval chain)."""
    org = org_for(code, Action.FILE_SPENDING)
    form = RequestForm()
    _fill(form, org)
    if form.validate_on_submit():
        saved = _save(org, form, None)
        if saved is not None:
            return redirect(url_for("spending.show", code=code, request_id=saved.id))
    return render_template("spending/form.html", org=org, form=form, found=None,
                           limits=services.limits_of(org.township_id)), \
        422 if request.method == "POST" else 200


@bp.route("/o/<code>/spending/<int:request_id>/edit", methods=["GET", "POST"])
@login_required
def edit(code: str, request_id: int) -> ResponseReturnValue:
    """Change a draft or returned request (its author only)."""
    org, found = _load(code, request_id, _step_action("edit"))
    reason = services.steps_for(found, me()).why_not["edit"]
    if reason is not None:
        flash(_(reason.message, **reason.params), "error")
        return redirect(url_for("spending.show", code=code, request_id=request_id))
    form = RequestForm(obj=None if request.method == "POST" else found)
    _fill(form, org)
    if request.method == "GET":
        form.amount.data = f"{found.amount:.2f}"
        form.account.data, form.method.data = found.account_code, found.method.value
    if form.validate_on_submit():
        saved = _save(org, form, found)
        if saved is not None:
            return redirect(url_for("spending.show", code=code, request_id=saved.id))
    return render_template("spending/form.html", org=org, form=form, found=found,
                           limits=services.limits_of(org.township_id)), \
        422 if request.method == "POST" else 200


@bp.route("/o/<code>/spending/<int:request_id>")
@login_required
def show(code: str, request_id: int) -> ResponseReturnValue:
    """A request with its scans, its approval trail and what the user may do now."""
    org, found = _load(code, request_id)
    pay_form = PayForm(on=today())
    pay_form.cash_code.choices = [(a.code, f"{a.code} {a.full_name}")
                                  for a in cash_accounts(org)]
    step = services.waiting(found)
    return render_template("spending/show.html", org=org, found=found,
                           steps=services.steps_for(found, me()), confirm=ConfirmForm(),
                           refuse_form=RefuseForm(), pay_form=pay_form, waiting=step,
                           role_labels=ROLE_LABELS,
                           applicable=rules.applicable(services.chain_of(org.township_id),
                                                       found.amount))


def _step(code: str, request_id: int, change: str) -> ResponseReturnValue:
    _org, found = _load(code, request_id, _step_action(change))
    done = {"submit": _("已提交审批。"), "approve": _("已同意。"), "delete": _("申请已删除。"),
            "unpay": _("已撤回支付，凭证草稿已删除。")}
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("spending.show", code=code, request_id=request_id))
    calls = {"submit": lambda: services.submit(found, by=me()),
             "approve": lambda: services.approve(found, by=me()),
             "delete": lambda: services.delete(found, by=me()),
             "unpay": lambda: services.unpay(found, by=me())}
    outcome = apply_change(calls[change], done[change])
    if change == "delete" and outcome.ok:
        return redirect(url_for("spending.index", code=code))
    return redirect(url_for("spending.show", code=code, request_id=request_id))


@bp.route("/o/<code>/spending/<int:request_id>/submit", methods=["POST"])
@login_required
def submit(code: str, request_id: int) -> ResponseReturnValue:
    """Send the request into its approval chain."""
    return _step(code, request_id, "submit")


@bp.route("/o/<code>/spending/<int:request_id>/approve", methods=["POST"])
@login_required
def approve(code: str, request_id: int) -> ResponseReturnValue:
    """Approve the step waiting for the user."""
    return _step(code, request_id, "approve")


@bp.route("/o/<code>/spending/<int:request_id>/delete", methods=["POST"])
@login_required
def delete(code: str, request_id: int) -> ResponseReturnValue:
    """Delete a draft."""
    return _step(code, request_id, "delete")


@bp.route("/o/<code>/spending/<int:request_id>/unpay", methods=["POST"])
@login_required
def unpay(code: str, request_id: int) -> ResponseReturnValue:
    """Take back a payment whose voucher is still a draft."""
    return _step(code, request_id, "unpay")


@bp.route("/o/<code>/spending/<int:request_id>/refuse", methods=["POST"])
@login_required
def refuse(code: str, request_id: int) -> ResponseReturnValue:
    """Refuse the waiting step with a reason; the request goes back to its author."""
    _org, found = _load(code, request_id, _step_action("refuse"))
    form = RefuseForm()
    if form.validate_on_submit():
        apply_change(lambda: services.refuse(found, reason=form.reason.data or "", by=me()),
                     _("已退回申请人。"))
    elif "csrf_token" not in form.errors:      # a stale form changes nothing
        flash(_("请写明不同意的理由。"), "error")
    return redirect(url_for("spending.show", code=code, request_id=request_id))


@bp.route("/o/<code>/spending/<int:request_id>/pay", methods=["POST"])
@login_required
def pay(code: str, request_id: int) -> ResponseReturnValue:
    """Record the payment and draft its voucher."""
    org, found = _load(code, request_id, _step_action("pay"))
    form = PayForm()
    form.cash_code.choices = [(a.code, a.code) for a in cash_accounts(org)]
    if not form.validate_on_submit() or form.on.data is None:
        flash_form_errors(form)
        return redirect(url_for("spending.show", code=code, request_id=request_id))
    on = form.on.data
    apply_change(lambda: services.pay(found, on=on, cash_code=form.cash_code.data or "",
                                      bank_reference=form.bank_reference.data or "",
                                      by=me(), today=today()),
                 lambda voucher: _("已登记支付，凭证草稿已生成，请审核记账。"))
    return redirect(url_for("spending.show", code=code, request_id=request_id))


@bp.route("/o/<code>/spending/<int:request_id>/scans", methods=["POST"])
@login_required
def add_scans(code: str, request_id: int) -> ResponseReturnValue:
    """Add scans to a draft or returned request."""
    _org, found = _load(code, request_id, _step_action("edit"))
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("spending.show", code=code, request_id=request_id))
    scans = _scans()

    def keep() -> int:
        if not scans:
            raise rules.SpendingError(_("请选择要上传的文件。"))
        for content, filename in scans:
            services.add_scan(found, content=content, filename=filename, storage=store(),
                              by=me())
        return len(scans)

    apply_change(keep, lambda n: _("已上传 %(n)d 个文件。", n=n))
    return redirect(url_for("spending.show", code=code, request_id=request_id))


@bp.route("/o/<code>/spending/<int:request_id>/scans/<int:scan_id>")
@login_required
def scan(code: str, request_id: int, scan_id: int) -> ResponseReturnValue:
    """One scan of a request."""
    _org, found = _load(code, request_id)
    kept = child_or_404(RequestScan, scan_id, found, "request_id")
    return send_scan(kept.sha256, mimetype=kept.content_type, name=kept.filename)


@bp.route("/t/<code>/spending/chain", methods=["GET", "POST"])
@login_required
def chain(code: str) -> ResponseReturnValue:
    """A township's approval chain by amount and its limits."""
    town = get_township(code)
    require(me(), Action.CONFIGURE_SPENDING, town)
    form = ChainForm()
    current, limits = services.chain_of(town.id), services.limits_of(town.id)
    if request.method == "GET":
        form.cash_limit.data = f"{limits.cash_limit:.2f}"
        form.resolution_from.data = f"{limits.resolution_from:.2f}"
        form.scans_required.data = limits.scans_required
        form.requests_from.data = limits.requests_from
        used = {rule.role: rule.from_amount for rule in current}
        for role in rules.CHAIN_ROLES:
            getattr(form, f"use_{role.value}").data = role in used
            getattr(form, f"from_{role.value}").data = f"{used.get(role, Decimal(0)):.2f}"
    elif form.validate_on_submit():
        try:
            chosen = [rules.ChainRule(role, getattr(form, f"from_{role.value}").amount())
                      for role in rules.CHAIN_ROLES if getattr(form, f"use_{role.value}").data]
            chosen_limits = rules.Limits(form.cash_limit.amount(), form.resolution_from.amount(),
                                         bool(form.scans_required.data),
                                         form.requests_from.data)
            exempt = {whole_number(x, 0) for x in request.form.getlist("exempt")
                      if is_digits(x)}
        except CoopLedgerError as err:
            flash(str(err), "error")
        else:
            if apply_change(lambda: services.save_chain(town, chosen, chosen_limits, by=me(),
                                                        exempt=exempt),
                            _("审批流程已保存。")).ok:
                return redirect(url_for("spending.chain", code=code))
    orgs = township_organisations(town)
    return render_template("spending/chain.html", town=town, form=form,
                           roles=rules.CHAIN_ROLES, role_labels=ROLE_LABELS, current=current,
                           limits=limits, orgs=orgs,
                           exempt=services.exempt_ids([o.id for o in orgs]))


# --- payment batches (batch_views holds the handlers; one blueprint per package) ----------

bp.add_url_rule("/o/<code>/spending/batches/", "batches", login_required(batches_page),
                methods=["GET", "POST"])
bp.add_url_rule("/o/<code>/spending/batches/<int:batch_id>", "batch",
                login_required(batch_page))
bp.add_url_rule("/o/<code>/spending/batches/<int:batch_id>/file", "batch_file",
                login_required(batch_file))
bp.add_url_rule("/o/<code>/spending/batches/<int:batch_id>/result", "batch_result",
                login_required(batch_result), methods=["POST"])
bp.add_url_rule("/o/<code>/spending/batches/<int:batch_id>/items/<int:item_id>",
                "batch_item", login_required(batch_item), methods=["POST"])
