"""Pages of 保底 paid during the year (土地股份合作社): each household's land, what it earns at
the rate and what the books say was paid; a payment of the chosen households by one voucher, or
through the bank (批量代发: the payment file, then the bank's result pays those it paid); a draft
payment withdrawn. Reading needs ``VIEW_DISTRIBUTION``; paying, the bank file (it carries account
numbers) and the result, ``MANAGE_DISTRIBUTION``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from coopledger.auth.permissions import Action, can
from coopledger.banking import payment_files
from coopledger.dates import today
from coopledger.distribution import guarantees
from coopledger.distribution.forms import GuaranteeForm, GuaranteeResultForm
from coopledger.distribution.models import GuaranteeBatch, GuaranteePayment, Mode, Plan
from coopledger.distribution.rules import GUARANTEE_BATCH_STEPS, GUARANTEE_PAYMENT_STEPS
from coopledger.extensions import db
from coopledger.forms import ConfirmForm, options
from coopledger.ledger.models import Voucher
from coopledger.ledger.queries import cash_accounts
from coopledger.money import ZERO, MoneyInputError, figure, grouped, parse_money
from coopledger.orgs.models import OrgKind
from coopledger.textnum import is_digits, whole_number
from coopledger.web import (
    Outcome,
    apply_change,
    audit_export,
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


def _last_rate(org: Organisation) -> Decimal:
    """The 保底 rate of the organisation's latest plan (the page's default)."""
    rate = db.session.scalar(sa.select(Plan.guarantee_per_mu).where(
        Plan.organisation_id == org.id, Plan.mode == Mode.LAND_SHARE)
        .order_by(Plan.year.desc(), Plan.version.desc()).limit(1))
    return rate or ZERO


def _amounts(rows: list[guarantees.Owed]) -> dict[int, Decimal]:
    """The ticked households and the amount typed beside each (refused when unreadable)."""
    ticked = {whole_number(x, 0) for x in request.form.getlist("household") if is_digits(x)}
    found: dict[int, Decimal] = {}
    for row in rows:
        if row.household.id in ticked:
            raw = request.form.get(f"amount-{row.household.id}", "").strip()
            found[row.household.id] = parse_money(raw) if raw else row.outstanding
    return found


def guarantees_page(code: str, year: int) -> ResponseReturnValue:
    """保底 of a year: each household's land, what it earns at the rate, what the books say was
    paid, and a payment of the chosen households (one voucher draft)."""
    org = org_for(code, Action.MANAGE_DISTRIBUTION if request.method == "POST"
                  else Action.VIEW_DISTRIBUTION)
    if org.kind is not OrgKind.LAND_SHARE_COOP or not 1990 <= year <= 2100:
        abort(404)
    form = GuaranteeForm()
    form.account.choices = options((a.code, a.label) for a in cash_accounts(org))
    form.layout.choices = options((key, _(layout.label)) for key, layout in
                                  payment_files.layouts().items())
    if request.method == "GET":
        form.on.data = today()
        form.rate.data = request.args.get("rate") or figure(_last_rate(org))
    try:
        rate = form.rate.amount()
    except MoneyInputError:
        rate = ZERO
    rows = guarantees.owed(org, year, rate)
    if request.method == "POST":
        if form.validate_on_submit() and form.on.data is not None:
            on: dt.date = form.on.data
            try:
                amounts = _amounts(rows)
            except MoneyInputError as err:
                flash(str(err), "error")
            else:
                outcome = (_send_to_bank(org, year, amounts, rate, form) if form.to_bank.data
                           else apply_change(lambda: guarantees.pay(
                               org, year, amounts, rate=rate, on=on,
                               cash_code=form.account.data or "", today=today(), by=me()),
                               lambda voucher: _(
                                   "已支付 %(n)d 户保底，凭证草稿 %(label)s 已生成，请提交审核。",
                                   n=len(amounts), label=voucher.label)))
                if outcome.ok:
                    return redirect(url_for("distribution.guarantees_page", code=code,
                                            year=year, rate=figure(rate)))
        else:
            flash_form_errors(form)
    payments = db.session.scalars(sa.select(GuaranteePayment).where(
        GuaranteePayment.organisation_id == org.id, GuaranteePayment.year == year)
        .order_by(GuaranteePayment.on, GuaranteePayment.id)).all()
    batches: dict[int, list[GuaranteePayment]] = {}
    for payment in payments:
        batches.setdefault(payment.voucher_id, []).append(payment)
    return render_template("distribution/guarantees.html", org=org, year=year, form=form,
                           rows=rows, rate=rate, batches=batches, confirm=ConfirmForm(),
                           bank_batches=guarantees.batches_of(org, year),
                           batch_steps=lambda batch: guarantees.batch_steps_for(batch, me()),
                           result_form=GuaranteeResultForm(on=today()),
                           manage=can(me(), Action.MANAGE_DISTRIBUTION, org),
                           payment_steps=lambda voucher: guarantees.payment_steps_for(voucher,
                                                                                      me()))


def withdraw_guarantee(code: str, year: int, voucher_id: int) -> ResponseReturnValue:
    """Withdraw a 保底 payment whose voucher is still a draft."""
    org = org_for(code, GUARANTEE_PAYMENT_STEPS["withdraw"].action)
    voucher = owned_or_404(Voucher, voucher_id, org)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: guarantees.withdraw(org, voucher, by=me()),
                     _("保底支付已撤回，凭证草稿已删除。"))
    return redirect(url_for("distribution.guarantees_page", code=code, year=year))


def _send_to_bank(org: Organisation, year: int, amounts: dict[int, Decimal], rate: Decimal,
                  form: GuaranteeForm) -> Outcome[GuaranteeBatch]:
    return apply_change(lambda: guarantees.send_to_bank(
        org, year, amounts, rate=rate, account_code=form.account.data or "",
        layout=form.layout.data or "", today=today(), by=me()),
        lambda batch: _("已生成保底代发批次 #%(id)d（%(n)d 户，%(total)s 元），"
                        "请下载代发文件交银行办理，再导入银行的结果。", id=batch.id,
                        n=len(batch.items),
                        total=grouped(batch.total)))


def _batch(org: Organisation, year: int, batch_id: int) -> GuaranteeBatch:
    batch = owned_or_404(GuaranteeBatch, batch_id, org)
    if batch.year != year:
        abort(404)
    return batch


def guarantee_batch_file(code: str, year: int, batch_id: int) -> ResponseReturnValue:
    """The batch's payment instruction file (full account numbers: the export is audited)."""
    org = org_for(code, Action.MANAGE_DISTRIBUTION)
    batch = _batch(org, year, batch_id)
    layout = payment_files.layout_of(batch.layout)
    audit_export("distribution.guarantee_batch_file", org,
                 f"{org.name} {year}年保底代发 #{batch.id}", full=True)
    return file_response(guarantees.instruction_file(batch),
                         f"guarantee-{org.code}-{year}-{batch.id}.{layout.extension}")


