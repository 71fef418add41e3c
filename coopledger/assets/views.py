"""Asset card pages: the register with its totals, one card (schedule, depreciation history,
photos, work units, disposal), the card form, and the register's exports, import and QR label
sheet."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import segno
import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.assets import (
    cards,
    disposals,
    resource_views,
    rules,
    run_views,
    stocktake_views,
)
from coopledger.assets.depreciation import accumulated_by_card
from coopledger.assets.forms import CardForm, DisposeForm, FileForm, UsageForm
from coopledger.assets.models import (
    AssetCard,
    AssetClass,
    AssetDisposal,
    AssetPhoto,
    AssetStatus,
    Category,
    DepreciationLine,
    DepreciationRun,
    DisposalKind,
    UsageEntry,
)
from coopledger.auth.permissions import Action
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.files.scans import receive_scan, send_scan
from coopledger.forms import ConfirmForm, options
from coopledger.ledger.models import Voucher
from coopledger.ledger.queries import cash_accounts
from coopledger.money import ZERO, figure, from_fen, grouped, plain
from coopledger.pdf.render import render_pdf
from coopledger.textnum import whole_number
from coopledger.web import (
    apply_change,
    child_or_404,
    file_response,
    flash_form_errors,
    me,
    org_for,
    owned_or_404,
    public_url_for,
    start_workbook_import,
)

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from coopledger.orgs.models import Organisation

bp = Blueprint("assets", __name__)
for part in (resource_views, run_views, stocktake_views):
    part.routes.attach(bp)
PAGE_SIZE = 100


def _form(org: Organisation, card: AssetCard | None = None) -> CardForm:
    form = CardForm(obj=card)
    form.category.choices = options((c.value, _(c.label)) for c in Category)
    form.method.choices = options((m.value, _(m.label)) for m in rules.Method)
    form.status.choices = options((s.value, _(s.label)) for s in AssetStatus
                                  if s is not AssetStatus.DISPOSED)
    form.expense_code.choices = options((a.code, a.label) for a in cards.expense_accounts(org))
    purchases = list(db.session.scalars(sa.select(Voucher).where(
        Voucher.organisation_id == org.id).order_by(Voucher.on.desc(), Voucher.id.desc())
        .limit(300)))
    if card is not None and card.purchase_voucher is not None \
            and card.purchase_voucher not in purchases:
        purchases.append(card.purchase_voucher)   # an older voucher stays selectable
    form.purchase_voucher_id.choices = options(
        [("", _("（无）")), *((v.id, f"{v.on.isoformat()} {v.label} {v.summary}"[:80])
                            for v in purchases)])
    if request.method == "GET":
        if card is not None:
            form.category.data = card.category.value
            form.method.data = card.method.value
            form.status.data = card.status.value
            form.purchase_voucher_id.data = str(card.purchase_voucher_id or "")
            form.residual_percent.data = plain(card.residual_percent)
            form.total_units.data = plain(card.total_units) if card.total_units \
                else ""
            form.opening_units.data = plain(card.opening_units)
            form.original.data = figure(card.original)
            form.opening_accumulated.data = figure(card.opening_accumulated)
        else:
            form.expense_code.data = cards.default_expense_code(org, Category.BUILDING)
            form.residual_percent.data = "5"
    return form


def _data(org: Organisation, form: CardForm) -> cards.CardData:
    voucher = form.purchase_voucher_id.data
    return cards.CardData(
        number=form.number.data or "", name=form.name.data or "",
        category=Category(form.category.data), location=form.location.data or "",
        acquired_on=form.acquired_on.data or today(), original=form.original.amount(),
        residual_percent=form.residual_percent.number() or Decimal(0),
        life_months=form.life_months.data or 0, method=rules.Method(form.method.data),
        total_units=form.total_units.number(), status=AssetStatus(form.status.data),
        expense_code=form.expense_code.data or "",
        purchase_voucher_id=whole_number(str(voucher or ""), 0) or None,
        opening_accumulated=form.opening_accumulated.amount(),
        opening_through=form.opening_through.data,
        opening_units=form.opening_units.number() or Decimal(0), note=form.note.data or "")


@bp.route("/o/<code>/assets/")
@login_required
def index(code: str) -> ResponseReturnValue:
    """The organisation's cards with original value, accumulated depreciation and net value."""
    org = org_for(code, Action.VIEW_ASSETS)
    asset_class, status, search = (request.args.get("class", ""), request.args.get("status", ""),
                                   request.args.get("q", "").strip())
    query = sa.select(AssetCard).where(AssetCard.organisation_id == org.id)
    if asset_class in {c.value for c in AssetClass}:
        query = query.where(AssetCard.category.in_(
            [c for c in Category if c.asset_class.value == asset_class]))
    if status in {s.value for s in AssetStatus}:
        query = query.where(AssetCard.status == AssetStatus(status))
    if search:
        query = query.where(sa.or_(AssetCard.number.contains(search),
                                   AssetCard.name.contains(search),
                                   AssetCard.location.contains(search)))
    page = db.paginate(query.order_by(AssetCard.number), per_page=PAGE_SIZE, error_out=False)
    drafted = accumulated_by_card(org)
    totals = db.session.execute(sa.select(
        sa.func.count(AssetCard.id), sa.func.sum(sa.type_coerce(AssetCard.original, sa.BigInteger)),
        sa.func.sum(sa.type_coerce(AssetCard.opening_accumulated, sa.BigInteger)))
        .where(AssetCard.organisation_id == org.id,
               AssetCard.status != AssetStatus.DISPOSED)).one()
    held_ids = set(db.session.scalars(sa.select(AssetCard.id).where(
        AssetCard.organisation_id == org.id, AssetCard.status != AssetStatus.DISPOSED)))
    original = from_fen(int(totals[1] or 0))
    accumulated = from_fen(int(totals[2] or 0)) + sum(
        (v for k, v in drafted.items() if k in held_ids), ZERO)
    return render_template("assets/index.html", org=org, page=page, drafted=drafted,
                           classes=list(AssetClass), statuses=list(AssetStatus),
                           asset_class=asset_class, status=status, search=search,
                           count=totals[0], original=original, accumulated=accumulated)


