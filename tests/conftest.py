"""Shared fixtures: a migrated database with the sample world, per-test rollback, logins.

Run with ``--db=sqlite`` (default) or ``--db=postgresql`` (``COOPLEDGER_TEST_DATABASE_URL``).
Each xdist worker gets its own SQLite file or PostgreSQL schema. Every test runs inside a
transaction that is rolled back, on top of the committed sample world.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from sqlalchemy.orm import scoped_session, sessionmaker

os.environ.setdefault("COOPLEDGER_INSTANCE_PATH", tempfile.mkdtemp(prefix="coopledger-inst-"))

from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id

from coopledger import create_app, dates
from coopledger.extensions import db

# One business day for the whole run (each xdist worker pins its own at start-up): a run that
# crosses midnight in China must not see a parameter computed as "tomorrow" at collection turn
# into today by the time the test runs (CI failed that way at 00:00 Asia/Shanghai).
dates.pin_today(dates.today())

# Property tests must not depend on the speed of the machine: CI may run on a busy 2-core host,
# where hypothesis's timing health checks ("input generation is slow") and per-example deadlines
# fail tests that are correct. The example counts are the tests' own and stay as they are.
settings.register_profile(
    "ci", deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "coop-demo-2026"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", choices=("sqlite", "postgresql"), default="sqlite",
                     help="database the web and browser tests run on")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that belong to one database's run are deselected in the other (not skipped: both
    runs are required under CI). Races that need PostgreSQL's row locks run on PostgreSQL only;
    the full demo load (three minutes) runs once, on SQLite, where `make run` loads it."""
    on_postgresql = config.getoption("--db") == "postgresql"
    other = "sqlite_only" if on_postgresql else "postgresql_only"
    keep = [item for item in items if item.get_closest_marker(other) is None
            and not (on_postgresql and _matrix_user_left_to_sqlite(item))]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
    # The few tests that take minutes go first, so that the two workers finish together
    # instead of one running the longest test alone at the end.
    items[:] = sorted(keep, key=lambda item: item.get_closest_marker("long") is None)


PG_MATRIX_USERS = frozenset({"anonymous", "admin", "accountant", "auditor", "member"})
"""The users the permission matrix runs for on PostgreSQL. Who may do what is decided in
Python, the same on both databases, and the full matrix of every user runs on SQLite; on
PostgreSQL the admin opens every page and the others the pages of their organisation, township
and household, which is what can differ there (the SQL behind each page)."""


def _matrix_user_left_to_sqlite(item: pytest.Item) -> bool:
    """A case of the permission matrix (``test_*matrix`` of test_permissions.py) for a user
    outside :data:`PG_MATRIX_USERS`."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return (item.nodeid.startswith("tests/web/test_permissions.py::")
            and "matrix" in getattr(item, "originalname", "")
            and "user" in params and params["user"] not in PG_MATRIX_USERS)


def worker_id(config: pytest.Config) -> str:
    return getattr(config, "workerinput", {}).get("workerid", "main")


def run_id(config: pytest.Config) -> str:
    """A token of this test run, the same in every xdist worker: PostgreSQL schemas are named
    with it, so two runs on one server (two clones, CI beside a developer) never share one."""
    shared = getattr(config, "workerinput", {}).get("testrunuid")
    if shared is None:
        shared = getattr(config, "_coopledger_run", None) or uuid.uuid4().hex
        config._coopledger_run = shared  # type: ignore[attr-defined]
    return str(shared)[:8]


class Databases:
    """Hands out empty databases of the chosen kind: SQLite files or PostgreSQL schemas (named
    for the test, the worker and the run; dropped when the run ends)."""

    def __init__(self, kind: str, tmp: Path, worker: str, run: str = "") -> None:
        self.kind, self.tmp, self.worker, self.run = kind, tmp, worker, run
        self.made: set[str] = set()

    def name(self, name: str) -> str:
        """The PostgreSQL name (schema or database) of ``name`` in this worker and run."""
        return f"cl_{name}_{self.worker}_{self.run}".replace("-", "_").lower()

    def drop_all(self) -> None:
        """Drop the schemas this run made."""
        if self.kind == "sqlite" or not self.made:
            return
        engine = sa.create_engine(os.environ.get("COOPLEDGER_TEST_DATABASE_URL", DEFAULT_PG),
                                  isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                for schema in sorted(self.made):
                    conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            engine.dispose()

    def fresh(self, name: str) -> str:
        """The URL of an empty database called ``name`` (dropped and recreated)."""
        if self.kind == "sqlite":
            path = self.tmp / f"{name}.db"
            path.unlink(missing_ok=True)
            return f"sqlite:///{path}"
        base = os.environ.get("COOPLEDGER_TEST_DATABASE_URL", DEFAULT_PG)
        schema = self.name(name)
        self.made.add(schema)
        engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        except sa.exc.OperationalError as err:
            pytest.fail(f"PostgreSQL is required for --db=postgresql and is not usable: {err}")
        finally:
            engine.dispose()
        separator = "&" if "?" in base else "?"
        return f"{base}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def databases(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              ) -> Iterator[Databases]:
    found = Databases(request.config.getoption("--db"), tmp_path_factory.mktemp("db"),
                      worker_id(request.config), run_id(request.config))
    yield found
    found.drop_all()


def make_app(url: str, storage: Path, **overrides: Any) -> Flask:
    """An app on ``url`` configured for tests."""
    config = {
        "TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False, "JOBS_IMMEDIATE": True, "PASSWORD_HASH_COST": "test",
        "STORAGE_DIR": str(storage), "HUEY_SQLITE_PATH": str(storage / "jobs.db"),
    }
    config.update(overrides)
    return create_app(config)


def migrate_and_seed(app: Flask) -> None:
    """Bring the database to head and load the sample world, committed."""
    from flask_migrate import upgrade

    from coopledger.sample import load_world

    with app.app_context():
        upgrade()
        load_world(full=False)
        db.session.commit()


@pytest.fixture(scope="session")
def app(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    application = make_app(databases.fresh("web"), tmp_path_factory.mktemp("storage"))
    migrate_and_seed(application)
    yield application
    dispose(application)


def dispose(app: Flask) -> None:
    """Close the app's pooled connections (PostgreSQL warns about leaked ones)."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def db_connection(app: Flask) -> Iterator[sa.Connection]:
    """The connection a test's session runs on, inside a transaction rolled back afterwards.

    A test module may override it with ``scope="module"`` to build a costly world once and run
    each of its tests in a savepoint on top (see ``tests/web/test_permissions.py``).
    """
    with rolled_back_connection(app) as connection:
        yield connection


