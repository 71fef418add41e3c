"""Distribution pages: the plans of an organisation, drafting a plan from the closed year,
one plan with its figures, lines and approval trail, the trail steps, payments, new versions,
the payout list (XLSX), the bank batch file (CSV) and the resolution scan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.auth.permissions import Action, can, require
from coopledger.banking import payment_files
from coopledger.banking.queries import bank_accounts
from coopledger.dates import today
from coopledger.distribution import (
    exports,
    figures,
    guarantees,
    member_accounts,
    services,
    statements,
)
from coopledger.distribution.forms import (
    ApproveForm,
    BankResultForm,
    DateStepForm,
    ExplainForm,
    PayForm,
    PlanForm,
    PostForm,
    VersionForm,
)
from coopledger.distribution.guarantee_views import (
    bank_result_said,
    guarantee_batch_file,
    guarantee_batch_result,
    guarantees_page,
    withdraw_guarantee,
)
from coopledger.distribution.models import (
    Entitlement,
    Mode,
    Plan,
    PlanLine,
    PlanState,
    QuantifyBy,
    ReserveBase,
)
from coopledger.distribution.rules import PLAN_STEPS
from coopledger.distribution.statement_job import STATEMENTS_KIND
from coopledger.extensions import db
from coopledger.files import store
from coopledger.files.scans import send_scan
from coopledger.forms import ConfirmForm, options, read_upload
from coopledger.jobs import services as jobs
from coopledger.ledger.queries import cash_accounts
from coopledger.members.models import Household
from coopledger.members.queries import member_numbers
from coopledger.money import ZERO, figure, plain
from coopledger.orgs.models import OrgKind
from coopledger.orgs.words import words_of
from coopledger.shares.services import classes_of
from coopledger.textnum import is_digits, whole_number
from coopledger.web import (
    apply_change,
    audit_export,
    child_or_404,
    file_response,
    flash_form_errors,
    me,
    org_for,
    owned_or_404,
    submitted_upload,
)

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from coopledger.orgs.models import Organisation

bp = Blueprint("distribution", __name__, url_prefix="/o/<code>/distribution")


def _default_mode(org: Organisation) -> Mode:
    return {OrgKind.VILLAGE_COLLECTIVE: Mode.VILLAGE, OrgKind.LAND_SHARE_COOP: Mode.LAND_SHARE,
            OrgKind.PROFESSIONAL_COOP: Mode.COOPERATIVE}[org.kind]


def _plan_form(org: Organisation, plan: Plan | None = None) -> PlanForm:
    form = PlanForm(obj=plan)
    form.mode.choices = options((m.value, _(m.label)) for m in Mode)
    form.entitlement.choices = options((e.value, _(e.label)) for e in Entitlement)
    form.reserve_base.choices = options((b.value, _(b.label)) for b in ReserveBase)
    form.reserve_quantify_by.choices = options((q.value, _(q.label)) for q in QuantifyBy)
    words = words_of(org.standard)
    form.member_cap_percent.label.text = _("成员分配上限（%(distributable)s的 %%）",
                                           distributable=_(words.distributable))
    if request.method == "GET":
        if plan is None:
            form.year.data = today().year - 1
            form.mode.data = _default_mode(org).value
            form.entitlement.data = Entitlement.DAYS.value
            form.reserve_base.data = ReserveBase.YEAR_SURPLUS.value
            form.reserve_quantify_by.data = QuantifyBy.VOLUME.value
            form.member_cap_percent.data = "100"
            form.volume_percent.data = "60"
        else:
            form.mode.data, form.entitlement.data = plan.mode.value, plan.entitlement.value
            form.reserve_base.data = plan.reserve_base.value
            form.reserve_quantify_by.data = plan.reserve_quantify_by.value
            for name in ("reserve_percent", "welfare_percent", "member_cap_percent",
                         "other_percent", "volume_percent"):
                getattr(form, name).data = plain(getattr(plan, name))
            for name in ("other_in", "excluded", "reserve_minimum", "guarantee_per_mu",
                         "members_total"):
                getattr(form, name).data = figure(getattr(plan, name))
            if plan.guarantee_jin_per_mu is not None:
                form.guarantee_jin_per_mu.data = plain(plan.guarantee_jin_per_mu)
    return form


def _weights(org: Organisation) -> dict[int, Decimal]:
    found: dict[int, Decimal] = {}
    for share_class in classes_of(org):
        raw = request.form.get(f"weight-{share_class.id}", "").strip()
        try:
            found[share_class.id] = Decimal(raw) if raw else Decimal(1)
        except InvalidOperation:
            found[share_class.id] = Decimal(-1)   # refused by the service with a sentence
    return found


def _data(org: Organisation, form: PlanForm) -> services.PlanData:
    return services.PlanData(
        mode=Mode(form.mode.data), members_total=form.members_total.amount(),
        entitlement=Entitlement(form.entitlement.data), record_date=form.record_date.data,
        other_in=form.other_in.amount(), excluded=form.excluded.amount(),
        excluded_note=form.excluded_note.data or "",
        reserve_percent=form.reserve_percent.number() or Decimal(0),
        reserve_base=ReserveBase(form.reserve_base.data) if form.reserve_base.data in set(
            ReserveBase) else ReserveBase.YEAR_SURPLUS,
        reserve_quantify_by=QuantifyBy(form.reserve_quantify_by.data)
        if form.reserve_quantify_by.data in set(QuantifyBy) else QuantifyBy.VOLUME,
        reserve_minimum=form.reserve_minimum.amount(),
        welfare_percent=form.welfare_percent.number() or Decimal(0),
        member_cap_percent=form.member_cap_percent.number() or Decimal(0),
        other_percent=form.other_percent.number() or Decimal(0),
        volume_percent=form.volume_percent.number() or Decimal(0),
        guarantee_per_mu=form.guarantee_per_mu.amount(),
        guarantee_jin_per_mu=form.guarantee_jin_per_mu.number(), weights=_weights(org))


@bp.route("/")
@login_required
def index(code: str) -> ResponseReturnValue:
    """The organisation's plans, newest year first."""
    org = org_for(code, Action.VIEW_DISTRIBUTION)
    plans = db.session.scalars(sa.select(Plan).where(Plan.organisation_id == org.id).order_by(
        Plan.year.desc(), Plan.version.desc())).all()
    return render_template("distribution/index.html", org=org, plans=plans,
                           year=today().year - 1,
                           pays_guarantee=org.kind is OrgKind.LAND_SHARE_COOP)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create(code: str) -> ResponseReturnValue:
    """Draft a plan for a closed year from the posted ledger."""
    org = org_for(code, Action.MANAGE_DISTRIBUTION)
    form = _plan_form(org)
    if form.validate_on_submit() and form.year.data is not None:
        year: int = form.year.data
        outcome = apply_change(lambda: services.create_plan(org, year, _data(org, form),
                                                            by=me(), today=today()),
                               _("已按账簿计算分配方案草案。"))
        if outcome.ok:
            return redirect(url_for("distribution.show", code=code, plan_id=outcome.value.id))
    elif form.is_submitted():
        flash_form_errors(form)
    return render_template("distribution/form.html", org=org, form=form, plan=None,
                           classes=classes_of(org), weights={},
                           welfare=services.welfare_allowed(org))


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def edit(code: str, plan_id: int) -> ResponseReturnValue:
    """Change a draft and recompute it."""
    org = org_for(code, PLAN_STEPS["edit"].action)
    plan = owned_or_404(Plan, plan_id, org)
    form = _plan_form(org, plan)
    form.year.data = plan.year
    if form.validate_on_submit():
        if apply_change(lambda: services.update_plan(plan, _data(org, form), by=me()),
                        _("草案已重新计算。")).ok:
            return redirect(url_for("distribution.show", code=code, plan_id=plan.id))
    elif form.is_submitted():
        flash_form_errors(form)
    return render_template("distribution/form.html", org=org, form=form, plan=plan,
                           classes=classes_of(org), welfare=services.welfare_allowed(org),
                           weights={w.share_class_id: w.weight for w in plan.weights})