@bp.route("/o/<code>/assets/new", methods=["GET", "POST"])
@login_required
def create(code: str) -> ResponseReturnValue:
    """Register a card."""
    org = org_for(code, Action.MANAGE_ASSETS)
    form = _form(org)
    if form.validate_on_submit():
        outcome = apply_change(lambda: cards.create_card(org, _data(org, form), by=me(),
                                                         today=today()),
                               lambda made: _("已建立资产卡片：%(card)s。", card=str(made)))
        if outcome.ok:
            return redirect(url_for("assets.show", code=code, card_id=outcome.value.id))
    else:
        flash_form_errors(form)
    return render_template("assets/form.html", org=org, form=form, card=None)


@bp.route("/o/<code>/assets/<int:card_id>/edit", methods=["GET", "POST"])
@login_required
def edit(code: str, card_id: int) -> ResponseReturnValue:
    """Change a card."""
    org = org_for(code, Action.MANAGE_ASSETS)
    card = owned_or_404(AssetCard, card_id, org)
    form = _form(org, card)
    if form.validate_on_submit():
        outcome = apply_change(lambda: cards.update_card(card, _data(org, form), by=me(),
                                                         today=today()),
                               _("资产卡片已保存。"))
        if outcome.ok:
            return redirect(url_for("assets.show", code=code, card_id=card.id))
    else:
        flash_form_errors(form)
    return render_template("assets/form.html", org=org, form=form, card=card)


def _dispose_form(org: Organisation) -> DisposeForm:
    form = DisposeForm(prefix="dispose")
    form.kind.choices = options((k.value, _(k.label)) for k in DisposalKind
                                if k is not DisposalKind.SHORTAGE)
    form.account.choices = options([("", _("（无收付款）")),
                                    *((a.code, a.label) for a in cash_accounts(org))])
    return form


