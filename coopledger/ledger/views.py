"""The books pages: overview, chart of accounts, opening balances, periods, reports, export."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.auth.permissions import Action, require
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.forms import ConfirmForm, read_upload
from coopledger.jobs import services as jobs
from coopledger.ledger import (
    book_prints,
    bookfile,
    books,
    opening,
    periods,
    print_rules,
    report_words,
    rules,
    voucher_prints,
)
from coopledger.ledger import month_end as month_end_rules
from coopledger.ledger.forms import (
    DateActionForm,
    MnemonicForm,
    OpeningImportForm,
    PrintLedgerForm,
    PrintVouchersForm,
    ReasonForm,
    RenameAccountForm,
    SettingsForm,
    SubAccountForm,
    YearForm,
)
from coopledger.ledger.models import Account, Period, Voucher, VoucherKind, VoucherState
from coopledger.ledger.outputs import csv_chunks, to_pdf, to_xlsx
from coopledger.ledger.queries import accounts, open_leaves, posted_vouchers
from coopledger.ledger.report_words import localised
from coopledger.ledger.reports import REPORTS, ReportError, build_report
from coopledger.orgs.models import AccountingStandard, Organisation
from coopledger.textnum import whole_number
from coopledger.web import apply_change, file_response, me, org_for, owned_or_404

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue


bp = Blueprint("books", __name__, url_prefix="/o/<code>/books")



@bp.app_template_filter("report_word")
def report_word_filter(text: object, standard: AccountingStandard) -> object:
    """``{{ cell|report_word(org.standard) }}``: a fixed report text (a statement line, a
    column header, an account name) in the reader's language; other values unchanged."""
    if not isinstance(text, str) or not report_words.english():
        return text
    return report_words.word(text, standard)


@bp.app_template_filter("account_name")
def account_name_filter(text: str, standard: AccountingStandard) -> str:
    """``{{ account.full_name|account_name(org.standard) }}``: English with the Chinese kept."""
    return report_words.account_name(text, standard)

@bp.route("/")
@login_required
def index(code: str) -> ResponseReturnValue:
    """The books of an organisation: status, months, recent vouchers, reports."""
    org = org_for(code, Action.VIEW_BOOKS)
    book = books.get_book(org)
    year = whole_number(request.args.get("year"), 0, maximum=9999) or today().year
    months = {p.month: p for p in db.session.scalars(sa.select(Period).where(
        Period.organisation_id == org.id, Period.year == year))}
    counts = dict(db.session.execute(
        sa.select(Voucher.month, sa.func.count(Voucher.id))
        .where(Voucher.organisation_id == org.id, Voucher.year == year)
        .group_by(Voucher.month)).all())
    waiting = dict(db.session.execute(
        sa.select(Voucher.month, sa.func.count(Voucher.id))
        .where(Voucher.organisation_id == org.id, Voucher.year == year,
               Voucher.state != VoucherState.POSTED).group_by(Voucher.month)).all())
    return render_template(
        "ledger/books.html", org=org, book=book, year=year, months=months, counts=counts,
        waiting=waiting, reports=REPORTS, confirm=ConfirmForm(), year_form=YearForm(year=year),
        settings_form=SettingsForm(cashier_confirms=book.cashier_confirms,
                                   in_date_order=book.in_date_order),
        reopen_form=ReasonForm(), print_form=PrintVouchersForm(year=year, month=_busy_month(
            counts, waiting)), ledger_form=PrintLedgerForm(year=year))


def _busy_month(counts: dict[int, int], waiting: dict[int, int]) -> int:
    """The month the print form starts on: the latest with every voucher posted."""
    done = [m for m, n in counts.items() if n and not waiting.get(m)]
    return max(done) if done else 1


@bp.route("/settings", methods=["POST"])
@login_required
def settings(code: str) -> ResponseReturnValue:
    """Turn the cashier's confirmation on or off."""
    org = org_for(code, Action.MANAGE_BOOKS)
    form = SettingsForm()
    if form.validate_on_submit():
        apply_change(lambda: books.set_cashier_confirms(
            org, bool(form.cashier_confirms.data), by=me(),
            in_date_order=bool(form.in_date_order.data)), _("已保存。"))
    return redirect(url_for("books.index", code=code))


