"""Following a job: progress page, JSON status for the progress bar, retry, result download."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import (
    Blueprint,
    abort,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.auth.permissions import Action, require
from coopledger.dates import utcnow
from coopledger.db import begin_writing
from coopledger.extensions import db
from coopledger.files import send_kept
from coopledger.forms import ConfirmForm
from coopledger.jobs import services
from coopledger.jobs.models import Job
from coopledger.web import apply_change, me

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _load(job_id: int) -> Job:
    job = db.get_or_404(Job, job_id)
    require(me(), Action.VIEW_JOB, job)
    return job


def _recovered(job: Job) -> Job:
    """The job, failed or queued again first if its worker died (shown, not left 进行中)."""
    if services.is_abandoned(job, now=utcnow()):
        begin_writing(db.session)
        requeued = services.recover(job, now=utcnow())
        db.session.commit()
        if requeued:
            services.enqueue(job)
    return job


@bp.route("/<int:job_id>")
@login_required
def show(job_id: int) -> ResponseReturnValue:
    """The progress page; static/js/jobs.js updates it without reloading."""
    job = _recovered(_load(job_id))
    return render_template("jobs/show.html", job=job, steps=services.steps_for(job, me()),
                           form=ConfirmForm())


@bp.route("/<int:job_id>.json")
@login_required
def status(job_id: int) -> ResponseReturnValue:
    """State, progress and (when done) the download link, for the progress bar."""
    job = _recovered(_load(job_id))
    steps = services.steps_for(job, me())
    return jsonify(
        state=job.state.value, state_label=_(job.state.label), progress=job.progress,
        message=_(job.message) if job.message else "", finished=job.state.finished,
        download=url_for("jobs.download", job_id=job.id) if steps.download else None,
        retry=steps.retry)


@bp.route("/<int:job_id>/retry", methods=["POST"])
@login_required
def retry(job_id: int) -> ResponseReturnValue:
    """Queue a job that was interrupted again (its owner only)."""
    job = _load(job_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if apply_change(lambda: services.retry(job, by=me()), _("已重新排队。")).ok:
        services.enqueue(job)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/<int:job_id>/download")
@login_required
def download(job_id: int) -> ResponseReturnValue:
    """The file the job produced."""
    job = _load(job_id)
    steps = services.steps_for(job, me())
    if not job.state.finished or not job.result_path:
        abort(404)
    if not steps.download:
        abort(403)
    assert job.result_path is not None
    return send_kept(job.result_path, name=job.result_name or "result", inline=False)
