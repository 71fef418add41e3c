"""Home pages: the public landing page, and one section per role the user holds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user

from coopledger.auth.models import User
from coopledger.auth.permissions import Action, can, county_township_ids
from coopledger.auth.roles import Role
from coopledger.contracts.warnings import contract_warnings
from coopledger.dates import today
from coopledger.disclosure.calendar import warnings as disclosure_warnings
from coopledger.disclosure.queries import (
    awaiting_committee,
    latest_publication,
    publishing_organisations,
    questions_of,
)
from coopledger.distribution.queries import awaiting_supervisors, member_lines
from coopledger.extensions import db
from coopledger.ledger.work_queue import STALE_DAYS, waiting_for
from coopledger.members.queries import my_households
from coopledger.orgs import queries
from coopledger.orgs.models import Organisation, Township, Village
from coopledger.shares.queries import household_shares
from coopledger.spending.queries import waiting_for as spending_waiting
from coopledger.supervision.queries import findings_of
from coopledger.web import me, safe_next

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

bp = Blueprint("home", __name__)


def _member_year(user: User, households: list[Any]) -> dict[str, Any]:
    """A member's year on one screen: shares today, the last plan's 保底 and dividend with its
    payment state, each organisation's latest publication, answers to their questions."""
    shares = {h.id: household_shares(h.id, today()) for h in households}
    lines = member_lines([h.id for h in households])
    latest_plan: dict[int, Any] = {}
    for line in lines:   # newest year first: the first line of each household is its latest
        latest_plan.setdefault(line.household_id or 0, line)
    org_ids = sorted({m.organisation_id for h in households for m in h.memberships}
                     | {a.organisation_id for a in user.assignments
                        if a.role is Role.MEMBER and a.organisation_id is not None})
    held_in = {int(getattr(item["account"], "organisation_id", 0))
               for found in shares.values() for item in found}
    orgs = {o.id: o for o in db.session.scalars(sa.select(Organisation).where(
        Organisation.id.in_(sorted(held_in | set(org_ids)))))}
    return {"shares": shares, "plans": latest_plan, "orgs": orgs,
            "publications": latest_publication(org_ids), "questions": questions_of(user.id)}


@bp.route("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """Browsers ask for /favicon.ico whatever the page says: the site's icon."""
    static = current_app.static_folder
    assert static is not None
    return send_from_directory(static, "img/favicon.svg", mimetype="image/svg+xml",
                               max_age=86400)


@bp.route("/")
def index() -> ResponseReturnValue:
    """Landing page for visitors; the role home for a logged-in user."""
    if not current_user.is_authenticated:
        return render_template("home/landing.html", publishing=publishing_organisations())
    user = me()
    org_roles = queries.my_org_roles(user)
    context: dict[str, object] = {
        "org_roles": org_roles,
        "townships": [(t, queries.township_organisations(t))
                      for t in queries.audited_townships(user)],
        "is_member": user.has_role(Role.MEMBER),
        "my_households": my_households(user.id),
    }
    households = my_households(user.id)
    if households:
        context["member_year"] = _member_year(user, households)
    days = int(current_app.config["CONTRACT_EXPIRY_WARNING_DAYS"])
    context["contract_warnings"] = {
        org.id: contract_warnings(org, today(), expiry_days=days)
        for org, _roles in org_roles if can(user, Action.MANAGE_CONTRACTS, org)}
    context["expiry_days"] = days
    context["stale_days"] = STALE_DAYS
    question_days = int(current_app.config["QUESTION_WARNING_DAYS"])
    context["disclosure_warnings"] = {
        org.id: disclosure_warnings(org, today(), question_days=question_days)
        for org, _roles in org_roles if can(user, Action.MANAGE_DISCLOSURES, org)}
    context["question_days"] = question_days
    context["open_findings"] = {
        org.id: findings_of(org, open_only=True)
        for org, _roles in org_roles if can(user, Action.RESPOND_FINDINGS, org)}
    context["to_examine"] = {
        org.id: (awaiting_committee(org, user), awaiting_supervisors(org))
        for org, _roles in org_roles if can(user, Action.REVIEW_DISCLOSURES, org)}
    context["waiting"] = {
        org.id: waiting_for(org, user, today=today())
        for org, _roles in org_roles if can(user, Action.VIEW_BOOKS, org)}
    context["spending"] = spending_waiting(user)
    context["today"] = today()
    context["filing_year"] = today().year - 1
    context["counties"] = _counties(user)
    if user.is_admin:
        context["counts"] = {
            "townships": db.session.scalar(sa.select(sa.func.count(Township.id))),
            "villages": db.session.scalar(sa.select(sa.func.count(Village.id))),
            "organisations": db.session.scalar(sa.select(sa.func.count(Organisation.id))),
            "users": db.session.scalar(sa.select(sa.func.count(User.id))),
        }
    return render_template("home/index.html", **context)


def _counties(user: User) -> list[tuple[str, list[Township]]]:
    """The counties whose township summaries the user reviews, with those townships."""
    ids = county_township_ids(user)
    if not ids:
        return []
    found: dict[str, list[Township]] = {}
    for township in db.session.scalars(sa.select(Township).where(Township.id.in_(ids))
                                       .order_by(Township.county, Township.code)):
        found.setdefault(township.county, []).append(township)
    return list(found.items())


@bp.route("/language", methods=["POST"])
def set_language() -> ResponseReturnValue:
    """Remember the chosen interface language in the session."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")) or url_for("home.index"))
