"""Voucher pages: list, entry form, detail with the workflow buttons, attachments, PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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

from coopledger.auth.permissions import Action, can
from coopledger.dates import today
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.files import store
from coopledger.files.scans import AttachmentError, receive_scan, send_scan
from coopledger.forms import ConfirmForm, read_upload
from coopledger.i18n import N_
from coopledger.ledger import (
    attachments,
    books,
    origins,
    print_rules,
    rules,
    voucher_prints,
    voucher_templates,
    vouchers,
)
from coopledger.ledger.forms import (
    AttachmentForm,
    DateActionForm,
    ReasonForm,
    TemplateForm,
    VoucherForm,
)
from coopledger.ledger.models import (
    Account,
    Attachment,
    Voucher,
    VoucherKind,
    VoucherState,
    VoucherTemplate,
)
from coopledger.ledger.queries import open_leaves
from coopledger.ledger.rules import VOUCHER_STEPS
from coopledger.money import amount_in_words, figure
from coopledger.pdf.render import allowed_hosts, html_to_pdf, static_root
from coopledger.textnum import is_digits, whole_number
from coopledger.web import (
    apply_change,
    child_or_404,
    file_response,
    me,
    org_for,
    owned_or_404,
)

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from coopledger.orgs.models import Organisation

bp = Blueprint("vouchers", __name__, url_prefix="/o/<code>/vouchers")
PAGE_SIZE = 50


def _load(code: str, voucher_id: int, action: Action) -> tuple[Organisation, Voucher]:
    org = org_for(code, action)
    return org, owned_or_404(Voucher, voucher_id, org)


@bp.route("/")
@login_required
def index(code: str) -> ResponseReturnValue:
    """Vouchers of an organisation, newest first, filtered by state, kind and month."""
    org = org_for(code, Action.VIEW_BOOKS)
    query = sa.select(Voucher).where(Voucher.organisation_id == org.id)
    state = request.args.get("state", "")
    if state in {s.value for s in VoucherState}:
        query = query.where(Voucher.state == VoucherState(state))
    kind = request.args.get("kind", "")
    if kind in {k.value for k in VoucherKind}:
        query = query.where(Voucher.kind == VoucherKind(kind))
    month = request.args.get("month", "")
    if month:
        try:
            start, end = rules.parse_period(month)
        except rules.PeriodSpecError as err:
            flash(str(err), "error")
        else:
            query = query.where(Voucher.on >= start, Voucher.on <= end)
    page = db.paginate(query.order_by(Voucher.on.desc(), Voucher.number.desc(),
                                      Voucher.id.desc()),
                       per_page=PAGE_SIZE, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page"}
    batch_step = next((name for name, (act, waiting) in BATCH_STEPS.items()
                       if state == waiting.value and can(me(), act, org)), "")
    return render_template("ledger/vouchers.html", org=org, page=page, args=args,
                           states=VoucherState, state=state, month=month,
                           batch_step=batch_step, confirm=ConfirmForm())


BATCH_STEPS = {"review": (VOUCHER_STEPS["review"].action, VoucherState.SUBMITTED),
               "post": (VOUCHER_STEPS["post"].action, VoucherState.REVIEWED)}


@bp.route("/batch", methods=["POST"])
@login_required
def batch(code: str) -> ResponseReturnValue:
    """Review or post the chosen vouchers in one action: each one goes through the same service
    with the same rules (maker ≠ checker, cashier confirmation, closed month, 序时控制) in its
    own transaction; the page lists which were done and which were refused, and why. Posting
    takes them in date order, as the books are written."""
    step = request.values.get("step", "")
    if step not in BATCH_STEPS:
        abort(404)
    action, waiting = BATCH_STEPS[step]
    org = org_for(code, action)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("vouchers.index", code=code, state=waiting.value))
    field = "page_voucher" if request.form.get("all") == "1" else "voucher"
    ids = {whole_number(x, 0) for x in request.form.getlist(field) if is_digits(x)}
    chosen = list(db.session.scalars(sa.select(Voucher).where(
        Voucher.organisation_id == org.id, Voucher.id.in_(ids))
        .order_by(Voucher.on, Voucher.id))) if ids else []
    day = today()

    def call(voucher: Voucher) -> Voucher:
        if step == "review":
            return vouchers.review_voucher(voucher, by=me())
        return vouchers.post_voucher(voucher, by=me(), today=day)

    results: list[tuple[str, str, bool, str]] = []
    for voucher in chosen:
        label = f"{voucher.on.isoformat()} {voucher.label} {voucher.summary}"
        voucher_id = voucher.id
        try:
            call(voucher)
        except CoopLedgerError as err:
            db.session.rollback()
            results.append((label, str(voucher_id), False, str(err)))
        else:
            done = voucher.label
            db.session.commit()
            results.append((label, str(voucher_id), True, done))
    if not chosen:
        flash(_("请选择凭证。"), "error")
        return redirect(url_for("vouchers.index", code=code, state=waiting.value))
    return render_template("ledger/batch_result.html", org=org, step=step, results=results,
                           done=sum(1 for r in results if r[2]),
                           back=url_for("vouchers.index", code=code, state=waiting.value))


def _form_lines(form: VoucherForm) -> list[rules.Line]:
    return [rules.Line((entry.summary.data or "").strip(), entry.account_code(),
                       entry.debit.amount(), entry.credit.amount(), row=row)
            for row, entry in enumerate(form.lines, start=1) if not entry.is_blank()]


def _fill_from(form: VoucherForm, template: VoucherTemplate) -> None:
    """Fill the entry form's lines from a template (more rows when it has more lines)."""
    while len(form.lines) < len(template.lines) + 1:
        form.lines.append_entry()
    for entry, line in zip(form.lines, template.lines, strict=False):
        entry.summary.data, entry.account.data = line.get("summary", ""), line.get("account", "")
        entry.debit.data, entry.credit.data = line.get("debit", ""), line.get("credit", "")