@bp.route("/<int:plan_id>")
@login_required
def show(code: str, plan_id: int) -> ResponseReturnValue:
    """One plan: figures, appropriations, lines, trail and what may be done next."""
    org = org_for(code, Action.VIEW_DISTRIBUTION)
    plan = owned_or_404(Plan, plan_id, org)
    pay_form = PayForm(on=today())
    pay_form.account.choices = options((a.code, a.label) for a in cash_accounts(org))
    bank_result_form = BankResultForm(on=today())
    bank_result_form.account.choices = options((a.code, a.label) for a in bank_accounts(org))
    bank_result_form.layout.choices = options(_layout_choices())
    versions = db.session.scalars(sa.select(Plan).where(
        Plan.organisation_id == org.id, Plan.year == plan.year).order_by(Plan.version)).all()
    return render_template(
        "distribution/show.html", org=org, plan=plan, versions=versions,
        step_form=DateStepForm(on=today()), approve_form=ApproveForm(on=today()),
        post_form=PostForm(start=today(), end=today() + dt.timedelta(days=14)),
        pay_form=pay_form, version_form=VersionForm(),
        unpaid=sum((line.unpaid for line in plan.lines), ZERO), confirm=ConfirmForm(),
        show_pii=can(me(), Action.VIEW_PII, org),
        carried=figures.retained_at_year_start(org, plan.year), explain_form=ExplainForm(),
        steps=services.steps_for(plan, me()), has_payout_list=services.has_payout_list(plan),
        has_bank_file=services.has_bank_file(plan), bank_result_form=bank_result_form,
        layouts=_layout_choices())


