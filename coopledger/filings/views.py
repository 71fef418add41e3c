"""Pages of the upward filings: an organisation's years and their state, a year's tables (from
the books, or as a submitted version froze them) with the balance rules, the changes to
explain and the versions; each table as XLSX and PDF; submit, accept and return; a township's
year with every organisation's state and the summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.auth.permissions import Action, require
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.files.stores import send_kept
from coopledger.filings import rules, services, tables
from coopledger.filings.archive import ARCHIVE_KIND
from coopledger.filings.forms import ExplanationForm, ReturnForm
from coopledger.filings.layouts import form_of
from coopledger.filings.models import Archive, Filing, Summary
from coopledger.filings.outputs import sheet_of, summary_sheets, to_pdf, to_xlsx
from coopledger.forms import ConfirmForm
from coopledger.jobs import services as jobs
from coopledger.ledger.books import get_book
from coopledger.ledger.report_words import english
from coopledger.orgs.queries import get_township
from coopledger.textnum import whole_number
from coopledger.web import apply_change, file_response, flash_form_errors, me, org_for, owned_or_404

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from coopledger.orgs.models import Organisation, Township

bp = Blueprint("filings", __name__)
FIRST_YEAR = 2000


def _years(org: Organisation) -> list[int]:
    """The years the organisation may file: from the year its books opened to last year."""
    opened = get_book(org).opened_on
    if opened is None:
        return []
    return list(range(today().year - 1, opened.year - 1, -1))


def _year_or_404(org: Organisation, year: int) -> None:
    if year not in _years(org):
        abort(404)


def _version(org: Organisation, year: int) -> Filing | None:
    """The version asked for with ``?version=N`` (None: the books as they are now)."""
    raw = request.args.get("version", "")
    if not raw:
        return None
    number = whole_number(raw, -1)       # bounded: a 30-digit version is a 404, not an overflow
    if number < 0:
        abort(404)
    found: Filing | None = db.session.scalar(db.select(Filing).where(
        Filing.organisation_id == org.id, Filing.year == year, Filing.version == number))
    if found is None:
        abort(404)
    return found


@bp.route("/o/<code>/filings/")
@login_required
def index(code: str) -> ResponseReturnValue:
    """The organisation's years with the state of each year's filing and its deadline."""
    org = org_for(code, Action.VIEW_RETURNS)
    on = today()
    years = [(year, rules.calendar_state(services.state_of(org, year), year, today=on),
              rules.deadline(year)) for year in _years(org)]
    return render_template("filings/index.html", org=org, years=years,
                           labels=rules.CALENDAR_LABELS)


@bp.route("/o/<code>/filings/<int:year>/")
@login_required
def year_page(code: str, year: int) -> ResponseReturnValue:
    """A year's tables, checks, changes and versions, with the steps the user may take."""
    org = org_for(code, Action.VIEW_RETURNS)
    _year_or_404(org, year)
    shown = _version(org, year)
    now = tables.year_tables(org, year)
    computed = tables.year_tables(org, year, filing=shown) if shown is not None else now
    latest = services.latest(org, year)
    steps = services.steps_for(org, year, me(), computed=now)
    changed = tables.differences(latest, now) if latest is not None else []
    state = rules.calendar_state(latest.state.value if latest else "none", year, today=today())
    return render_template(
        "filings/year.html", org=org, year=year, computed=computed, shown=shown, latest=latest,
        versions=tables.versions(org, year), steps=steps, changed=changed,
        state=state, labels=rules.CALENDAR_LABELS, deadline=rules.deadline(year),
        english=english(), explain_form=ExplanationForm(), return_form=ReturnForm(),
        confirm=ConfirmForm(), archives=_archives(org, year))


def _archives(org: Organisation, year: int) -> list[Archive]:
    return list(db.session.scalars(db.select(Archive).where(
        Archive.organisation_id == org.id, Archive.year == year)
        .order_by(Archive.created_at.desc())))


@bp.post("/o/<code>/filings/<int:year>/archive")
@login_required
def archive(code: str, year: int) -> ResponseReturnValue:
    """Start building the year's accounting archive as a job with progress."""
    org = org_for(code, Action.EXPORT_BOOKS)
    _year_or_404(org, year)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("filings.year_page", code=org.code, year=year))
    job = jobs.start_job(ARCHIVE_KIND, title=_("%(name)s %(year)d 年度会计档案", name=org.name,
                                               year=year),
                         params={"organisation_id": org.id, "year": year, "user_id": me().id},
                         by=me(), requires=Action.EXPORT_BOOKS, on=org)
    db.session.commit()
    jobs.enqueue(job)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/o/<code>/filings/archives/<int:archive_id>.zip")