def guarantee_batch_result(code: str, year: int, batch_id: int) -> ResponseReturnValue:
    """The bank's result of the batch: those it paid are paid (one voucher draft), those it
    could not pay are named with the bank's reasons and stay payable."""
    org = org_for(code, GUARANTEE_BATCH_STEPS["result"].action)
    batch = _batch(org, year, batch_id)
    form = GuaranteeResultForm()
    sent = submitted_upload(form, _("请选择银行的结果文件。"))
    if sent is None or form.on.data is None:
        return redirect(url_for("distribution.guarantees_page", code=code, year=year,
                                _anchor="bank"))
    (content, name), on = sent, form.on.data

    apply_change(lambda: guarantees.apply_bank_result(batch, content=content, filename=name,
                                                      on=on, by=me(), today=today()),
                 bank_result_said)
    return redirect(url_for("distribution.guarantees_page", code=code, year=year,
                            rate=figure(batch.rate), _anchor="bank"))


def bank_result_said(done: guarantees.BankResult) -> str:
    """What a bank's result did, in one sentence: the households paid and their voucher draft,
    and those the bank could not pay with its reasons (a plan's payout file or a 保底 file)."""
    text = str(_("银行已付 %(n)d 户，凭证草稿 %(label)s 已生成，请提交审核。", n=done.paid,
                 label=done.voucher.label) if done.voucher is not None
               else _("结果文件里没有新付款的农户。"))
    if done.failed:
        text += " " + _("付款失败 %(n)d 户：%(who)s。", n=len(done.failed),
                        who="；".join(f"{payee} {reason}".strip()
                                      for payee, reason in done.failed[:10]))
    return text