@bp.route("/<int:plan_id>/lines/<int:line_id>/explain", methods=["POST"])
@login_required
def explain(code: str, plan_id: int, line_id: int) -> ResponseReturnValue:
    """Record why a household was paid more 保底 during the year than was due."""
    org = org_for(code, PLAN_STEPS["explain"].action)
    plan = owned_or_404(Plan, plan_id, org)
    form = ExplainForm()
    if form.validate_on_submit():
        apply_change(lambda: services.explain_overpayment(plan, line_id, form.text.data or "",
                                                          by=me()),
                     lambda line: _("已记录 %(holder)s 多付保底的原因。", holder=line.holder))
    else:
        flash_form_errors(form)
    return redirect(url_for("distribution.show", code=code, plan_id=plan.id, _anchor="lines"))


def _trail_step(code: str, plan_id: int, step: str) -> ResponseReturnValue:
    org = org_for(code, PLAN_STEPS[step].action)
    plan = owned_or_404(Plan, plan_id, org)
    form = DateStepForm()
    if form.validate_on_submit() and form.on.data is not None:
        on: dt.date = form.on.data
        change = {"propose": services.propose, "review": services.review,
                  "file": services.file_with_township}[step]
        apply_change(lambda: change(plan, on=on, by=me(), today=today()),
                     lambda done: _("已登记：%(state)s。", state=_(done.state.label)))
    else:
        flash_form_errors(form)
    return redirect(url_for("distribution.show", code=code, plan_id=plan.id))


@bp.route("/<int:plan_id>/propose", methods=["POST"])
@login_required
def propose(code: str, plan_id: int) -> ResponseReturnValue:
    """理事会 proposed the plan."""
    return _trail_step(code, plan_id, "propose")


@bp.route("/<int:plan_id>/review", methods=["POST"])
@login_required
def review(code: str, plan_id: int) -> ResponseReturnValue:
    """监事会 reviewed the plan."""
    return _trail_step(code, plan_id, "review")


@bp.route("/<int:plan_id>/file", methods=["POST"])
@login_required
def file_plan(code: str, plan_id: int) -> ResponseReturnValue:
    """The plan was filed with the township."""
    return _trail_step(code, plan_id, "file")


@bp.route("/<int:plan_id>/approve", methods=["POST"])
@login_required
def approve(code: str, plan_id: int) -> ResponseReturnValue:
    """成员(代表)大会 approved the plan; its resolution scan is kept."""
    org = org_for(code, PLAN_STEPS["approve"].action)
    plan = owned_or_404(Plan, plan_id, org)
    form = ApproveForm()
    if form.validate_on_submit() and form.on.data is not None:
        on: dt.date = form.on.data
        upload = form.file.data
        content = read_upload(upload) if upload else None
        apply_change(lambda: services.approve(
            plan, resolution_no=form.resolution_no.data or "", on=on, content=content,
            filename=(upload.filename if upload else "") or "resolution",
            storage=store(), by=me(), today=today()),
            _("方案已通过，分配凭证草稿已生成，请提交审核。"))
    else:
        flash_form_errors(form)
    return redirect(url_for("distribution.show", code=code, plan_id=plan.id))