@bp.route("/<int:voucher_id>/template", methods=["POST"])
@login_required
def save_template(code: str, voucher_id: int) -> ResponseReturnValue:
    """Keep a voucher as a named template (凭证模板)."""
    org = org_for(code, Action.PREPARE_VOUCHERS)
    voucher = owned_or_404(Voucher, voucher_id, org)
    form = TemplateForm()
    if form.validate_on_submit():
        apply_change(lambda: voucher_templates.save_template(voucher, name=form.name.data or "",
                                                             by=me()),
                     lambda made: _("已存为凭证模板“%(name)s”。", name=made.name))
    return redirect(url_for("vouchers.show", code=code, voucher_id=voucher_id))


@bp.route("/templates/<int:template_id>/delete", methods=["POST"])
@login_required
def delete_template(code: str, template_id: int) -> ResponseReturnValue:
    """Remove a voucher template."""
    org = org_for(code, Action.PREPARE_VOUCHERS)
    template = owned_or_404(VoucherTemplate, template_id, org)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: voucher_templates.delete_template(template, by=me()),
                     _("凭证模板已删除。"))
    return redirect(url_for("vouchers.create", code=code))


def _with_scans(voucher: Voucher) -> Voucher:
    """Keep the scans chosen (or dropped) in the entry form with the voucher, in the same
    change: a scan that cannot be kept refuses the whole save (nothing half saved)."""
    uploads = [upload for upload in request.files.getlist("scans") if upload.filename]
    if uploads:
        storage = store()
        for upload in uploads:
            try:
                attachments.add_attachment(voucher, content=read_upload(upload),
                                           filename=upload.filename or "scan",
                                           storage=storage, by=me())
            except AttachmentError as err:
                raise AttachmentError(N_("凭证没有保存。附件 %(name)s：%(reason)s"),
                                      name=upload.filename, reason=str(err)) from None
    return voucher


def _on_its_cell(form: VoucherForm) -> Callable[[CoopLedgerError], bool]:
    """Show a line's refusal under the cell it is about (``rules.LineError``: its row as the
    user sees it and the cell), with one sentence at the top pointing to it."""

    def place(err: CoopLedgerError) -> bool:
        if not isinstance(err, rules.LineError) or not 1 <= err.row <= len(form.lines):
            return False
        form.cell_errors[(err.row, err.cell)] = str(err)
        flash(_("凭证有错误，请看标出的单元格。"), "error")
        return True

    return place


