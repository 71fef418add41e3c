"""Following a job: progress page, JSON status for the progress bar, result download."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flask import Blueprint, abort, current_app, jsonify, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.auth.permissions import Action, require
from coopledger.extensions import db
from coopledger.jobs import services
from coopledger.jobs.models import Job, JobState
from coopledger.web import me

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _load(job_id: int) -> Job:
    job = db.get_or_404(Job, job_id)
    require(me(), Action.VIEW_JOB, job)
    return job


@bp.route("/<int:job_id>")
@login_required
def show(job_id: int) -> ResponseReturnValue:
    """The progress page; static/js/jobs.js updates it without reloading."""
    return render_template("jobs/show.html", job=_load(job_id))


@bp.route("/<int:job_id>.json")
@login_required
def status(job_id: int) -> ResponseReturnValue:
    """State, progress and (when done) the download link, for the progress bar."""
    job = _load(job_id)
    return jsonify(
        state=job.state.value, state_label=_(job.state.label), progress=job.progress,
        message=_(job.message) if job.message else "", finished=job.state.finished,
        download=url_for("jobs.download", job_id=job.id)
        if job.state is JobState.DONE and job.result_path else None)


@bp.route("/<int:job_id>/download")
@login_required
def download(job_id: int) -> ResponseReturnValue:
    """The file the job produced."""
    job = _load(job_id)
    if job.state is not JobState.DONE or not job.result_path:
        abort(404)
    if not services.still_allowed(me(), job):
        abort(403)
    storage = Path(current_app.config["STORAGE_DIR"]).resolve()
    path = (storage / job.result_path).resolve()
    if not path.is_relative_to(storage) or not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=job.result_name)
