"""Pages of township supervision: the dashboard over the townships a user audits, each
organisation's warnings with links to the records behind them, the township's thresholds,
opinions on disclosures and plans, audits with their checklist, sample and findings, the
organisation's answers and the auditor's closing, and the audit report PDF."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.exc import IntegrityError

from coopledger.auth.permissions import Action, can, require
from coopledger.dates import today
from coopledger.db import begin_writing
from coopledger.disclosure.models import Question
from coopledger.extensions import db
from coopledger.filings.rules import CALENDAR_LABELS
from coopledger.forms import options
from coopledger.orgs.queries import get_township
from coopledger.pdf.render import render_pdf
from coopledger.supervision import queries, rules, services
from coopledger.supervision.forms import (
    AuditForm,
    CheckForm,
    CloseAuditForm,
    CloseFindingForm,
    FindingForm,
    OpinionForm,
    ResponseForm,
    ThresholdsForm,
)
from coopledger.supervision.models import (
    Audit,
    AuditCheck,
    AuditState,
    CheckResult,
    Finding,
    FindingSeverity,
    FindingState,
    OpinionSubject,
    Verdict,
)
from coopledger.supervision.rules import AUDIT_STEPS, FINDING_STEPS
from coopledger.textnum import is_digits, whole_number
from coopledger.web import (
    apply_change,
    child_or_404,
    file_response,
    flash_form_errors,
    me,
    org_for,
    owned_or_404,
    safe_next,
)

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from coopledger.orgs.models import Organisation

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
org_bp = Blueprint("org_supervision", __name__, url_prefix="/o/<code>/supervision")
HITS_SHOWN = 20


def _review_day() -> dt.date:
    """The day the warnings are judged on: ``?on=`` (never after today) or today."""
    raw = request.args.get("on", "")
    try:
        chosen = dt.date.fromisoformat(raw) if raw else today()
    except ValueError:
        chosen = today()
    return min(chosen, today())


@bp.route("/")
@login_required
def dashboard() -> ResponseReturnValue:
    """Every organisation of the user's townships: figures and warnings, sortable."""
    user = me()
    require(user, Action.SUPERVISE)
    begin_writing(db.session)  # what the voucher rules find is kept (below)
    townships = queries.supervised_townships(user)
    chosen = request.args.get("t", "")
    if chosen:
        town = get_township(chosen)
        require(user, Action.SUPERVISE, town)
        townships = [town]
    on = _review_day()
    sort = request.args.get("sort", "colour")
    descending = request.args.get("desc") == "1"
    lines = queries.sort_lines(queries.dashboard(queries.organisations_of(townships), on=on),
                               sort, descending=descending)
    totals = {s: sum(1 for line in lines if line.figures.colour is s) for s in rules.Severity}
    sort_options = [("colour", _("预警")), ("name", _("组织")), ("township", _("乡镇")),
                    ("closed", _("已结账至")), ("missing", _("逾期/缺失公开")),
                    ("findings", _("未销号问题")), ("red", _("红")), ("yellow", _("黄"))]
    # rendered before the commit: a commit expires every organisation, village and township
    # loaded, and the page would read each of them again, one query apiece
    page = render_template("supervision/dashboard.html", lines=lines, townships=townships,
                           chosen=chosen, on=on, sort=sort, descending=descending,
                           sort_options=sort_options,
                           totals=totals, Severity=rules.Severity,
                           filing_labels=CALENDAR_LABELS)
    try:
        db.session.commit()   # what the voucher rules found is kept for the next view
    except IntegrityError:
        db.session.rollback()  # another worker kept the same findings a moment earlier
    return page