def _render_form(org: Organisation, form: VoucherForm, voucher: Voucher | None,
                 ) -> ResponseReturnValue:
    return render_template("ledger/voucher_form.html", org=org, form=form, voucher=voucher,
                           choices=account_choices(open_leaves(org)),
                           templates=voucher_templates.templates_of(org),
                           summaries=voucher_templates.most_used_summaries(org),
                           confirm=ConfirmForm())


def account_choices(leaves: list[Account]) -> list[dict[str, str]]:
    """What the 科目 field's suggestion list searches (static/js/voucher.js): per open leaf
    account its code, the text the field shows once chosen ("10201 银行存款—农商行") and its
    助记码 keys — its own, each ancestor's and the path's joined (yhck, nsh, yhcknsh), so
    typing a parent's initials lists its sub-accounts. Member sub-ledgers are found by the
    member number and name in their names."""
    found = []
    for account in leaves:
        path: list[str] = []
        node: Account | None = account
        while node is not None:
            path.insert(0, node.mnemonic)
            node = node.parent
        keys = {key for key in (*path, "".join(path)) if key}
        found.append({"c": account.code, "t": f"{account.code} {account.full_name}",
                      "k": " ".join(sorted(keys))})
    return found


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create(code: str) -> ResponseReturnValue:
    """Enter a new voucher (saved as a draft)."""
    org = org_for(code, Action.PREPARE_VOUCHERS)
    form = VoucherForm()
    if not form.is_submitted():
        kept = request.args.get("on", "")   # 保存并新增 keeps the date of the voucher before
        try:
            form.on.data = dt.date.fromisoformat(kept) if kept else today()
        except ValueError:
            form.on.data = today()
        template_id = whole_number(request.args.get("template"), 0)
        if template_id:
            _fill_from(form, owned_or_404(VoucherTemplate, template_id, org))
    if form.validate_on_submit() and form.on.data is not None:
        on: dt.date = form.on.data
        outcome = apply_change(
            lambda: _with_scans(vouchers.save_voucher(
                org, voucher=None, on=on, lines=_form_lines(form),
                attachment_count=form.attachment_count.data or 0, by=me(), today=today())),
            lambda made: _("凭证已保存为草稿。") if not request.form.get("and_new")
            else _("凭证（草稿 #%(id)d）已保存，请录入下一张。", id=made.id),
            place=_on_its_cell(form))
        if outcome.ok and request.form.get("and_new"):
            return redirect(url_for("vouchers.create", code=code, on=on.isoformat()))
        if outcome.ok:
            return redirect(url_for("vouchers.show", code=code, voucher_id=outcome.value.id))
    return _render_form(org, form, None)


@bp.route("/<int:voucher_id>/edit", methods=["GET", "POST"])
@login_required
def edit(code: str, voucher_id: int) -> ResponseReturnValue:
    """Change a draft voucher."""
    org, voucher = _load(code, voucher_id, VOUCHER_STEPS["edit"].action)
    if voucher.state is not VoucherState.DRAFT:
        flash(_("凭证 %(label)s 已%(state)s，不能修改。", label=voucher.label,
                state=_(voucher.state.label)), "error")
        return redirect(url_for("vouchers.show", code=code, voucher_id=voucher.id))
    if origins.origin_of(voucher) is not None:
        flash(_("这张凭证由业务记录自动生成，不能直接修改或删除："
                "请在生成它的记录（见凭证页的“来源”）上撤销后重新登记。"), "error")
        return redirect(url_for("vouchers.show", code=code, voucher_id=voucher.id))
    form = VoucherForm()
    if not form.is_submitted():
        form.on.data = voucher.on
        form.attachment_count.data = voucher.attachment_count
        while len(form.lines) < len(voucher.lines):
            form.lines.append_entry()
        for entry, line in zip(form.lines, voucher.lines, strict=False):
            entry.summary.data = line.summary
            entry.account.data = line.account.label
            entry.debit.data = figure(line.debit) if line.debit else ""
            entry.credit.data = figure(line.credit) if line.credit else ""
    if form.validate_on_submit() and form.on.data is not None:
        on: dt.date = form.on.data
        if apply_change(
                lambda: _with_scans(vouchers.save_voucher(
                    org, voucher=voucher, on=on, lines=_form_lines(form),
                    attachment_count=form.attachment_count.data or 0, by=me(),
                    today=today())),
                _("凭证已保存。"), place=_on_its_cell(form)).ok:
            return redirect(url_for("vouchers.show", code=code, voucher_id=voucher.id))
    return _render_form(org, form, voucher)


