"""Stored files: the one place that keeps bytes under a key and gives them back.

Everything the app keeps beside its rows goes through here: scanned originals of vouchers,
share documents, contract scans, asset photos and ownership documents (content-addressed
``originals/ab/<sha256>``), published notices (``disclosures/<sha256>.pdf`` and the full
notices ``disclosures/full-<publication hash>-<sha256>.pdf``), job results
(``jobs/<id>/<name>``) and uploaded workbooks waiting for their import job
(``imports/<uuid>.xlsx``).

Two stores, chosen by the ``STORAGE`` setting (issue 17, "several hosts need no shared
filesystem"):

- ``folder`` (default): files under ``STORAGE_DIR``, each written under a temporary name and
  renamed, so a reader never sees half a file.
- ``database``: the bytes in the database itself (table ``stored_file_chunks``, ``bytea`` on
  PostgreSQL, a blob on SQLite) in chunks of :data:`CHUNK` bytes, written in the transaction of
  the request or job that stores them (a refused publication leaves no file behind) and read
  back a chunk at a time when streamed. Web processes and workers on different hosts then share
  nothing but the database and Redis.

Both refuse keys that climb out of their place (``..``, absolute paths).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from coopledger.db import Base, begin_writing
from coopledger.extensions import db

if TYPE_CHECKING:
    from flask import Response

CHUNK = 1024 * 1024
"""Bytes per stored row of the database store (and per piece of a streamed download)."""


class StoredChunk(Base):
    """One piece of a file kept in the database (``STORAGE = "database"``)."""

    __tablename__ = "stored_file_chunks"

    key: Mapped[str] = mapped_column(sa.String(400), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


class Store(Protocol):
    """What every store can do with a file named by its key."""

    def put(self, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key`` (replacing what was there), whole or not at all."""

    def put_once(self, key: str, data: bytes) -> None:
        """Keep content-addressed ``data`` unless the key is already there (same bytes)."""

    def get(self, key: str) -> bytes | None:
        """The file's bytes, or None when there is none."""

    def exists(self, key: str) -> bool:
        """Whether a file is kept under ``key``."""

    def chunks(self, key: str) -> Iterator[bytes]:
        """The file's bytes a piece at a time (for streamed downloads)."""

    def keys(self, prefix: str) -> list[str]:
        """Every key that starts with ``prefix``, sorted."""

    def delete(self, key: str) -> None:
        """Remove the file (nothing when there is none)."""


def checked_key(key: str) -> str:
    """A key as a relative POSIX path inside the store; anything else is a programming error."""
    path = PurePosixPath(key)
    if not key or path.is_absolute() or ".." in path.parts or "\\" in key:
        raise ValueError(f"not a storage key: {key!r}")
    return path.as_posix()


class FolderStore:
    """Files under one folder (``STORAGE_DIR``); several hosts need that folder shared."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        """Where the file of ``key`` lives on this host."""
        return self.root / checked_key(key)

    def put(self, key: str, data: bytes) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
        temporary.write_bytes(data)
        temporary.replace(target)

    def put_once(self, key: str, data: bytes) -> None:
        if not self.path(key).is_file():
            self.put(key, data)

    def get(self, key: str) -> bytes | None:
        path = self.path(key)
        return path.read_bytes() if path.is_file() else None

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def chunks(self, key: str) -> Iterator[bytes]:
        with self.path(key).open("rb") as handle:
            while piece := handle.read(CHUNK):
                yield piece

    def keys(self, prefix: str) -> list[str]:
        folder = self.path(prefix).parent if not prefix.endswith("/") else self.path(prefix)
        if not folder.is_dir():
            return []
        found = (path.relative_to(self.root).as_posix() for path in folder.rglob("*")
                 if path.is_file() and not path.name.startswith("."))
        return sorted(key for key in found if key.startswith(prefix))

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


class DatabaseStore:
    """Files in the database, in the session's transaction (``STORAGE = "database"``)."""

    def put(self, key: str, data: bytes) -> None:
        key = checked_key(key)
        begin_writing(db.session)
        db.session.execute(sa.delete(StoredChunk).where(StoredChunk.key == key))
        self._insert(key, data)

    def put_once(self, key: str, data: bytes) -> None:
        key = checked_key(key)
        begin_writing(db.session)
        if not self.exists(key):
            self._insert(key, data)

    def _insert(self, key: str, data: bytes) -> None:
        rows = [{"key": key, "seq": seq, "data": data[at:at + CHUNK]}
                for seq, at in enumerate(range(0, max(len(data), 1), CHUNK))]
        insert = _insert_ignoring_duplicates()
        for row in rows:  # one row at a time: a 10-MB scan is not one 10-MB statement
            db.session.execute(insert.values(**row))

    def get(self, key: str) -> bytes | None:
        pieces = db.session.scalars(sa.select(StoredChunk.data)
                                    .where(StoredChunk.key == checked_key(key))
                                    .order_by(StoredChunk.seq)).all()
        return b"".join(pieces) if pieces else None

    def exists(self, key: str) -> bool:
        return db.session.scalar(sa.select(sa.literal(1))
                                 .where(StoredChunk.key == checked_key(key)).limit(1)) is not None

    def chunks(self, key: str) -> Iterator[bytes]:
        key = checked_key(key)
        count = db.session.scalar(sa.select(sa.func.count())
                                  .where(StoredChunk.key == key)) or 0
        for seq in range(count):
            yield db.session.scalar(sa.select(StoredChunk.data)
                                    .where(StoredChunk.key == key, StoredChunk.seq == seq)) or b""

    def keys(self, prefix: str) -> list[str]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return list(db.session.scalars(
            sa.select(StoredChunk.key).distinct()
            .where(StoredChunk.key.like(f"{escaped}%", escape="\\"))
            .order_by(StoredChunk.key)))

    def delete(self, key: str) -> None:
        begin_writing(db.session)
        db.session.execute(sa.delete(StoredChunk).where(StoredChunk.key == checked_key(key)))


def _insert_ignoring_duplicates() -> sa.Insert:
    """An INSERT that leaves a chunk alone when another writer kept the same key first (two
    uploads of one scan at once store it once, and neither fails)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(StoredChunk).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(StoredChunk).on_conflict_do_nothing()


STORES = ("folder", "database")


def store() -> Store:
    """The configured store of the running app."""
    from flask import current_app

    if current_app.config.get("STORAGE", "folder") == "database":
        return DatabaseStore()
    return FolderStore(Path(current_app.config["STORAGE_DIR"]))


def scratch_dir(prefix: str) -> Path:
    """A new empty folder of this host for work in progress (a job's files before they are
    stored): under the instance folder, never shared; the caller removes it."""
    import tempfile

    from flask import current_app

    parent = Path(current_app.instance_path) / "scratch"
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


def send_kept(key: str, *, name: str, mimetype: str | None = None,
              inline: bool = False) -> Response:
    """Answer a request with a kept file, streamed a chunk at a time (404 when there is none).
    Only what the caller says is safe to show (images, our own PDFs) opens in the browser;
    everything else downloads."""
    import mimetypes

    from flask import Response as FlaskResponse
    from flask import abort, send_file, stream_with_context

    kept = store()
    if not kept.exists(key):
        abort(404)
    kind = mimetype or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if isinstance(kept, FolderStore):
        response = send_file(kept.path(key), mimetype=kind, download_name=name,
                             as_attachment=not inline)
    else:
        response = FlaskResponse(stream_with_context(kept.chunks(key)), mimetype=kind)
        response.headers.set("Content-Disposition", "inline" if inline else "attachment",
                             filename=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