@bp.route("/periods/<int:year>/<int:month>/check")
@login_required
def month_end(code: str, year: int, month: int) -> ResponseReturnValue:
    """期末检查: what stands between the month and its closing, each with a link; the close
    button when nothing blocks (ledger.month_end)."""
    org = org_for(code, Action.VIEW_BOOKS)
    if not 1 <= month <= 12 or not 1990 <= year <= 2100:
        abort(404)
    return render_template("ledger/month_end.html", org=org,
                           checklist=month_end_rules.checklist(org, year, month),
                           confirm=ConfirmForm())


@bp.route("/periods/<int:year>/<int:month>/close", methods=["POST"])
@login_required
def close_month(code: str, year: int, month: int) -> ResponseReturnValue:
    """Close (结账) a month."""
    org = org_for(code, Action.MANAGE_BOOKS)
    if not 1 <= month <= 12:
        abort(404)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: periods.close_month(org, year, month, by=me()),
                     _("%(year)d年%(month)d月已结账。", year=year, month=month))
    return redirect(url_for("books.index", code=code, year=year))


@bp.route("/periods/<int:year>/<int:month>/reopen", methods=["POST"])
@login_required
def reopen_month(code: str, year: int, month: int) -> ResponseReturnValue:
    """Reopen (反结账) a month: admin only, with a reason."""
    org = org_for(code, Action.REOPEN_PERIODS)
    form = ReasonForm()
    if form.validate_on_submit():
        apply_change(lambda: periods.reopen_month(org, year, month, reason=form.reason.data or "",
                                                  by=me()),
                     _("%(year)d年%(month)d月已反结账。", year=year, month=month))
    else:
        apply_change(lambda: periods.reopen_month(org, year, month, reason="", by=me()), "")
    return redirect(url_for("books.index", code=code, year=year))


@bp.route("/year-end", methods=["POST"])
@login_required
def year_end(code: str) -> ResponseReturnValue:
    """Draft the year-end closing vouchers for review."""
    org = org_for(code, Action.MANAGE_BOOKS)
    form = YearForm()
    if form.validate_on_submit():
        year = int(form.year.data)
        if apply_change(lambda: periods.year_end_vouchers(org, year, on=today(), by=me(),
                                                          today=today()),
                        lambda made: _("已生成 %(n)d 张结转凭证，请提交审核后记账。",
                                       n=len(made))).ok:
            return redirect(url_for("vouchers.index", code=code, kind="closing"))
    return redirect(url_for("books.index", code=code))


@bp.route("/accounts", methods=["GET", "POST"])
@login_required
def chart(code: str) -> ResponseReturnValue:
    """The chart of accounts; add a sub-account."""
    org = org_for(code, Action.VIEW_BOOKS)
    form = SubAccountForm()
    if form.validate_on_submit():
        require(me(), Action.MANAGE_BOOKS, org)
        parent = books.accounts_by_code(org).get((form.parent.data or "").strip())
        if parent is None:
            form.parent.errors = [*form.parent.errors, _("没有这个科目编码。")]
        elif apply_change(lambda: books.add_subaccount(
                parent, code=form.code.data or "", name=form.name.data or "",
                member_ledger=bool(form.member_ledger.data), by=me()),
                lambda made: _("已增设明细科目 %(label)s。", label=made.label)).ok:
            return redirect(url_for("books.chart", code=code))
    return render_template("ledger/accounts.html", org=org, accounts=accounts(org), form=form,
                           confirm=ConfirmForm(), close_form=DateActionForm(on=today()),
                           rename_form=RenameAccountForm())


@bp.route("/accounts/<int:account_id>/rename", methods=["POST"])
@login_required
def rename_account(code: str, account_id: int) -> ResponseReturnValue:
    """Rename a sub-account that has no postings."""
    org = org_for(code, Action.MANAGE_BOOKS)
    account = owned_or_404(Account, account_id, org)
    form = RenameAccountForm()
    if form.validate_on_submit():
        apply_change(lambda: books.rename_account(account, name=form.name.data or "", by=me()),
                     _("已保存。"))
    return redirect(url_for("books.chart", code=code))


