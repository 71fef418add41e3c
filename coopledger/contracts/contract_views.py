"""Contract pages: the register of an organisation's contracts, one contract, the draft form,
the parcels a draft lease covers, and the signing step that records the approval resolution."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.auth.permissions import Action
from coopledger.contracts import queries, services
from coopledger.contracts.forms import ContractForm, LeasedParcelForm, SignForm
from coopledger.contracts.models import (
    Contract,
    ContractKind,
    ContractStatus,
    LeasedParcel,
    Partner,
)
from coopledger.contracts.money_views import money_context
from coopledger.contracts.rules import CONTRACT_STEPS
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.forms import ConfirmForm, options
from coopledger.textnum import whole_number
from coopledger.web import apply_change, child_or_404, me, org_for, owned_or_404

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from coopledger.orgs.models import Organisation

bp = Blueprint("contracts", __name__)
PAGE_SIZE = 50


def _form(org: Organisation, contract: Contract | None = None) -> ContractForm:
    form = ContractForm(obj=contract)
    form.kind.choices = options((k.value, _(k.label)) for k in ContractKind)
    form.partner_id.choices = options((p.id, p.name) for p in db.session.scalars(
        sa.select(Partner).where(Partner.organisation_id == org.id).order_by(Partner.name)))
    if request.method == "GET":
        if contract is not None:
            form.kind.data = contract.kind.value
        elif partner_id := whole_number(request.args.get("partner"), 0):
            form.partner_id.data = partner_id
    return form


def _data(form: ContractForm) -> services.ContractData:
    return services.ContractData(
        number=form.number.data or "", title=form.title.data or "",
        kind=ContractKind(form.kind.data), partner_id=int(form.partner_id.data or 0),
        starts_on=form.starts_on.data or today(), ends_on=form.ends_on.data,
        note=form.note.data or "")


@bp.route("/o/<code>/contracts/")
@login_required
def index(code: str) -> ResponseReturnValue:
    """The organisation's contracts by kind and status."""
    org = org_for(code, Action.VIEW_CONTRACTS)
    kind, status, on = request.args.get("kind", ""), request.args.get("status", ""), today()
    page = db.paginate(queries.contracts_query(org, kind=kind, status=status, on=on),
                       per_page=PAGE_SIZE, error_out=False)
    return render_template("contracts/index.html", org=org, page=page, kind=kind,
                           status=status, on=on, kinds=list(ContractKind),
                           statuses=list(ContractStatus))


@bp.route("/o/<code>/contracts/new", methods=["GET", "POST"])
@login_required
def create(code: str) -> ResponseReturnValue:
    """Register a draft contract with one of the organisation's partners."""
    org = org_for(code, Action.MANAGE_CONTRACTS)
    form = _form(org)
    if form.validate_on_submit():
        outcome = apply_change(lambda: services.create_contract(org, _data(form), by=me()),
                               lambda made: _("已登记合同草稿：%(number)s。", number=made.number))
        if outcome.ok:
            return redirect(url_for("contracts.show", code=code, contract_id=outcome.value.id))
    return render_template("contracts/form.html", org=org, form=form, contract=None)


@bp.route("/o/<code>/contracts/<int:contract_id>")
@login_required
def show(code: str, contract_id: int) -> ResponseReturnValue:
    """One contract with its approval and signing record, terms, schedule and payments."""
    org = org_for(code, Action.VIEW_CONTRACTS)
    contract = owned_or_404(Contract, contract_id, org)
    return render_template("contracts/show.html", org=org, contract=contract, on=today(),
                           sign_form=SignForm(prefix="sign"),
                           parcel_form=LeasedParcelForm(prefix="parcel"),
                           confirm=ConfirmForm(), **money_context(org, contract))


@bp.route("/o/<code>/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@login_required
def edit(code: str, contract_id: int) -> ResponseReturnValue:
    """Change a draft contract."""
    org = org_for(code, CONTRACT_STEPS["edit"].action)
    contract = owned_or_404(Contract, contract_id, org)
    form = _form(org, contract)
    if form.validate_on_submit() and apply_change(
            lambda: services.update_contract(contract, _data(form), by=me()), _("已保存。")).ok:
        return redirect(url_for("contracts.show", code=code, contract_id=contract.id))
    return render_template("contracts/form.html", org=org, form=form, contract=contract)


@bp.route("/o/<code>/contracts/<int:contract_id>/sign", methods=["POST"])
@login_required
def sign(code: str, contract_id: int) -> ResponseReturnValue:
    """Record the approval resolution and the signing day."""
    org = org_for(code, CONTRACT_STEPS["sign"].action)
    contract = owned_or_404(Contract, contract_id, org)
    form = SignForm(prefix="sign")
    if form.validate_on_submit() and form.signed_on.data is not None:
        signed_on = form.signed_on.data
        apply_change(lambda: services.sign_contract(
            contract, approval_ref=form.approval_ref.data or "",
            approved_on=form.approved_on.data, signed_on=signed_on, by=me(), today=today()),
            _("合同已签订，开始履行。"))
    else:
        flash(_("请填写签订日期。"), "error")
    return redirect(url_for("contracts.show", code=code, contract_id=contract.id))


@bp.route("/o/<code>/contracts/<int:contract_id>/parcels", methods=["POST"])
@login_required
def add_parcel(code: str, contract_id: int) -> ResponseReturnValue:
    """Cover one more contributed parcel by a draft lease."""
    org = org_for(code, CONTRACT_STEPS["lease_parcels"].action)
    contract = owned_or_404(Contract, contract_id, org)
    form = LeasedParcelForm(prefix="parcel")
    if form.validate_on_submit():
        apply_change(lambda: services.add_leased_parcel(
            contract, form.parcel_code.data or "", by=me()),
            lambda leased: _("已加入地块 %(code)s（%(area)s 亩）。", code=leased.parcel.code,
                             area=leased.parcel.area))
    else:
        flash(_("请填写地块编码。"), "error")
    return redirect(url_for("contracts.show", code=code, contract_id=contract.id))


@bp.route("/o/<code>/contracts/<int:contract_id>/parcels/<int:leased_id>/remove",
          methods=["POST"])
@login_required
def remove_parcel(code: str, contract_id: int, leased_id: int) -> ResponseReturnValue:
    """Take a parcel out of a draft lease."""
    org = org_for(code, CONTRACT_STEPS["lease_parcels"].action)
    contract = owned_or_404(Contract, contract_id, org)
    leased = child_or_404(LeasedParcel, leased_id, contract, "contract_id")
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: services.remove_leased_parcel(leased, by=me()), _("已移出地块。"))
    return redirect(url_for("contracts.show", code=code, contract_id=contract.id))