@bp.route("/<int:voucher_id>")
@login_required
def show(code: str, voucher_id: int) -> ResponseReturnValue:
    """A voucher with its lines, attachments, history and the actions the user may take."""
    org, voucher = _load(code, voucher_id, Action.VIEW_BOOKS)
    book = books.get_book(org)
    reversal = db.session.scalar(sa.select(Voucher).where(Voucher.reverses_id == voucher.id))
    origin = origins.origin_of(voucher)
    return render_template(
        "ledger/voucher.html", org=org, voucher=voucher, reversal=reversal, origin=origin,
        origin_visible=origin is not None and can(me(), origin.action, org),
        needs_cashier=vouchers.needs_cashier(voucher, book),
        steps=vouchers.steps_for(voucher, me()), confirm=ConfirmForm(),
        reject_form=ReasonForm(), reverse_form=DateActionForm(on=today()),
        attach_form=AttachmentForm(), template_form=TemplateForm(),
        templatable=voucher.kind is VoucherKind.ORDINARY
        and can(me(), Action.PREPARE_VOUCHERS, org),
        words=amount_in_words(voucher.total))


def _step(code: str, voucher_id: int, step: str) -> ResponseReturnValue:
    """One step of the voucher's workflow, for whom its permission (``rules.VOUCHER_STEPS``)
    allows; the service refuses it with a sentence when the voucher's state or an earlier step
    rules it out now (``vouchers.steps_for``)."""
    _org, voucher = _load(code, voucher_id, VOUCHER_STEPS[step].action)
    if ConfirmForm().validate_on_submit():
        day = today()
        call: Callable[[], Voucher] = {
            "submit": lambda: vouchers.submit_voucher(voucher, by=me()),
            "review": lambda: vouchers.review_voucher(voucher, by=me()),
            "confirm_cash": lambda: vouchers.confirm_cash(voucher, by=me()),
            "post": lambda: vouchers.post_voucher(voucher, by=me(), today=day)}[step]
        message = {"submit": _("已提交审核。"), "review": _("已审核。"),
                   "confirm_cash": _("出纳已确认。"), "post": _("已记账。")}[step]
        apply_change(call, message)
    return redirect(url_for("vouchers.show", code=code, voucher_id=voucher_id))


@bp.route("/<int:voucher_id>/submit", methods=["POST"])
@login_required
def submit(code: str, voucher_id: int) -> ResponseReturnValue:
    """Hand a draft to the reviewer."""
    return _step(code, voucher_id, "submit")


@bp.route("/<int:voucher_id>/review", methods=["POST"])
@login_required
def review(code: str, voucher_id: int) -> ResponseReturnValue:
    """Approve a submitted voucher (not one's own)."""
    return _step(code, voucher_id, "review")


@bp.route("/<int:voucher_id>/confirm-cash", methods=["POST"])
@login_required
def confirm_cash(code: str, voucher_id: int) -> ResponseReturnValue:
    """The cashier confirms a cash or bank voucher."""
    return _step(code, voucher_id, "confirm_cash")


@bp.route("/<int:voucher_id>/post", methods=["POST"])
@login_required
def post(code: str, voucher_id: int) -> ResponseReturnValue:
    """Post a reviewed voucher: it gets its number and joins the hash chain."""
    return _step(code, voucher_id, "post")


@bp.route("/<int:voucher_id>/reject", methods=["POST"])
@login_required
def reject(code: str, voucher_id: int) -> ResponseReturnValue:
    """Send a voucher back to draft with a reason."""
    _org, voucher = _load(code, voucher_id, VOUCHER_STEPS["reject"].action)
    form = ReasonForm()
    if form.validate_on_submit():
        apply_change(lambda: vouchers.reject_voucher(voucher, reason=form.reason.data or "",
                                                     by=me()), _("凭证已退回制单人。"))
    else:
        flash(_("退回凭证时必须说明原因。"), "error")
    return redirect(url_for("vouchers.show", code=code, voucher_id=voucher_id))


