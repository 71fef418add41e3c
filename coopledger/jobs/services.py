"""Starting jobs and running them: the web process queues, a huey worker executes.

:func:`start_job` creates the record and flushes; the view commits and then calls
:func:`enqueue`. :func:`execute_job` runs in the worker: it commits the job's start and its
end; the handler's work is one transaction, and progress is written beside it
(``ProgressWriter``).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context

from coopledger.audit.services import record
from coopledger.auth.permissions import Action
from coopledger.dates import utcnow
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.jobs.models import Job, JobState
from coopledger.jobs.queue import huey
from coopledger.jobs.registry import get_kind
from coopledger.locking import lock

if TYPE_CHECKING:
    from coopledger.auth.models import User
    from coopledger.orgs.models import Organisation

log = logging.getLogger(__name__)
_worker_app: list[Flask] = []


def start_job(kind: str, *, title: str, params: dict[str, Any], by: User,
              requires: Action | None = None, on: Organisation | None = None) -> Job:
    """Create a queued job record for ``kind``.

    ``requires`` (on ``on``) is what the starter had to be allowed to do: the job's result is
    downloadable only while its starter still may (a former accountant cannot take every
    household's statements after losing the role).
    """
    get_kind(kind)
    if requires is not None:
        params = {**params, "_requires": {"action": requires.value,
                                          "organisation_id": on.id if on else None}}
    job = Job(kind=kind, title=title, params=params, state=JobState.QUEUED, progress=0,
              message="", created_by_id=by.id, created_at=utcnow())
    db.session.add(job)
    db.session.flush()
    record("job.start", job, by=by, label=title, after={"kind": kind, "params": params})
    return job


def still_allowed(user: User, job: Job) -> bool:
    """Whether ``user`` may still do what the job did (see ``start_job``)."""
    from coopledger.auth.permissions import can
    from coopledger.orgs.models import Organisation

    needed = job.params.get("_requires") if isinstance(job.params, dict) else None
    if not isinstance(needed, dict):
        return True
    org_id = needed.get("organisation_id")
    org = db.session.get(Organisation, int(org_id)) if isinstance(org_id, int) else None
    return can(user, Action(str(needed.get("action"))), org)


def enqueue(job: Job) -> None:
    """Hand a committed job to the queue."""
    run_job(job.id)


def set_worker_app(app: Flask) -> None:
    """Tell tasks which app to run in when there is no app context (the worker process)."""
    _worker_app[:] = [app]


@huey.task()
def run_job(job_id: int) -> None:
    """Huey task: execute the job in the current app context, or the worker's app."""
    if has_app_context():  # immediate mode (tests, or a queue-less set-up)
        execute_job(job_id)
        return
    with _worker_app[0].app_context():
        execute_job(job_id)


def execute_job(job_id: int) -> None:
    """Run a job's handler, recording progress, result or failure."""
    job = db.session.get(Job, job_id)
    if job is None:
        return
    lock(job)  # a job handed out twice runs once
    if job.state is not JobState.QUEUED:
        return
    job.state, job.started_at = JobState.RUNNING, utcnow()
    db.session.commit()
    out_dir = Path(current_app.config["STORAGE_DIR"]) / "jobs" / str(job.id)
    out_dir.mkdir(parents=True, exist_ok=True)

    writer = ProgressWriter(job)
    try:
        result = get_kind(job.kind).handler(dict(job.params), writer, out_dir)
    except CoopLedgerError as err:
        _fail(job, str(err))
        return
    except Exception:
        log.exception("job %s failed", job_id)
        _fail(job, N_("内部错误，请联系管理员。"))
        return
    writer.settle()
    job.state, job.progress, job.finished_at = JobState.DONE, 100, utcnow()
    if result is not None:
        job.result_path = str(result.relative_to(current_app.config["STORAGE_DIR"]))
        job.result_name = result.name
    db.session.commit()


class ProgressWriter:
    """How the handler reports progress without ever committing its own transaction.

    A handler's work is one transaction holding its locks (a publication holds its book's lock
    until it is chained); committing it to show progress would release them half-way. On
    PostgreSQL progress is written on a connection of its own, so the page sees it at once. On
    SQLite a second connection could not write while the job holds the database's one write
    lock, so progress is kept on the job row and becomes visible when the job ends. Either way
    the last report is written with the job's end (``settle``).
    """

    def __init__(self, job: Job) -> None:
        self.job, self.job_id = job, job.id
        self.own_connection = db.engine.dialect.name != "sqlite"
        self.last: tuple[int, str] | None = None

    def __call__(self, percent: int, message: str) -> None:
        """Report ``percent`` done with ``message``."""
        self.last = (max(0, min(100, percent)), message[:5000])
        if not self.own_connection:
            self.job.progress, self.job.message = self.last
            return
        with db.engine.begin() as connection:
            connection.execute(sa.update(Job).where(Job.id == self.job_id).values(
                progress=self.last[0], message=self.last[1]))

    def settle(self) -> None:
        """Put the last report on the job row of the job's own transaction."""
        if self.last is not None:
            self.job.progress, self.job.message = self.last


def _fail(job: Job, message: str) -> None:
    db.session.rollback()
    job.state, job.message, job.finished_at = JobState.FAILED, message[:5000], utcnow()
    db.session.commit()


def elapsed(job: Job, *, now: dt.datetime) -> dt.timedelta | None:
    """How long the job has run (or ran)."""
    if job.started_at is None:
        return None
    return (job.finished_at or now) - job.started_at