@bp.route("/t/<code>/thresholds", methods=["GET", "POST"])
@login_required
def thresholds(code: str) -> ResponseReturnValue:
    """A township's warning thresholds."""
    town = get_township(code)
    require(me(), Action.CONFIGURE_SUPERVISION, town)
    current = queries.thresholds_of([town.id])[town.id]
    form = ThresholdsForm(data={name: str(getattr(current, name))
                                for name in rules.THRESHOLD_FIELDS})
    if form.validate_on_submit():
        values = rules.Thresholds(
            cash_limit=form.cash_limit.amount(),
            cash_payment_limit=form.cash_payment_limit.amount(),
            round_sum_unit=form.round_sum_unit.amount(),
            round_sum_minimum=form.round_sum_minimum.amount(),
            duplicate_days=form.duplicate_days.data or 0, expiry_days=form.expiry_days.data or 0,
            close_grace_days=form.close_grace_days.data or 0,
            question_days=form.question_days.data or 0)
        if apply_change(lambda: services.save_thresholds(town, values, by=me()),
                        _("预警阈值已保存。")).ok:
            return redirect(url_for("supervision.dashboard", t=town.code))
    else:
        flash_form_errors(form)
    return render_template("supervision/thresholds.html", township=town, form=form)


# --- one organisation ----------------------------------------------------------------------

@org_bp.route("/")
@login_required
def org(code: str) -> ResponseReturnValue:
    """An organisation's warnings, audits and findings."""
    organisation = org_for(code, Action.VIEW_FINDINGS)
    on = _review_day()
    line = queries.organisation_line(organisation, on=on)
    return render_template("supervision/org.html", org=organisation, line=line, on=on,
                           audits=queries.audits_of(organisation),
                           latest_open=open_audit(organisation),
                           findings=queries.findings_of(organisation, open_only=True),
                           hits_shown=HITS_SHOWN, Severity=rules.Severity,
                           day_spans=rules.day_spans,
                           notes=rules.NOTE_LABELS, today=today())


@org_bp.route("/opinions", methods=["POST"])
@login_required
def opinion(code: str) -> ResponseReturnValue:
    """The township's opinion on a disclosure or a distribution plan."""
    organisation = org_for(code, Action.AUDIT_ORG)
    form = _opinion_form()
    back = safe_next(form.next.data) or url_for("org_supervision.org", code=code)
    if form.validate_on_submit() and form.subject.data in {s.value for s in OpinionSubject} \
            and is_digits(form.subject_id.data or ""):
        apply_change(lambda: services.give_opinion(
            organisation, OpinionSubject(form.subject.data),
            whole_number(form.subject_id.data, 0),
            verdict=Verdict(form.verdict.data), text=form.text.data or "", by=me()),
            _("审核意见已记录，组织可以看到。"))
    else:
        flash_form_errors(form)
    return redirect(back)


def _opinion_form() -> OpinionForm:
    form = OpinionForm(prefix="township")
    form.verdict.choices = options((v.value, _(v.label)) for v in Verdict)
    return form


@org_bp.route("/audits/new", methods=["GET", "POST"])
@login_required
def new_audit(code: str) -> ResponseReturnValue:
    """Start an audit: scope, period, sample size and seed."""
    organisation = org_for(code, Action.AUDIT_ORG)
    on = today()
    form = AuditForm(data={"period_from": dt.date(on.year - 1, 1, 1),
                           "period_to": dt.date(on.year - 1, 12, 31)})
    if form.validate_on_submit() and form.period_from.data and form.period_to.data:
        seed = form.seed.data if form.seed.data is not None else secrets.randbelow(10**9)
        outcome = apply_change(lambda: services.open_audit(
            organisation, scope=form.scope.data or "", period_from=form.period_from.data,
            period_to=form.period_to.data, sample_size=form.sample_size.data or 0, seed=seed,
            by=me(), sample_from=form.sample_from.data or "vouchers"),
            lambda a: _("已开始审计 %(label)s。", label=a.label))
        if outcome.ok:
            return redirect(url_for("org_supervision.audit", code=code, audit_id=outcome.value.id))
    else:
        flash_form_errors(form)
    return render_template("supervision/new_audit.html", org=organisation, form=form)


def _audit(code: str, audit_id: int, action: Action) -> tuple[Organisation, Audit]:
    organisation = org_for(code, action)
    return organisation, owned_or_404(Audit, audit_id, organisation)


