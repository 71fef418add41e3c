"""Depreciation and reconciliation pages: the runs with the next month's preview and the form
that drafts it, one run's lines, withdrawing the latest run, and the register-to-ledger
reconciliation on a day."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.assets import depreciation
from coopledger.assets.forms import RunForm
from coopledger.assets.models import DepreciationRun
from coopledger.assets.reconcile import reconcile
from coopledger.assets.rules import RUN_STEPS, AssetRuleError
from coopledger.auth.permissions import Action
from coopledger.dates import today
from coopledger.forms import ConfirmForm
from coopledger.money import ZERO, grouped
from coopledger.web import Routes, apply_change, flash_form_errors, me, org_for, owned_or_404

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue



routes = Routes()
"""The pages of this module, on the assets blueprint (``assets.views``)."""


@routes.route("/o/<code>/assets/depreciation", methods=["GET", "POST"])
@login_required
def runs(code: str) -> ResponseReturnValue:
    """The months drafted, and the next one previewed card by card."""
    org = org_for(code, Action.VIEW_ASSETS)
    year, month = depreciation.next_month(org, today=today())
    form = RunForm(year=year, month=month)
    if request.method == "POST":
        org = org_for(code, Action.MANAGE_ASSETS)
        if form.validate_on_submit():
            outcome = apply_change(
                lambda: depreciation.draft_run(org, form.year.data or 0, form.month.data or 0,
                                               by=me(), today=today()),
                lambda run: _("已计提 %(year)d年%(month)d月折旧 %(total)s 元，凭证草稿待审核。",
                              year=run.year, month=run.month, total=grouped(run.total)))
            if outcome.ok:
                return redirect(url_for("assets.run", code=code, run_id=outcome.value.id))
        else:
            flash_form_errors(form)
    preview: list[depreciation.Planned] = []
    preview_error = ""
    if dt.date(year, month, 1) <= today():
        try:
            preview = depreciation.plan(org, year, month)
        except AssetRuleError as err:
            preview_error = str(err)
    return render_template("assets/runs.html", org=org, runs=depreciation.runs_of(org),
                           form=form, year=year, month=month, preview=preview,
                           preview_error=preview_error,
                           preview_total=sum((p.amount for p in preview), ZERO))


@routes.route("/o/<code>/assets/depreciation/<int:run_id>")
@login_required
def run(code: str, run_id: int) -> ResponseReturnValue:
    """One month's depreciation, card by card, with its voucher."""
    org = org_for(code, Action.VIEW_ASSETS)
    found = owned_or_404(DepreciationRun, run_id, org)
    return render_template("assets/run.html", org=org, run=found,
                           lines=depreciation.lines_of(found), confirm=ConfirmForm(),
                           steps=depreciation.run_steps_for(found, me()))


@routes.route("/o/<code>/assets/depreciation/<int:run_id>/withdraw", methods=["POST"])
@login_required
def withdraw_run(code: str, run_id: int) -> ResponseReturnValue:
    """Withdraw the latest month while its voucher is a draft."""
    org = org_for(code, RUN_STEPS["withdraw"].action)
    found = owned_or_404(DepreciationRun, run_id, org)
    if ConfirmForm().validate_on_submit():
        label = f"{found.year}-{found.month:02d}"
        outcome = apply_change(lambda: depreciation.withdraw_run(found, by=me()),
                               _("已撤回 %(month)s 的折旧，凭证草稿已删除。", month=label))
        if outcome.ok:
            return redirect(url_for("assets.runs", code=code))
    return redirect(url_for("assets.run", code=code, run_id=run_id))


@routes.route("/o/<code>/assets/reconcile")
@login_required
def reconciliation(code: str) -> ResponseReturnValue:
    """The register against 固定资产/累计折旧 (and the other classes) on a day."""
    org = org_for(code, Action.VIEW_ASSETS)
    try:
        on = dt.date.fromisoformat(request.args.get("on", "")) if request.args.get("on") \
            else today()
    except ValueError:
        on = today()
    return render_template("assets/reconcile.html", org=org, result=reconcile(org, on), on=on)
