"""Contract money pages and actions: money terms of a draft, the schedule, receipts and
payments with their vouchers, advance rent transferred to income, early termination,
joint-venture settlements, members' work, scanned contract files, grain reference prices,
and the overdue and idle-land lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.auth.permissions import Action
from coopledger.contracts import employment, files, payments, queries, rules, schedules
from coopledger.contracts.forms import (
    ContractFileForm,
    EmploymentForm,
    GrainPriceForm,
    PaymentForm,
    ReleaseForm,
    SettlementForm,
    TerminateForm,
    TermsForm,
)
from coopledger.contracts.models import Contract, ContractKind, ContractStatus
from coopledger.contracts.money_models import ContractFile, ContractPayment, GrainPrice, Purpose
from coopledger.contracts.rules import CONTRACT_STEPS, PAYMENT_STEPS
from coopledger.contracts.signing import ContractError
from coopledger.contracts.steps import payment_steps_for, steps_for
from coopledger.contracts.warnings import idle_parcels_query
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.files.scans import receive_scan, send_scan
from coopledger.forms import ConfirmForm, options
from coopledger.i18n import N_
from coopledger.ledger.queries import cash_accounts
from coopledger.members.models import Membership, Person
from coopledger.money import ZERO, grouped
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

bp = Blueprint("contract_money", __name__)
PAGE_SIZE = 50


def _back(code: str, contract: Contract, anchor: str = "") -> ResponseReturnValue:
    target = url_for("contracts.show", code=code, contract_id=contract.id)
    return redirect(f"{target}#{anchor}" if anchor else target)


def _payment_form(contract: Contract, formdata: Any = None) -> PaymentForm:
    form = PaymentForm(formdata=formdata, prefix="pay") if formdata is not None else \
        PaymentForm(prefix="pay")
    form.purpose.choices = options((p.value, _(p.label))
                                   for p in payments.PURPOSES[contract.kind])
    form.account.choices = options((a.code, a.label)
                                   for a in cash_accounts(contract.organisation))
    if form.on.data is None:
        form.on.data = today()
    return form


def _terms_form(contract: Contract) -> TermsForm:
    form = TermsForm(prefix="terms")
    form.rent_basis.choices = options((("cash", _("现金")),
                                       ("grain", _("粮食（按当年参考价折款）"))))
    if request.method == "GET":
        form.rent_basis.data = "grain" if contract.grain_rent else "cash"
        for name in ("step_years", "half_yearly", "due_after_days", "settlement_month",
                     "settlement_day"):
            getattr(form, name).data = getattr(contract, name)
        for name in ("price_per_mu", "deposit", "own_contribution", "partner_contribution",
                     "invested_amount", "grain_jin_per_mu", "step_percent",
                     "profit_share_percent", "invested_shares"):
            value = getattr(contract, name)
            getattr(form, name).data = "" if value is None or value == 0 else f"{value}"
    return form


def money_context(org: Organisation, contract: Contract) -> dict[str, Any]:
    """What the contract page shows about money, and the forms for it."""
    on = today()
    context: dict[str, Any] = {
        "terms_form": _terms_form(contract), "payment_form": _payment_form(contract),
        "release_form": ReleaseForm(prefix="release", on=on),
        "terminate_form": TerminateForm(prefix="end", on=on),
        "settlement_form": SettlementForm(prefix="settle", year=on.year - 1),
        "employment_form": EmploymentForm(prefix="work"), "file_form": ContractFileForm(),
        "schedule": schedules.schedule_of(contract), "preview": [], "preview_error": "",
        "payments": payments.payments_of(contract),
        "deferrals": payments.pending_deferrals(contract),
        "deposit_held": payments.deposit_held(contract),
        "employments": employment.employments_of(contract),
        "files": list(db.session.scalars(sa.select(ContractFile).where(
            ContractFile.contract_id == contract.id).order_by(ContractFile.id))),
        "steps": steps_for(contract, me()),
        "payment_steps": lambda payment: payment_steps_for(payment, me()),
    }
    if contract.kind is ContractKind.LEASE and contract.status is ContractStatus.DRAFT \
            and contract.has_rent_terms:
        try:
            context["preview"] = schedules.preview(contract)
        except rules.ScheduleError as err:
            context["preview_error"] = str(err)
    lines = context["schedule"] or context["preview"]
    context["schedule_total"] = rules.total(lines) if context["preview"] else sum(
        (line.amount - line.written_off for line in context["schedule"]), ZERO)
    return context


def _decimal(form: TermsForm, name: str) -> Any:
    field = getattr(form, name)
    return field.number() if hasattr(field, "number") else field.amount()


@bp.route("/o/<code>/contracts/<int:contract_id>/terms", methods=["POST"])
@login_required
def terms(code: str, contract_id: int) -> ResponseReturnValue:
    """Set the money terms of a draft."""
    org = org_for(code, CONTRACT_STEPS["edit"].action)
    contract = owned_or_404(Contract, contract_id, org)
    form = _terms_form(contract)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(code, contract, "terms")
    grain = form.rent_basis.data == "grain"
    data = schedules.MoneyTerms(
        price_per_mu=None if grain else form.price_per_mu.amount(),
        grain_jin_per_mu=form.grain_jin_per_mu.number() if grain else None,
        step_percent=form.step_percent.number() or Decimal(0),
        step_years=form.step_years.data or 0, half_yearly=bool(form.half_yearly.data),
        due_after_days=form.due_after_days.data or 0, deposit=form.deposit.amount(),
        own_contribution=form.own_contribution.amount(),
        partner_contribution=form.partner_contribution.amount(),
        profit_share_percent=form.profit_share_percent.number() or Decimal(0),
        settlement_month=form.settlement_month.data, settlement_day=form.settlement_day.data,
        invested_amount=form.invested_amount.amount(),
        invested_shares=form.invested_shares.number() or Decimal(0))
    apply_change(lambda: schedules.set_terms(contract, data, by=me()), _("已保存合同条款。"))
    return _back(code, contract, "terms")


@bp.route("/o/<code>/contracts/<int:contract_id>/payments", methods=["POST"])
@login_required
def record_payment(code: str, contract_id: int) -> ResponseReturnValue:
    """Record money received or paid; its voucher draft goes to the books."""
    org = org_for(code, CONTRACT_STEPS["record_payment"].action)
    contract = owned_or_404(Contract, contract_id, org)
    form = _payment_form(contract, request.form)
    if form.validate_on_submit() and form.on.data is not None:
        on: dt.date = form.on.data
        outcome = apply_change(lambda: payments.record_payment(
            contract, purpose=Purpose(form.purpose.data), on=on, amount=form.amount.amount(),
            cash_code=form.account.data or "", keep_excess=bool(form.keep_excess.data),
            note=form.note.data or "", by=me(), today=today()),
            lambda made: _("已登记%(what)s %(amount)s 元，凭证草稿 %(label)s 已生成，请提交审核。",
                           what=_(made.purpose.label), amount=grouped(made.amount),
                           label=made.voucher.label if made.voucher else ""))
        if outcome.ok and outcome.value.voucher is not None:
            return redirect(url_for("vouchers.show", code=code,
                                    voucher_id=outcome.value.voucher.id))
    else:
        flash_form_errors(form)
    return _back(code, contract, "payments")


@bp.route("/o/<code>/contracts/<int:contract_id>/payments/<int:payment_id>/cancel",
          methods=["POST"])
@login_required
def cancel_payment(code: str, contract_id: int, payment_id: int) -> ResponseReturnValue:
    """Undo a payment whose voucher is still a draft."""
    org = org_for(code, PAYMENT_STEPS["withdraw"].action)
    contract = owned_or_404(Contract, contract_id, org)
    payment = child_or_404(ContractPayment, payment_id, contract, "contract_id")
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: payments.cancel_payment(payment, by=me()),
                     _("已撤销这笔收付款，凭证草稿已删除。"))
    return _back(code, contract, "payments")


@bp.route("/o/<code>/contracts/<int:contract_id>/deferrals/<int:year>", methods=["POST"])
@login_required
def release(code: str, contract_id: int, year: int) -> ResponseReturnValue:
    """Draft the voucher that makes a year's advance rent income of that year."""
    org = org_for(code, Action.MANAGE_CONTRACTS)
    contract = owned_or_404(Contract, contract_id, org)
    form = ReleaseForm(prefix="release")
    if form.validate_on_submit() and form.on.data is not None:
        on: dt.date = form.on.data
        outcome = apply_change(
            lambda: payments.release_deferrals(contract, year=year, on=on, by=me(), today=today()),
            _("已生成预收租金结转凭证草稿。"))
        if outcome.ok:
            return redirect(url_for("vouchers.show", code=code, voucher_id=outcome.value.id))
    else:
        flash(_("请填写结转日期。"), "error")
    return _back(code, contract, "payments")