@org_bp.route("/audits/<int:audit_id>")
@login_required
def audit(code: str, audit_id: int) -> ResponseReturnValue:
    """An audit: checklist, sampled vouchers, findings."""
    organisation, found = _audit(code, audit_id, Action.VIEW_FINDINGS)
    check_form = CheckForm()
    return render_template("supervision/audit.html", org=organisation, audit=found,
                           check_form=check_form, close_form=CloseAuditForm(),
                           labels=rules.CHECK_LABELS, steps=services.audit_steps_for(found, me()),
                           results=list(CheckResult), today=today(),
                           sample_frames=rules.SAMPLE_FRAMES)


@org_bp.route("/audits/<int:audit_id>/checks/<int:check_id>", methods=["POST"])
@login_required
def check(code: str, audit_id: int, check_id: int) -> ResponseReturnValue:
    """Record one checklist item's result."""
    _org, found = _audit(code, audit_id, AUDIT_STEPS["check"].action)
    item = child_or_404(AuditCheck, check_id, found, "audit_id")
    form = CheckForm()
    form.result.choices = options((r.value, r.value) for r in CheckResult)
    if form.validate_on_submit():
        apply_change(lambda: services.set_check(found, item, result=CheckResult(form.result.data),
                                                note=form.note.data or "", by=me()),
                     _("检查结果已保存。"))
    else:
        flash_form_errors(form)
    return redirect(url_for("org_supervision.audit", code=code, audit_id=found.id,
                            _anchor="checklist"))


@org_bp.route("/audits/<int:audit_id>/close", methods=["POST"])
@login_required
def close_audit(code: str, audit_id: int) -> ResponseReturnValue:
    """End the audit with its conclusion."""
    _org, found = _audit(code, audit_id, AUDIT_STEPS["close"].action)
    form = CloseAuditForm()
    if form.validate_on_submit():
        apply_change(lambda: services.close_audit(found, conclusion=form.conclusion.data or "",
                                                  by=me()), _("审计已结束。"))
    else:
        flash_form_errors(form)
    return redirect(url_for("org_supervision.audit", code=code, audit_id=found.id))


@org_bp.route("/audits/<int:audit_id>/report.pdf")
@login_required
def report_pdf(code: str, audit_id: int) -> ResponseReturnValue:
    """The audit report (审计报告) as a printable PDF."""
    organisation, found = _audit(code, audit_id, Action.VIEW_FINDINGS)
    pdf = render_pdf("supervision/report_pdf.html", org=organisation, audit=found,
                     sample_frames=rules.SAMPLE_FRAMES,
                     labels=rules.CHECK_LABELS, on=today())
    return file_response(pdf, f"audit-{organisation.code}-{found.number}.pdf")


@org_bp.route("/audits/<int:audit_id>/findings/new", methods=["GET", "POST"])
@login_required
def new_finding(code: str, audit_id: int) -> ResponseReturnValue:
    """Record a finding; ``?record=kind:key`` pre-fills the record it came from."""
    organisation, found = _audit(code, audit_id, AUDIT_STEPS["add_finding"].action)
    form = FindingForm(data={"records": request.args.get("record", ""),
                             "deadline": today() + dt.timedelta(days=30)})
    form.severity.choices = options((s.value, _(s.label)) for s in FindingSeverity)
    if form.validate_on_submit():
        outcome = apply_change(lambda: services.add_finding(
            found, severity=FindingSeverity(form.severity.data), title=form.title.data or "",
            detail=form.detail.data or "", records=form.records.data or "",
            deadline=form.deadline.data, on=today(), by=me()),
            lambda f: _("已记录问题 %(label)s。", label=f.label))
        if outcome.ok:
            return redirect(url_for("org_supervision.finding", code=code,
                                    finding_id=outcome.value.id))
    else:
        flash_form_errors(form)
    return render_template("supervision/new_finding.html", org=organisation, audit=found,
                           form=form)


@org_bp.route("/findings/<int:finding_id>")
@login_required
def finding(code: str, finding_id: int) -> ResponseReturnValue:
    """A finding: the records it concerns, its deadline, the answer and the closing."""
    organisation = org_for(code, Action.VIEW_FINDINGS)
    found = owned_or_404(Finding, finding_id, organisation)
    return render_template("supervision/finding.html", org=organisation, finding=found,
                           response_form=ResponseForm(data={"response": found.response}),
                           close_form=CloseFindingForm(),
                           overdue=found.state is not FindingState.CLOSED
                           and found.deadline < today(),
                           steps=services.finding_steps_for(found, me()))


