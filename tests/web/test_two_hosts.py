"""Two hosts that share nothing but PostgreSQL and Redis (issue 17, a county deployment).

Each "host" is a ``coopledger run`` process (waitress, with its own job worker) with its own
instance folder, ``STORAGE = "database"`` and the same secret key; jobs go through Redis. The
test posts vouchers through both at once, uploads a scan through one and downloads it through
the other, publishes a disclosure through one (its job runs on whichever worker takes it) and
verifies the notice through the other, then checks the numbering and verify-ledger.
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from coopledger.auth.models import User
from coopledger.extensions import db
from coopledger.files import store
from coopledger.files.stores import StoredChunk
from coopledger.jobs.models import Job, JobState
from coopledger.ledger.models import Voucher, VoucherState
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.orgs.models import Organisation
from tests.conftest import PASSWORD, Databases, dispose, make_app
from tests.disclosure_helpers import reviewed_first_quarter
from tests.ledger_helpers import book_with_vouchers, make_voucher

pytestmark = [pytest.mark.postgresql_only, pytest.mark.long]

COMMAND = Path(sys.executable).with_name("coopledger")
REDIS_URL = "redis://127.0.0.1:6379/11"
ORG = "shian-jjhzs"
POSTINGS = 12


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Host:
    """A browser's view of one host: its address and a cookie jar."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def request(self, path: str, data: bytes | None = None,
                content_type: str | None = None) -> Answer:
        request = urllib.request.Request(self.base + path, data=data)  # noqa: S310 - http://127.0.0.1
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=120) as response:
                return Answer(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as err:
            return Answer(err.code, err.read(), dict(err.headers))

    def get(self, path: str) -> Answer:
        return self.request(path)

    def post(self, path: str, fields: dict[str, str] | None = None,
             file: tuple[str, str, bytes] | None = None) -> Answer:
        if file is None:
            return self.request(path, urllib.parse.urlencode(fields or {}).encode(),
                                "application/x-www-form-urlencoded")
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                 f"{value}\r\n".encode() for name, value in (fields or {}).items()]
        field, filename, content = file
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream'
                     f"\r\n\r\n".encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(path, b"".join(parts), f"multipart/form-data; boundary={boundary}")

    def login(self, username: str) -> None:
        answer = self.post("/auth/login", {"username": username, "password": PASSWORD})
        assert answer.status == 302, answer.text[-2000:]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _flush_queue() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture
def hosts(databases: Databases, tmp_path: Path) -> Iterator[tuple[Flask, Host, Host]]:
    url = databases.fresh("twohosts")
    _flush_queue()
    common = {**os.environ, "COOPLEDGER_DATABASE_URL": url, "COOPLEDGER_STORAGE": "database",
              "COOPLEDGER_REDIS_URL": REDIS_URL, "COOPLEDGER_SECRET_KEY": "shared-secret",
              "COOPLEDGER_PASSWORD_HASH_COST": "test", "COOPLEDGER_WTF_CSRF_ENABLED": "false",
              "COOPLEDGER_JOB_HEARTBEAT_SECONDS": "2"}
    envs = [{**common, "COOPLEDGER_INSTANCE_PATH": str(tmp_path / name)} for name in "ab"]
    for args in (["init-db"], ["load-sample", "--small", "--as-of", "2026-01-15"]):
        done = subprocess.run([str(COMMAND), *args], env=envs[0], capture_output=True,
                              text=True, timeout=400, check=False)
        assert done.returncode == 0, done.stderr
    ports = [_free_port(), _free_port()]
    logs = [(tmp_path / f"host-{name}.log").open("wb") for name in "ab"]
    servers = [subprocess.Popen([str(COMMAND), "run", "--port", str(port), "--threads", "4"],
                                env=env, stdout=log, stderr=subprocess.STDOUT)
               for env, port, log in zip(envs, ports, logs, strict=True)]
    checker = make_app(url, tmp_path / "checker-storage", STORAGE="database")
    try:
        for port, server in zip(ports, servers, strict=True):
            _wait_until_serving(port, server, tmp_path)
        yield checker, Host(f"http://127.0.0.1:{ports[0]}"), Host(f"http://127.0.0.1:{ports[1]}")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        for log in logs:
            log.close()
        dispose(checker)
        _flush_queue()


def _wait_until_serving(port: int, server: subprocess.Popen[bytes], tmp_path: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, _logs(tmp_path)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/p/{ORG}", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    pytest.fail(f"host on port {port} did not start:\n{_logs(tmp_path)}")


def _logs(tmp_path: Path) -> str:
    return "\n".join(path.read_text(errors="replace")[-3000:]
                     for path in sorted(tmp_path.glob("host-*.log")))


def _user(name: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == name)).one()


def _org() -> Organisation:
    return db.session.scalars(sa.select(Organisation).where(Organisation.code == ORG)).one()


