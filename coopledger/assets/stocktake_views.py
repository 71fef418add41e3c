"""Stock-take pages: the organisation's counts with the form that opens a year's sheet, one
sheet with a count form per line, and the approval that books the differences."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.assets import stocktake as counting
from coopledger.assets.forms import ApproveStockTakeForm, CountForm, StartStockTakeForm
from coopledger.assets.resource_models import CountResult, StockTake, StockTakeItem
from coopledger.assets.rules import STOCKTAKE_STEPS
from coopledger.auth.permissions import Action
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.forms import options
from coopledger.web import (
    Routes,
    apply_change,
    child_or_404,
    flash_form_errors,
    me,
    org_for,
    owned_or_404,
)

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue


routes = Routes()
"""The pages of this module, on the assets blueprint (``assets.views``)."""


def _count_form(item: StockTakeItem | None = None) -> CountForm:
    form = CountForm(prefix=f"count-{item.id}" if item else "count")
    allowed = [CountResult.FOUND, CountResult.DAMAGED]
    if item is None or item.card is not None:
        allowed.append(CountResult.MISSING)
    if item is None or item.resource is not None:
        allowed.append(CountResult.AREA_CHANGED)
    form.result.choices = options((r.value, _(r.label)) for r in allowed)
    if item is not None and item.result is not CountResult.PENDING:
        form.result.data = item.result.value
        form.note.data = item.note
        form.counted_area.data = f"{item.counted_area}" if item.counted_area else ""
    return form


@routes.route("/o/<code>/stocktakes/", methods=["GET", "POST"])
@login_required
def stocktakes(code: str) -> ResponseReturnValue:
    """The organisation's stock-takes; the accountant opens the year's sheet here."""
    org = org_for(code, Action.VIEW_ASSETS)
    form = StartStockTakeForm(year=today().year, counted_on=today())
    if form.is_submitted():
        org = org_for(code, Action.MANAGE_ASSETS)
        if form.validate():
            outcome = apply_change(
                lambda: counting.start(org, year=form.year.data or 0,
                                        counted_on=form.counted_on.data or today(), by=me(),
                                        today=today()),
                lambda made: _("已生成 %(year)d年清查表，共 %(n)d 项。", year=made.year,
                               n=len(made.items)))
            if outcome.ok:
                return redirect(url_for("assets.stocktake", code=code,
                                        stock_take_id=outcome.value.id))
        else:
            flash_form_errors(form)
    rows = db.session.scalars(sa.select(StockTake).where(StockTake.organisation_id == org.id)
                              .order_by(StockTake.year.desc())).all()
    return render_template("assets/stocktakes.html", org=org, rows=rows, form=form)


@routes.route("/o/<code>/stocktakes/<int:stock_take_id>")
@login_required
def stocktake(code: str, stock_take_id: int) -> ResponseReturnValue:
    """The count sheet (prints as the paper sheet the counters carry)."""
    org = org_for(code, Action.VIEW_ASSETS)
    found = owned_or_404(StockTake, stock_take_id, org)
    counts = {item.id: _count_form(item) for item in found.items}
    summary = {result: sum(1 for i in found.items if i.result is result)
               for result in CountResult}
    return render_template("assets/stocktake.html", org=org, stock_take=found, counts=counts,
                           summary=summary,
                           approve_form=ApproveStockTakeForm(prefix="approve",
                                                             approved_on=today()),
                           steps=counting.steps_for(found, me()))


@routes.route("/o/<code>/stocktakes/<int:stock_take_id>/items/<int:item_id>", methods=["POST"])
@login_required
def count(code: str, stock_take_id: int, item_id: int) -> ResponseReturnValue:
    """Enter what was found for one line."""
    org = org_for(code, STOCKTAKE_STEPS["count"].action)
    found = owned_or_404(StockTake, stock_take_id, org)
    item = child_or_404(StockTakeItem, item_id, found, "stock_take_id")
    form = _count_form(item)
    if form.validate_on_submit():
        apply_change(lambda: counting.record_count(
            item, result=CountResult(form.result.data), counted_area=form.counted_area.number(),
            note=form.note.data or "", by=me()), _("清点结果已保存。"))
    else:
        flash_form_errors(form)
    return redirect(url_for("assets.stocktake", code=code, stock_take_id=found.id,
                            _anchor=f"item-{item.id}"))


@routes.route("/o/<code>/stocktakes/<int:stock_take_id>/approve", methods=["POST"])
@login_required
def approve_stocktake(code: str, stock_take_id: int) -> ResponseReturnValue:
    """Record the approving resolution and draft the 待处理财产损溢 vouchers."""
    org = org_for(code, STOCKTAKE_STEPS["approve"].action)
    found = owned_or_404(StockTake, stock_take_id, org)
    form = ApproveStockTakeForm(prefix="approve")
    if form.validate_on_submit():
        apply_change(lambda: counting.approve(found, approval_ref=form.approval_ref.data or "",
                                               approved_on=form.approved_on.data or today(),
                                               by=me(), today=today()),
                     _("清查已审批；盘亏资产已转入待处理财产损溢，凭证草稿待审核。"))
    else:
        flash_form_errors(form)
    return redirect(url_for("assets.stocktake", code=code, stock_take_id=found.id))