@bp.route("/<int:voucher_id>/reverse", methods=["POST"])
@login_required
def reverse(code: str, voucher_id: int) -> ResponseReturnValue:
    """Draft the red reversal of a posted voucher."""
    return _correcting(code, voucher_id, vouchers.reverse_voucher,
                       _("已生成红字冲销凭证，请审核后记账，再录入正确的凭证。"))


@bp.route("/<int:voucher_id>/correct-prior-year", methods=["POST"])
@login_required
def correct_prior_year(code: str, voucher_id: int) -> ResponseReturnValue:
    """Draft the 以前年度调整 of a posted voucher of a closed year."""
    return _correcting(code, voucher_id, vouchers.correct_prior_year,
                       _("已生成以前年度调整凭证（损益部分记入未分配收益），请审核后记账，再录入正确的凭证。"))


def _correcting(code: str, voucher_id: int, draft: Callable[..., Voucher],
                done: str) -> ResponseReturnValue:
    """Draft the voucher that corrects a posted one on the posted date, then open it."""
    _org, voucher = _load(code, voucher_id, VOUCHER_STEPS["reverse"].action)
    form = DateActionForm()
    if form.validate_on_submit() and form.on.data is not None:
        on: dt.date = form.on.data
        outcome = apply_change(lambda: draft(voucher, on=on, by=me(), today=today()), done)
        if outcome.ok:
            return redirect(url_for("vouchers.show", code=code, voucher_id=outcome.value.id))
    return redirect(url_for("vouchers.show", code=code, voucher_id=voucher_id))


@bp.route("/<int:voucher_id>/delete", methods=["POST"])
@login_required
def delete(code: str, voucher_id: int) -> ResponseReturnValue:
    """Delete a draft."""
    _org, voucher = _load(code, voucher_id, VOUCHER_STEPS["delete"].action)
    if ConfirmForm().validate_on_submit() and apply_change(
            lambda: vouchers.delete_draft(voucher, by=me()), _("草稿已删除。")).ok:
        return redirect(url_for("vouchers.index", code=code))
    return redirect(url_for("vouchers.show", code=code, voucher_id=voucher_id))


@bp.route("/<int:voucher_id>/attachments", methods=["POST"])
@login_required
def attach(code: str, voucher_id: int) -> ResponseReturnValue:
    """Upload a scanned original."""
    _org, voucher = _load(code, voucher_id, VOUCHER_STEPS["attach"].action)
    form = AttachmentForm()
    if form.validate_on_submit():
        receive_scan(request.files.get("file"), lambda **scan: attachments.add_attachment(
            voucher, by=me(), **scan), _("附件已上传。"))
    else:
        flash(_("请选择要上传的文件。"), "error")
    return redirect(url_for("vouchers.show", code=code, voucher_id=voucher_id))


@bp.route("/<int:voucher_id>/attachments/<int:attachment_id>")
@login_required
def attachment(code: str, voucher_id: int, attachment_id: int) -> ResponseReturnValue:
    """Show a scanned original."""
    _org, voucher = _load(code, voucher_id, Action.VIEW_BOOKS)
    item = child_or_404(Attachment, attachment_id, voucher, "voucher_id")
    return send_scan(item.sha256, mimetype=item.content_type, name=item.filename)


@bp.route("/<int:voucher_id>.pdf")
@login_required
def pdf(code: str, voucher_id: int) -> ResponseReturnValue:
    """The voucher in the printed form's layout with the 大写 total, on 凭证纸 or ``?paper=``
    (a5, a4x2), its amounts in the 金额格 with ``?grid=1``."""
    org, voucher = _load(code, voucher_id, Action.VIEW_BOOKS)
    html = voucher_prints.voucher_html(org, voucher,
                                       paper=print_rules.paper_of(request.args.get("paper")),
                                       grid=request.args.get("grid") == "1")
    return file_response(html_to_pdf(html, static_root(), allowed_hosts()),
                         f"voucher-{voucher.id}.pdf")


