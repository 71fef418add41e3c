"""Share register pages: the register, holdings on a date, requests, settings, certificates,
and the public check of a printed certificate."""

from __future__ import annotations

import datetime as dt
import hmac
from pathlib import Path
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

from coopledger.auth.permissions import Action, require
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.files import store
from coopledger.files.scans import send_scan, store_scan
from coopledger.forms import ConfirmForm, options, read_upload
from coopledger.ids import mask_name
from coopledger.ledger.forms import ReasonForm
from coopledger.members import rules as member_rules
from coopledger.members.queries import member_numbers
from coopledger.pdf.render import render_pdf
from coopledger.shares import queries, services
from coopledger.shares.forms import OperationForm, SettingsForm
from coopledger.shares.models import (
    Certificate,
    CertificateStatus,
    OperationKind,
    ShareAccount,
    ShareClass,
    ShareOperation,
)
from coopledger.shares.rules import SHARE_REQUEST_STEPS
from coopledger.spreadsheets import append_row
from coopledger.web import (
    apply_change,
    file_response,
    me,
    org_for,
    owned_or_404,
    public_url_for,
)

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from coopledger.orgs.models import Organisation

bp = Blueprint("shares", __name__)
PAGE_SIZE = 50
HOLDINGS_PAGE = 100


@bp.route("/o/<code>/shares/")
@login_required
def index(code: str) -> ResponseReturnValue:
    """The register, in effective-date order."""
    org = org_for(code, Action.VIEW_MEMBERS)
    page = db.paginate(queries.register(org), per_page=PAGE_SIZE, error_out=False)
    return render_template("shares/index.html", org=org, page=page)


