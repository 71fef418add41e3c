"""Household pages: the list of an organisation, one household with its people and land,
and the member's own view of their household."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.auth.models import User
from coopledger.auth.permissions import Action, can, require
from coopledger.dates import today, utcnow
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.forms import ConfirmForm, options
from coopledger.members import facts, queries, rules, services
from coopledger.members.forms import (
    DatedForm,
    HouseholdForm,
    LinkUserForm,
    MembershipForm,
    ParcelForm,
    PayoutAccountForm,
    PersonForm,
)
from coopledger.members.models import (
    Contribution,
    Household,
    Membership,
    MembershipSource,
    Parcel,
    Relationship,
)
from coopledger.web import (
    apply_change,
    audit_export,
    file_response,
    flash_form_errors,
    me,
    org_for,
    owned_or_404,
    start_workbook_import,
)

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from coopledger.orgs.models import Organisation

bp = Blueprint("members", __name__)
PAGE_SIZE = 50


def _household(org: Organisation, household_id: int) -> Household:
    household = db.get_or_404(Household, household_id)
    if household.village_id != org.village_id and not any(
            m.organisation_id == org.id for m in household.memberships):
        abort(404)
    return household


def _managed(code: str, household_id: int) -> tuple[Organisation, Household]:
    """The organisation (the user may manage its members) and one of its households."""
    org = org_for(code, Action.MANAGE_MEMBERS)
    return org, _household(org, household_id)


def may_edit_identity(household: Household, keepers: list[Organisation] | None = None) -> bool:
    """Whether the user is staff of an organisation that keeps the household's identity data
    (the one that registered it, or its village's collective: ``rules.identity_keepers``)."""
    return any(can(me(), Action.MANAGE_MEMBERS, keeper)
               for keeper in (keepers if keepers is not None
                              else queries.identity_keepers(household)))


def _kept(code: str, household_id: int) -> tuple[Organisation, Household]:
    """As :func:`_managed`, for the household's identity data: 403 for staff of an
    organisation the household merely belongs to."""
    org, household = _managed(code, household_id)
    if not may_edit_identity(household):
        abort(403)
    return org, household


def _data(form: HouseholdForm) -> services.HouseholdData:
    return services.HouseholdData(
        head_name=form.head_name.data or "", address=form.address.data or "",
        contract_cert_no=form.contract_cert_no.data or "", phone=form.phone.data or "",
        bank_name=form.bank_name.data or "", bank_account=form.bank_account.data or "")


@bp.route("/o/<code>/households/")
@login_required
def index(code: str) -> ResponseReturnValue:
    """Households of the organisation, with their contributed land today."""
    org = org_for(code, Action.VIEW_MEMBERS)
    search = request.args.get("q", "")
    page = db.paginate(queries.households_query(org, search), per_page=PAGE_SIZE,
                       error_out=False)
    on = today()
    areas = queries.contributed_area_by_household(org, [h.id for h in page.items], on)
    return render_template("members/index.html", org=org, page=page, search=search,
                           areas=areas, villages=queries.contributed_area_by_village(org, on),
                           on=on, member_number=queries.member_number,
                           show_pii=can(me(), Action.VIEW_PII, org))


@bp.route("/o/<code>/households/new", methods=["GET", "POST"])
@login_required
def create(code: str) -> ResponseReturnValue:
    """Register a household of the organisation's village."""
    org = org_for(code, Action.MANAGE_MEMBERS)
    form = HouseholdForm()
    if form.validate_on_submit():
        outcome = apply_change(lambda: services.create_household(
            org.village, _data(form), owner=org, by=me()),
                               lambda made: _("已登记：%(name)s。", name=str(made)))
        if outcome.ok:
            return redirect(url_for("members.show", code=code, household_id=outcome.value.id))
    return render_template("members/form.html", org=org, form=form, household=None)


@bp.route("/o/<code>/households/<int:household_id>/edit", methods=["GET", "POST"])
@login_required
def edit(code: str, household_id: int) -> ResponseReturnValue:
    """Change a household's details."""
    org, household = _kept(code, household_id)
    form = HouseholdForm(obj=household)
    if form.validate_on_submit() and apply_change(
            lambda: services.update_household(household, _data(form), by=me()),
            _("已保存。")).ok:
        return redirect(url_for("members.show", code=code, household_id=household.id))
    return render_template("members/form.html", org=org, form=form, household=household)


def _person_form() -> PersonForm:
    form = PersonForm(prefix="person")
    form.relation.choices = options((r.value, _(r.label)) for r in Relationship)
    return form


def _membership_form() -> MembershipForm:
    form = MembershipForm(prefix="member")
    form.source.choices = options((s.value, _(s.label)) for s in MembershipSource)
    return form


@bp.route("/o/<code>/households/<int:household_id>")
@login_required
def show(code: str, household_id: int) -> ResponseReturnValue:
    """A household: people, land and where it is contributed, memberships."""
    org = org_for(code, Action.VIEW_MEMBERS)
    household = _household(org, household_id)
    membership = next((m for m in household.memberships if m.organisation_id == org.id), None)
    keepers = queries.identity_keepers(household)
    return render_template(
        "members/show.html", org=org, household=household,
        may_edit_identity=may_edit_identity(household, keepers),
        keepers=keepers, history=queries.history_of(household),
        payout_form=PayoutAccountForm(obj=membership) if membership else None,
        show_pii=can(me(), Action.VIEW_PII, org), person_form=_person_form(),
        parcel_form=ParcelForm(prefix="parcel"), membership_form=_membership_form(),
        dated=DatedForm(on=today()), link_form=LinkUserForm(
            username=household.user.username if household.user else ""),
        membership=membership, share_info=facts.shares(household.id, today()),
        leases=facts.leases([p.id for p in household.parcels]),
        income=facts.income(household, [org.id]))


def _back(code: str, household: Household) -> ResponseReturnValue:
    return redirect(url_for("members.show", code=code, household_id=household.id))


@bp.route("/o/<code>/households/<int:household_id>/persons", methods=["POST"])
@login_required
def add_person(code: str, household_id: int) -> ResponseReturnValue:
    """Add a person to the household."""
    _org, household = _kept(code, household_id)
    form = _person_form()
    if form.validate_on_submit():
        now = utcnow()
        try:
            person = services.add_person(
                household, name=form.name.data or "", id_number=form.id_number.data or "",
                relationship=Relationship(form.relation.data), by=me(), now=now,
                may_see=lambda holder: can(me(), Action.VIEW_HOUSEHOLD, holder))
        except services.DuplicateIdError as err:
            db.session.rollback()
            services.record_lookup(me(), now=now)      # counted even though nothing is saved
            db.session.commit()
            flash(str(err), "error")
        except CoopLedgerError as err:
            db.session.rollback()
            flash(str(err), "error")
        else:
            db.session.commit()
            flash(_("已添加：%(name)s。", name=person.name), "success")
    else:
        flash(_("请填写姓名和身份证号。"), "error")
    return _back(code, household)


@bp.route("/o/<code>/households/<int:household_id>/parcels", methods=["POST"])
@login_required
def add_parcel(code: str, household_id: int) -> ResponseReturnValue:
    """Register a parcel of the household."""
    _org, household = _managed(code, household_id)
    form = ParcelForm(prefix="parcel")
    if form.validate_on_submit():
        def register() -> Parcel:
            return services.add_parcel(
                household, code=form.code.data or "",
                area=rules.parse_area(form.area.data or "", what=_("面积")),
                grade_coefficient=rules.parse_area(form.grade_coefficient.data or "",
                                                   what=_("等级系数")),
                contract_cert_no=form.contract_cert_no.data or "",
                location=form.location.data or "", land_class=form.land_class.data or "",
                by=me())

        apply_change(register, lambda parcel: _("已添加地块 %(code)s。", code=parcel.code))
    else:
        flash(_("请填写地块编码、面积和等级系数。"), "error")
    return _back(code, household)


@bp.route("/o/<code>/households/<int:household_id>/membership", methods=["POST"])
@login_required
def admit(code: str, household_id: int) -> ResponseReturnValue:
    """Admit the household as a member of this organisation."""
    org, household = _managed(code, household_id)
    form = _membership_form()
    if form.validate_on_submit() and form.joined_on.data is not None:
        joined: dt.date = form.joined_on.data
        apply_change(lambda: services.admit(
            org, household, member_number=form.member_number.data or "", joined_on=joined,
            source=MembershipSource(form.source.data), today=today(), by=me()),
            _("已办理入社。"))
    else:
        flash(_("请填写成员编号和入社日期。"), "error")
    return _back(code, household)


@bp.route("/o/<code>/households/<int:household_id>/leave", methods=["POST"])
@login_required
def leave(code: str, household_id: int) -> ResponseReturnValue:
    """Record that the household left this organisation."""
    org, household = _managed(code, household_id)
    membership = db.session.scalar(sa.select(Membership).where(
        Membership.organisation_id == org.id, Membership.household_id == household.id))
    form = DatedForm()
    if membership is not None and form.validate_on_submit() and form.on.data is not None:
        left: dt.date = form.on.data
        buy_back = request.form.get("buy_back") == "1"
        apply_change(lambda: services.end_membership(membership, left_on=left, today=today(),
                                                     by=me(), buy_back=buy_back),
                     _("已办理退社，所持股份已起草回购申请，待理事会批准。") if buy_back
                     else _("已办理退社。"))
    return _back(code, household)


@bp.route("/o/<code>/parcels/<int:parcel_id>/contribute", methods=["POST"])
@login_required
def contribute(code: str, parcel_id: int) -> ResponseReturnValue:
    """Contribute a parcel to this cooperative (入股)."""
    org = org_for(code, Action.MANAGE_MEMBERS)
    parcel = db.get_or_404(Parcel, parcel_id)
    household = _household(org, parcel.household_id)
    form = DatedForm()
    if form.validate_on_submit() and form.on.data is not None:
        on: dt.date = form.on.data
        apply_change(lambda: services.contribute(parcel, org, on=on, today=today(), by=me()),
                     _("地块 %(code)s 已入股。", code=parcel.code))
    return _back(code, household)


@bp.route("/o/<code>/contributions/<int:contribution_id>/withdraw", methods=["POST"])
@login_required
def withdraw(code: str, contribution_id: int) -> ResponseReturnValue:
    """Withdraw a parcel from this cooperative."""
    org = org_for(code, Action.MANAGE_MEMBERS)
    contribution = owned_or_404(Contribution, contribution_id, org)
    form = DatedForm()
    if form.validate_on_submit() and form.on.data is not None:
        on: dt.date = form.on.data
        buy_back = request.form.get("buy_back") == "1"
        apply_change(lambda: services.withdraw(contribution, on=on, today=today(), by=me(),
                                               buy_back=buy_back),
                     _("地块已退出，该地块折的土地股已起草回购申请，待理事会批准。") if buy_back
                     else _("地块已退出。"))
    return _back(code, contribution.parcel.household)


@bp.route("/o/<code>/households/<int:household_id>/payout-account", methods=["POST"])
@login_required
def payout_account(code: str, household_id: int) -> ResponseReturnValue:
    """This organisation's own payout account for the household (its membership's)."""
    org, household = _managed(code, household_id)
    membership = next((m for m in household.memberships if m.organisation_id == org.id), None)
    if membership is None:
        abort(404)
    form = PayoutAccountForm()
    if form.validate_on_submit():
        apply_change(lambda: services.set_payout_account(
            membership, bank_name=form.bank_name.data or "",
            bank_account=form.bank_account.data or "", by=me()), _("已保存本社发放账户。"))
    else:
        flash_form_errors(form)
    return _back(code, household)


@bp.route("/o/<code>/households/<int:household_id>/login", methods=["POST"])
@login_required
def link_user(code: str, household_id: int) -> ResponseReturnValue:
    """Choose the member login that sees this household."""
    _org, household = _kept(code, household_id)
    form = LinkUserForm()
    if form.validate_on_submit():
        name = (form.username.data or "").strip().lower()
        user = db.session.scalar(sa.select(User).where(User.username == name)) if name else None
        if name and user is None:
            flash(_("没有用户名为 %(name)s 的账号。", name=name), "error")
        else:
            apply_change(lambda: services.link_user(household, user, by=me()), _("已保存。"))
    return _back(code, household)


@bp.route("/o/<code>/households/<int:household_id>/open-login", methods=["POST"])
@login_required
def open_login(code: str, household_id: int) -> ResponseReturnValue:
    """Create the household's member login; its first login forces a password change."""
    from flask import current_app

    org, household = _kept(code, household_id)
    form = LinkUserForm()
    if form.validate_on_submit():
        apply_change(
            lambda: services.open_member_login(
                household, org, username=form.username.data or "",
                min_password_length=current_app.config["MIN_PASSWORD_LENGTH"], by=me()),
            lambda made: _("已开通社员账号 %(name)s，初始密码：%(password)s（请当面告知，"
                           "首次登录须修改）。", name=made[0].username, password=made[1]))
    return _back(code, household)


@bp.route("/my/household")
@login_required
def mine() -> ResponseReturnValue:
    """A member's own household: people, land and where it is contributed."""
    households = queries.my_households(me().id)
    for household in households:
        require(me(), Action.VIEW_HOUSEHOLD, household)
    shares = {h.id: facts.shares(h.id, today()) for h in households}
    leases = facts.leases([p.id for h in households for p in h.parcels])
    incomes = {h.id: facts.income(h, [m.organisation_id for m in h.memberships])
               for h in households}
    return render_template("members/mine.html", households=households, shares=shares,
                           leases=leases, incomes=incomes,
                           distributions=facts.distributions([h.id for h in households]))




@bp.route("/o/<code>/households/import", methods=["GET", "POST"])
@login_required
def import_households(code: str) -> ResponseReturnValue:
    """Upload a workbook of households, persons and parcels; it is imported as a job."""
    from coopledger.members.imports import IMPORT_KIND

    org = org_for(code, Action.MANAGE_MEMBERS)
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        started = start_workbook_import(IMPORT_KIND, org, requires=Action.MANAGE_MEMBERS,
                                       title=lambda name: _(
            "导入农户：%(name)s", name=name))
        if started is not None:
            return started
    return render_template("members/import.html", org=org, confirm=ConfirmForm())


@bp.route("/o/<code>/households/import/template.xlsx")
@login_required
def import_template(code: str) -> ResponseReturnValue:
    """The empty import workbook."""

    from coopledger.members.imports import template

    org_for(code, Action.MANAGE_MEMBERS)
    return file_response(template(), "households-template.xlsx")


@bp.route("/o/<code>/households/export.xlsx")
@login_required
def export_roster(code: str) -> ResponseReturnValue:
    """The roster of households as Excel (personal data masked unless the role may see it)."""

    from coopledger.members.exports import roster

    org = org_for(code, Action.VIEW_MEMBERS)
    full = can(me(), Action.VIEW_PII, org)
    data = roster(org, on=today(), full=full)
    audit_export("household.export_roster", org, org.name, full=full)
    return file_response(data, f"roster-{org.code}.xlsx")
