"""Use cases of the upward filings: explain a large change, submit a year's tables as a frozen
version, accept or return it (the township), and produce the township's summary.

Who may call which is checked by the views; the workflow rule (``rules.filing_steps``) decides
which step may be taken now and is asked again here after the lock. Submitting locks the
organisation's book row (what posting locks), so the tables frozen are those of the ledger head
recorded with them; a review locks the version it decides on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from coopledger.audit.services import record
from coopledger.auth.models import User
from coopledger.auth.permissions import Action, can, permitted
from coopledger.dates import utcnow
from coopledger.disclosure.rules import canonical_json
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.filings import rules, tables
from coopledger.filings.layouts import forms_of, units_by_form
from coopledger.filings.models import (
    CountySummary,
    Explanation,
    Filing,
    FilingState,
    Summary,
    SummaryState,
)
from coopledger.i18n import N_
from coopledger.ledger.books import get_book, lock_book
from coopledger.ledger.models import Book
from coopledger.locking import lock
from coopledger.orgs.models import Organisation, Township, Village
from coopledger.workflow import Steps

MAX_EXPLANATION = 500
MAX_REASON = 500


class FilingError(CoopLedgerError):
    """A filing step that is not allowed."""

    message = N_("报表操作未能完成。")


def latest(org: Organisation, year: int) -> Filing | None:
    """The latest submitted version of the year, if any."""
    return db.session.scalar(sa.select(Filing).where(
        Filing.organisation_id == org.id, Filing.year == year)
        .order_by(Filing.version.desc()).limit(1))


def state_of(org: Organisation, year: int) -> str:
    """The workflow state of the year: the latest version's, or "none"."""
    found = latest(org, year)
    return found.state.value if found is not None else "none"


def steps_for(org: Organisation, year: int, user: User | None, *,
              computed: tables.YearTables | None = None) -> Steps:
    """Which filing steps ``user`` may take now on the organisation's year."""
    found = latest(org, year)
    state = found.state.value if found is not None else "none"
    if computed is None and state in ("none", "returned"):
        computed = tables.year_tables(org, year)
    return rules.filing_steps(
        state, may=permitted(user, org),
        closed=computed.closed if computed is not None else True,
        failing_rules=computed.failing if computed is not None else 0,
        unexplained=computed.unexplained if computed is not None else 0,
        filed_by=found.submitted_by_id if found is not None else None,
        user_id=user.id if user is not None else None)


def explain(org: Organisation, year: int, form_key: str, row_code: str, text: str, *,
            by: User) -> Explanation | None:
    """Write (or clear, with an empty text) the explanation of one row's change."""
    lock_book(org.id)
    steps_for(org, year, by).require("explain", FilingError)
    form = next((f for f in forms_of(org.standard) if f.key == form_key), None)
    if form is None or row_code not in {row.code for row in form.rows}:
        raise FilingError(N_("报表中没有这一行。"))
    text = text.strip()
    if len(text) > MAX_EXPLANATION:
        raise FilingError(N_("说明最多 %(n)d 个字。"), n=MAX_EXPLANATION)
    found = db.session.scalar(sa.select(Explanation).where(
        Explanation.organisation_id == org.id, Explanation.year == year,
        Explanation.form_key == form_key, Explanation.row_code == row_code))
    if not text:
        if found is not None:
            db.session.delete(found)
            db.session.flush()
        return None
    if found is None:
        found = Explanation(organisation_id=org.id, year=year, form_key=form_key,
                            row_code=row_code, text=text, written_by_id=by.id,
                            written_at=utcnow())
        db.session.add(found)
    else:
        found.text, found.written_by_id, found.written_at = text, by.id, utcnow()
    db.session.flush()
    record("filing.explain", org, by=by, label=f"{year} {form.code} {row_code}",
           after={"text": text[:200]})
    return found


