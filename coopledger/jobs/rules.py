"""When a running job has been abandoned by its worker, and which steps a user may take on a job.

A job records the worker that took it (``host:pid``) and, where the database allows a second
writer (PostgreSQL), a heartbeat written every few seconds while it runs. A job is abandoned when
its worker process is known to be gone (same host, the process no longer exists) or when its
heartbeats have stopped for longer than the configured time. On SQLite the job's own
transaction holds the database's one write lock, so no heartbeat can be written while it works;
there every worker runs on the one host that holds the file, and the process check decides.

Pure functions: no Flask, no SQL (DESIGN §3).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from coopledger.jobs.models import JobState

AUTOMATIC_RETRIES = 1
"""An interrupted job whose kind is safe to repeat is queued again this many times by itself."""


@dataclass(frozen=True)
class Worker:
    """The process that took a job: ``host:pid`` as stored on the job."""

    host: str
    pid: int

    @classmethod
    def parse(cls, text: str | None) -> Worker | None:
        """The worker named by ``text``, or None when it is missing or malformed."""
        if not text or ":" not in text:
            return None
        host, _, pid = text.rpartition(":")
        return cls(host, int(pid)) if pid.isdigit() else None

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"


def process_exists(pid: int) -> bool:
    """Whether a process with ``pid`` exists on this host (signal 0 checks without sending)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def abandoned(*, state: JobState, last_sign_of_life: dt.datetime | None, now: dt.datetime,
              stale_after: dt.timedelta, worker_alive: bool | None,
              heartbeats_kept: bool) -> bool:
    """Whether a job will never be finished by the worker that took it.

    ``worker_alive`` is True or False when the worker is on this host and its process was
    looked up, None when it cannot be known here (another host). ``last_sign_of_life`` is the
    newest heartbeat, or the start when there was none.
    """
    if state is not JobState.RUNNING:
        return False
    if worker_alive is False:
        return True
    if worker_alive is True and not heartbeats_kept:
        return False  # SQLite: a long job in a live process is simply long
    if last_sign_of_life is None:
        return True
    return now - last_sign_of_life > stale_after


@dataclass(frozen=True)
class Steps:
    """What a user may do with a job now: the one rule read by views, templates and tests."""

    download: bool
    retry: bool


def steps(*, state: JobState, has_result: bool, retryable: bool, is_owner: bool,
          still_allowed: bool) -> Steps:
    """For a user who may see the job: download its result (a done job's file, or the problem
    list of a refused import) while still allowed to do what the job did; retry, as its
    owner, a job that failed because it was interrupted (not one whose input was refused:
    that needs a new upload or a corrected record)."""
    return Steps(download=still_allowed and state.finished and has_result,
                 retry=is_owner and still_allowed and state is JobState.FAILED and retryable)
