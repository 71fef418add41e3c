"""SQLite with a long writer (issue 17): a page that reads answers at once, and a change that
waited past the busy timeout for the writer's lock is refused with a sentence (503, "try
again"), not a 500, and nothing of it is saved."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from coopledger.auth.models import User
from coopledger.extensions import db
from tests.conftest import Databases, dispose, make_app, migrate_and_seed


@pytest.fixture
def busy_app(databases: Databases, tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    url = databases.fresh("busy")
    app = make_app(url, tmp_path / "storage", SQLITE_BUSY_TIMEOUT_SECONDS=0.5)
    migrate_and_seed(app)
    yield app, url
    dispose(app)


@pytest.mark.sqlite_only
def test_a_change_behind_a_long_writer_is_refused_with_a_sentence(
        busy_app: tuple[Flask, str]) -> None:
    app, url = busy_app
    client = app.test_client()
    assert client.post("/auth/login", data={"username": "accountant",
                                            "password": "coop-demo-2026"}).status_code == 302
    with app.app_context():
        before = db.session.scalars(sa.select(User.session_version).where(
            User.username == "accountant")).one()
        db.session.remove()
    writer = sqlite3.connect(sa.make_url(url).database or "", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")          # an import holding the writer's lock
        began = time.monotonic()
        public = client.get("/p/shian-tdgf")
        assert public.status_code == 200
        assert time.monotonic() - began < 2
        refused = client.post("/auth/logout")
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == "30"
        assert "系统正忙" in refused.get_data(as_text=True)
        assert "您这次的修改没有保存" in refused.get_data(as_text=True)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with app.app_context():
        after = db.session.scalars(sa.select(User.session_version).where(
            User.username == "accountant")).one()
        db.session.remove()
    assert after == before                           # the logout was not saved
    assert client.get("/o/shian-tdgf/").status_code == 200   # still signed in
    assert client.post("/auth/logout").status_code == 302    # and the next change is saved
    with app.app_context():
        assert db.session.scalars(sa.select(User.session_version).where(
            User.username == "accountant")).one() == before + 1
        db.session.remove()