@contextlib.contextmanager
def rolled_back_connection(app: Flask) -> Iterator[sa.Connection]:
    """A connection inside a transaction that is rolled back when the block ends."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        try:
            yield connection
        finally:
            outer.rollback()
            connection.close()


@contextlib.contextmanager
def bound_session(connection: sa.Connection) -> Iterator[scoped_session[Any]]:
    """Make ``db.session`` work on ``connection``; its commits become savepoints."""
    original = db.session
    db.session = scoped_session(  # type: ignore[misc]
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=_app_ctx_id)
    try:
        yield db.session
    finally:
        db.session.remove()
        db.session = original  # type: ignore[misc]


@contextlib.contextmanager
def savepoint_session(app: Flask, connection: sa.Connection) -> Iterator[scoped_session[Any]]:
    """A session for one test in a savepoint of ``connection``, rolled back at the end."""
    with app.app_context():
        savepoint = connection.begin_nested()
        try:
            with bound_session(connection) as bound:
                yield bound
        finally:
            if savepoint.is_active:
                savepoint.rollback()


@pytest.fixture
def session(app: Flask, db_connection: sa.Connection) -> Iterator[scoped_session[Any]]:
    """Every test in one outer transaction, rolled back at the end; commits become savepoints."""
    with savepoint_session(app, db_connection) as bound:
        yield bound


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    The test itself holds an app context (for ``db.session``); without this, Flask would reuse
    it for each request and ``g`` (the logged-in user, the locale) would leak between requests.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        # buffered: a streamed answer (a CSV export) is read inside the request's own context,
        # where ``stream_with_context`` pushed it, as a server reads it before the next request
        kwargs.setdefault("buffered", True)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        # werkzeug's EnvironBuilder spools a body over 500 KB (a notice with its CJK fonts) to
        # a temporary file that it never closes; the request is over, so close it here
        body = getattr(response, "request", None)
        stream = body.environ.get("wsgi.input") if body is not None else None
        if stream is not None and hasattr(stream, "close"):
            stream.close()
        if has_app_context():  # the test's own objects re-read what the request changed
            db.session.expire_all()
        return response


@pytest.fixture
def client(app: Flask, session: Any) -> FlaskClient:
    app.test_client_class = IsolatedClient
    return app.test_client()


# Session cookies of earlier logins through the form, by (username, user id, session version).
_SIGNED_IN: dict[tuple[str, int, int], str] = {}


class Auth:
    """Log a test client in and out through the real login form."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str, password: str = PASSWORD) -> Any:
        self.client.post("/auth/logout")
        response = self.client.post("/auth/login", data={"username": username,
                                                         "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def sign_in(self, username: str) -> None:
        """Be ``username`` for what follows, with the session cookie an earlier login through
        the form gave (the first time, that login): for the tests of what each role may open,
        which log in some thousand times and test the pages, not the login. The cookie names
        the user's id and session version, so it is reused only while both are unchanged;
        a stale one would make the user anonymous, which the matrix tells from a refusal."""
        from coopledger.auth.models import User

        user = db.session.scalars(sa.select(User).where(User.username == username)).one()
        key = (username, user.id, user.session_version)
        cookie = _SIGNED_IN.get(key)
        if cookie is None:
            self.login(username)
            kept = self.client.get_cookie("session")
            assert kept is not None
            _SIGNED_IN[key] = kept.value
        else:
            self.client.set_cookie("session", cookie)


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


class Lookup:
    """Look up sample records: .user("admin"), .org("shian-tdgf"), .township("tashan").

    Tests and world builders also keep ids of the records they made on it as attributes.
    """

    def user(self, username: str) -> Any:
        from coopledger.auth.models import User

        return db.session.scalars(sa.select(User).where(User.username == username)).one()

    def org(self, code: str) -> Any:
        from coopledger.orgs.models import Organisation

        return db.session.scalars(
            sa.select(Organisation).where(Organisation.code == code)).one()

    def township(self, code: str) -> Any:
        from coopledger.orgs.models import Township

        return db.session.scalars(sa.select(Township).where(Township.code == code)).one()

    def village(self, code: str) -> Any:
        from coopledger.orgs.models import Village

        return db.session.scalars(sa.select(Village).where(Village.code == code)).one()


@pytest.fixture
def by_name(session: Any) -> Lookup:
    """Look up sample records by their codes and names (see ``Lookup``)."""
    return Lookup()