@bp.route("/<int:plan_id>/post", methods=["POST"])
@login_required
def post(code: str, plan_id: int) -> ResponseReturnValue:
    """The plan's public posting period."""
    org = org_for(code, PLAN_STEPS["post"].action)
    plan = owned_or_404(Plan, plan_id, org)
    form = PostForm()
    if form.validate_on_submit() and form.start.data and form.end.data:
        start, end = form.start.data, form.end.data
        apply_change(lambda: services.post(plan, start=start, end=end, by=me()),
                     _("已登记公示。"))
    else:
        flash_form_errors(form)
    return redirect(url_for("distribution.show", code=code, plan_id=plan.id))


@bp.route("/<int:plan_id>/pay", methods=["POST"])
@login_required
def pay(code: str, plan_id: int) -> ResponseReturnValue:
    """Pay the chosen households in full; one payment voucher is drafted."""
    org = org_for(code, PLAN_STEPS["pay"].action)
    plan = owned_or_404(Plan, plan_id, org)
    form = PayForm()
    form.account.choices = options((a.code, a.label) for a in cash_accounts(org))
    if form.validate_on_submit() and form.on.data is not None:
        on: dt.date = form.on.data
        ids = [whole_number(x, 0) for x in request.form.getlist("line") if is_digits(x)]
        outcome = apply_change(lambda: services.pay(plan, ids, on=on,
                                                    cash_code=form.account.data or "",
                                                    by=me(), today=today()),
                               lambda voucher: _("已兑付 %(n)d 户，凭证草稿 %(label)s 已生成。",
                                                 n=len(ids), label=voucher.label))
        if outcome.ok:
            return redirect(url_for("vouchers.show", code=code, voucher_id=outcome.value.id))
    else:
        flash_form_errors(form)
    return redirect(url_for("distribution.show", code=code, plan_id=plan.id))


@bp.route("/<int:plan_id>/version", methods=["POST"])
@login_required
def new_version(code: str, plan_id: int) -> ResponseReturnValue:
    """Start a new version of a plan that has left the draft."""
    org = org_for(code, PLAN_STEPS["new_version"].action)
    plan = owned_or_404(Plan, plan_id, org)
    form = VersionForm()
    if form.validate_on_submit():
        outcome = apply_change(lambda: services.new_version(plan, reason=form.reason.data or "",
                                                            by=me()),
                               lambda fresh: _("已另立第 %(v)d 版草案。", v=fresh.version))
        if outcome.ok:
            return redirect(url_for("distribution.show", code=code, plan_id=outcome.value.id))
    else:
        flash_form_errors(form)
    return redirect(url_for("distribution.show", code=code, plan_id=plan.id))


@bp.route("/<int:plan_id>/payout.xlsx")
@login_required
def payout(code: str, plan_id: int) -> ResponseReturnValue:
    """The payout list per household (bank accounts masked unless the role may see them)."""
    org = org_for(code, Action.VIEW_DISTRIBUTION)
    plan = owned_or_404(Plan, plan_id, org)
    if not services.has_payout_list(plan):
        flash(_("方案经成员(代表)大会通过后才有兑付清单。"), "error")
        return redirect(url_for("distribution.show", code=code, plan_id=plan.id))
    full = can(me(), Action.VIEW_PII, org)
    data = exports.payout_xlsx(plan, full=full)
    audit_export("distribution.export_payout", plan, f"{org.name} {plan.label}", full=full)
    return file_response(data, f"payout-{org.code}-{plan.year}.xlsx")


def _layout_choices() -> list[tuple[str, str]]:
    return [(key, _(layout.label)) for key, layout in payment_files.layouts().items()]


@bp.route("/<int:plan_id>/bank-file")
@login_required
def bank_file(code: str, plan_id: int) -> ResponseReturnValue:
    """The payment instruction file of what is still unpaid (full account numbers), in the
    bank's layout (``?layout=``, the generic CSV by default)."""
    org = org_for(code, Action.VIEW_DISTRIBUTION)
    require(me(), Action.VIEW_PII, org)
    plan = owned_or_404(Plan, plan_id, org)
    if not services.has_bank_file(plan):
        flash(_("方案经成员(代表)大会通过后才有兑付清单。"), "error")
        return redirect(url_for("distribution.show", code=code, plan_id=plan.id))
    layout = payment_files.layouts().get(request.args.get("layout", "generic"))
    if layout is None:
        abort(404)
    data = exports.bank_file(plan, layout)
    audit_export("distribution.export_bank", plan, f"{org.name} {plan.label}", full=True)
    return file_response(data, f"bank-{org.code}-{plan.year}.{layout.extension}")


