"""A worker killed in the middle of an import and of a publication: another worker, started
afterwards, finishes each job once, and nothing of the killed run was saved (issue 17).

The worker runs as its own process on the test's database (SQLite file or PostgreSQL schema)
and huey's SQLite queue. A few lines run before the real ``coopledger worker`` to make the
moment of the kill certain: the import stops after every household is written but before the
commit, the publication while laying out its notices, each signalling through a file and
waiting there until killed.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from coopledger import paths
from coopledger.auth.models import User
from coopledger.db import reads_only, reads_only_reset
from coopledger.disclosure import verification
from coopledger.disclosure.models import Disclosure, DisclosureState
from coopledger.disclosure.publish_job import PUBLISH_KIND
from coopledger.extensions import db
from coopledger.files import FolderStore
from coopledger.jobs import services as jobs
from coopledger.jobs.models import Job, JobState
from coopledger.jobs.queue import huey
from coopledger.members.imports import IMPORT_KIND
from coopledger.members.models import Household
from coopledger.orgs.models import Organisation
from coopledger.workbooks import keep_upload
from tests.conftest import Databases, dispose, make_app
from tests.disclosure_helpers import reviewed_first_quarter
from tests.ledger_helpers import book_with_vouchers, make_voucher

COMMAND = Path(sys.executable).with_name("coopledger")

STALLING_WORKER = """
import os, sys, time
from pathlib import Path

import coopledger.disclosure.notice as notice
import coopledger.members.imports as imports
from coopledger.db import reads_only, reads_only_reset
from coopledger.extensions import db

marker = Path(os.environ["STALL_MARKER"])

def stall():
    marker.write_text(str(os.getpid()))
    time.sleep(600)

real_save, real_read = imports.save, imports.read

def save(parsed, **kwargs):
    real_save(parsed, **kwargs)
    db.session.flush()  # every household written, not committed
    stall()

def read(content):
    parsed = real_read(content)  # every row read and checked, nothing saved yet
    stall()

def render_both(*args, **kwargs):
    stall()

if os.environ.get("STALL_IN") == "read":
    imports.read = read
else:
    imports.save = save
notice.render_both = render_both
from coopledger.cli import main
sys.argv = ["coopledger", "worker", "--workers", "1"]
main()
"""


@pytest.fixture
def instance(databases: Databases, tmp_path: Path) -> Iterator[tuple[Flask, dict[str, str]]]:
    url = databases.fresh("jobkill")
    env = {**os.environ, "COOPLEDGER_DATABASE_URL": url,
           "COOPLEDGER_INSTANCE_PATH": str(tmp_path / "instance"),
           "COOPLEDGER_PASSWORD_HASH_COST": "test", "STALL_MARKER": str(tmp_path / "stalled")}
    for args in (["init-db"], ["load-sample", "--small", "--as-of", "2026-01-15"]):
        done = subprocess.run([str(COMMAND), *args], env=env, capture_output=True, text=True,
                              timeout=400, check=False)
        assert done.returncode == 0, done.stderr
    web = make_app(url, tmp_path / "unused", JOBS_IMMEDIATE=False,
                   HUEY_SQLITE_PATH=str(tmp_path / "instance" / "jobs.db"),
                   STORAGE_DIR=str(tmp_path / "instance" / "storage"))
    try:
        yield web, env
    finally:
        huey.immediate = True
        dispose(web)


def _worker(env: dict[str, str], log: Path, *, stalling: bool) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", STALLING_WORKER] if stalling else \
        [str(COMMAND), "worker", "--workers", "1"]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_for(condition: Callable[[], bool], what: str, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; the workers said:\n"
                f"{log.read_text(errors='replace')[-4000:]}")


def _state(web: Flask, job_id: int) -> JobState:
    """The job's state, read as a page reads it (a snapshot beside the running writer)."""
    token = reads_only(True)
    try:
        with web.app_context():
            job = db.session.get(Job, job_id)
            assert job is not None
            return job.state
    finally:
        reads_only_reset(token)


def _public_page_answers_at_once(web: Flask) -> None:
    """While the stopped job holds its write transaction, the village's public page answers
    within 2 s (on SQLite it reads the last committed state, not waiting for the writer)."""
    client = web.test_client()
    began = time.monotonic()
    page = client.get("/p/shian-tdgf")
    took = time.monotonic() - began
    assert page.status_code == 200
    assert "财务公开" in page.get_data(as_text=True)
    assert took < 2, f"the public page took {took:.1f} s during the import"


def _kill_mid_job_then_recover(web: Flask, env: dict[str, str], tmp_path: Path,
                               start: Callable[[], int],
                               meanwhile: Callable[[int], None] | None = None) -> Job:
    """Start the job with a worker that stops half way, kill it there, start a normal worker;
    ``meanwhile`` is what is tried while the job stands still."""
    marker = tmp_path / "stalled"
    marker.unlink(missing_ok=True)
    log = tmp_path / "workers.log"
    assert web.test_client().get("/p/shian-tdgf").status_code == 200  # templates compiled
    stalling = _worker(env, log, stalling=True)
    try:
        job_id = start()
        _wait_for(marker.exists, "the worker to stop half way", log)
        assert _state(web, job_id) is JobState.RUNNING
        _public_page_answers_at_once(web)
        if meanwhile is not None:
            meanwhile(job_id)
    finally:
        os.kill(stalling.pid, signal.SIGKILL)
        stalling.wait(timeout=30)
    second = _worker(env, log, stalling=False)
    try:
        _wait_for(lambda: _state(web, job_id).finished, "the second worker to finish the job",
                  log)
    finally:
        second.terminate()
        second.wait(timeout=30)
    with web.app_context():
        job = db.session.get(Job, job_id)
        assert job is not None
        db.session.expunge(job)
        return job


