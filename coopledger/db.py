"""Declarative base, constraint naming convention and the exact column types.

Money is stored as integer fen (DESIGN §4) so that SQLite and PostgreSQL agree to the fen;
timestamps are stored in UTC and come back timezone-aware on both databases.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

from coopledger import money

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model: one metadata with named constraints."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class MoneyType(sa.types.TypeDecorator[Decimal]):
    """A Decimal amount of yuan stored as a whole number of fen; refuses sub-fen amounts."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        """Convert yuan to fen, raising instead of rounding."""
        if value is None:
            return None
        return money.to_fen(value)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        """Convert stored fen back to yuan."""
        if value is None:
            return None
        return money.from_fen(value)


class Decimal4(sa.types.TypeDecorator[Decimal]):
    """A non-negative-or-signed decimal with at most 4 places, stored as an integer × 10⁻⁴."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        """Refuse a fifth decimal instead of rounding."""
        if value is None:
            return None
        scaled = value * 10000
        if scaled != scaled.to_integral_value():
            msg = f"more than four decimals: {value}"
            raise ValueError(msg)
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        """Back to a Decimal with four places."""
        if value is None:
            return None
        return (Decimal(int(value)) / 10000).quantize(money.FOUR_PLACES)


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp; naive datetimes are refused."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        """Store as UTC (SQLite keeps no zone, so it is stored naive in UTC)."""
        if value is None:
            return None
        if value.tzinfo is None:
            msg = "naive datetime given for a UTC column"
            raise ValueError(msg)
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def enum_column(enum_cls: Any, name: str) -> sa.Enum:
    """A portable enum column: VARCHAR with a named CHECK constraint of the values."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


_reads_only: contextvars.ContextVar[bool] = contextvars.ContextVar("sqlite_reads_only",
                                                                   default=False)


def reads_only(on: bool) -> contextvars.Token[bool]:
    """Mark what follows in this context (a GET request) as reading only: on SQLite its
    transactions begin deferred, so they read a snapshot beside a running writer instead of
    queueing behind it. Returns the token to reset with :func:`reads_only_reset`."""
    return _reads_only.set(on)


def reads_only_reset(token: contextvars.Token[bool]) -> None:
    """Undo :func:`reads_only` (at the end of the request)."""
    _reads_only.reset(token)


def writes_announced() -> bool:
    """Whether this context may write (not a reading-only request, or one that announced it)."""
    return not _reads_only.get()


def begin_writing(session: Any) -> None:
    """In a request marked reading only, end the read transaction so that the next one begins
    as a writer's (``BEGIN IMMEDIATE``): for the few GET pages that write (an export's audit
    line, the findings the auditor's dashboard keeps, recovering an abandoned job). Call it
    before the reads whose result will be written."""
    if _reads_only.get():
        session.commit()
        _reads_only.set(False)


@contextmanager
def reading(session: Any) -> Iterator[None]:
    """The reading half of a long job (an import's check of every row): it reads a snapshot
    (on SQLite a deferred transaction, beside any writer) and writes nothing; the writes
    that follow begin a writer's transaction of their own. So a 1,000-row workbook holds
    the database's one write lock only while its rows are saved, not while they are read
    and checked. Ends the transaction open on entry (a job's: nothing pending) first, and
    the reading one on exit (objects loaded inside are expired, reloaded when next used)."""
    session.commit()
    token = reads_only(True)
    try:
        yield
    finally:
        session.rollback()
        reads_only_reset(token)


def configure_engine(engine: sa.Engine, busy_timeout_seconds: float = 60) -> None:
    """Give SQLite real transactions (BEGIN/SAVEPOINT), foreign keys and safe concurrency.

    pysqlite's own transaction handling breaks SAVEPOINT and defers BEGIN; SQLAlchemy's
    documented fix is to disable it and emit BEGIN ourselves. Writers emit BEGIN IMMEDIATE: a
    deferred transaction that reads and then writes fails at once with "database is locked"
    when another writer got there first, whereas an immediate one waits (busy_timeout) for its
    turn. Writers on SQLite therefore queue up; a busy multi-user site uses PostgreSQL.
    Requests that only read (GET, see :func:`reads_only`) begin deferred: in WAL mode they read
    the last committed state at once while a long write (an import, a publication) runs, so the
    public pages stay up during it.

    The busy timeout (``SQLITE_BUSY_TIMEOUT_SECONDS``, default 60 s) must outlast the slowest
    write the app does on a loaded machine, so that a waiting writer is late, never an error.
    """
    timeout_ms = int(busy_timeout_seconds * 1000)
    if engine.dialect.name == "postgresql":
        _no_prepared_statements(engine)
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={timeout_ms}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        reading = _reads_only.get() or connection.get_execution_options().get(_SNAPSHOT)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def _no_prepared_statements(engine: sa.Engine) -> None:
    """psycopg prepares a statement after its fifth run and forgets every prepared statement
    at each ROLLBACK — which ends every reading request — with one more round trip
    (``DEALLOCATE ALL``). Prepared statements never outlive a request here, so they are not
    made at all."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if hasattr(dbapi_connection, "prepare_threshold"):
            dbapi_connection.prepare_threshold = None


_SNAPSHOT = "coopledger_snapshot"


@contextmanager
def snapshot(bind: sa.Engine | sa.Connection) -> Iterator[sa.Connection]:
    """A connection of its own, in one transaction that reads a single consistent state and
    writes nothing: for a read that outlives its request's session (a streamed export, which
    Flask sends after the request's teardown). On SQLite a deferred transaction (a WAL
    snapshot read beside any writer, never the write lock); on PostgreSQL REPEATABLE READ,
    read only, so every statement of the export sees the same committed books. Given the
    session's bind: a session bound to one connection (inside a transaction of its caller's)
    reads in that connection."""
    if isinstance(bind, sa.Connection):
        yield bind
        return
    engine = bind
    with engine.connect() as connection:
        options: dict[str, Any] = {_SNAPSHOT: True}
        if engine.dialect.name == "postgresql":
            options.update(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        connection.execution_options(**options)
        with connection.begin():
            yield connection