def _prepare(checker: Flask) -> tuple[list[int], int]:
    """Reviewed vouchers waiting to be posted, and one draft to attach a scan to."""
    with checker.app_context():
        org, accountant, reviewer = _org(), _user("accountant"), _user("reviewer")
        book_with_vouchers(org, accountant, reviewer)
        # one date for all: 序时控制 refuses a voucher dated before the month's last posted one,
        # and the two hosts post in no particular order
        waiting = [make_voucher(org, accountant, reviewer, upto="reviewed",
                                on=dt.date(2024, 2, 10), amount=f"{100 + n}.00").id
                   for n in range(POSTINGS)]
        draft = make_voucher(org, accountant, reviewer, upto="draft",
                             on=dt.date(2024, 4, 20), amount="66.00").id
        db.session.commit()
        return waiting, draft


def _ready_quarter(checker: Flask) -> int:
    """The first quarter, closed and reviewed by the 民主理财小组 and the township."""
    with checker.app_context():
        return reviewed_first_quarter(_org())


def test_two_hosts_share_only_the_database_and_redis(
        hosts: tuple[Flask, Host, Host], tmp_path: Path) -> None:
    checker, a, b = hosts
    waiting, draft = _prepare(checker)
    posters = [Host(a.base), Host(b.base)]
    for poster in posters:
        poster.login("reviewer")

    # Vouchers posted through both hosts at once are numbered 1..N without gaps.
    answers: list[int] = []

    def post(poster: Host, ids: list[int]) -> None:
        for voucher_id in ids:
            answers.append(poster.post(f"/o/{ORG}/vouchers/{voucher_id}/post").status)

    threads = [threading.Thread(target=post, args=(poster, waiting[i::2]))
               for i, poster in enumerate(posters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert answers == [302] * POSTINGS
    with checker.app_context():
        posted = db.session.scalars(sa.select(Voucher).where(Voucher.id.in_(waiting))).all()
        assert {v.state for v in posted} == {VoucherState.POSTED}
        numbers = sorted(v.number for v in db.session.scalars(sa.select(Voucher).where(
            Voucher.organisation_id == _org().id, Voucher.state == VoucherState.POSTED,
            Voucher.on >= dt.date(2024, 2, 1), Voucher.on < dt.date(2024, 3, 1))))
        assert numbers == list(range(1, POSTINGS + 1))

    # A scan uploaded through host A is kept in the database and downloaded through host B.
    a.login("accountant")
    b.login("accountant")
    scan = PLACEHOLDER_PNG + b"two-hosts"
    uploaded = a.post(f"/o/{ORG}/vouchers/{draft}/attachments", file=("file", "发票.png", scan))
    assert uploaded.status == 302, uploaded.text[-2000:]
    with checker.app_context():
        voucher = db.session.get(Voucher, draft)
        assert voucher is not None
        attachment = voucher.attachments[0]
        assert store().get(f"originals/{attachment.sha256[:2]}/{attachment.sha256}") == scan
        attachment_id = attachment.id
    assert not list((tmp_path / "a").rglob("*" + attachment.sha256))   # not on host A's disk
    served = b.get(f"/o/{ORG}/vouchers/{draft}/attachments/{attachment_id}")
    assert served.status == 200
    assert served.body == scan

    # A disclosure published through host A (a job on either worker) verifies through host B.
    disclosure_id = _ready_quarter(checker)
    started = a.post(f"/o/{ORG}/disclosures/{disclosure_id}/publish")
    assert started.status == 302, started.text[-2000:]
    job_id = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    deadline = time.monotonic() + 240
    state = ""
    while time.monotonic() < deadline:
        state = json.loads(b.get(f"/jobs/{job_id}.json").text)["state"]
        if state in ("done", "failed"):
            break
        time.sleep(0.5)
    with checker.app_context():
        job = db.session.get(Job, job_id)
        assert job is not None
        assert job.state is JobState.DONE, (job.message, _logs(tmp_path))
        assert job.result_path is not None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredChunk).where(
            StoredChunk.key == job.result_path)) == 1
    result = b.get(f"/jobs/{job_id}/download")
    assert result.status == 200
    notice = b.get(f"/p/{ORG}/{disclosure_id}/notice.pdf")
    assert notice.status == 200
    assert notice.body.startswith(b"%PDF-")
    assert notice.body == result.body
    verdict = b.post("/verify", file=("file", "notice.pdf", notice.body))
    assert verdict.status == 200
    assert "一致：这是" in verdict.text
    altered = bytearray(notice.body)
    altered[len(altered) // 2] ^= 1
    refused = a.post("/verify", file=("file", "notice.pdf", bytes(altered)))
    assert "不一致" in refused.text

    # verify-ledger from either host: the chain, the scans and the published anchors hold.
    env = {**os.environ, "COOPLEDGER_DATABASE_URL": checker.config["DATABASE_URL"],
           "COOPLEDGER_STORAGE": "database", "COOPLEDGER_INSTANCE_PATH": str(tmp_path / "b"),
           "COOPLEDGER_SECRET_KEY": "shared-secret"}
    checked = subprocess.run([str(COMMAND), "verify-ledger", ORG], env=env,
                             capture_output=True, text=True, timeout=300, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
