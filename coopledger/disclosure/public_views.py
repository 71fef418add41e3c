"""The public side, no login: each organisation's publications (``/p/<org>``, also as a QR
code for the notice board), one publication as a phone page, its notices (A4, A3), and the
verification of a copy by upload or short code. Only published versions are ever shown; the
contents carry no ID or bank numbers (``ids.unmasked`` is checked in the tests)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import segno
import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request

from coopledger.dates import today
from coopledger.disclosure import rules, services, verification
from coopledger.disclosure.calendar import calendar
from coopledger.disclosure.forms import VerifyForm
from coopledger.disclosure.models import Disclosure, DisclosureState
from coopledger.disclosure.views import notice_response
from coopledger.extensions import db
from coopledger.files import store
from coopledger.forms import read_upload
from coopledger.orgs.models import Organisation
from coopledger.web import public_url_for

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

bp = Blueprint("disclosure_public", __name__)


def _org(code: str) -> Organisation:
    found = db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
    if found is None:
        abort(404)
    return found


def _published(org: Organisation, disclosure_id: int) -> Disclosure:
    found = db.session.get(Disclosure, disclosure_id)
    if found is None or found.organisation_id != org.id \
            or found.state is not DisclosureState.PUBLISHED:
        abort(404)
    return found


@bp.route("/p/<code>")
def organisation(code: str) -> ResponseReturnValue:
    """Every period that was due, published or not (a missing one is said plainly: due by
    that day, not published), each published version with the one that corrected it, and the
    special disclosures."""
    org = _org(code)
    published = verification.published(org)
    superseded = {d.corrects_id: d for d in published if d.corrects_id is not None}
    periods = [row for row in calendar(org, today())
               if row.state is not rules.CalendarState.NOT_DUE or row.versions]
    specials = sorted((d for d in published if d.topic), key=lambda d: (d.end, d.version),
                      reverse=True)
    qr = segno.make(public_url_for("disclosure_public.organisation", code=code),
                    error="m").svg_data_uri(scale=4)
    return render_template("disclosure/public_list.html", org=org, periods=periods,
                           specials=specials, superseded=superseded,
                           label=services.period_label, qr=qr)


@bp.route("/p/<code>/<int:disclosure_id>")
def publication(code: str, disclosure_id: int) -> ResponseReturnValue:
    """One publication, laid out for a phone."""
    org = _org(code)
    disclosure = _published(org, disclosure_id)
    broken = verification.broken_through(disclosure, store())
    if broken is not None:   # the stored contents are not shown unless they check out
        verification.raise_alarm(broken)
        db.session.commit()
        return render_template("disclosure/public_page.html", org=org, disclosure=disclosure,
                               body={}, c={}, corrected_by=None, lines=[], page=1, pages=1,
                               broken=broken)
    body = json.loads(disclosure.frozen or "{}")
    corrected_by = verification.correction_of(disclosure)
    contents = body.get("contents", {})
    lines, page, pages = rules.page_of(rules.listed_items(contents),
                                       request.args.get("page", ""))
    return render_template("disclosure/public_page.html", org=org, disclosure=disclosure,
                           body=body, c=contents, corrected_by=corrected_by, lines=lines,
                           page=page, pages=pages)


@bp.route("/p/<code>/<int:disclosure_id>/notice.pdf")
def publication_pdf(code: str, disclosure_id: int) -> ResponseReturnValue:
    """The notice as printed (``?size=a3`` for the A3 layout)."""
    return notice_response(_published(_org(code), disclosure_id))


@bp.route("/verify", methods=["GET", "POST"])
@bp.route("/p/<code>/verify", methods=["GET", "POST"])
def verify(code: str | None = None) -> ResponseReturnValue:
    """Check a downloaded or photographed notice: upload the PDF or type the short code. On an
    organisation's own page, a notice of another organisation does not match."""
    org = _org(code) if code is not None else None
    form = VerifyForm()
    verdict = None
    if request.method == "POST" and form.validate_on_submit():
        storage = store()
        upload = form.file.data
        if upload is not None and bool(getattr(upload, "filename", None)):
            verdict = verification.verify_pdf(read_upload(upload), storage)
        elif (form.code.data or "").strip():
            verdict = verification.verify_code(form.code.data or "", storage)
        if verdict is not None and org is not None and verdict.disclosure is not None \
                and verdict.disclosure.organisation_id != org.id:
            verdict = verification.Verdict(None, intact=False)
        if verdict is not None and verdict.disclosure is not None and not verdict.intact:
            broken = verification.broken_through(verdict.disclosure, storage)
            if broken is not None:
                verification.raise_alarm(broken)
                db.session.commit()
    corrected_by = verification.correction_of(verdict.disclosure) \
        if verdict is not None and verdict.matches and verdict.disclosure else None
    return render_template("disclosure/verify.html", form=form, verdict=verdict, org=org,
                           asked=request.method == "POST", corrected_by=corrected_by)