@bp.route("/o/<code>/assets/<int:card_id>")
@login_required
def show(code: str, card_id: int) -> ResponseReturnValue:
    """One card: terms, value now, the months depreciated, the schedule ahead, photos."""
    org = org_for(code, Action.VIEW_ASSETS)
    card = owned_or_404(AssetCard, card_id, org)
    history = db.session.execute(
        sa.select(DepreciationRun, DepreciationLine).join(DepreciationLine)
        .where(DepreciationLine.card_id == card.id)
        .order_by(DepreciationRun.year, DepreciationRun.month)).all()
    accumulated = card.opening_accumulated + sum((line.amount for _run, line in history), ZERO)
    schedule = rules.schedule(cards.terms_of(card)) \
        if card.method is rules.Method.STRAIGHT_LINE else []
    usage = db.session.scalars(sa.select(UsageEntry).where(UsageEntry.card_id == card.id)
                               .order_by(UsageEntry.year, UsageEntry.month)).all()
    qr = segno.make(public_url_for("assets.show", code=code, card_id=card.id),
                    error="m").svg_data_uri(scale=3)
    on = today()
    return render_template(
        "assets/show.html", org=org, card=card, history=history, accumulated=accumulated,
        schedule=schedule, usage=usage, qr=qr, photo_form=FileForm(prefix="photo"),
        usage_form=UsageForm(prefix="usage", year=on.year, month=on.month),
        dispose_form=_dispose_form(org), confirm=ConfirmForm(),
        disposal_steps=disposals.disposal_steps_for(card.disposal, me())
        if card.disposal else frozenset())


@bp.route("/o/<code>/assets/<int:card_id>/photos", methods=["POST"])
@login_required
def add_photo(code: str, card_id: int) -> ResponseReturnValue:
    """Upload a photo of the asset."""
    org = org_for(code, Action.MANAGE_ASSETS)
    card = owned_or_404(AssetCard, card_id, org)
    form = FileForm(prefix="photo")
    if form.validate_on_submit():
        receive_scan(form.file.data, lambda **scan: cards.add_photo(card, by=me(), **scan),
                     _("照片已上传。"), fallback="photo")
    else:
        flash_form_errors(form)
    return redirect(url_for("assets.show", code=code, card_id=card.id))


@bp.route("/o/<code>/assets/<int:card_id>/photos/<int:photo_id>")
@login_required
def photo(code: str, card_id: int, photo_id: int) -> ResponseReturnValue:
    """Show a photo of the asset."""
    org = org_for(code, Action.VIEW_ASSETS)
    card = owned_or_404(AssetCard, card_id, org)
    item = child_or_404(AssetPhoto, photo_id, card, "card_id")
    return send_scan(item.sha256, mimetype=item.content_type, name=item.filename)


@bp.route("/o/<code>/assets/<int:card_id>/usage", methods=["POST"])
@login_required
def usage(code: str, card_id: int) -> ResponseReturnValue:
    """Enter a month's work units of a units-of-production card."""
    org = org_for(code, Action.MANAGE_ASSETS)
    card = owned_or_404(AssetCard, card_id, org)
    form = UsageForm(prefix="usage")
    if form.validate_on_submit():
        apply_change(lambda: cards.record_usage(
            card, year=form.year.data or 0, month=form.month.data or 0,
            units=form.units.number() or Decimal(0), by=me()), _("工作量已登记。"))
    else:
        flash_form_errors(form)
    return redirect(url_for("assets.show", code=code, card_id=card.id))


@bp.route("/o/<code>/assets/<int:card_id>/dispose", methods=["POST"])
@login_required
def dispose(code: str, card_id: int) -> ResponseReturnValue:
    """Record a sale, scrapping or loss and draft the 固定资产清理 vouchers."""
    org = org_for(code, Action.MANAGE_ASSETS)
    card = owned_or_404(AssetCard, card_id, org)
    form = _dispose_form(org)
    if form.validate_on_submit():
        apply_change(lambda: disposals.dispose(
            card, kind=DisposalKind(form.kind.data), on=form.on.data or today(),
            proceeds=form.proceeds.amount(), costs=form.costs.amount(),
            cash_code=form.account.data or None, reason=form.reason.data or "", by=me(),
            today=today()),
            lambda made: _("已登记处置，生成了固定资产清理凭证草稿；净损益 %(result)s 元。",
                           result=grouped(made.result)))
    else:
        flash_form_errors(form)
    return redirect(url_for("assets.show", code=code, card_id=card.id))


