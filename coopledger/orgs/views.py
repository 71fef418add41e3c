"""Organisation and township pages, and their administration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.auth.permissions import Action, org_roles, require
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.forms import options
from coopledger.orgs import queries, services
from coopledger.orgs.forms import OrganisationForm, TownshipForm, VillageForm
from coopledger.orgs.models import AccountingStandard, Organisation, OrgKind, Township, Village
from coopledger.pdf.render import render_pdf
from coopledger.web import apply_change, file_response, me

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

bp = Blueprint("orgs", __name__)


@bp.route("/o/<code>/")
@login_required
def org(code: str) -> ResponseReturnValue:
    """An organisation's profile: registration, place, who leads it and whom it leads."""
    organisation = queries.get_org(code)
    require(me(), Action.VIEW_ORG, organisation)
    return render_template("orgs/org.html", org=organisation,
                           my_roles=org_roles(me(), organisation))


@bp.route("/t/<code>/")
@login_required
def township(code: str) -> ResponseReturnValue:
    """A township's villages and organisations (the auditor's overview)."""
    town = queries.get_township(code)
    require(me(), Action.VIEW_TOWNSHIP, town)
    return render_template("orgs/township.html", township=town,
                           orgs=queries.township_organisations(town),
                           filing_year=today().year - 1)


@bp.route("/t/<code>/register.pdf")
@login_required
def township_register_pdf(code: str) -> ResponseReturnValue:
    """The township's register of organisations (组织名录) as a printable PDF."""
    town = queries.get_township(code)
    require(me(), Action.VIEW_TOWNSHIP, town)
    pdf = render_pdf("orgs/register_pdf.html", township=town,
                     orgs=queries.township_organisations(town), on=today())
    return file_response(pdf, f"register-{town.code}.pdf")


# --- administration -------------------------------------------------------------------------

@bp.route("/admin/townships", methods=["GET", "POST"])
@login_required
def townships() -> ResponseReturnValue:
    """All townships with their villages; add a township."""
    require(me(), Action.ADMINISTER)
    form = TownshipForm()
    if form.validate_on_submit() and apply_change(
            lambda: services.create_township(code=form.code.data or "", name=form.name.data or "",
                                             county=form.county.data or "", by=me()),
            lambda town: _("已添加乡镇：%(name)s。", name=town.name)).ok:
        return redirect(url_for("orgs.townships"))
    return render_template("orgs/townships.html", townships=queries.townships(), form=form)


@bp.route("/admin/townships/<int:township_id>/edit", methods=["GET", "POST"])
@login_required
def edit_township(township_id: int) -> ResponseReturnValue:
    """Change a township's code, name or county."""
    require(me(), Action.ADMINISTER)
    town = db.get_or_404(Township, township_id)
    form = TownshipForm(obj=town)
    if form.validate_on_submit() and apply_change(
            lambda: services.update_township(town, code=form.code.data or "",
                                             name=form.name.data or "",
                                             county=form.county.data or "", by=me()),
            _("已保存。")).ok:
        return redirect(url_for("orgs.townships"))
    return render_template("orgs/edit_township.html", township=town, form=form)


def _village_form(village: Village | None = None) -> VillageForm:
    form = VillageForm(obj=village)
    form.township.choices = options((t.id, t.name) for t in queries.townships())
    if village is not None:
        del form.township  # a village stays in its township
    return form


@bp.route("/admin/villages/new", methods=["GET", "POST"])
@login_required
def create_village() -> ResponseReturnValue:
    """Add a village to a township."""
    require(me(), Action.ADMINISTER)
    form = _village_form()
    if form.validate_on_submit() and apply_change(
            lambda: services.create_village(db.get_or_404(Township, form.township.data),
                                            code=form.code.data or "",
                                            name=form.name.data or "", by=me()),
            lambda village: _("已添加村：%(name)s。", name=str(village))).ok:
        return redirect(url_for("orgs.townships"))
    return render_template("orgs/village_form.html", form=form, village=None)


@bp.route("/admin/villages/<int:village_id>/edit", methods=["GET", "POST"])
@login_required
def edit_village(village_id: int) -> ResponseReturnValue:
    """Change a village's code or name (its township stays)."""
    require(me(), Action.ADMINISTER)
    village = db.get_or_404(Village, village_id)
    form = _village_form(village)
    if form.validate_on_submit() and apply_change(
            lambda: services.update_village(village, code=form.code.data or "",
                                            name=form.name.data or "", by=me()),
            _("已保存。")).ok:
        return redirect(url_for("orgs.townships"))
    return render_template("orgs/village_form.html", form=form, village=village)


def _org_form(org: Organisation | None = None) -> OrganisationForm:
    form = OrganisationForm(obj=org)
    form.kind.choices = options((k.value, _(k.label)) for k in OrgKind)
    form.standard.choices = options((s.value, _(s.label)) for s in AccountingStandard)
    form.village.choices = options(
        (v.id, str(v)) for t in queries.townships() for v in t.villages)
    form.leading_org.choices = options([(0, _("（无）"))] + [
        (o.id, o.name) for o in queries.organisations()
        if o.kind is OrgKind.VILLAGE_COLLECTIVE and (org is None or o.id != org.id)])
    if org is not None and not form.is_submitted():
        form.kind.data = org.kind.value
        form.standard.data = org.standard.value
        form.village.data = org.village_id
        form.leading_org.data = org.leading_org_id or 0
    return form


def _org_data(form: OrganisationForm) -> services.OrganisationData:
    return services.OrganisationData(
        code=(form.code.data or "").strip(), name=form.name.data or "",
        kind=OrgKind(form.kind.data), credit_code=form.credit_code.data or "",
        standard=AccountingStandard(form.standard.data),
        village=db.get_or_404(Village, form.village.data),
        leading_org=db.session.get(Organisation, form.leading_org.data or 0))


@bp.route("/admin/orgs")
@login_required
def organisations() -> ResponseReturnValue:
    """Every organisation with its kind, standard and place."""
    require(me(), Action.ADMINISTER)
    return render_template("orgs/organisations.html", orgs=queries.organisations())


@bp.route("/admin/orgs/new", methods=["GET", "POST"])
@login_required
def create_organisation() -> ResponseReturnValue:
    """Register an organisation."""
    require(me(), Action.ADMINISTER)
    form = _org_form()
    if form.validate_on_submit():
        outcome = apply_change(lambda: services.create_organisation(_org_data(form), by=me()),
                               lambda org: _("已登记组织：%(name)s。", name=org.name))
        if outcome.ok:
            return redirect(url_for("orgs.org", code=outcome.value.code))
    return render_template("orgs/org_form.html", form=form, org=None)


@bp.route("/admin/orgs/<code>/edit", methods=["GET", "POST"])
@login_required
def edit_organisation(code: str) -> ResponseReturnValue:
    """Change an organisation's registration details."""
    organisation = queries.get_org(code)
    require(me(), Action.EDIT_ORG, organisation)
    form = _org_form(organisation)
    if form.validate_on_submit() and apply_change(
            lambda: services.update_organisation(organisation, _org_data(form), by=me()),
            _("已保存。")).ok:
        return redirect(url_for("orgs.org", code=organisation.code))
    return render_template("orgs/org_form.html", form=form, org=organisation)
