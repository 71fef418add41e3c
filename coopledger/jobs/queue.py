"""The huey queue: SQLite storage under ``instance/`` by default, Redis when configured.

Tasks are declared against :data:`huey` at import; :func:`configure_queue` points its storage
at the configured backend when the app (web or worker) starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

if TYPE_CHECKING:
    from flask import Flask

huey = Huey("coopledger", storage_class=MemoryStorage, utc=True)


def configure_queue(app: Flask) -> None:
    """Use Redis if ``REDIS_URL`` is set, else a SQLite file; immediate mode for tests."""
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": redis_url}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": app.config["HUEY_SQLITE_PATH"]}
    huey.immediate = bool(app.config.get("JOBS_IMMEDIATE"))
    if not huey.immediate:
        huey.storage = huey.create_storage()


def backend_name() -> str:
    """Which storage the queue uses (shown by the CLI)."""
    return type(huey.storage).__name__