@bp.route("/o/<code>/contracts/<int:contract_id>/terminate", methods=["POST"])
@login_required
def terminate(code: str, contract_id: int) -> ResponseReturnValue:
    """End a running contract early and settle its schedule."""
    org = org_for(code, CONTRACT_STEPS["terminate"].action)
    contract = owned_or_404(Contract, contract_id, org)
    form = TerminateForm(prefix="end")
    if form.validate_on_submit() and form.on.data is not None:
        on: dt.date = form.on.data
        apply_change(lambda: schedules.terminate_contract(contract, on=on,
                                                          reason=form.reason.data or "",
                                                          by=me()),
                     _("合同已提前终止，收款计划已按终止日结清。"))
    else:
        flash(_("请填写终止日期和终止原因。"), "error")
    return _back(code, contract)


@bp.route("/o/<code>/contracts/<int:contract_id>/settlements", methods=["POST"])
@login_required
def settle(code: str, contract_id: int) -> ResponseReturnValue:
    """Record a joint venture's profit for a year."""
    org = org_for(code, CONTRACT_STEPS["settle_year"].action)
    contract = owned_or_404(Contract, contract_id, org)
    form = SettlementForm(prefix="settle")
    if form.validate_on_submit() and form.year.data is not None:
        year: int = form.year.data
        apply_change(lambda: schedules.settle_venture_year(
            contract, year=year, venture_profit=form.venture_profit.amount(),
            due_on=form.due_on.data, by=me()),
            lambda line: _("已登记 %(year)d 年结算：本社应分 %(amount)s 元。", year=year,
                           amount=grouped(line.amount)))
    else:
        flash(_("请填写年度和合作项目当年利润。"), "error")
    return _back(code, contract, "schedule")