def _start_household_import(web: Flask) -> int:
    """建平藤椒's ten sample households, imported as a job for the admin."""
    with web.app_context():
        org = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "jianping-tj")).one()
        admin = db.session.scalars(sa.select(User).where(User.username == "admin")).one()
        upload = keep_upload((paths.SAMPLE_DATA_DIR / "households_import.xlsx").read_bytes())
        job = jobs.start_job(IMPORT_KIND, title="导入农户", by=admin,
                             params={**upload, "organisation_id": org.id})
        db.session.commit()
        jobs.enqueue(job)
        return job.id


def test_an_import_checking_its_rows_lets_other_writers_write(
        instance: tuple[Flask, dict[str, str]], tmp_path: Path) -> None:
    """While an import reads and checks its workbook it holds no write lock (``db.reading``):
    another writer saves at once (on SQLite it would otherwise wait for the whole import).
    Killed there, the next worker imports once."""
    web, env = instance

    def meanwhile(job_id: int) -> None:
        with web.app_context():
            began = time.monotonic()
            db.session.execute(sa.update(Organisation).where(
                Organisation.code == "shian-jjhzs").values(name="石安村股份经济合作社（更名）"))
            db.session.commit()
            took = time.monotonic() - began
        assert took < 2, f"a write waited {took:.1f} s for the import's check"

    job = _kill_mid_job_then_recover(web, {**env, "STALL_IN": "read"}, tmp_path,
                                     lambda: _start_household_import(web), meanwhile)
    assert job.state is JobState.DONE, job.message
    assert job.message == "已导入 10 户。"
    with web.app_context():
        org = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "shian-jjhzs")).one()
        assert org.name == "石安村股份经济合作社（更名）"


def test_a_killed_import_is_finished_once_by_the_next_worker(
        instance: tuple[Flask, dict[str, str]], tmp_path: Path) -> None:
    web, env = instance
    with web.app_context():
        households_before = db.session.scalar(sa.select(sa.func.count(Household.id)))

    job = _kill_mid_job_then_recover(web, env, tmp_path, lambda: _start_household_import(web))
    assert job.state is JobState.DONE, job.message
    assert job.attempts == 2
    assert job.message == "已导入 10 户。"
    with web.app_context():
        # the ten households once: the killed run's rows were rolled back with its connection
        assert db.session.scalar(sa.select(sa.func.count(Household.id))) == households_before + 10
        actions = db.session.scalars(sa.text(
            "SELECT action FROM audit_events WHERE object_id = :id AND action LIKE 'job.%' "
            "ORDER BY id"), {"id": str(job.id)}).all()
        assert list(actions) == ["job.start", "job.requeue"]


def _ready_quarter(web: Flask) -> int:
    """石安村's first quarter of 2024, reviewed by the 民主理财小组 and the township."""
    with web.app_context():
        def user(name: str) -> User:
            return db.session.scalars(sa.select(User).where(User.username == name)).one()

        org = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "shian-jjhzs")).one()
        accountant, reviewer = user("accountant"), user("reviewer")
        book_with_vouchers(org, accountant, reviewer)
        make_voucher(org, accountant, reviewer, on=dt.date(2024, 2, 5), amount="8000.00",
                     summary="收到鱼塘租金")
        return reviewed_first_quarter(org)


def test_a_killed_publication_is_published_once_by_the_next_worker(
        instance: tuple[Flask, dict[str, str]], tmp_path: Path) -> None:
    web, env = instance
    disclosure_id = _ready_quarter(web)

    def start() -> int:
        with web.app_context():
            accountant = db.session.scalars(sa.select(User).where(
                User.username == "accountant")).one()
            job = jobs.start_job(PUBLISH_KIND, title="公开", by=accountant, params={
                "disclosure_id": disclosure_id, "user_id": accountant.id})
            db.session.commit()
            jobs.enqueue(job)
            return job.id

    job = _kill_mid_job_then_recover(web, env, tmp_path, start)
    assert job.state is JobState.DONE, job.message
    assert job.result_name == "disclosure-shian-jjhzs-2024-Q1-v1.pdf"
    storage = Path(web.config["STORAGE_DIR"])
    assert job.result_path is not None
    result = (storage / job.result_path).read_bytes()
    # the killed worker's scratch folder is its host's litter, not a result; the finishing
    # worker removed its own
    assert len(list((tmp_path / "instance" / "scratch").glob(f"job-{job.id}-*"))) <= 1
    with web.app_context():
        disclosure = db.session.get(Disclosure, disclosure_id)
        assert disclosure is not None
        assert disclosure.state is DisclosureState.PUBLISHED
        assert disclosure.version == 1
        published = verification.published(disclosure.organisation)
        assert [(d.period_key, d.version) for d in published] == [("2024-Q1", 1)]
        check = verification.verify_pdf(result, FolderStore(storage))
        assert check.disclosure is not None
        assert check.disclosure.id == disclosure_id
        assert check.matches
