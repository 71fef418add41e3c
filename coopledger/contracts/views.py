"""Partner pages: the register of an organisation's enterprises and individual counterparties,
one partner's details, and the forms that register and change them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.auth.permissions import Action, can
from coopledger.contracts import queries, services
from coopledger.contracts.forms import PartnerForm
from coopledger.contracts.models import Partner, PartnerKind
from coopledger.contracts.money_models import Purpose
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.forms import options
from coopledger.web import apply_change, me, org_for, owned_or_404

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

bp = Blueprint("partners", __name__)
PAGE_SIZE = 50


def _form(partner: Partner | None = None) -> PartnerForm:
    form = PartnerForm(obj=partner)
    form.kind.choices = options((k.value, _(k.label)) for k in PartnerKind)
    if partner is not None and request.method == "GET":
        form.kind.data = partner.kind.value
        form.identifier.data = partner.identifier
    return form


def _data(form: PartnerForm) -> services.PartnerData:
    return services.PartnerData(
        name=form.name.data or "", kind=PartnerKind(form.kind.data),
        identifier=form.identifier.data or "",
        legal_representative=form.legal_representative.data or "",
        contact_name=form.contact_name.data or "", phone=form.phone.data or "",
        address=form.address.data or "", bank_name=form.bank_name.data or "",
        bank_account=form.bank_account.data or "", note=form.note.data or "")


@bp.route("/o/<code>/partners/")
@login_required
def index(code: str) -> ResponseReturnValue:
    """The organisation's partners, searchable by name, credit code or contact, with their
    contracts and what they paid this year and last."""
    org = org_for(code, Action.VIEW_CONTRACTS)
    search, kind = request.args.get("q", ""), request.args.get("kind", "")
    page = db.paginate(queries.partners_query(org, search, kind), per_page=PAGE_SIZE,
                       error_out=False)
    years = [today().year, today().year - 1]
    return render_template("partners/index.html", org=org, page=page, search=search,
                           kind=kind, kinds=list(PartnerKind), years=years,
                           received=queries.received_in_years([p.id for p in page.items], years),
                           show_pii=can(me(), Action.VIEW_PII, org))


@bp.route("/o/<code>/partners/new", methods=["GET", "POST"])
@login_required
def create(code: str) -> ResponseReturnValue:
    """Register a partner enterprise or individual."""
    org = org_for(code, Action.MANAGE_CONTRACTS)
    form = _form()
    if form.validate_on_submit():
        outcome = apply_change(lambda: services.create_partner(org, _data(form), by=me()),
                               lambda made: _("已登记合作方：%(name)s。", name=made.name))
        if outcome.ok:
            return redirect(url_for("partners.show", code=code, partner_id=outcome.value.id))
    return render_template("partners/form.html", org=org, form=form, partner=None)


@bp.route("/o/<code>/partners/<int:partner_id>")
@login_required
def show(code: str, partner_id: int) -> ResponseReturnValue:
    """One partner's details."""
    org = org_for(code, Action.VIEW_CONTRACTS)
    partner = owned_or_404(Partner, partner_id, org)
    return render_template("partners/show.html", org=org, partner=partner, on=today(),
                           show_pii=can(me(), Action.VIEW_PII, org),
                           received=queries.received_by_year(partner),
                           purposes=[p for p in Purpose if p.incoming])


@bp.route("/o/<code>/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@login_required
def edit(code: str, partner_id: int) -> ResponseReturnValue:
    """Change a partner's details."""
    org = org_for(code, Action.MANAGE_CONTRACTS)
    partner = owned_or_404(Partner, partner_id, org)
    form = _form(partner)
    if form.validate_on_submit() and apply_change(
            lambda: services.update_partner(partner, _data(form), by=me()), _("已保存。")).ok:
        return redirect(url_for("partners.show", code=code, partner_id=partner.id))
    return render_template("partners/form.html", org=org, form=form, partner=partner)
