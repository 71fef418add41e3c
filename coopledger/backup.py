"""Backup and restore of one installation: the database, the stored files and the secret.

A published notice is verified against the PDF kept in the storage folder, and a dividend
statement's printed check code is an HMAC under the instance secret: a database restored
without the storage folder makes every notice "NOT MATCHED", and one without the secret makes
every printed statement code wrong. So one archive (``.tar.gz``) holds all three:

- ``database.sqlite`` — SQLite's online backup API (consistent while the site runs), or
  ``database.pgdump`` — ``pg_dump --format=custom`` of PostgreSQL (the schema of a
  ``search_path`` option only);
- ``storage/`` — scans, published notices, job results (import uploads are not kept);
- ``secret_key`` — the instance secret, when it lives in the instance folder (a secret given
  by ``COOPLEDGER_SECRET_KEY`` cannot be saved here: the command says it must be kept);
- ``manifest.json`` — what is inside, from which database kind, when.

Restoring refuses a database that already holds coopledger's tables unless ``force``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_

SKIPPED_FOLDERS = ("imports",)


class BackupError(CoopLedgerError):
    """A backup or restore that cannot be done."""

    message = N_("备份或恢复没有完成。")


@dataclass(frozen=True)
class Written:
    """What a backup wrote."""

    path: Path
    files: int
    secret_included: bool


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError(N_("内存数据库不能备份。"))
    return Path(url.database)


def _schema(url: URL) -> str | None:
    """The schema named by ``options=-csearch_path=…`` (how tests and counties may split one
    PostgreSQL database)."""
    options = url.query.get("options")
    text = options if isinstance(options, str) else (options[0] if options else "")
    for part in unquote(text).split():
        if part.startswith("-csearch_path="):
            return part.split("=", 1)[1].split(",")[0]
    return None


def _libpq(url: URL) -> str:
    """The URL for pg_dump/pg_restore: without the driver name and the options parameter."""
    plain = url.set(drivername="postgresql", query={})
    return plain.render_as_string(hide_password=False)


def _pg_env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def _sqlite_copy(source_path: Path, target_path: Path) -> None:
    """Copy a SQLite database page by page with its online backup API (consistent even while
    other connections write; the target is replaced whole)."""
    source = sqlite3.connect(str(source_path))
    target = sqlite3.connect(str(target_path))
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _run(command: list[str], env: dict[str, str]) -> None:
    # The command is ours (pg_dump/pg_restore with the configured URL), never user input.
    done = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                          check=False)
    if done.returncode != 0:
        raise BackupError(N_("%(tool)s 失败：%(reason)s"), tool=command[0],
                          reason=(done.stderr or done.stdout).strip()[:500])


def backup(database_url: str, storage: Path, secret_file: Path | None, out: Path) -> Written:
    """Write the archive ``out``; see the module docstring for what it holds."""
    url = make_url(database_url)
    with tempfile.TemporaryDirectory(prefix="coopledger-backup-") as temporary:
        work = Path(temporary)
        if url.get_backend_name() == "sqlite":
            database = work / "database.sqlite"
            _sqlite_copy(_sqlite_path(url), database)
        else:
            database = work / "database.pgdump"
            schema = _schema(url)
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  *([f"--schema={schema}"] if schema else []), f"--file={database}",
                  f"--dbname={_libpq(url)}"], _pg_env(url))
        manifest = {"made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "database": database.name, "schema": _schema(url),
                    "secret_included": secret_file is not None and secret_file.is_file()}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        tmp_out = out.with_name(out.name + ".part")
        files = 0
        with tarfile.open(tmp_out, "w:gz") as archive:
            archive.add(work / "manifest.json", arcname="manifest.json")
            archive.add(database, arcname=database.name)
            if manifest["secret_included"] and secret_file is not None:
                archive.add(secret_file, arcname="secret_key")
            for path in sorted(storage.rglob("*")) if storage.is_dir() else []:
                relative = path.relative_to(storage)
                if path.is_file() and relative.parts[0] not in SKIPPED_FOLDERS:
                    archive.add(path, arcname=f"storage/{relative.as_posix()}")
                    files += 1
        tmp_out.replace(out)      # a half-written archive never carries the final name
    return Written(out, files, bool(manifest["secret_included"]))


def has_tables(database_url: str) -> bool:
    """Whether the database already holds coopledger's tables."""
    engine = sa.create_engine(database_url)
    try:
        return "organisations" in sa.inspect(engine).get_table_names(
            schema=_schema(make_url(database_url)))
    finally:
        engine.dispose()


def restore(archive_path: Path, database_url: str, storage: Path, secret_file: Path, *,
            force: bool) -> dict[str, object]:
    """Put an archive back: database, stored files and secret. Refuses a database with
    coopledger's tables unless ``force``."""
    url = make_url(database_url)
    if has_tables(database_url) and not force:
        raise BackupError(N_("目标数据库已有 coopledger 的数据：确认要覆盖时请加 --force。"))
    with tempfile.TemporaryDirectory(prefix="coopledger-restore-") as temporary:
        work = Path(temporary)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work, filter="data")
        manifest: dict[str, object] = json.loads(
            (work / "manifest.json").read_text(encoding="utf-8"))
        database = work / str(manifest["database"])
        # The secret replaces the target's: an instance whose database is empty has signed
        # nothing with its own yet (a database with data was refused above without force).
        saved_secret = work / "secret_key"
        if url.get_backend_name() == "sqlite":
            if database.suffix != ".sqlite":
                raise BackupError(N_("这是 PostgreSQL 的备份，不能恢复到 SQLite。"))
            target = _sqlite_path(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            _sqlite_copy(database, target)
        else:
            if database.suffix != ".pgdump":
                raise BackupError(N_("这是 SQLite 的备份，不能恢复到 PostgreSQL。"))
            _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
                  *(["--clean", "--if-exists"] if force else []), f"--dbname={_libpq(url)}",
                  str(database)], _pg_env(url))
        kept = work / "storage"
        if kept.is_dir():
            storage.mkdir(parents=True, exist_ok=True)
            shutil.copytree(kept, storage, dirs_exist_ok=True)
        if saved_secret.is_file():
            secret_file.parent.mkdir(parents=True, exist_ok=True)
            secret_file.write_bytes(saved_secret.read_bytes())
            secret_file.chmod(0o600)
    return manifest
