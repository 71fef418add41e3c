"""Pages of bank reconciliation and the cash count: the organisation's bank accounts with
their months, an account's column mapping and statement imports, a month's statement lines
beside its book lines with matching, the 银行存款余额调节表 (on screen and as PDF) and its
marking; the cash counts. Reading needs ``VIEW_BOOKS``; changing ``RECONCILE_BANK`` (the
accountant, the cashier), counting ``COUNT_CASH`` (the cashier)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.auth.models import User
from coopledger.auth.permissions import Action
from coopledger.banking import queries, rules, services
from coopledger.banking.forms import (
    CashCountForm,
    DraftForm,
    MappingForm,
    MatchForm,
    StatementForm,
    denomination_field,
)
from coopledger.banking.models import BankStatement, StatementLine
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.files import store
from coopledger.forms import ConfirmForm
from coopledger.ledger.models import Account, VoucherLine
from coopledger.ledger.queries import open_leaves
from coopledger.ledger.rules import month_end, next_month, previous_month
from coopledger.pdf.render import render_pdf
from coopledger.web import (
    apply_change,
    child_or_404,
    file_response,
    flash_form_errors,
    me,
    org_for,
    submitted_upload,
)

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from coopledger.orgs.models import Organisation

bp = Blueprint("banking", __name__)


def _account(org: Organisation, account_id: int) -> Account:
    """One of the organisation's bank accounts (404 for any other account)."""
    found = {a.id: a for a in queries.bank_accounts(org)}.get(account_id)
    if found is None:
        abort(404)
    return found


def _month_of(code: str, account_id: int, year: int, month: int,
              action: Action) -> tuple[Organisation, Account]:
    """The organisation (once ``action`` on it is allowed) and its bank account, for a page of
    one month (404 for a month that is not one)."""
    org = org_for(code, action)
    if not (1990 <= year <= 2200 and 1 <= month <= 12):
        abort(404)
    return org, _account(org, account_id)


@bp.route("/o/<code>/bank/")
@login_required
def index(code: str) -> ResponseReturnValue:
    """Each bank account: the days its statements cover, its months and whether each is
    reconciled."""
    org = org_for(code, Action.VIEW_BOOKS)
    accounts = [(account, queries.scope_of(account), queries.months_of(account)[:13],
                 queries.reconciled_months(account)) for account in queries.bank_accounts(org)]
    return render_template("banking/index.html", org=org, accounts=accounts)


@bp.route("/o/<code>/bank/<int:account_id>/", methods=["GET", "POST"])
@login_required
def account(code: str, account_id: int) -> ResponseReturnValue:
    """The account's column mapping (saved on POST) and its statements."""
    org = org_for(code, Action.VIEW_BOOKS)
    bank = _account(org, account_id)
    mapping = queries.mapping_of(bank)
    form = MappingForm(obj=mapping)
    if request.method == "POST":
        org = org_for(code, Action.RECONCILE_BANK)
        if form.validate_on_submit():
            data = services.MappingData(
                header_row=form.header_row.data or 1, date_column=form.date_column.data or "",
                amount_column=form.amount_column.data or "", in_column=form.in_column.data or "",
                out_column=form.out_column.data or "",
                balance_column=form.balance_column.data or "",
                counterparty_column=form.counterparty_column.data or "",
                reference_column=form.reference_column.data or "",
                summary_column=form.summary_column.data or "",
                window_days=form.window_days.data if form.window_days.data is not None else 5)
            if apply_change(lambda: services.save_mapping(org, bank, data, by=me()),
                            _("对账单列名已保存。")).ok:
                return redirect(url_for("banking.account", code=code, account_id=account_id))
        else:
            flash_form_errors(form)
    return render_template("banking/account.html", org=org, account=bank, mapping=mapping,
                           form=form, statement_form=StatementForm(),
                           statements=queries.statements_of(bank))


@bp.route("/o/<code>/bank/<int:account_id>/statements", methods=["POST"])
@login_required
def import_statement(code: str, account_id: int) -> ResponseReturnValue:
    """Import a statement file; then match what can be matched."""
    org = org_for(code, Action.RECONCILE_BANK)
    bank = _account(org, account_id)
    form = StatementForm()
    sent = submitted_upload(form, _("请选择对账单文件。"))
    if sent is None:
        return redirect(url_for("banking.account", code=code, account_id=account_id))
    content, name = sent
    typed = form.opening.data.strip() if form.opening.data else ""
    opening = form.opening.amount() if typed else None

    def change() -> tuple[BankStatement, int]:
        statement = services.import_statement(org, bank, content=content, filename=name,
                                              opening=opening, by=me(), storage=store(),
                                              today=today(),
                                              covers=(form.covers_from.data,
                                                      form.covers_to.data))
        return statement, services.auto_match(bank, by=me())

    apply_change(change, lambda done: _(
        "已导入 %(first)s 至 %(last)s 的对账单 %(n)d 行，自动勾对 %(m)d 行。",
        first=done[0].first_on.isoformat(), last=done[0].last_on.isoformat(),
        n=done[0].line_count, m=done[1]))
    return redirect(url_for("banking.account", code=code, account_id=account_id))