@login_required
def archive_file(code: str, archive_id: int) -> ResponseReturnValue:
    """Download a built archive."""
    org = org_for(code, Action.EXPORT_BOOKS)
    found = owned_or_404(Archive, archive_id, org)
    return send_kept(found.key, name=f"archive-{org.code}-{found.year}-{found.seal[:8]}.zip",
                     mimetype="application/zip")


@bp.route("/o/<code>/filings/<int:year>/<key>.<any(xlsx, pdf):fmt>")
@login_required
def table_file(code: str, year: int, key: str, fmt: str) -> ResponseReturnValue:
    """One table as XLSX or PDF (``?version=N``: as that version froze it)."""
    org = org_for(code, Action.VIEW_RETURNS)
    _year_or_404(org, year)
    form = form_of(org.standard, key)
    if form is None:
        abort(404)
    shown = _version(org, year)
    computed = tables.year_tables(org, year, filing=shown)
    table = computed.table(key)
    if table is None:
        abort(404)
    sheet = sheet_of(form, reporter=org.name, year=year, figures=table.exact,
                     last=table.last, english=english())
    data = to_xlsx(sheet) if fmt == "xlsx" else to_pdf(sheet)
    suffix = f"-v{shown.version}" if shown is not None else ""
    return file_response(data, f"{org.code}-{year}-{form.code}{suffix}.{fmt}")


@bp.post("/o/<code>/filings/<int:year>/explain")
@login_required
def explain(code: str, year: int) -> ResponseReturnValue:
    """Save the explanation of one row's change."""
    org = org_for(code, Action.FILE_RETURNS)
    _year_or_404(org, year)
    form = ExplanationForm()
    if form.validate_on_submit():
        apply_change(lambda: services.explain(org, year, form.form_key.data or "",
                                              form.row_code.data or "", form.text.data or "",
                                              by=me()),
                     _("说明已保存。"))
    else:
        flash_form_errors(form)
    return redirect(url_for("filings.year_page", code=org.code, year=year) + "#changes")


@bp.post("/o/<code>/filings/<int:year>/submit")
@login_required
def submit(code: str, year: int) -> ResponseReturnValue:
    """Submit the year's tables as a new version."""
    org = org_for(code, Action.FILE_RETURNS)
    _year_or_404(org, year)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: services.submit(org, year, by=me()),
                     lambda filing: _("%(year)d 年报表已报送（第 %(v)d 版）。", year=year,
                                      v=filing.version))
    return redirect(url_for("filings.year_page", code=org.code, year=year))


def _filing(code: str, filing_id: int) -> tuple[Organisation, Filing]:
    org = org_for(code, Action.VIEW_RETURNS)
    filing = owned_or_404(Filing, filing_id, org)
    require(me(), Action.REVIEW_RETURNS, org)
    return org, filing


@bp.post("/o/<code>/filings/versions/<int:filing_id>/accept")
@login_required
def accept(code: str, filing_id: int) -> ResponseReturnValue:
    """The township accepts a submitted version."""
    org, filing = _filing(code, filing_id)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: services.accept(filing, by=me()), _("报表已审核通过。"))
    return redirect(url_for("filings.year_page", code=org.code, year=filing.year))


@bp.post("/o/<code>/filings/versions/<int:filing_id>/return")
@login_required
def return_filing(code: str, filing_id: int) -> ResponseReturnValue:
    """The township returns a submitted version with the reason."""
    org, filing = _filing(code, filing_id)
    form = ReturnForm()
    if form.validate_on_submit():
        apply_change(lambda: services.return_filing(filing, reason=form.reason.data or "",
                                                    by=me()),
                     _("报表已退回，原因已告知报送人。"))
    else:
        flash_form_errors(form)
    return redirect(url_for("filings.year_page", code=org.code, year=filing.year))


# --- the township -------------------------------------------------------------------------------

def _township_year(code: str, year: int, action: Action = Action.SUMMARISE_RETURNS,
                   ) -> tuple[Township, int]:
    township = get_township(code)
    require(me(), action, township)
    if not FIRST_YEAR <= year < today().year:
        abort(404)
    return township, year


@bp.route("/t/<code>/filings/<int:year>/")
@login_required
def township(code: str, year: int) -> ResponseReturnValue:
    """Every organisation's filing state for the year, and the township's summary."""
    township, year = _township_year(code, year, Action.VIEW_SUMMARIES)
    on = today()
    rows = [(org, rules.calendar_state(services.state_of(org, year), year, today=on),
             services.latest(org, year))
            for org in services.due_organisations(township, year)]
    found = services.summaries(township, year)
    body = services.summary_body(found[0]) if found else None
    steps = services.summary_steps_for(found[0], me()) if found else None
    return render_template("filings/township.html", township=township, year=year, rows=rows,
                           labels=rules.CALENDAR_LABELS, deadline=rules.deadline(year),
                           summaries=found, body=body, steps=steps,
                           sheets=summary_sheets(body, english=english()) if body else [],
                           english=english(), confirm=ConfirmForm(), return_form=ReturnForm())