@bp.route("/o/<code>/assets/<int:card_id>/disposal/withdraw", methods=["POST"])
@login_required
def withdraw_disposal(code: str, card_id: int) -> ResponseReturnValue:
    """Undo a disposal whose vouchers are still drafts."""
    org = org_for(code, rules.DISPOSAL_STEPS["withdraw"].action)
    card = owned_or_404(AssetCard, card_id, org)
    found = db.session.scalar(sa.select(AssetDisposal).where(AssetDisposal.card_id == card.id))
    if found is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: disposals.withdraw(found, by=me()),
                     _("已撤回处置，凭证草稿已删除。"))
    return redirect(url_for("assets.show", code=code, card_id=card.id))


@bp.route("/o/<code>/assets/export.xlsx")
@login_required
def export_xlsx(code: str) -> ResponseReturnValue:
    """Both registers as a workbook (the import layout plus accumulated and net value)."""
    from coopledger.assets.workbook import export

    org = org_for(code, Action.VIEW_ASSETS)
    return file_response(export(org, today=today()), f"assets-{org.code}.xlsx")


@bp.route("/o/<code>/assets/register.pdf")
@login_required
def register_pdf(code: str) -> ResponseReturnValue:
    """The card register as a printable PDF, with totals per class."""
    org = org_for(code, Action.VIEW_ASSETS)
    drafted = accumulated_by_card(org)
    rows = db.session.scalars(sa.select(AssetCard).where(
        AssetCard.organisation_id == org.id, AssetCard.status != AssetStatus.DISPOSED)
        .order_by(AssetCard.number)).all()
    held = {card.id: card.opening_accumulated + drafted.get(card.id, ZERO) for card in rows}
    pdf = render_pdf("assets/register_pdf.html", org=org, rows=rows, held=held, on=today(),
                     original=sum((c.original for c in rows), ZERO),
                     accumulated=sum(held.values(), ZERO))
    return file_response(pdf, f"assets-{org.code}.pdf")


@bp.route("/o/<code>/assets/labels.pdf")
@login_required
def labels(code: str) -> ResponseReturnValue:
    """A sheet of QR labels (3 × 8 per A4 page) that open each card for logged-in users."""
    org = org_for(code, Action.VIEW_ASSETS)
    rows = db.session.scalars(sa.select(AssetCard).where(
        AssetCard.organisation_id == org.id, AssetCard.status != AssetStatus.DISPOSED)
        .order_by(AssetCard.number)).all()
    tags = [(card, segno.make(public_url_for("assets.show", code=code, card_id=card.id),
                           error="m").svg_data_uri(scale=2))
            for card in rows]
    pdf = render_pdf("assets/labels_pdf.html", org=org, tags=tags)
    return file_response(pdf, f"asset-labels-{org.code}.pdf")


@bp.route("/o/<code>/assets/import", methods=["GET", "POST"])
@login_required
def import_workbook(code: str) -> ResponseReturnValue:
    """Upload a workbook of cards and resources; it is imported as a job, all or nothing."""
    from coopledger.assets.workbook import IMPORT_KIND

    org = org_for(code, Action.MANAGE_ASSETS)
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        started = start_workbook_import(IMPORT_KIND, org, requires=Action.MANAGE_ASSETS,
                                       title=lambda name: _(
            "导入资产和资源：%(name)s", name=name))
        if started is not None:
            return started
    return render_template("assets/import.html", org=org, confirm=ConfirmForm())


@bp.route("/o/<code>/assets/import/template.xlsx")
@login_required
def import_template(code: str) -> ResponseReturnValue:
    """The empty import workbook."""
    from coopledger.assets.workbook import template

    org_for(code, Action.MANAGE_ASSETS)
    return file_response(template(today()), "assets-template.xlsx")
