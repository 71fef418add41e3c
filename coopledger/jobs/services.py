"""Starting jobs, running them, and recovering the ones whose worker died.

:func:`start_job` creates the record and flushes; the view commits and then calls
:func:`enqueue`. :func:`execute_job` runs in the worker: it commits the job's start (with the
worker that took it) and its end; the handler's work is one transaction, progress is written
beside it (``ProgressWriter``), a heartbeat shows the worker is alive (``Heartbeat``), and the
handler writes its files into a scratch folder of this host, and only the finished result is
kept in the store (``files``: ``jobs/<id>/<name>``), so a worker that dies while writing leaves
nothing behind and any host can serve the result.
:func:`recover` fails or re-queues a job whose worker is gone (jobs/rules.abandoned): the
worker runs it for every running job when it starts and once a minute, and the progress page
for the job it shows.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import socket
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from huey import crontab

from coopledger import files
from coopledger.audit.services import record
from coopledger.auth.permissions import Action
from coopledger.dates import utcnow
from coopledger.db import reads_only, reads_only_reset, writes_announced
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.jobs import rules
from coopledger.jobs.models import Job, JobState
from coopledger.jobs.queue import huey
from coopledger.jobs.registry import get_kind, kind_or_none
from coopledger.locking import lock
from coopledger.workbooks import UPLOAD

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


def this_worker() -> rules.Worker:
    """This process, as recorded on the jobs it takes."""
    return rules.Worker(socket.gethostname(), os.getpid())


def execute_job(job_id: int) -> None:
    """Run a job's handler, recording progress, result or failure."""
    job = db.session.get(Job, job_id)
    if job is None:
        return
    lock(job)  # a job handed out twice runs once
    if job.state is not JobState.QUEUED:
        return
    job.state, job.started_at = JobState.RUNNING, utcnow()
    job.worker, job.heartbeat_at = str(this_worker()), job.started_at
    job.attempts += 1
    db.session.commit()
    work_dir = files.scratch_dir(f"job-{job.id}-")
    writer = ProgressWriter(job)
    heartbeat = Heartbeat.start(job.id, every=float(current_app.config["JOB_HEARTBEAT_SECONDS"]))
    try:
        try:
            try:
                result = get_kind(job.kind).handler(dict(job.params), writer, work_dir)
                kept = None if result is None else _keep(job, result, work_dir)
            finally:
                heartbeat.stop()
        except CoopLedgerError as err:
            _fail(job, str(err), report=_report_of(err))
            return
        except OSError as err:
            log.exception("job %s could not write its files", job_id)
            _fail(job, str(CoopLedgerError(STORAGE_FAILED, reason=err.strerror or str(err))),
                  retryable=True)
            return
        except Exception:
            log.exception("job %s failed", job_id)
            _fail(job, N_("内部错误，请联系管理员。"))
            return
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    writer.settle()
    job.state, job.progress, job.finished_at = JobState.DONE, 100, utcnow()
    if kept is not None:
        job.result_path, job.result_name = kept
    db.session.commit()
    _drop_upload(job)


STORAGE_FAILED = N_("无法写入存储目录（%(reason)s），没有保存任何内容。"
                    "请管理员检查磁盘空间和目录权限后点击“重试”。")
INTERRUPTED = N_("处理这项任务的后台进程中断了，没有保存任何内容。请点击“重试”再做一次。")
REQUEUED = N_("上次处理时后台进程中断，没有保存任何内容；已自动重新排队。")


def _drop_upload(job: Job) -> None:
    """Delete the uploaded workbook an import job was started with (it holds ID and bank
    numbers) once the job has ended, saved or refused; a worker that dies, or storage that
    failed, keeps it for the retry."""
    key = (job.params or {}).get(UPLOAD)
    if job.state.finished and not job.retryable and key:
        files.store().delete(str(key))
        db.session.commit()


def _keep(job: Job, result: Path, work_dir: Path) -> tuple[str, str]:
    """Keep the finished result in the store under ``jobs/<id>/<name>`` (one whole put: a
    download never sees half a file); returns its key and name."""
    if not result.is_relative_to(work_dir):
        msg = f"a job's result must be written into its folder: {result}"
        raise ValueError(msg)
    key = f"jobs/{job.id}/{result.name}"
    files.store().put(key, result.read_bytes())
    return key, result.name