def _contents(computed: tables.YearTables, head: str) -> dict[str, Any]:
    org = computed.org
    return {
        "organisation": org.code, "name": org.name, "standard": org.standard.value,
        "year": computed.year, "ledger_head": head,
        "forms": {t.form.key: {code: str(value) for code, value in t.exact.items()}
                  for t in computed.tables},
        "explanations": {t.form.key: {c.code: t.explanations.get(c.code, "")
                                      for c in t.changes}
                         for t in computed.tables if t.changes},
    }


def submit(org: Organisation, year: int, *, by: User) -> Filing:
    """Freeze the year's tables as a new version (报送), once the year is closed, every rule
    holds and every large change is explained."""
    book = lock_book(org.id) or get_book(org)
    computed = tables.year_tables(org, year)
    steps_for(org, year, by, computed=computed).require("submit", FilingError)
    contents = canonical_json(_contents(computed, _head(book)))
    version = (db.session.scalar(sa.select(sa.func.max(Filing.version)).where(
        Filing.organisation_id == org.id, Filing.year == year)) or 0) + 1
    filing = Filing(organisation_id=org.id, year=year, version=version,
                    state=FilingState.SUBMITTED, contents=contents.decode("utf-8"),
                    digest=hashlib.sha256(contents).hexdigest(), ledger_head=_head(book),
                    submitted_by_id=by.id, submitted_at=utcnow(), review_note="")
    db.session.add(filing)
    db.session.flush()
    record("filing.submit", filing, by=by, label=f"{org.name} {filing.label}",
           after={"digest": filing.digest, "ledger_head": filing.ledger_head})
    return filing


def _head(book: Book) -> str:
    return book.chain_head or ""


def _reason(text: str) -> str:
    """A return's reason, stripped; refused when empty or too long."""
    reason = text.strip()
    if not reason:
        raise FilingError(N_("退回时必须写明原因。"))
    if len(reason) > MAX_REASON:
        raise FilingError(N_("原因最多 %(n)d 个字。"), n=MAX_REASON)
    return reason


def _decide(filing: Filing, step: str, *, by: User) -> Filing:
    lock(filing)
    steps_for(filing.organisation, filing.year, by).require(step, FilingError)
    return filing


def accept(filing: Filing, *, by: User) -> Filing:
    """The township accepts a submitted version (审核通过)."""
    _decide(filing, "accept", by=by)
    filing.state = FilingState.ACCEPTED
    filing.reviewed_by_id, filing.reviewed_at = by.id, utcnow()
    db.session.flush()
    record("filing.accept", filing, by=by, label=f"{filing.organisation.name} {filing.label}")
    return filing


def return_filing(filing: Filing, *, reason: str, by: User) -> Filing:
    """The township returns a submitted version with the reason (退回): the accountant
    corrects the books or the explanations and submits a new version."""
    reason = _reason(reason)
    _decide(filing, "return", by=by)
    filing.state = FilingState.RETURNED
    filing.reviewed_by_id, filing.reviewed_at = by.id, utcnow()
    filing.review_note = reason
    db.session.flush()
    record("filing.return", filing, by=by, label=f"{filing.organisation.name} {filing.label}",
           after={"reason": reason[:200]})
    return filing


# --- the township's summary -----------------------------------------------------------------

def due_organisations(township: Township, year: int) -> list[Organisation]:
    """The township's organisations whose books cover ``year`` (opened by its last day)."""
    return list(db.session.scalars(
        sa.select(Organisation).join(Village, Organisation.village_id == Village.id)
        .join(Book, Book.organisation_id == Organisation.id)
        .where(Village.township_id == township.id, Book.opened_on.is_not(None),
               Book.opened_on <= dt.date(year, 12, 31))
        .order_by(Organisation.code)))