@bp.route("/accounts/<int:account_id>/mnemonic", methods=["POST"])
@login_required
def set_mnemonic(code: str, account_id: int) -> ResponseReturnValue:
    """Change an account's 助记码 (empty: generated from its name again)."""
    org = org_for(code, Action.MANAGE_BOOKS)
    account = owned_or_404(Account, account_id, org)
    form = MnemonicForm()
    if form.validate_on_submit():
        apply_change(lambda: books.set_mnemonic(account, text=form.mnemonic.data or "",
                                                by=me()), _("已保存。"))
    return redirect(url_for("books.chart", code=code))


@bp.route("/accounts/<int:account_id>/delete", methods=["POST"])
@login_required
def delete_account(code: str, account_id: int) -> ResponseReturnValue:
    """Delete a sub-account that was never used."""
    org = org_for(code, Action.MANAGE_BOOKS)
    account = owned_or_404(Account, account_id, org)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: books.delete_account(account, by=me()), _("科目已删除。"))
    return redirect(url_for("books.chart", code=code))


@bp.route("/accounts/<int:account_id>/close", methods=["POST"])
@login_required
def close_account(code: str, account_id: int) -> ResponseReturnValue:
    """Close an account whose balance is zero."""
    org = org_for(code, Action.MANAGE_BOOKS)
    account = owned_or_404(Account, account_id, org)
    form = DateActionForm()
    if form.validate_on_submit() and form.on.data is not None:
        on: dt.date = form.on.data
        apply_change(lambda: books.close_account(account, on=on, by=me()), _("科目已停用。"))
    return redirect(url_for("books.chart", code=code))


@bp.route("/opening", methods=["GET", "POST"])
@login_required
def opening_balances(code: str) -> ResponseReturnValue:
    """Enter or import the opening balances (建账)."""
    org = org_for(code, Action.MANAGE_BOOKS)
    book = books.get_book(org)
    leaves = open_leaves(org)
    draft = db.session.scalar(sa.select(Voucher).where(
        Voucher.organisation_id == org.id, Voucher.kind == VoucherKind.OPENING))
    form = OpeningImportForm(on=draft.on if draft else today().replace(month=1, day=1))
    if request.method == "POST" and "file" in request.files:
        if form.validate_on_submit() and form.on.data is not None:
            on: dt.date = form.on.data
            content = read_upload(request.files["file"])
            outcome = apply_change(
                lambda: periods.open_books(
                    org, on=on, balances=opening.read_sheet(content, {a.code for a in leaves}),
                    by=me(), today=today()),
                _("期初余额已导入为建账凭证，请提交审核并记账后建账完成。"))
            if outcome.ok:
                return redirect(url_for("vouchers.show", code=code, voucher_id=outcome.value.id))
    elif request.method == "POST":
        entered = []
        for account in leaves:
            debit = request.form.get(f"debit-{account.id}", "").strip()
            credit = request.form.get(f"credit-{account.id}", "").strip()
            if debit or credit:
                entered.append((account.code, debit, credit))
        on_text = request.form.get("on", "")
        outcome = apply_change(lambda: periods.open_books_from_text(org, on_text, entered,
                                                                      by=me(), today=today()),
                               _("期初余额已保存为建账凭证，请提交审核并记账后建账完成。"))
        if outcome.ok:
            return redirect(url_for("vouchers.show", code=code, voucher_id=outcome.value.id))
    existing = {line.account_id: line for line in draft.lines} if draft else {}
    return render_template("ledger/opening.html", org=org, book=book, leaves=leaves, form=form,
                           draft=draft, existing=existing)


@bp.route("/opening/template.xlsx")
@login_required
def opening_template(code: str) -> ResponseReturnValue:
    """The opening-balance sheet to fill in, listing every leaf account."""
    org = org_for(code, Action.MANAGE_BOOKS)
    leaves = open_leaves(org)
    return file_response(opening.template(leaves), f"opening-{org.code}.xlsx")


