"""Background jobs: the audit-log export through huey's SQLite queue, progress and download."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from huey.storage import SqliteStorage
from openpyxl import load_workbook

from coopledger.audit.models import AuditEvent
from coopledger.extensions import db
from coopledger.jobs.models import Job, JobState
from coopledger.jobs.queue import huey
from tests.conftest import Auth


@pytest.fixture
def sqlite_queue(tmp_path: Path) -> Iterator[None]:
    """Use a real huey SQLite queue (not immediate mode) for one test."""
    huey.immediate = False
    huey.storage = SqliteStorage("coopledger-test", filename=str(tmp_path / "queue.db"))
    try:
        yield
    finally:
        huey.immediate = True


def test_export_goes_through_the_queue_and_produces_the_filtered_workbook(
        client: FlaskClient, auth: Auth, sqlite_queue: None, by_name: Any) -> None:
    auth.login("auditor")
    response = client.post("/audit/export?action=organisation.create")
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["state"] == "queued"
    assert status["finished"] is False
    assert huey.pending_count() == 1

    task = huey.dequeue()
    huey.execute(task)

    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["state"] == "done"
    assert status["progress"] == 100
    assert status["download"] == f"/jobs/{job_id}/download"
    with client.get(status["download"]) as download:
        assert download.status_code == 200
        assert download.headers["Content-Disposition"].endswith("audit-log.xlsx")
        data = download.data
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间（北京时间）", "操作人", "操作")
    names = sorted(row[4] for row in rows[1:])
    tashan_id = by_name.township("tashan").id
    expected = sorted(db.session.scalars(sa.select(AuditEvent.object_label).where(
        AuditEvent.action == "organisation.create", AuditEvent.township_id == tashan_id)))
    assert names == expected
    assert "建平县金石镇金石村股份经济合作社" not in names
    assert {row[2] for row in rows[1:]} == {"organisation.create"}


def test_progress_page_has_a_bar_that_updates_without_reload(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("admin")
    response = client.post("/audit/export", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert '<progress id="job-progress" max="100"' in page
    assert "/static/js/jobs.js" in page
    assert 'data-status-url="/jobs/' in page
    job = db.session.scalars(sa.select(Job).order_by(Job.id.desc())).first()
    assert job is not None
    assert job.state is JobState.DONE
    assert job.result_name == "audit-log.xlsx"


def test_a_failing_job_records_the_reason(app: Flask, session: Any, by_name: Any) -> None:
    from coopledger.errors import CoopLedgerError
    from coopledger.jobs import services
    from coopledger.jobs.registry import register

    def _fails(params: dict[str, Any], progress: Any, out_dir: Path) -> None:
        progress(40, "半途")
        raise CoopLedgerError("数据有误，无法继续。")

    register("test.fails", _fails)

    job = services.start_job("test.fails", title="失败的任务", params={},
                             by=by_name.user("admin"))
    db.session.commit()
    services.execute_job(job.id)
    db.session.refresh(job)
    assert job.state is JobState.FAILED
    assert job.message == "数据有误，无法继续。"
    assert job.finished_at is not None


def test_another_user_cannot_follow_or_download_my_job(
        client: FlaskClient, auth: Auth) -> None:
    auth.login("auditor")
    job_id = int(client.post("/audit/export").headers["Location"].rsplit("/", 1)[1])
    auth.login("accountant")
    assert client.get(f"/jobs/{job_id}").status_code == 403
    assert client.get(f"/jobs/{job_id}.json").status_code == 403
    assert client.get(f"/jobs/{job_id}/download").status_code == 403


def test_a_result_is_downloadable_only_while_its_starter_may_still_do_what_it_did(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    """The auditor exports the audit log, then loses the township auditor role: the file is
    refused (403) although the job is theirs; restored, it downloads again."""
    from coopledger.auth.models import RoleAssignment

    auth.login("auditor")
    job_id = int(client.post("/audit/export").headers["Location"].rsplit("/", 1)[1])

    def status() -> int:
        with client.get(f"/jobs/{job_id}/download") as response:
            return response.status_code

    assert status() == 200
    auditor = by_name.user("auditor")
    roles = db.session.scalars(sa.select(RoleAssignment).where(
        RoleAssignment.user_id == auditor.id)).all()
    kept = [(r.role, r.organisation_id, r.township_id) for r in roles]
    for role in roles:
        db.session.delete(role)
    db.session.commit()
    assert status() == 403
    for role, org_id, township_id in kept:
        db.session.add(RoleAssignment(user_id=auditor.id, role=role, organisation_id=org_id,
                                      township_id=township_id))
    db.session.commit()
    assert status() == 200