@bp.route("/<int:plan_id>/bank-result", methods=["POST"])
@login_required
def bank_result(code: str, plan_id: int) -> ResponseReturnValue:
    """The bank's result of the payment file: the lines it paid are paid (one voucher), those
    it could not pay are named with the bank's reasons."""
    org = org_for(code, PLAN_STEPS["pay"].action)
    plan = owned_or_404(Plan, plan_id, org)
    form = BankResultForm()
    form.account.choices = options((a.code, a.label) for a in cash_accounts(org))
    form.layout.choices = options(_layout_choices())
    sent = submitted_upload(form, _("请选择银行的结果文件。"))
    if sent is None or form.on.data is None:
        return redirect(url_for("distribution.show", code=code, plan_id=plan.id))
    (content, name), on = sent, form.on.data
    layout_key, cash_code = form.layout.data or "", form.account.data or ""

    def change() -> guarantees.BankResult:
        outcomes = payment_files.read_result(payment_files.layout_of(layout_key), content,
                                             name)
        return services.pay_by_result(plan, outcomes, on=on, cash_code=cash_code, by=me(),
                                      today=today())

    apply_change(change, bank_result_said)
    return redirect(url_for("distribution.show", code=code, plan_id=plan.id))


@bp.route("/<int:plan_id>/resolution")
@login_required
def resolution(code: str, plan_id: int) -> ResponseReturnValue:
    """The scanned resolution of the members' meeting."""
    org = org_for(code, Action.VIEW_DISTRIBUTION)
    plan = owned_or_404(Plan, plan_id, org)
    return send_scan(plan.resolution_sha256, mimetype=plan.resolution_type,
                       name=plan.resolution_name or "resolution")


VISIBLE_TO_MEMBERS = (*services.PAYABLE, PlanState.PAID)


def _statement_line(org: Organisation, plan: Plan, line_id: int) -> PlanLine:
    """The line, if the user may see its statement: staff of the organisation, or the member
    whose household it is once the plan has been approved."""
    line = child_or_404(PlanLine, line_id, plan, "plan_id")
    household = line.household
    own = household is not None and household.user_id == me().id
    if not (own and plan.state in VISIBLE_TO_MEMBERS):
        require(me(), Action.VIEW_DISTRIBUTION, org)
    return line


@bp.route("/<int:plan_id>/statements/<int:line_id>.pdf")
@login_required
def statement_pdf(code: str, plan_id: int, line_id: int) -> ResponseReturnValue:
    """One household's statement as a printable page."""
    from coopledger.orgs.queries import get_org

    org = get_org(code)
    plan = owned_or_404(Plan, plan_id, org)
    line = _statement_line(org, plan, line_id)
    pdf = statements.render(plan, statements.statements(plan, [line]))
    return file_response(pdf, f"statement-{plan.year}-{line.seq}.pdf")


@bp.route("/<int:plan_id>/statements", methods=["POST"])
@login_required
def all_statements(code: str, plan_id: int) -> ResponseReturnValue:
    """Generate every household's statement as a background job."""
    org = org_for(code, Action.MANAGE_DISTRIBUTION)
    plan = owned_or_404(Plan, plan_id, org)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("distribution.show", code=code, plan_id=plan.id))
    job = jobs.start_job(STATEMENTS_KIND, title=_("%(org)s %(year)d 年收益分配明细单",
                                                  org=org.name, year=plan.year),
                         params={"plan_id": plan.id}, by=me(),
                         requires=Action.MANAGE_DISTRIBUTION, on=org)
    db.session.commit()
    jobs.enqueue(job)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/<int:plan_id>/roster.pdf")
@login_required
def roster_pdf(code: str, plan_id: int) -> ResponseReturnValue:
    """The roster of all holders; ``?public=1`` masks names for posting."""
    org = org_for(code, Action.VIEW_DISTRIBUTION)
    plan = owned_or_404(Plan, plan_id, org)
    public = request.args.get("public") == "1"
    from coopledger.distribution.public_names import shows_names

    pdf = statements.roster(plan, public=public, workers=2 if len(plan.lines) > 1000 else 1,
                            show_names=shows_names(org))
    audit_export("distribution.export_roster", plan, f"{org.name} {plan.label}",
                 full=not public)
    suffix = "-public" if public else ""
    return file_response(pdf, f"roster-{org.code}-{plan.year}{suffix}.pdf")


