"""Jobs that recover: a job whose worker died is queued again once (when its kind is safe to
repeat) or failed with a sentence and a 重试 button for its owner; a job whose storage cannot be
written fails with a sentence instead of sticking at 0 %; a result appears only when complete."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from coopledger.dates import utcnow
from coopledger.extensions import db
from coopledger.files import store
from coopledger.jobs import services
from coopledger.jobs.models import Job, JobState
from coopledger.jobs.registry import register
from tests.conftest import Auth


def _once(params: dict[str, Any], progress: Any, out_dir: Path) -> None:
    """A kind that must not be repeated by itself (as a payment sent to a bank would be)."""


def _writes(params: dict[str, Any], progress: Any, out_dir: Path) -> Path:
    target = out_dir / "result.txt"
    target.write_text("完成", encoding="utf-8")
    return target


register("test.once", _once, retry_safe=False)
register("test.writes", _writes)


def _dead_pid() -> int:
    gone = subprocess.Popen(["true"])
    gone.wait()
    return gone.pid


def _running(kind: str, by: Any, *, worker: str, attempts: int = 1,
             heartbeat_ago: dt.timedelta = dt.timedelta(seconds=1)) -> Job:
    """A job as a worker leaves it when it is killed half way: running, its work rolled back."""
    job = services.start_job(kind, title="导出审计日志", params={}, by=by)
    job.state, job.worker, job.attempts = JobState.RUNNING, worker, attempts
    job.started_at = job.heartbeat_at = utcnow() - heartbeat_ago
    db.session.commit()
    return job


def _recover_all() -> list[Job]:
    """What the worker's sweep does, in the test's transaction: recover every running job."""
    running = db.session.scalars(sa.select(Job).where(Job.state == JobState.RUNNING)).all()
    return [job for job in running if services.recover(job, now=utcnow())]


def test_a_job_of_a_dead_worker_is_queued_again_once_then_failed_for_its_owner_to_retry(
        app: Flask, session: Any, by_name: Any) -> None:
    auditor = by_name.user("auditor")
    job = _running("audit.export", auditor, worker=f"{socket.gethostname()}:{_dead_pid()}")
    requeued = _recover_all()
    db.session.commit()
    assert requeued == [job]
    assert job.state is JobState.QUEUED
    assert job.message == services.REQUEUED
    assert job.worker is None

    # the second run dies as well: now it fails, and says what to do
    job.state, job.attempts = JobState.RUNNING, 2
    job.worker = f"{socket.gethostname()}:{_dead_pid()}"
    db.session.commit()
    assert _recover_all() == []
    db.session.commit()
    assert job.state is JobState.FAILED
    assert job.message == services.INTERRUPTED
    assert job.retryable is True
    assert job.finished_at is not None
    assert services.steps_for(job, auditor).retry is True
    assert services.steps_for(job, by_name.user("admin")).retry is False  # owner only


def test_a_kind_not_safe_to_repeat_is_failed_not_requeued(
        app: Flask, session: Any, by_name: Any) -> None:
    job = _running("test.once", by_name.user("admin"),
                   worker=f"{socket.gethostname()}:{_dead_pid()}")
    assert _recover_all() == []
    assert job.state is JobState.FAILED
    assert job.retryable is True


def test_a_live_worker_keeps_its_job_and_a_silent_remote_one_loses_it_where_heartbeats_are_kept(
        app: Flask, session: Any, by_name: Any) -> None:
    admin = by_name.user("admin")
    mine = _running("audit.export", admin, worker=str(services.this_worker()),
                    heartbeat_ago=dt.timedelta(hours=1))
    remote = _running("audit.export", admin, worker="web-2.county:1234",
                      heartbeat_ago=dt.timedelta(minutes=10))
    fresh = _running("audit.export", admin, worker="web-2.county:1235",
                     heartbeat_ago=dt.timedelta(seconds=5))
    requeued = _recover_all()
    heartbeats = db.engine.dialect.name != "sqlite"
    assert fresh.state is JobState.RUNNING
    if heartbeats:  # PostgreSQL: my own stopped heartbeat means a hung worker, too
        assert set(requeued) == {mine, remote}
    else:  # SQLite: a process on this host decides; one of another host (a renamed
        # container) cannot be asked, and has had no sign of life for too long
        assert requeued == [remote]
        assert mine.state is JobState.RUNNING


def test_the_progress_page_ends_an_abandoned_job_and_its_owner_retries_it(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auditor = by_name.user("auditor")
    job = _running("test.once", auditor, worker=f"{socket.gethostname()}:{_dead_pid()}")
    auth.login("auditor")
    status = client.get(f"/jobs/{job.id}.json").get_json()
    assert status["state"] == "failed"
    assert status["finished"] is True
    assert status["retry"] is True
    assert status["message"].startswith("处理这项任务的后台进程中断了")
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f'action="/jobs/{job.id}/retry"' in page
    retry_form = re.search(r'<form id="job-retry"[^>]*>', page)
    assert retry_form is not None
    assert "hidden" not in retry_form.group(0)

    auth.login("admin")  # not the owner: told why, nothing queued
    client.post(f"/jobs/{job.id}/retry")
    db.session.refresh(job)
    assert job.state is JobState.FAILED

    auth.login("auditor")
    response = client.post(f"/jobs/{job.id}/retry", follow_redirects=True)
    assert "已重新排队。" in response.get_data(as_text=True)
    db.session.refresh(job)
    assert job.state is JobState.DONE  # immediate mode: the queue ran it at once
    assert job.retryable is False
    assert client.get(f"/jobs/{job.id}.json").get_json()["retry"] is False
    again = client.post(f"/jobs/{job.id}/retry", follow_redirects=True)
    assert "这项任务不能重试" in again.get_data(as_text=True)


def test_unwritable_storage_fails_with_a_sentence_and_may_be_retried(
        app: Flask, session: Any, by_name: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(blocker / "storage"))
    job = services.start_job("test.writes", title="写文件", params={}, by=by_name.user("admin"))
    db.session.commit()
    services.execute_job(job.id)
    db.session.refresh(job)
    assert job.state is JobState.FAILED
    assert job.message.startswith("无法写入存储目录（")
    assert "请管理员检查磁盘空间和目录权限" in job.message
    assert job.retryable is True


def test_a_result_is_kept_only_when_complete(
        app: Flask, session: Any, by_name: Any) -> None:
    """The handler writes into a scratch folder of this host; only the finished file is kept in
    the store, and the scratch folder is gone afterwards."""
    job = services.start_job("test.writes", title="写文件", params={}, by=by_name.user("admin"))
    db.session.commit()
    services.execute_job(job.id)
    db.session.refresh(job)
    assert job.state is JobState.DONE
    assert job.result_path == f"jobs/{job.id}/result.txt"
    assert store().get(job.result_path) == "完成".encode()
    scratch = Path(app.instance_path) / "scratch"
    assert not list(scratch.glob(f"job-{job.id}-*"))
    assert job.worker == str(services.this_worker())
    assert job.attempts == 1


def test_scratch_left_by_a_dead_worker_is_cleared_but_a_running_jobs_is_kept(
        app: Flask, session: Any) -> None:
    """A SIGKILLed worker leaves its scratch folder; the sweep removes it once it is old, and
    the folder of an earlier attempt of a job running again, never the current one's."""
    import datetime as dt
    import os

    scratch = Path(app.instance_path) / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)

    def folder(name: str, made: dt.datetime) -> Path:
        path = scratch / name
        path.mkdir()
        os.utime(path, (made.timestamp(), made.timestamp()))
        return path

    dead = folder("job-990001-old", now - dt.timedelta(hours=1))
    young = folder("job-990002-new", now - dt.timedelta(minutes=1))   # may have just started
    earlier = folder("job-990003-first", now - dt.timedelta(minutes=30))
    current = folder("job-990003-second", now - dt.timedelta(minutes=2))
    try:
        services.clear_scratch({990003: now - dt.timedelta(minutes=3)}, now=now)
        assert not dead.exists()
        assert young.exists()
        assert not earlier.exists()
        assert current.exists()
    finally:
        for path in (young, current):
            shutil.rmtree(path, ignore_errors=True)