@org_bp.route("/findings/<int:finding_id>/respond", methods=["POST"])
@login_required
def respond(code: str, finding_id: int) -> ResponseReturnValue:
    """The organisation's answer (整改情况)."""
    organisation = org_for(code, FINDING_STEPS["respond"].action)
    found = owned_or_404(Finding, finding_id, organisation)
    form = ResponseForm()
    if form.validate_on_submit():
        apply_change(lambda: services.respond(found, response=form.response.data or "",
                                              by=me()), _("整改情况已提交，等待乡镇审核。"))
    else:
        flash_form_errors(form)
    return redirect(url_for("org_supervision.finding", code=code, finding_id=found.id))


@org_bp.route("/findings/<int:finding_id>/close", methods=["POST"])
@login_required
def close_finding(code: str, finding_id: int) -> ResponseReturnValue:
    """The auditor closes (销号) or returns the finding."""
    organisation = org_for(code, FINDING_STEPS["close"].action)
    found = owned_or_404(Finding, finding_id, organisation)
    form = CloseFindingForm()
    if form.validate_on_submit():
        if form.reopen.data:
            apply_change(lambda: services.reopen_finding(found, note=form.note.data or "",
                                                         by=me()), _("已退回，要求继续整改。"))
        else:
            apply_change(lambda: services.close_finding(found, note=form.note.data or "",
                                                        by=me()), _("已销号。"))
    else:
        flash_form_errors(form)
    return redirect(url_for("org_supervision.finding", code=code, finding_id=found.id))


# --- helpers for templates -------------------------------------------------------------------

@bp.app_template_global()
def record_url(org: Organisation, kind: str, key: str) -> str | None:
    """The page of the record a warning hit or a finding names."""
    code = org.code
    if kind == "voucher":
        return url_for("vouchers.show", code=code, voucher_id=int(key))
    if kind == "cash_day":
        return url_for("books.report", code=code, name="cash_journal", period=f"{key}..{key}")
    if kind == "contract":
        return url_for("contracts.show", code=code, contract_id=int(key))
    if kind == "plan":
        return url_for("distribution.show", code=code, plan_id=int(key))
    if kind == "disclosure":
        return url_for("disclosure.index", code=code, _anchor=f"p-{key}")
    if kind == "question":
        question = db.session.get(Question, int(key))
        return url_for("disclosure.show", code=code, disclosure_id=question.disclosure_id,
                       _anchor="questions") if question else None
    if kind == "finding":
        return url_for("org_supervision.finding", code=code, finding_id=int(key))
    if kind == "filing":
        return url_for("filings.year_page", code=code, year=int(key))
    if kind in ("period", "check"):
        return url_for("books.index", code=code)
    if kind == "bank_month":
        account_id, _sep, month = key.partition(":")
        year_text, _sep, month_text = month.partition("-")
        if account_id.isdigit() and year_text.isdigit() and month_text.isdigit():
            return url_for("banking.month", code=code, account_id=int(account_id),
                           year=int(year_text), month=int(month_text))
        return None
    if kind == "cash_month":
        return url_for("banking.cash_counts", code=code)
    if kind == "spending" and key.isdigit():
        return url_for("spending.show", code=code, request_id=int(key))
    return None


@bp.app_template_global()
def open_audit(org: Organisation) -> Audit | None:
    """The organisation's latest audit still open (findings are recorded in it)."""
    return next((a for a in queries.audits_of(org) if a.state is AuditState.OPEN), None)


@bp.app_template_global()
def opinion_panel(org: Organisation, subject: str, subject_id: int) -> dict[str, object]:
    """What a disclosure or plan page needs to show the township's opinions (and the form,
    for an auditor of the township)."""
    kind = OpinionSubject(subject)
    form = _opinion_form() if can(me(), Action.AUDIT_ORG, org) else None
    if form is not None:
        form.subject.data, form.subject_id.data = kind.value, str(subject_id)
        form.next.data = request.full_path
    return {"opinions": services.opinions_on(kind, subject_id), "form": form,
            "action": url_for("org_supervision.opinion", code=org.code)}