@bp.route("/o/<code>/bank/<int:account_id>/statements/<int:statement_id>")
@login_required
def statement_file(code: str, account_id: int, statement_id: int) -> ResponseReturnValue:
    """The statement file as it was imported."""
    org = org_for(code, Action.VIEW_BOOKS)
    bank = _account(org, account_id)
    statement = child_or_404(BankStatement, statement_id, bank, "account_id")
    data = store().get(services.statement_key(statement.sha256))
    if data is None:
        abort(404)
    name = statement.filename if statement.filename.lower().endswith((".csv", ".xlsx")) \
        else f"{statement.filename}.xlsx"
    return file_response(data, name)


@bp.route("/o/<code>/bank/<int:account_id>/match", methods=["POST"])
@login_required
def auto_match(code: str, account_id: int) -> ResponseReturnValue:
    """Match every statement line that has its book line."""
    org = org_for(code, Action.RECONCILE_BANK)
    bank = _account(org, account_id)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: services.auto_match(bank, by=me()),
                     lambda n: _("自动勾对 %(n)d 行。", n=n))
    year, month = request.form.get("year", ""), request.form.get("month", "")
    if year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        return _back(code, account_id, int(year), int(month))
    return redirect(url_for("banking.account", code=code, account_id=account_id))


def _month_page(org: Organisation, bank: Account, year: int, month: int) -> dict[str, object]:
    start, end = dt.date(year, month, 1), month_end(year, month)
    statement = queries.statement_lines(bank, start, end)
    book = queries.book_lines(bank, start, end)
    matched_ids = queries.matched_book_ids([line.id for line in book])
    try:
        table: rules.Reconciliation | None = queries.reconciliation(bank, year, month)
        missing = ""
    except queries.NoStatementError as err:
        table, missing = None, str(err)
    open_book = queries.open_book_lines(bank, year, month)
    counters = [(a.code, f"{a.code} {a.full_name}") for a in open_leaves(org)
                if a.id != bank.id]
    return {"org": org, "account": bank, "year": year, "month": month,
            "statement": statement, "book": book, "matched_ids": matched_ids, "table": table,
            "missing": missing, "open_book": open_book, "counters": counters,
            "reconciled": queries.reconciled_months(bank).get((year, month)),
            "voucher_day": min(end, today()),
            "previous": previous_month(year, month), "next": next_month(year, month)}


@bp.route("/o/<code>/bank/<int:account_id>/<int:year>/<int:month>")
@login_required
def month(code: str, account_id: int, year: int, month: int) -> ResponseReturnValue:
    """The month's statement lines beside its book lines, and its 调节表."""
    org, bank = _month_of(code, account_id, year, month, Action.VIEW_BOOKS)
    return render_template("banking/month.html", **_month_page(org, bank, year, month),
                           match_form=MatchForm(), draft_form=DraftForm())


@bp.route("/o/<code>/bank/<int:account_id>/<int:year>/<int:month>/table.pdf")
@login_required
def table_pdf(code: str, account_id: int, year: int, month: int) -> ResponseReturnValue:
    """The 银行存款余额调节表 as PDF."""
    org, bank = _month_of(code, account_id, year, month, Action.VIEW_BOOKS)
    try:
        table = queries.reconciliation(bank, year, month)
    except queries.NoStatementError as err:
        flash(str(err), "error")
        return redirect(url_for("banking.month", code=code, account_id=account_id, year=year,
                                month=month))
    pdf = render_pdf("banking/table_pdf.html", org=org, account=bank, table=table,
                     reconciled=queries.reconciled_months(bank).get((year, month)))
    return file_response(pdf, f"bank-reconciliation-{bank.code}-{year}-{month:02d}.pdf")


def _back(code: str, account_id: int, year: int, month: int) -> ResponseReturnValue:
    return redirect(url_for("banking.month", code=code, account_id=account_id, year=year,
                            month=month))


def _line(bank: Account, line_id: int | None) -> StatementLine:
    if not line_id:
        abort(404)
    return child_or_404(StatementLine, line_id, bank, "account_id")


@bp.route("/o/<code>/bank/<int:account_id>/<int:year>/<int:month>/match", methods=["POST"])
@login_required
def match(code: str, account_id: int, year: int, month: int) -> ResponseReturnValue:
    """Match a statement line by hand to a book line of the same amount."""
    _org, bank = _month_of(code, account_id, year, month, Action.RECONCILE_BANK)
    form = MatchForm()
    form.book_line.choices = [(str(line.id), str(line.id))
                              for line in queries.open_book_lines(bank, year, month)]
    if not form.validate_on_submit():
        flash(_("请选择要勾对的账面分录。"), "error")
        return _back(code, account_id, year, month)
    line = _line(bank, form.statement_line.data)
    book_line = child_or_404(VoucherLine, int(form.book_line.data or 0), bank, "account_id")
    apply_change(lambda: services.match_lines(line, book_line, by=me()), _("已勾对。"))
    return _back(code, account_id, year, month)


