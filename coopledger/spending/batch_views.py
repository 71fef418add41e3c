"""Pages of payment batches (批量转账): choosing approved bank-transfer requests into a batch,
the batch with its instruction file, the bank's result file, and an item answered by hand.
Reading needs ``VIEW_SPENDING``; everything else, and the file (it carries bank account
numbers), ``PAY_SPENDING`` (the cashier)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from coopledger.auth.permissions import Action
from coopledger.banking import payment_files
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.spending import batches
from coopledger.spending.forms import BatchForm, ItemAnswerForm, ResultForm
from coopledger.spending.models import PaymentBatch, PaymentItem, SpendingRequest
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


def _batch_form(org: Organisation) -> BatchForm:
    form = BatchForm()
    form.account.choices = [(code, code) for code in batches.bank_codes(org)]
    form.layout.choices = [(key, _(layout.label)) for key, layout in
                           payment_files.layouts().items()]
    return form


def batches_page(code: str) -> ResponseReturnValue:
    """The batches, and approved bank-transfer requests to put in a new one."""
    org = org_for(code, Action.VIEW_SPENDING)
    form = _batch_form(org)
    if request.method == "POST":
        org = org_for(code, Action.PAY_SPENDING)
        chosen = [int(v) for v in request.form.getlist("requests") if v.isdigit()]
        if form.validate_on_submit():
            found = [owned_or_404(SpendingRequest, request_id, org) for request_id in chosen]
            outcome = apply_change(lambda: batches.create_batch(
                org, found, account_code=form.account.data or "",
                layout=form.layout.data or "", by=me()),
                lambda batch: _("已生成付款批次 #%(id)d（%(n)d 笔），请下载付款文件交银行办理。",
                                id=batch.id, n=len(batch.items)))
            if outcome.ok:
                return redirect(url_for("spending.batch", code=code,
                                        batch_id=outcome.value.id))
        else:
            flash_form_errors(form)
    found = list(db.session.scalars(sa.select(PaymentBatch).where(
        PaymentBatch.organisation_id == org.id).order_by(PaymentBatch.id.desc()).limit(50)))
    return render_template("spending/batches.html", org=org, form=form, batches=found,
                           payable=batches.payable(org))


def batch_page(code: str, batch_id: int) -> ResponseReturnValue:
    """A batch: its items and what the bank said of each."""
    org = org_for(code, Action.VIEW_SPENDING)
    batch = owned_or_404(PaymentBatch, batch_id, org)
    result_form, answer_form = ResultForm(), ItemAnswerForm()
    result_form.on.data = result_form.on.data or today()
    answer_form.on.data = answer_form.on.data or today()
    return render_template("spending/batch.html", org=org, batch=batch,
                           layout=payment_files.layouts().get(batch.layout),
                           result_form=result_form, answer_form=answer_form,
                           steps=lambda state: batches.steps_for(state, me(), org))


def batch_file(code: str, batch_id: int) -> ResponseReturnValue:
    """The payment instruction file (bank account numbers: the export is audited)."""
    org = org_for(code, Action.PAY_SPENDING)
    batch = owned_or_404(PaymentBatch, batch_id, org)
    layout = payment_files.layout_of(batch.layout)
    audit_export("spending.batch.file", batch, f"#{batch.id}", full=True)
    return file_response(batches.instruction_file(batch),
                         f"payments-{org.code}-{batch.id}.{layout.extension}")


def batch_result(code: str, batch_id: int) -> ResponseReturnValue:
    """Apply the bank's result file."""
    org = org_for(code, Action.PAY_SPENDING)
    batch = owned_or_404(PaymentBatch, batch_id, org)
    form = ResultForm()
    sent = submitted_upload(form, _("请选择银行的结果文件。"))
    if sent is None or form.on.data is None:
        return redirect(url_for("spending.batch", code=code, batch_id=batch_id))
    (content, name), on = sent, form.on.data
    apply_change(lambda: batches.apply_result(batch, content=content, filename=name, on=on,
                                              by=me(), today=today()),
                 lambda done: _("已导入银行结果：%(paid)d 笔已付款（凭证草稿已生成），"
                                "%(failed)d 笔失败。", paid=done[0], failed=done[1]))
    return redirect(url_for("spending.batch", code=code, batch_id=batch_id))


def batch_item(code: str, batch_id: int, item_id: int) -> ResponseReturnValue:
    """Answer one item by hand."""
    org = org_for(code, Action.PAY_SPENDING)
    batch = owned_or_404(PaymentBatch, batch_id, org)
    item = child_or_404(PaymentItem, item_id, batch, "batch_id")
    form = ItemAnswerForm()
    if not form.validate_on_submit() or form.on.data is None:
        flash_form_errors(form)
        return redirect(url_for("spending.batch", code=code, batch_id=batch_id))
    on = form.on.data
    apply_change(lambda: batches.answer_item(
        item, paid=form.outcome.data == "paid", bank_reference=form.bank_reference.data or "",
        reason=form.reason.data or "", on=on, by=me(), today=today()), _("已登记。"))
    return redirect(url_for("spending.batch", code=code, batch_id=batch_id))