class Heartbeat:
    """Writes ``heartbeat_at`` every few seconds on a connection of its own while a job runs.

    Only where a second writer can write beside the job's transaction (PostgreSQL); on SQLite
    the job's transaction holds the one write lock and the worker's process is checked instead
    (jobs/rules.abandoned).
    """

    def __init__(self, engine: sa.Engine | None, job_id: int, every: float) -> None:
        self.engine, self.job_id, self.every = engine, job_id, every
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    @classmethod
    def start(cls, job_id: int, *, every: float) -> Heartbeat:
        """Start beating for ``job_id`` (does nothing on SQLite)."""
        engine = db.engine if db.engine.dialect.name != "sqlite" else None
        beat = cls(engine, job_id, every)
        if engine is not None:
            beat.thread = threading.Thread(target=beat._run, name=f"job-{job_id}-heartbeat",
                                           daemon=True)
            beat.thread.start()
        return beat

    def _run(self) -> None:
        assert self.engine is not None
        while not self.stopped.wait(self.every):
            try:
                with self.engine.begin() as connection:
                    connection.execute(sa.update(Job).where(
                        Job.id == self.job_id, Job.state == JobState.RUNNING).values(
                        heartbeat_at=utcnow()))
            except sa.exc.SQLAlchemyError:
                log.warning("job %s: heartbeat not written", self.job_id, exc_info=True)

    def stop(self) -> None:
        """Stop beating (the job's end is committed by the caller)."""
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(timeout=self.every + 5)


def is_abandoned(job: Job, *, now: dt.datetime) -> bool:
    """Whether ``job`` runs in no worker any more (see jobs/rules.abandoned)."""
    worker = rules.Worker.parse(job.worker)
    alive = rules.process_exists(worker.pid) \
        if worker is not None and worker.host == socket.gethostname() else None
    return rules.abandoned(
        state=job.state, last_sign_of_life=job.heartbeat_at or job.started_at, now=now,
        stale_after=dt.timedelta(seconds=int(current_app.config["JOB_STALE_SECONDS"])),
        worker_alive=alive, heartbeats_kept=db.engine.dialect.name != "sqlite")


def recover(job: Job, *, now: dt.datetime) -> bool:
    """Fail or re-queue ``job`` if its worker is gone; True when it was queued again (the caller
    commits and then calls :func:`enqueue`). Nothing of the interrupted run was saved: its work
    was one transaction, which the database rolled back when the worker's connection died.
    Callers find the candidates with :func:`is_abandoned` first, reading only; here the row is
    locked and checked again."""
    lock(job)
    if not is_abandoned(job, now=now):  # another sweep got there first
        return False
    kind = kind_or_none(job.kind)
    before = {"state": job.state.value, "worker": job.worker, "attempts": job.attempts}
    if kind is not None and kind.retry_safe and job.attempts <= rules.AUTOMATIC_RETRIES:
        job.state, job.progress, job.message, job.worker = JobState.QUEUED, 0, REQUEUED, None
        record("job.requeue", job, by=None, label=job.title, before=before,
               after={"state": job.state.value})
        return True
    job.state, job.message, job.finished_at = JobState.FAILED, INTERRUPTED, now
    job.retryable = True
    record("job.abandoned", job, by=None, label=job.title, before=before,
           after={"state": job.state.value})
    return False


class JobNotRetryableError(CoopLedgerError):
    """Only a job that failed by interruption can be retried, by its owner."""

    message = N_("这项任务不能重试：只有因后台中断而失败的任务可以由发起人重试。")


def steps_for(job: Job, user: User) -> rules.Steps:
    """What ``user`` may do with ``job`` now."""
    return rules.steps(state=job.state, has_result=bool(job.result_path),
                       retryable=job.retryable, is_owner=job.created_by_id == user.id,
                       still_allowed=still_allowed(user, job))


def retry(job: Job, *, by: User) -> Job:
    """Queue an interrupted job again for its owner (the caller commits, then enqueues)."""
    lock(job)
    if not steps_for(job, by).retry:
        raise JobNotRetryableError
    job.state, job.progress, job.message, job.retryable = JobState.QUEUED, 0, "", False
    job.attempts, job.worker, job.started_at, job.finished_at = 0, None, None, None
    record("job.retry", job, by=by, label=job.title)
    return job