@bp.route("/o/<code>/bank/<int:account_id>/<int:year>/<int:month>/unmatch/<int:line_id>",
          methods=["POST"])
@login_required
def unmatch(code: str, account_id: int, year: int, month: int,
            line_id: int) -> ResponseReturnValue:
    """Undo a match."""
    _org, bank = _month_of(code, account_id, year, month, Action.RECONCILE_BANK)
    line = _line(bank, line_id)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: services.unmatch(line, by=me()), _("已取消勾对。"))
    return _back(code, account_id, year, month)


@bp.route("/o/<code>/bank/<int:account_id>/<int:year>/<int:month>/draft", methods=["POST"])
@login_required
def draft(code: str, account_id: int, year: int, month: int) -> ResponseReturnValue:
    """Draft the voucher of a line only the bank booked (a charge, interest)."""
    org, bank = _month_of(code, account_id, year, month, Action.RECONCILE_BANK)
    form = DraftForm()
    form.counter.choices = [(a.code, a.code) for a in open_leaves(org) if a.id != bank.id]
    if not form.validate_on_submit():
        flash(_("请选择对方科目。"), "error")
        return _back(code, account_id, year, month)
    line = _line(bank, form.statement_line.data)
    apply_change(lambda: services.draft_voucher(line, counter_code=form.counter.data or "",
                                                summary=form.summary.data or "",
                                                on=form.on.data, by=me(), today=today()),
                 lambda voucher: _("凭证草稿已生成：审核记账后自动勾对即可配上这一行。"))
    return _back(code, account_id, year, month)


def _mark(code: str, account_id: int, year: int, month: int, *, undo: bool,
          ) -> ResponseReturnValue:
    _org, bank = _month_of(code, account_id, year, month, Action.RECONCILE_BANK)
    if ConfirmForm().validate_on_submit():
        if undo:
            apply_change(lambda: services.undo_reconciled(bank, year, month, by=me()),
                         _("已撤销该月的对账。"))
        else:
            apply_change(lambda: services.mark_reconciled(bank, year, month, by=me()),
                         _("已标记为对账相符。"))
    return _back(code, account_id, year, month)


@bp.route("/o/<code>/bank/<int:account_id>/<int:year>/<int:month>/reconcile",
          methods=["POST"])
@login_required
def reconcile(code: str, account_id: int, year: int, month: int) -> ResponseReturnValue:
    """Mark the month reconciled (refused while the adjusted balances differ)."""
    return _mark(code, account_id, year, month, undo=False)


@bp.route("/o/<code>/bank/<int:account_id>/<int:year>/<int:month>/unreconcile",
          methods=["POST"])
@login_required
def unreconcile(code: str, account_id: int, year: int, month: int) -> ResponseReturnValue:
    """Take back the month's reconciled mark."""
    return _mark(code, account_id, year, month, undo=True)


def _count_form(org: Organisation) -> CashCountForm:
    form = CashCountForm()
    form.account.choices = [(a.code, f"{a.code} {a.full_name}") for a in queries.cash_leaves(org)]
    form.witness.choices = [(str(u.id), u.display_name) for u in services.staff_of(org)
                            if u.id != me().id]
    return form


@bp.route("/o/<code>/cash/counts", methods=["GET", "POST"])
@login_required
def cash_counts(code: str) -> ResponseReturnValue:
    """The cash counts, and a new one (the cashier)."""
    org = org_for(code, Action.VIEW_BOOKS)
    form = _count_form(org)
    if request.method == "POST":
        org = org_for(code, Action.COUNT_CASH)
        if form.validate_on_submit() and form.on.data is not None:
            pieces = {value: int(getattr(form, denomination_field(str(value))).data or 0)
                      for value in rules.DENOMINATIONS}
            witness = db.session.get(User, int(form.witness.data or 0))
            on, code_of = form.on.data, form.account.data or ""
            outcome = apply_change(lambda: services.record_count(
                org, account_code=code_of, on=on, pieces=pieces, witness=witness,
                note=form.note.data or "", by=me(), today=today()),
                lambda count: _("盘点已登记：实存 %(counted)s，账存 %(book)s。",
                                counted=f"{count.counted:,.2f}", book=f"{count.book:,.2f}")
                + (" " + _("差额 %(diff)s 已生成凭证草稿（待处理财产损溢），查明原因后转销。",
                           diff=f"{count.difference:,.2f}") if count.difference else ""))
            if outcome.ok:
                return redirect(url_for("banking.cash_counts", code=code))
        else:
            flash_form_errors(form)
    elif form.on.data is None:
        form.on.data = today()
    denominations = [(value, getattr(form, denomination_field(str(value))))
                     for value in rules.DENOMINATIONS]
    return render_template("banking/cash_counts.html", org=org, form=form,
                           denominations=denominations, counts=queries.cash_counts(org),
                           zero=Decimal("0.00"))
