"""jobs/rules: when a running job has been abandoned, and the steps a user may take on a job."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import pytest

from coopledger.jobs import rules
from coopledger.jobs.models import JobState

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
STALE = dt.timedelta(minutes=2)


def _abandoned(*, state: JobState = JobState.RUNNING, ago: dt.timedelta | None,
               alive: bool | None, kept: bool) -> bool:
    return rules.abandoned(state=state, last_sign_of_life=None if ago is None else NOW - ago,
                           now=NOW, stale_after=STALE, worker_alive=alive, heartbeats_kept=kept)


def test_a_dead_worker_process_abandons_its_job_at_once() -> None:
    assert _abandoned(ago=dt.timedelta(seconds=1), alive=False, kept=False)
    assert _abandoned(ago=dt.timedelta(seconds=1), alive=False, kept=True)


def test_a_live_worker_on_sqlite_is_never_abandoned_however_long_the_job() -> None:
    assert not _abandoned(ago=dt.timedelta(hours=5), alive=True, kept=False)


def test_heartbeats_decide_where_they_are_kept() -> None:
    assert not _abandoned(ago=dt.timedelta(seconds=119), alive=None, kept=True)
    assert _abandoned(ago=dt.timedelta(seconds=121), alive=None, kept=True)
    # a live process whose heartbeat thread stopped is hung
    assert _abandoned(ago=dt.timedelta(seconds=121), alive=True, kept=True)
    # a worker on another host with no sign of life at all
    assert _abandoned(ago=None, alive=None, kept=True)


@pytest.mark.parametrize("state", [JobState.QUEUED, JobState.DONE, JobState.FAILED])
def test_only_running_jobs_can_be_abandoned(state: JobState) -> None:
    assert not _abandoned(state=state, ago=dt.timedelta(days=3), alive=False, kept=True)


def test_worker_names_parse_and_processes_are_looked_up() -> None:
    assert rules.Worker.parse("web-1.county:4242") == rules.Worker("web-1.county", 4242)
    assert str(rules.Worker("h", 7)) == "h:7"
    assert rules.Worker.parse(None) is None
    assert rules.Worker.parse("no-pid") is None
    assert rules.Worker.parse("host:abc") is None
    assert rules.process_exists(os.getpid())
    gone = subprocess.Popen(["true"])
    gone.wait()
    assert not rules.process_exists(gone.pid)


def test_steps_download_done_results_and_retry_interruptions_for_the_owner() -> None:
    done = rules.steps(state=JobState.DONE, has_result=True, retryable=False, is_owner=True,
                       still_allowed=True)
    assert done == rules.Steps(download=True, retry=False)
    lost_role = rules.steps(state=JobState.DONE, has_result=True, retryable=False,
                            is_owner=True, still_allowed=False)
    assert lost_role == rules.Steps(download=False, retry=False)
    interrupted = rules.steps(state=JobState.FAILED, has_result=False, retryable=True,
                              is_owner=True, still_allowed=True)
    assert interrupted == rules.Steps(download=False, retry=True)
    not_mine = rules.steps(state=JobState.FAILED, has_result=False, retryable=True,
                           is_owner=False, still_allowed=True)
    assert not_mine.retry is False
    refused_input = rules.steps(state=JobState.FAILED, has_result=False, retryable=False,
                                is_owner=True, still_allowed=True)
    assert refused_input.retry is False