def _person(org: Organisation, text: str) -> int:
    """The member person named (or identified by ID number) in ``text``."""
    query = sa.select(Person.id).join(Membership, Membership.household_id == Person.household_id)\
        .where(Membership.organisation_id == org.id,
               sa.or_(Person.name == text.strip(), Person.id_number == text.strip().upper()))
    found = db.session.scalars(query).all()
    if not found:
        raise ContractError(N_("本组织成员户中没有“%(who)s”。"), who=text.strip())
    if len(found) > 1:
        raise ContractError(N_("成员中有 %(n)d 人叫“%(who)s”，请改填身份证号。"), n=len(found),
                            who=text.strip())
    return found[0]


@bp.route("/o/<code>/contracts/<int:contract_id>/employments", methods=["POST"])
@login_required
def add_employment(code: str, contract_id: int) -> ResponseReturnValue:
    """Record a member's work and wage."""
    org = org_for(code, CONTRACT_STEPS["record_work"].action)
    contract = owned_or_404(Contract, contract_id, org)
    form = EmploymentForm(prefix="work")
    if form.validate_on_submit() and form.period_start.data and form.period_end.data:
        start, end = form.period_start.data, form.period_end.data
        apply_change(lambda: employment.add_employment(contract, employment.WorkData(
            person_id=_person(org, form.person.data or ""), period_start=start,
            period_end=end, days=form.days.number() or Decimal(0),
            wage=form.wage.amount(), paid_on=form.paid_on.data), by=me(), today=today()),
            lambda work: _("已登记 %(who)s 的务工记录。", who=work.person.name))
    else:
        flash_form_errors(form)
    return _back(code, contract, "employment")