@bp.route("/o/<code>/shares/holdings")
@login_required
def holdings(code: str) -> ResponseReturnValue:
    """Every holder's shares per class on a date, with totals."""
    org = org_for(code, Action.VIEW_MEMBERS)
    on = _date_arg()
    classes, rows, totals = queries.holdings_table(org, on)
    pages = max(1, -(-len(rows) // HOLDINGS_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    shown = rows[(page - 1) * HOLDINGS_PAGE:page * HOLDINGS_PAGE]
    return render_template("shares/holdings.html", org=org, on=on, classes=classes, rows=shown,
                           holders=len(rows), totals=totals, numbers=member_numbers(org),
                           page=page, pages=pages)


def _date_arg() -> dt.date:
    """The ``on`` query argument, today when absent or unreadable (with a message)."""
    text = request.args.get("on", "")
    if not text:
        return today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        flash(_("日期格式应为 2025-06-30。"), "error")
        return today()


def _holder_choices(org: Organisation) -> list[tuple[int, str]]:
    from coopledger.members.models import Household, Membership

    choices = [(0, "—")]
    holder = services.collective_holder(org)
    if holder is not None:
        choices.append((-1, _("（集体股）%(name)s", name=holder.name)))
    rows = db.session.execute(
        sa.select(Household, Membership.member_number)
        .join(Membership, Membership.household_id == Household.id)
        .where(Membership.organisation_id == org.id)
        .order_by(Membership.member_number)).all()
    choices += [(household.id, f"{number} {household.head_name}") for household, number in rows]
    return choices


def _account(org: Organisation, choice: int) -> ShareAccount | None:
    from coopledger.members.models import Household

    if choice == 0:
        return None
    if choice == -1:
        return services.collective_account(org)
    household = db.session.get(Household, choice)
    if household is None:
        abort(404)
    return services.household_account(org, household)


def _form(org: Organisation) -> OperationForm:
    form = OperationForm()
    form.kind.choices = options((k.value, _(k.label)) for k in OperationKind)
    form.share_class.choices = options((c.id, _(c.name)) for c in services.classes_of(
        org, create=request.method == "POST"))
    holders = _holder_choices(org)
    form.source.choices = options(holders)
    form.target.choices = options(holders)
    if not form.is_submitted():
        form.effective_on.data = today()
    return form


@bp.route("/o/<code>/shares/new", methods=["GET", "POST"])
@login_required
def create(code: str) -> ResponseReturnValue:
    """File a register request."""
    org = org_for(code, Action.MANAGE_MEMBERS)
    form = _form(org)
    if form.validate_on_submit() and form.effective_on.data is not None:
        on: dt.date = form.effective_on.data
        share_class = owned_or_404(ShareClass, form.share_class.data, org)

        def file() -> ShareOperation:
            upload = request.files.get("scan")
            scan = None
            if upload is not None and upload.filename:
                digest, kind = store_scan(read_upload(upload),
                                          store())
                scan = (digest, kind, Path(upload.filename).name[:200])
            return services.request(
                org, kind=OperationKind(form.kind.data), share_class=share_class,
                source=_account(org, form.source.data), target=_account(org, form.target.data),
                quantity=member_rules.parse_area(form.quantity.data or "", what=_("股数")),
                on=on, today=today(), by=me(), counterparty=form.counterparty.data or "",
                reason=form.reason.data or "", document=form.document.data or "", scan=scan)

        outcome = apply_change(file, lambda op: _("已提交第 %(n)d 号申请。", n=op.number))
        if outcome.ok:
            return redirect(url_for("shares.show", code=code, operation_id=outcome.value.id))
    return render_template("shares/form.html", org=org, form=form)


@bp.route("/o/<code>/shares/<int:operation_id>")
@login_required
def show(code: str, operation_id: int) -> ResponseReturnValue:
    """One request with its decision buttons."""
    org = org_for(code, Action.VIEW_MEMBERS)
    op = owned_or_404(ShareOperation, operation_id, org)
    return render_template("shares/show.html", org=org, op=op, confirm=ConfirmForm(),
                           refuse_form=ReasonForm(), steps=services.steps_for(op, me()))


@bp.route("/o/<code>/shares/<int:operation_id>/document")
@login_required
def document(code: str, operation_id: int) -> ResponseReturnValue:
    """The scanned supporting document of a request."""
    org = org_for(code, Action.VIEW_MEMBERS)
    op = owned_or_404(ShareOperation, operation_id, org)
    return send_scan(op.document_sha256, mimetype=op.document_type, name=op.document_name)


@bp.route("/o/<code>/shares/<int:operation_id>/approve", methods=["POST"])
@login_required
def approve(code: str, operation_id: int) -> ResponseReturnValue:
    """Approve a request."""
    org = org_for(code, SHARE_REQUEST_STEPS["approve"].action)
    op = owned_or_404(ShareOperation, operation_id, org)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: services.approve(op, today=today(), by=me()), _("已批准。"))
    return redirect(url_for("shares.show", code=code, operation_id=op.id))


@bp.route("/o/<code>/shares/<int:operation_id>/complete", methods=["POST"])
@login_required
def complete(code: str, operation_id: int) -> ResponseReturnValue:
    """Register an approved request (certificates are reissued)."""
    org = org_for(code, SHARE_REQUEST_STEPS["complete"].action)
    op = owned_or_404(ShareOperation, operation_id, org)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: services.complete(op, today=today(), by=me()),
                     _("已登记，股权证已换发。"))
    return redirect(url_for("shares.show", code=code, operation_id=op.id))


@bp.route("/o/<code>/shares/<int:operation_id>/refuse", methods=["POST"])
@login_required
def refuse(code: str, operation_id: int) -> ResponseReturnValue:
    """Refuse a request with a reason."""
    org = org_for(code, SHARE_REQUEST_STEPS["refuse"].action)
    op = owned_or_404(ShareOperation, operation_id, org)
    form = ReasonForm()
    apply_change(lambda: services.refuse(op, reason=form.reason.data or "", by=me()),
                 _("已驳回。"))
    return redirect(url_for("shares.show", code=code, operation_id=op.id))


@bp.route("/o/<code>/shares/settings", methods=["GET", "POST"])
@login_required
def settings(code: str) -> ResponseReturnValue:
    """Share classes and the conversion, rounding and buy-back rules."""
    org = org_for(code, Action.VIEW_MEMBERS)
    current = services.settings_of(org)
    classes = services.classes_of(org)
    form = SettingsForm(obj=current)
    form.rounding.choices = options([("half_up", _("四舍五入")), ("down", _("去尾"))])
    if form.validate_on_submit():
        require(me(), Action.MANAGE_MEMBERS, org)

        def change() -> object:
            return services.update_settings(
                org, shares_per_mu=member_rules.parse_area(form.shares_per_mu.data or "",
                                                           what=_("每亩折股数")),
                decimals=int(form.decimals.data), rounding=form.rounding.data,
                buyback_cap_percent=member_rules.parse_area(
                    form.buyback_cap_percent.data or "", what=_("回购上限")), by=me())

        if apply_change(change, _("已保存。")).ok:
            return redirect(url_for("shares.settings", code=code))
    db.session.commit()
    return render_template("shares/settings.html", org=org, form=form, classes=classes)


