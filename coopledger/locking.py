"""Row locks for workflow transitions and balance checks (DESIGN §11, trust invariants).

Every transition of every workflow re-reads the row it changes ``FOR UPDATE`` and re-checks its
state after the lock, so that of two concurrent requests exactly one wins and the other is told
why in a sentence. A balance (what a contract still owes, the shares an account holds, a plan's
pool) is checked inside the lock of the row that guards it.

On PostgreSQL the lock is a row lock held until the request's transaction ends. SQLite has no
row locks: the engine begins every writer's transaction with ``BEGIN IMMEDIATE``
(``db.configure_engine``; only GET requests read deferred), so writers are serialised for the
whole transaction and the re-read after "locking" sees the committed state all the same.
"""

from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa

from coopledger.db import writes_announced
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_

T = TypeVar("T")


class GoneError(CoopLedgerError):
    """The record was deleted by someone else while this request waited for it."""

    message = N_("这条记录刚被其他用户删除，操作没有执行。请返回列表刷新后再看。")


def _serialised() -> bool:
    """Whether this transaction already excludes every other writer: SQLite's writers begin
    ``BEGIN IMMEDIATE`` and hold the database to the end, and the session expires what it read
    at every commit, so what it holds now was read inside this transaction and nobody can have
    changed it since; re-reading it (and the children) would only cost time."""
    return db.session.get_bind().dialect.name == "sqlite" and writes_announced()


def lock(obj: T) -> T:
    """Re-read ``obj`` from the database ``FOR UPDATE`` and return it.

    What this session changed so far is flushed first. The row is re-read, and the children this
    session had already loaded through its relationships (a plan's lines, a stock-take's items)
    are expired, so that what is checked after the lock is what the winner of a race committed,
    not a stale copy. Other rows read for a balance check after the lock are queried with
    ``populate_existing`` by their services (e.g. a contract's outstanding schedule lines).
    On SQLite the writer's transaction is the lock (:func:`_serialised`).
    """
    db.session.flush()
    state = sa.inspect(obj)
    if _serialised():
        if state.deleted or state.was_deleted:
            raise GoneError
        return obj
    loaded = [state.dict[rel.key] for rel in state.mapper.relationships if rel.key in state.dict]
    try:
        db.session.refresh(obj, with_for_update=True)
    except sa.exc.InvalidRequestError:   # the row is gone: the winner of the race deleted it
        raise GoneError from None
    for value in loaded:
        for child in (value if isinstance(value, list) else [value]):
            if child is not None and sa.inspect(child).persistent:
                db.session.expire(child)
    return obj