@bp.route("/o/<code>/contracts/<int:contract_id>/files", methods=["POST"])
@login_required
def upload(code: str, contract_id: int) -> ResponseReturnValue:
    """Keep a scanned page of the contract."""
    org = org_for(code, Action.MANAGE_CONTRACTS)
    contract = owned_or_404(Contract, contract_id, org)
    form = ContractFileForm()
    if form.validate_on_submit():
        receive_scan(form.file.data, lambda **scan: files.add_file(contract, by=me(), **scan),
                     _("合同扫描件已上传。"))
    else:
        flash(_("请选择要上传的文件。"), "error")
    return _back(code, contract, "files")


@bp.route("/o/<code>/contracts/<int:contract_id>/files/<int:file_id>")
@login_required
def scan(code: str, contract_id: int, file_id: int) -> ResponseReturnValue:
    """Show a scanned page of the contract."""
    org = org_for(code, Action.VIEW_CONTRACTS)
    contract = owned_or_404(Contract, contract_id, org)
    item = child_or_404(ContractFile, file_id, contract, "contract_id")
    return send_scan(item.sha256, mimetype=item.content_type, name=item.filename)


@bp.route("/o/<code>/contracts/overdue")
@login_required
def overdue(code: str) -> ResponseReturnValue:
    """Expected receipts past their due date and not fully received."""
    org = org_for(code, Action.VIEW_CONTRACTS)
    on = today()
    page = db.paginate(queries.overdue_query(org, on), per_page=PAGE_SIZE, error_out=False)
    count, owed = queries.overdue_total(org, on)
    return render_template("contracts/overdue.html", org=org, page=page, on=on, count=count,
                           owed=owed)


@bp.route("/o/<code>/contracts/idle-land")
@login_required
def idle_land(code: str) -> ResponseReturnValue:
    """Contributed parcels that no running lease covers today."""
    org = org_for(code, Action.VIEW_CONTRACTS)
    on = today()
    page = db.paginate(idle_parcels_query(org, on), per_page=PAGE_SIZE, error_out=False)
    return render_template("contracts/idle.html", org=org, page=page, on=on)


@bp.route("/o/<code>/grain-prices", methods=["GET", "POST"])
@login_required
def grain_prices(code: str) -> ResponseReturnValue:
    """The grain reference prices grain rent is valued at, per year."""
    org = org_for(code, Action.VIEW_CONTRACTS)
    form = GrainPriceForm()
    if request.method == "POST":
        org = org_for(code, Action.MANAGE_CONTRACTS)
        if form.validate_on_submit() and form.year.data is not None:
            year: int = form.year.data
            price = form.price_per_jin.number() or Decimal(0)
            if apply_change(lambda: schedules.set_grain_price(
                    org, year, price, grain=form.grain.data or "", source=form.source.data or "",
                    by=me()),
                    lambda n: _("已保存 %(year)d 年参考价，重算了 %(n)d 条估算租金。", year=year,
                                n=n)).ok:
                return redirect(url_for("contract_money.grain_prices", code=code))
        else:
            flash_form_errors(form)
    prices = db.session.scalars(sa.select(GrainPrice).where(
        GrainPrice.organisation_id == org.id).order_by(GrainPrice.year.desc())).all()
    return render_template("contracts/grain_prices.html", org=org, form=form, prices=prices)
