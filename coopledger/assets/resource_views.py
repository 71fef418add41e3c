"""Resource register pages: the register with its idle and contract-ended lists, one resource
with its contracts and ownership documents, the resource form, and the register as a PDF."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.assets import resources
from coopledger.assets.forms import FileForm, LinkContractForm, ResourceForm
from coopledger.assets.resource_models import (
    Resource,
    ResourceFile,
    ResourceKind,
    ResourceStatus,
)
from coopledger.auth.permissions import Action
from coopledger.contracts.models import Contract
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.files.scans import receive_scan, send_scan
from coopledger.forms import ConfirmForm, options
from coopledger.money import plain
from coopledger.pdf.render import render_pdf
from coopledger.web import (
    Routes,
    apply_change,
    child_or_404,
    file_response,
    flash_form_errors,
    me,
    org_for,
    owned_or_404,
)

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from coopledger.orgs.models import Organisation


routes = Routes()
"""The pages of this module, on the assets blueprint (``assets.views``)."""


def _form(resource: Resource | None = None) -> ResourceForm:
    form = ResourceForm(obj=resource)
    form.kind.choices = options((k.value, _(k.label)) for k in ResourceKind)
    form.status.choices = options((s.value, _(s.label)) for s in ResourceStatus)
    if request.method == "GET" and resource is not None:
        form.kind.data = resource.kind.value
        form.status.data = resource.status.value
        form.area_mu.data = plain(resource.area_mu) if resource.area_mu else ""
    return form


def _data(form: ResourceForm) -> resources.ResourceData:
    return resources.ResourceData(
        number=form.number.data or "", name=form.name.data or "",
        kind=ResourceKind(form.kind.data), area_mu=form.area_mu.number(),
        status=ResourceStatus(form.status.data), location=form.location.data or "",
        size=form.size.data or "", certificate=form.certificate.data or "",
        note=form.note.data or "")


@routes.route("/o/<code>/resources/")
@login_required
def resource_index(code: str) -> ResponseReturnValue:
    """Every resource with its state, area per kind, and the idle and contract-ended lists."""
    org = org_for(code, Action.VIEW_ASSETS)
    on = today()
    rows = resources.resources_of(org)
    areas: dict[ResourceKind, Decimal] = {}
    for item in rows:
        areas[item.kind] = areas.get(item.kind, Decimal(0)) + (item.area_mu or Decimal(0))
    return render_template("assets/resources.html", org=org, rows=rows, on=on, areas=areas,
                           idle=resources.idle(org, on), ended=resources.contract_ended(org, on),
                           state_on=resources.state_on, in_force=resources.in_force)


@routes.route("/o/<code>/resources/new", methods=["GET", "POST"])
@login_required
def resource_create(code: str) -> ResponseReturnValue:
    """Register a resource."""
    org = org_for(code, Action.MANAGE_ASSETS)
    form = _form()
    if form.validate_on_submit():
        outcome = apply_change(lambda: resources.create_resource(org, _data(form), by=me()),
                               lambda made: _("已登记资源：%(name)s。", name=str(made)))
        if outcome.ok:
            return redirect(url_for("assets.resource", code=code, resource_id=outcome.value.id))
    else:
        flash_form_errors(form)
    return render_template("assets/resource_form.html", org=org, form=form, resource=None)


@routes.route("/o/<code>/resources/<int:resource_id>/edit", methods=["GET", "POST"])
@login_required
def resource_edit(code: str, resource_id: int) -> ResponseReturnValue:
    """Change a resource."""
    org = org_for(code, Action.MANAGE_ASSETS)
    item = owned_or_404(Resource, resource_id, org)
    form = _form(item)
    if form.validate_on_submit():
        outcome = apply_change(lambda: resources.update_resource(item, _data(form), by=me()),
                               _("资源已保存。"))
        if outcome.ok:
            return redirect(url_for("assets.resource", code=code, resource_id=item.id))
    else:
        flash_form_errors(form)
    return render_template("assets/resource_form.html", org=org, form=form, resource=item)


def _link_form(org: Organisation, item: Resource) -> LinkContractForm:
    form = LinkContractForm(prefix="link")
    linked = {c.id for c in item.contracts}
    form.contract_id.choices = options((c.id, str(c)) for c in db.session.scalars(
        sa.select(Contract).where(Contract.organisation_id == org.id)
        .order_by(Contract.number)) if c.id not in linked)
    return form


@routes.route("/o/<code>/resources/<int:resource_id>")
@login_required
def resource(code: str, resource_id: int) -> ResponseReturnValue:
    """One resource with the contracts that use it and its ownership documents."""
    org = org_for(code, Action.VIEW_ASSETS)
    item = owned_or_404(Resource, resource_id, org)
    on = today()
    return render_template("assets/resource.html", org=org, resource=item, on=on,
                           state=resources.state_on(item, on), link_form=_link_form(org, item),
                           file_form=FileForm(prefix="file"), confirm=ConfirmForm())


@routes.route("/o/<code>/resources/<int:resource_id>/contracts", methods=["POST"])
@login_required
def resource_link(code: str, resource_id: int) -> ResponseReturnValue:
    """Link a contract to the resource."""
    org = org_for(code, Action.MANAGE_ASSETS)
    item = owned_or_404(Resource, resource_id, org)
    form = _link_form(org, item)
    if form.validate_on_submit():
        contract = owned_or_404(Contract, form.contract_id.data or 0, org)
        apply_change(lambda: resources.link_contract(item, contract, by=me()),
                     _("已关联合同 %(number)s。", number=contract.number))
    else:
        flash_form_errors(form)
    return redirect(url_for("assets.resource", code=code, resource_id=item.id))


@routes.route("/o/<code>/resources/<int:resource_id>/contracts/<int:contract_id>/unlink",
          methods=["POST"])
@login_required
def resource_unlink(code: str, resource_id: int, contract_id: int) -> ResponseReturnValue:
    """Remove a contract from the resource."""
    org = org_for(code, Action.MANAGE_ASSETS)
    item = owned_or_404(Resource, resource_id, org)
    contract = owned_or_404(Contract, contract_id, org)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: resources.unlink_contract(item, contract, by=me()),
                     _("已取消关联合同 %(number)s。", number=contract.number))
    return redirect(url_for("assets.resource", code=code, resource_id=item.id))


@routes.route("/o/<code>/resources/<int:resource_id>/files", methods=["POST"])
@login_required
def resource_add_file(code: str, resource_id: int) -> ResponseReturnValue:
    """Upload a scanned ownership document."""
    org = org_for(code, Action.MANAGE_ASSETS)
    item = owned_or_404(Resource, resource_id, org)
    form = FileForm(prefix="file")
    if form.validate_on_submit():
        receive_scan(form.file.data, lambda **scan: resources.add_file(item, by=me(), **scan),
                     _("权属证书扫描件已上传。"))
    else:
        flash_form_errors(form)
    return redirect(url_for("assets.resource", code=code, resource_id=item.id))


@routes.route("/o/<code>/resources/<int:resource_id>/files/<int:file_id>")
@login_required
def resource_file(code: str, resource_id: int, file_id: int) -> ResponseReturnValue:
    """Show a scanned ownership document."""
    org = org_for(code, Action.VIEW_ASSETS)
    item = owned_or_404(Resource, resource_id, org)
    found = child_or_404(ResourceFile, file_id, item, "resource_id")
    return send_scan(found.sha256, mimetype=found.content_type, name=found.filename)


@routes.route("/o/<code>/resources/register.pdf")
@login_required
def resource_pdf(code: str) -> ResponseReturnValue:
    """The resource register as a printable PDF."""
    org = org_for(code, Action.VIEW_ASSETS)
    on = today()
    rows = resources.resources_of(org)
    pdf = render_pdf("assets/resources_pdf.html", org=org, rows=rows, on=on,
                     state_on=resources.state_on, in_force=resources.in_force)
    return file_response(pdf, f"resources-{org.code}.pdf")