def _certificate(certificate_id: int) -> Certificate:
    """A certificate its own household, or the staff of the issuing organisation, may see."""
    certificate = db.get_or_404(Certificate, certificate_id)
    household = certificate.account.household
    if household is not None and household.user_id == me().id:
        return certificate
    require(me(), Action.VIEW_MEMBERS, certificate.organisation)
    return certificate


@bp.route("/certificates/<int:certificate_id>.pdf")
@login_required
def certificate_pdf(certificate_id: int) -> ResponseReturnValue:
    """The 股权证 as a printable PDF (A5) with the QR code of its public check."""
    import segno

    certificate = _certificate(certificate_id)
    check_url = public_url_for("shares.check", serial=certificate.serial,
                               version=certificate.version, token=certificate.token or None)
    qr = segno.make(check_url, error="m").svg_data_uri(scale=3)
    pdf = render_pdf("shares/certificate_pdf.html", certificate=certificate, qr=qr,
                     household=certificate.account.household, check_url=check_url,
                     parcels=_contributed_parcels(certificate))
    return file_response(pdf, f"{certificate.serial}-v{certificate.version}.pdf")


def _contributed_parcels(certificate: Certificate) -> list[object]:
    household = certificate.account.household
    if household is None:
        return []
    return [p for p in household.parcels
            if any(c.organisation_id == certificate.organisation_id and c.withdrawn_on is None
                   for c in p.contributions)]


@bp.route("/c/<serial>/<int:version>")
@bp.route("/c/<serial>/<int:version>/<token>")
def check(serial: str, version: int, token: str = "") -> ResponseReturnValue:
    """Public: whether a printed certificate is the current version, with what the paper says
    (the household masked, the shares per class, the issue date) so an altered copy can be
    compared. The address carries the certificate's random token: a serial alone finds
    nothing (only certificates issued before tokens existed are found without one)."""
    certificate = db.session.scalar(sa.select(Certificate).where(
        Certificate.serial == serial, Certificate.version == version))
    if certificate is not None and not hmac.compare_digest(certificate.token or "", token):
        certificate = None
    if certificate is None:
        return render_template("shares/check.html", certificate=None, serial=serial,
                               version=version), 404
    latest = db.session.scalar(sa.select(sa.func.max(Certificate.version)).where(
        Certificate.serial == serial))
    household = certificate.account.household
    holder = mask_name(household.head_name) + "户" if household is not None else \
        certificate.account.name
    return render_template("shares/check.html", certificate=certificate, serial=serial,
                           version=version, latest=latest, holder=holder,
                           current=certificate.status is CertificateStatus.ISSUED)




@bp.route("/o/<code>/shares/holdings.xlsx")
@login_required
def holdings_xlsx(code: str) -> ResponseReturnValue:
    """The holdings table of a date as Excel, with its totals row."""
    import io

    from openpyxl import Workbook

    org = org_for(code, Action.VIEW_MEMBERS)
    on = _date_arg()
    classes, rows, totals = queries.holdings_table(org, on)
    numbers = member_numbers(org)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "持股表"
    append_row(sheet, [f"{org.name} 持股表 {on.isoformat()}"])
    append_row(sheet, ["成员编号", "持有人", *[c.name for c in classes], "其中质押"])
    for account, values, pledged in rows:
        append_row(sheet, [numbers.get(account.household_id or 0, ""),
                      account.name, *values, pledged])
    append_row(sheet, ["", "合计", *totals, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return file_response(buffer.getvalue(), f"holdings-{org.code}-{on.isoformat()}.xlsx")


@bp.route("/o/<code>/shares/classes/<int:class_id>", methods=["POST"])
@login_required
def update_class(code: str, class_id: int) -> ResponseReturnValue:
    """Set a share class's value per share."""
    from coopledger.money import parse_money

    org = org_for(code, Action.MANAGE_MEMBERS)
    share_class = owned_or_404(ShareClass, class_id, org)
    if ConfirmForm().validate_on_submit():
        text = request.form.get("unit_value", "")
        apply_change(lambda: services.update_class(share_class, unit_value=parse_money(text),
                                                   by=me()), _("已保存。"))
    return redirect(url_for("shares.settings", code=code))