@bp.route("/volumes/<int:year>", methods=["GET", "POST"])
@login_required
def volumes(code: str, year: int) -> ResponseReturnValue:
    """Members' transaction volumes of a year, typed or imported from a workbook."""
    from coopledger.distribution import volumes as volume_service

    org = org_for(code, Action.VIEW_DISTRIBUTION)
    form = ConfirmForm()
    if request.method == "POST":
        org = org_for(code, Action.MANAGE_DISTRIBUTION)
        if form.validate_on_submit():
            upload = request.files.get("workbook")
            if upload is not None and upload.filename:
                content = read_upload(upload)
                apply_change(lambda: volume_service.import_volumes(org, year, content, by=me()),
                             lambda n: _("已导入 %(n)d 户的交易额。", n=n))
            else:
                entered = {int(key[7:]): value for key, value in request.form.items()
                           if key.startswith("volume-") and is_digits(key[7:])}
                apply_change(lambda: volume_service.save_volumes(org, year, entered, by=me()),
                             lambda n: _("已保存 %(n)d 户的交易额。", n=n))
            return redirect(url_for("distribution.volumes", code=code, year=year))
    return render_template("distribution/volumes.html", org=org, year=year, form=form,
                           members=volume_service.members_of_year(org, year),
                           entered=volume_service.volumes_of(org, year))


def _account_household(org: Organisation, household_id: int) -> Household:
    """A member household of a professional cooperative whose account the user may see: the
    organisation's staff, or the member's own login."""
    if org.kind is not OrgKind.PROFESSIONAL_COOP:
        abort(404)
    household = db.get_or_404(Household, household_id)
    if not any(m.organisation_id == org.id for m in household.memberships):
        abort(404)
    if household.user_id != me().id:
        require(me(), Action.VIEW_DISTRIBUTION, org)
    return household


@bp.route("/members/<int:household_id>/account")
@login_required
def member_account(code: str, household_id: int) -> ResponseReturnValue:
    """成员账户: a member's capital, quantified 公积金 and subsidy share, volume and returns,
    year by year."""
    from coopledger.orgs.queries import get_org

    org = get_org(code)
    household = _account_household(org, household_id)
    years = member_accounts.accounts_of(org, [household.id]).get(household.id, [])
    return render_template("distribution/member_account.html", org=org, household=household,
                           years=years, number=member_numbers(org).get(household.id, ""))


@bp.route("/members/<int:household_id>/account.pdf")
@login_required
def member_account_pdf(code: str, household_id: int) -> ResponseReturnValue:
    """The member's account as a printable page."""
    from coopledger.orgs.queries import get_org
    from coopledger.pdf.render import render_pdf

    org = get_org(code)
    household = _account_household(org, household_id)
    years = member_accounts.accounts_of(org, [household.id]).get(household.id, [])
    pdf = render_pdf("distribution/member_account_pdf.html", org=org, household=household,
                     years=years, number=member_numbers(org).get(household.id, ""))
    return file_response(pdf, f"member-account-{household.id}.pdf")


@bp.route("/member-accounts.xlsx")
@login_required
def member_accounts_xlsx(code: str) -> ResponseReturnValue:
    """Every member's account, one row per member and year."""
    org = org_for(code, Action.VIEW_DISTRIBUTION)
    if org.kind is not OrgKind.PROFESSIONAL_COOP:
        abort(404)
    data = member_accounts.accounts_xlsx(org)
    audit_export("distribution.export_member_accounts", org, f"{org.name} 成员账户", full=False)
    return file_response(data, f"member-accounts-{org.code}.xlsx")


# --- in-year 保底 (guarantee_views holds the handlers; one blueprint per package) ------------

bp.add_url_rule("/guarantee/<int:year>", "guarantees_page", login_required(guarantees_page),
                methods=["GET", "POST"])
bp.add_url_rule("/guarantee/<int:year>/withdraw/<int:voucher_id>", "withdraw_guarantee",
                login_required(withdraw_guarantee), methods=["POST"])
bp.add_url_rule("/guarantee/<int:year>/batches/<int:batch_id>/file", "guarantee_batch_file",
                login_required(guarantee_batch_file))
bp.add_url_rule("/guarantee/<int:year>/batches/<int:batch_id>/result",
                "guarantee_batch_result", login_required(guarantee_batch_result),
                methods=["POST"])