def summary_contents(township: Township, year: int) -> dict[str, Any]:
    """What a summary freezes: for each form, the exact sum of the accepted versions' rows and
    the sum of their rounded figures; which versions are in; which organisations are missing."""
    included, missing = [], []
    exact: dict[str, list[dict[str, Decimal]]] = {}
    rounded: dict[str, list[dict[str, Decimal]]] = {}
    for org in due_organisations(township, year):
        found = tables.accepted(org, year)
        if found is None:
            missing.append({"code": org.code, "name": org.name, "state": state_of(org, year)})
            continue
        included.append({"code": org.code, "name": org.name, "version": found.version,
                         "digest": found.digest})
        frozen = tables.frozen_figures(found)
        for form in forms_of(org.standard):
            figures = frozen.get(form.key, {})
            exact.setdefault(form.key, []).append(figures)
            rounded.setdefault(form.key, []).append(rules.reported(figures, form.units))
    return {"township": township.code, "name": township.name, "year": year,
            "organisations": included, "missing": missing, **_sums(exact, rounded)}


def _sums(exact: dict[str, list[dict[str, Decimal]]],
          reported: dict[str, list[dict[str, Decimal]]]) -> dict[str, Any]:
    """The figures a summary freezes, form by form: the exact sum of the parts (counts whole),
    that sum as the form reports it (rounded once), and the sum of the parts' reported figures
    — shown beside it, so the rounding difference is in sight."""
    units = units_by_form()
    sums = {key: rules.in_units(rules.summed(parts), units.get(key, {}))
            for key, parts in exact.items()}
    return {
        "forms": {key: {code: str(value) for code, value in rows.items()}
                  for key, rows in sums.items()},
        "reported": {key: {code: str(value) for code, value in
                           rules.reported(rows, units.get(key, {})).items()}
                     for key, rows in sums.items()},
        "sum_of_reported": {key: {code: str(value) for code, value in
                                  rules.summed(parts).items()}
                            for key, parts in reported.items()},
    }


def summarise(township: Township, year: int, *, by: User) -> Summary:
    """Produce a new version of the township's summary from the accepted filings."""
    lock(township)
    body = summary_contents(township, year)
    if not body["organisations"]:
        raise FilingError(N_("%(year)d 年还没有审核通过的报表，无法汇总。"), year=year)
    contents = canonical_json(body)
    version = (db.session.scalar(sa.select(sa.func.max(Summary.version)).where(
        Summary.township_id == township.id, Summary.year == year)) or 0) + 1
    summary = Summary(township_id=township.id, year=year, version=version,
                      contents=contents.decode("utf-8"),
                      digest=hashlib.sha256(contents).hexdigest(), produced_by_id=by.id,
                      produced_at=utcnow())
    db.session.add(summary)
    db.session.flush()
    record("filing.summarise", township, by=by, label=f"{township.name} {year} v{version}",
           after={"digest": summary.digest, "organisations": len(body["organisations"]),
                  "missing": len(body["missing"])})
    return summary


def summaries(township: Township, year: int) -> list[Summary]:
    """Every version of the township's summary for the year, newest first."""
    return list(db.session.scalars(sa.select(Summary).where(
        Summary.township_id == township.id, Summary.year == year)
        .order_by(Summary.version.desc())))


def summary_body(summary: Summary | CountySummary) -> dict[str, Any]:
    """A summary's frozen contents."""
    body: dict[str, Any] = json.loads(summary.contents)
    return body


# --- the county: review of the townships' summaries and the county's sum --------------------

def summary_steps_for(summary: Summary, user: User | None) -> Steps:
    """Which county steps ``user`` may take on ``summary`` now."""
    newest = db.session.scalar(sa.select(sa.func.max(Summary.version)).where(
        Summary.township_id == summary.township_id, Summary.year == summary.year))
    return rules.summary_steps(
        summary.state.value,
        may=lambda action: user is None or can(user, action, summary.township),
        latest=summary.version == newest, produced_by=summary.produced_by_id,
        user_id=user.id if user is not None else None)