@bp.route("/reports/<name>")
@login_required
def report(code: str, name: str) -> ResponseReturnValue:
    """A report on screen, or as PDF, XLSX or CSV (``?format=``)."""
    org = org_for(code, Action.VIEW_BOOKS)
    if name not in REPORTS:
        abort(404)
    period = request.args.get("period", "") or str(today().year)
    account = request.args.get("account") or None
    fmt = request.args.get("format", "html")
    level = request.args.get("level", "9")
    page = whole_number(request.args.get("page", "1"), 1) if fmt == "html" else None
    try:
        table = localised(build_report(name, org, period, account=account,
                                       level=whole_number(level, 9), page=page,
                                       streamed=fmt == "csv"),
                          org.standard)
    except (ReportError, rules.PeriodSpecError) as err:
        return render_template("ledger/report.html", org=org, name=name, table=None,
                               error=str(err), period=period, account=account,
                               accounts=accounts(org), reports=REPORTS), 422
    filename = f"{org.code}-{name}-{period}".replace("..", "_")
    if fmt == "csv":
        return file_response(csv_chunks(table), f"{filename}.csv")
    if fmt == "xlsx":
        return file_response(to_xlsx(table), f"{filename}.xlsx")
    if fmt == "pdf":
        return file_response(to_pdf(table), f"{filename}.pdf")
    return render_template("ledger/report.html", org=org, name=name, table=table, error=None,
                           period=period, account=account, accounts=accounts(org),
                           reports=REPORTS, picker=rules.period_picker(period), drill=True)


@bp.route("/export.beancount")
@login_required
def export(code: str) -> ResponseReturnValue:
    """The whole book as one beancount file (bean-check clean, opens in fava)."""
    org = org_for(code, Action.EXPORT_BOOKS)
    return file_response(bookfile.streamed_book(org), f"{org.code}.beancount")


@bp.route("/print-vouchers", methods=["POST"])
@login_required
def print_vouchers(code: str) -> ResponseReturnValue:
    """Start laying out a month's posted vouchers for binding (cover first) as a job."""
    org = org_for(code, Action.VIEW_BOOKS)
    form = PrintVouchersForm()
    if not form.validate_on_submit():
        flash(_("请选择年度、月份和纸张。"), "error")
        return redirect(url_for("books.index", code=code))
    year, month = int(form.year.data or 0), int(form.month.data or 0)
    if not posted_vouchers(org, year, month):
        flash(_("%(year)d年%(month)d月没有已记账的凭证。", year=year, month=month), "error")
        return redirect(url_for("books.index", code=code, year=year))
    paper = print_rules.paper_of(form.paper.data)
    return _start_job(org, voucher_prints.MONTH_KIND, _(
        "%(name)s %(year)d年%(month)d月记账凭证", name=org.name, year=year, month=month),
        {"year": year, "month": month, "paper": paper.key, "grid": bool(form.grid.data)},
        Action.VIEW_BOOKS)


@bp.route("/print-ledger", methods=["POST"])
@login_required
def print_ledger(code: str) -> ResponseReturnValue:
    """Start laying out a year's 明细账 for a range of accounts as a job."""
    org = org_for(code, Action.VIEW_BOOKS)
    form = PrintLedgerForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors)
              or _("请选择年度和账页格式。"), "error")
        return redirect(url_for("books.index", code=code))
    year, style = int(form.year.data or 0), str(form.style.data)
    first, last = (form.first.data or "").strip(), (form.last.data or "").strip()
    if not book_prints.units(org, year, first=first, last=last, style=style):
        flash(_("所选科目范围在 %(year)d 年没有余额或发生额。", year=year), "error")
        return redirect(url_for("books.index", code=code, year=year))
    return _start_job(org, book_prints.BOOK_KIND, _(
        "%(name)s %(year)d年明细账", name=org.name, year=year),
        {"year": year, "first": first, "last": last, "style": style}, Action.VIEW_BOOKS)


@bp.route("/verify", methods=["POST"])
@login_required
def verify(code: str) -> ResponseReturnValue:
    """Start the full verification (beancount, hash chain, monthly balances) as a job."""
    org = org_for(code, Action.EXPORT_BOOKS)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("books.index", code=code))
    return _start_job(org, bookfile.VERIFY_KIND, _("核对账簿：%(name)s", name=org.name), {},
                      Action.EXPORT_BOOKS)


def _start_job(org: Organisation, kind: str, title: str, params: dict[str, object],
               requires: Action) -> ResponseReturnValue:
    """Queue a job of the books for ``org`` (its result downloadable while the starter may
    still do ``requires``) and show its progress page."""
    job = jobs.start_job(kind, title=title, params={"organisation_id": org.id, **params},
                         by=me(), requires=requires, on=org)
    db.session.commit()
    jobs.enqueue(job)
    return redirect(url_for("jobs.show", job_id=job.id))