@bp.post("/t/<code>/filings/<int:year>/summarise")
@login_required
def summarise(code: str, year: int) -> ResponseReturnValue:
    """Produce a new version of the township's summary."""
    township, year = _township_year(code, year)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: services.summarise(township, year, by=me()),
                     lambda summary: _("汇总表已生成（第 %(v)d 版）。", v=summary.version))
    return redirect(url_for("filings.township", code=code, year=year))


def _summary(code: str, summary_id: int) -> tuple[Township, Summary]:
    township = get_township(code)
    summary = db.get_or_404(Summary, summary_id)
    if summary.township_id != township.id:
        abort(404)
    require(me(), Action.REVIEW_SUMMARIES, township)
    return township, summary


@bp.post("/t/<code>/filings/summaries/<int:summary_id>/accept")
@login_required
def accept_summary(code: str, summary_id: int) -> ResponseReturnValue:
    """The county accepts a township's summary."""
    township, summary = _summary(code, summary_id)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: services.accept_summary(summary, by=me()), _("汇总表已审核通过。"))
    return redirect(url_for("filings.township", code=township.code, year=summary.year))


@bp.post("/t/<code>/filings/summaries/<int:summary_id>/return")
@login_required
def return_summary(code: str, summary_id: int) -> ResponseReturnValue:
    """The county returns a township's summary with the reason."""
    township, summary = _summary(code, summary_id)
    form = ReturnForm()
    if form.validate_on_submit():
        apply_change(lambda: services.return_summary(summary, reason=form.reason.data or "",
                                                     by=me()),
                     _("汇总表已退回，原因已告知乡镇。"))
    else:
        flash_form_errors(form)
    return redirect(url_for("filings.township", code=township.code, year=summary.year))


def _county_year(county: str, year: int) -> list[Township]:
    require(me(), Action.REVIEW_SUMMARIES)
    if not FIRST_YEAR <= year < today().year:
        abort(404)
    townships = services.county_townships(county, me())
    if not townships:
        abort(404)
    return townships


@bp.route("/c/<county>/filings/<int:year>/")
@login_required
def county(county: str, year: int) -> ResponseReturnValue:
    """The county's townships with the state of each one's summary, and the county summary."""
    townships = _county_year(county, year)
    rows = [(township, next(iter(services.summaries(township, year)), None))
            for township in townships]
    found = services.county_summaries(county, year)
    body = services.summary_body(found[0]) if found else None
    return render_template("filings/county.html", county=county, year=year, rows=rows,
                           summaries=found, body=body,
                           sheets=summary_sheets(body, english=english()) if body else [],
                           confirm=ConfirmForm())


@bp.post("/c/<county>/filings/<int:year>/summarise")
@login_required
def summarise_county(county: str, year: int) -> ResponseReturnValue:
    """Produce a new version of the county's summary."""
    _county_year(county, year)
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: services.summarise_county(county, year, by=me()),
                     lambda summary: _("县级汇总表已生成（第 %(v)d 版）。", v=summary.version))
    return redirect(url_for("filings.county", county=county, year=year))


def _summary_file(body: dict[str, object], key: str, fmt: str, name: str) -> ResponseReturnValue:
    sheet = next((s for s in summary_sheets(body, english=english()) if s.key == key), None)
    if sheet is None:
        abort(404)
    data = to_xlsx(sheet) if fmt == "xlsx" else to_pdf(sheet)
    return file_response(data, f"{name}-{sheet.code}.{fmt}")


@bp.route("/t/<code>/filings/<int:year>/summary/<key>.<any(xlsx, pdf):fmt>")
@login_required
def township_file(code: str, year: int, key: str, fmt: str) -> ResponseReturnValue:
    """One form of the township's latest summary as XLSX or PDF."""
    township, year = _township_year(code, year, Action.VIEW_SUMMARIES)
    found = services.summaries(township, year)
    if not found:
        abort(404)
    return _summary_file(services.summary_body(found[0]), key, fmt,
                         f"{township.code}-{year}-v{found[0].version}")


@bp.route("/c/<county>/filings/<int:year>/summary/<key>.<any(xlsx, pdf):fmt>")
@login_required
def county_file(county: str, year: int, key: str, fmt: str) -> ResponseReturnValue:
    """One form of the county's latest summary as XLSX or PDF."""
    _county_year(county, year)
    found = services.county_summaries(county, year)
    if not found:
        abort(404)
    return _summary_file(services.summary_body(found[0]), key, fmt,
                         f"county-{year}-v{found[0].version}")

