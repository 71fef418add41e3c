"""Browsing, filtering and exporting the audit log (admin: all; township auditor: theirs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.audit.exports import EXPORT_KIND
from coopledger.audit.forms import AuditFilterForm
from coopledger.audit.queries import AuditFilter, action_names, audit_events_query
from coopledger.auth.permissions import Action, audited_township_ids, require
from coopledger.extensions import db
from coopledger.forms import ConfirmForm, options
from coopledger.jobs import services as jobs
from coopledger.orgs import queries as org_queries
from coopledger.web import me

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from coopledger.auth.models import User

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _filter_form(user: User) -> tuple[AuditFilterForm, AuditFilter]:
    form = AuditFilterForm(request.args)
    scope = None if user.is_admin else frozenset(audited_township_ids(user))
    orgs = org_queries.organisations()
    if scope is not None:
        orgs = [o for o in orgs if o.township_id in scope]
    form.organisation.choices = options([(0, _("全部"))] + [(o.id, o.name) for o in orgs])
    form.action.choices = options([("", _("全部"))] + [(a, a) for a in action_names()])
    valid = form.validate()
    org_id = form.organisation.data if valid and form.organisation.data else None
    flt = AuditFilter(
        township_ids=scope,
        action=(form.action.data or "") if valid else "",
        actor=(form.actor.data or "") if valid else "",
        organisation_id=org_id,
        date_from=form.date_from.data if valid else None,
        date_to=form.date_to.data if valid else None)
    return form, flt


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """The log, newest first, filtered and paginated."""
    user = me()
    require(user, Action.VIEW_AUDIT_LOG)
    form, flt = _filter_form(user)
    page = db.paginate(audit_events_query(flt), per_page=current_app.config["AUDIT_PAGE_SIZE"],
                       error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("audit/index.html", form=form, page=page, args=args,
                           export_form=ConfirmForm(), full=user.is_admin)


@bp.route("/export", methods=["POST"])
@login_required
def export() -> ResponseReturnValue:
    """Start a background export of the filtered log to Excel."""
    user = me()
    require(user, Action.VIEW_AUDIT_LOG)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("audit.index"))
    _form, flt = _filter_form(user)
    job = jobs.start_job(EXPORT_KIND, title=_("导出审计日志"),
                         params={**flt.as_params(), "full": user.is_admin}, by=user,
                         requires=Action.VIEW_AUDIT_LOG)
    db.session.commit()
    jobs.enqueue(job)
    return redirect(url_for("jobs.show", job_id=job.id))