def sweep() -> list[int]:
    """Worker entry point (like :func:`execute_job`, it commits): recover every abandoned job and
    queue again those safe to repeat; returns their ids. The running jobs are first read as a
    page reads them, so that on SQLite the sweep does not queue behind a long job's write."""
    now = utcnow()
    token = reads_only(True)
    try:
        running = db.session.scalars(sa.select(Job).where(Job.state == JobState.RUNNING)
                                     .order_by(Job.id)).all()
        candidates = [job.id for job in running if is_abandoned(job, now=now)]
        db.session.rollback()
    finally:
        reads_only_reset(token)
    requeued: list[int] = []
    for job_id in candidates:
        job = db.session.get(Job, job_id)
        if job is not None and recover(job, now=now):
            requeued.append(job_id)
    db.session.commit()
    for job_id in requeued:
        run_job(job_id)
    clear_scratch({job.id: job.started_at for job in running
                   if job.id not in candidates and job.started_at is not None})
    db.session.remove()  # the worker's main thread holds no transaction while it waits
    return requeued


SCRATCH_KEPT = dt.timedelta(minutes=10)
"""A scratch folder of a job that was not running when the sweep looked is left alone this
long: the job may have started on another thread of this host just after the look."""


def clear_scratch(running: dict[int, dt.datetime], *, now: dt.datetime | None = None) -> None:
    """Remove this host's scratch folders left by a worker that died (``files.scratch_dir``
    names them ``job-<id>-…``): those of jobs not running (once older than
    :data:`SCRATCH_KEPT`), and those older than the current run of a job that runs again."""
    now = now or utcnow()
    folder = Path(current_app.instance_path) / "scratch"
    for path in folder.glob("job-*-*") if folder.is_dir() else []:
        job_id = path.name.split("-")[1]
        started = running.get(int(job_id)) if job_id.isdigit() else None
        made = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        stale = made < now - SCRATCH_KEPT if started is None \
            else made < started - dt.timedelta(seconds=5)
        if stale:
            shutil.rmtree(path, ignore_errors=True)


@huey.periodic_task(crontab(minute="*"))
def sweep_abandoned() -> None:
    """Huey periodic task: recover jobs whose worker died, on any host (PostgreSQL heartbeats)."""
    with _worker_app[0].app_context():
        sweep()


class ProgressWriter:
    """How the handler reports progress without ever committing its own transaction.

    A handler's work is one transaction holding its locks (a publication holds its book's lock
    until it is chained); committing it to show progress would release them half-way. On
    PostgreSQL progress is written on a connection of its own, so the page sees it at once. On
    SQLite a second connection could not write while the job holds the database's one write
    lock, so progress is kept on the job row (or, in a job's reading half, ``db.reading``,
    which writes nothing, only here) and becomes visible when the job ends. Either way
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
            if writes_announced():  # not in a reading half, which must write nothing
                self.job.progress, self.job.message = self.last
            return
        with db.engine.begin() as connection:
            connection.execute(sa.update(Job).where(Job.id == self.job_id).values(
                progress=self.last[0], message=self.last[1]))

    def settle(self) -> None:
        """Put the last report on the job row of the job's own transaction."""
        if self.last is not None:
            self.job.progress, self.job.message = self.last


def _report_of(err: CoopLedgerError) -> tuple[str, bytes] | None:
    """The problem workbook a refused import carries (``err.report``, ``err.report_name``),
    to keep as the failed job's result and download beside the message."""
    report = getattr(err, "report", None)
    if not isinstance(report, bytes):
        return None
    return str(getattr(err, "report_name", "report.xlsx")), report


def _fail(job: Job, message: str, *, retryable: bool = False,
          report: tuple[str, bytes] | None = None) -> None:
    db.session.rollback()
    job.state, job.message, job.finished_at = JobState.FAILED, message[:5000], utcnow()
    job.retryable = retryable
    if report is not None:
        name, content = report
        job.result_path, job.result_name = f"jobs/{job.id}/{name}", name
        files.store().put(job.result_path, content)
    db.session.commit()
    _drop_upload(job)


def elapsed(job: Job, *, now: dt.datetime) -> dt.timedelta | None:
    """How long the job has run (or ran)."""
    if job.started_at is None:
        return None
    return (job.finished_at or now) - job.started_at