def accept_summary(summary: Summary, *, by: User) -> Summary:
    """The county accepts a township's summary."""
    lock(summary)
    summary_steps_for(summary, by).require("accept", FilingError)
    summary.state = SummaryState.ACCEPTED
    summary.reviewed_by_id, summary.reviewed_at = by.id, utcnow()
    db.session.flush()
    record("filing.summary_accept", summary.township, by=by,
           label=f"{summary.township.name} {summary.year} v{summary.version}")
    return summary


def return_summary(summary: Summary, *, reason: str, by: User) -> Summary:
    """The county returns a township's summary with the reason."""
    reason = _reason(reason)
    lock(summary)
    summary_steps_for(summary, by).require("return", FilingError)
    summary.state = SummaryState.RETURNED
    summary.reviewed_by_id, summary.reviewed_at = by.id, utcnow()
    summary.review_note = reason
    db.session.flush()
    record("filing.summary_return", summary.township, by=by,
           label=f"{summary.township.name} {summary.year} v{summary.version}",
           after={"reason": reason[:200]})
    return summary


def county_townships(county: str, user: User) -> list[Township]:
    """The county's townships whose summaries ``user`` reviews (every one for an admin)."""
    townships = list(db.session.scalars(sa.select(Township).where(Township.county == county)
                                        .order_by(Township.code)))
    return [t for t in townships if can(user, Action.REVIEW_SUMMARIES, t)]


def county_contents(county: str, year: int, townships: list[Township]) -> dict[str, Any]:
    """What a county summary freezes: the exact sums of the townships' accepted summaries,
    rounded once, beside the sum of the townships' rounded figures; which are missing."""
    included, missing = [], []
    exact: dict[str, list[dict[str, Decimal]]] = {}
    parts: dict[str, list[dict[str, Decimal]]] = {}
    for township in townships:
        versions = summaries(township, year)
        newest = versions[0] if versions else None
        if newest is None or newest.state is not SummaryState.ACCEPTED:
            missing.append({"code": township.code, "name": township.name,
                            "state": newest.state.value if newest else "none"})
            continue
        body = summary_body(newest)
        included.append({"code": township.code, "name": township.name,
                         "version": newest.version, "digest": newest.digest,
                         "organisations": len(body["organisations"]),
                         "missing": len(body["missing"])})
        for key, rows in body["forms"].items():
            exact.setdefault(key, []).append({c: Decimal(v) for c, v in rows.items()})
            parts.setdefault(key, []).append(
                {c: Decimal(v) for c, v in body["reported"][key].items()})
    return {"county": county, "name": county, "year": year, "townships": included,
            "missing": missing, **_sums(exact, parts)}


def summarise_county(county: str, year: int, *, by: User) -> CountySummary:
    """Produce a new version of the county's summary from its townships' accepted ones."""
    townships = county_townships(county, by)
    if not townships:
        raise FilingError(N_("您没有审核这个县的乡镇汇总表的权限。"))
    for township in townships:
        lock(township)
    body = county_contents(county, year, townships)
    if not body["townships"]:
        raise FilingError(N_("%(year)d 年还没有县级审核通过的乡镇汇总表，无法汇总。"), year=year)
    contents = canonical_json(body)
    version = (db.session.scalar(sa.select(sa.func.max(CountySummary.version)).where(
        CountySummary.county == county, CountySummary.year == year)) or 0) + 1
    summary = CountySummary(county=county, year=year, version=version,
                            contents=contents.decode("utf-8"),
                            digest=hashlib.sha256(contents).hexdigest(), produced_by_id=by.id,
                            produced_at=utcnow())
    db.session.add(summary)
    db.session.flush()
    record("filing.county_summarise", townships[0], by=by,
           label=f"{county} {year} v{version}",
           after={"digest": summary.digest, "townships": len(body["townships"]),
                  "missing": len(body["missing"])})
    return summary


def county_summaries(county: str, year: int) -> list[CountySummary]:
    """Every version of the county's summary for the year, newest first."""
    return list(db.session.scalars(sa.select(CountySummary).where(
        CountySummary.county == county, CountySummary.year == year)
        .order_by(CountySummary.version.desc())))

