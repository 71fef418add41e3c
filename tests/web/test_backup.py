"""Backup and restore: one archive of the database, the stored files and the instance secret.

A committed world with posted books and a published notice is backed up, restored into a fresh
database, storage folder and instance folder, and then: verify-ledger is OK for every
organisation, the notice and its short code still verify, the secret is the same, and a second
restore over the data is refused without ``--force``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from coopledger import dates
from coopledger.backup import BackupError, backup, restore
from coopledger.extensions import db
from coopledger.files import FolderStore, store
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from tests.conftest import DEFAULT_PG, Databases, Lookup, dispose, make_app, migrate_and_seed
from tests.ledger_helpers import book_with_vouchers, make_voucher


@pytest.fixture
def source(databases: Databases, tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    url = databases.fresh("backup")
    app = make_app(url, tmp_path / "storage")
    migrate_and_seed(app)
    yield app, url
    dispose(app)


def _target_url(databases: Databases, tmp_path: Path) -> Iterator[str]:
    if databases.kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    base = os.environ.get("COOPLEDGER_TEST_DATABASE_URL", DEFAULT_PG)
    name = databases.name("restore")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(base).set(database=name)
    schema = databases.name("backup")
    yield url.render_as_string(hide_password=False) + f"?options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def target(databases: Databases, tmp_path: Path) -> Iterator[str]:
    yield from _target_url(databases, tmp_path)


def _publish(app: Flask) -> tuple[bytes, str]:
    from coopledger.disclosure import services as disclosures
    from coopledger.ledger import periods

    with app.app_context():
        by_name = Lookup()
        org, accountant = by_name.org("shian-jjhzs"), by_name.user("accountant")
        reviewer = by_name.user("reviewer")
        book_with_vouchers(org, accountant, reviewer)
        make_voucher(org, accountant, reviewer, on=dt.date(2024, 2, 5))
        for month in (1, 2, 3):
            periods.close_month(org, 2024, month, by=accountant)
        first = disclosures.draft(org, "2024-Q1", by=accountant)
        disclosures.submit(first, by=accountant)
        disclosures.review(first, agrees=True, comment="", by=by_name.user("supervisor"))
        disclosures.township_review(first, agrees=True, opinion="无异议",
                                    by=by_name.user("auditor"))
        storage = store()
        disclosures.publish(first, render_pdf=lambda d, body: (b"%PDF a4 " + PLACEHOLDER_PNG,
                                                               b"%PDF a3"),
                            storage=storage, by=accountant, today=dates.today())
        db.session.commit()
        pdf = storage.get(f"disclosures/{first.pdf_sha256}.pdf") or b""
        code = first.short_code or ""
        db.session.remove()
    return pdf, code


def test_backup_then_restore_into_a_fresh_instance_keeps_every_notice_verifiable(
        source: tuple[Flask, str], target: str, tmp_path: Path) -> None:
    from coopledger.disclosure.verification import verify_code, verify_pdf
    from coopledger.ledger.bookfile import verify_book
    from coopledger.orgs.models import Organisation

    app, url = source
    pdf, code = _publish(app)
    secret = tmp_path / "instance-a" / "secret_key"
    secret.parent.mkdir()
    secret.write_text("the-instance-secret", encoding="ascii")
    storage = Path(app.config["STORAGE_DIR"])
    (storage / "imports").mkdir(exist_ok=True)
    (storage / "imports" / "upload.xlsx").write_bytes(b"ID numbers")
    archive = tmp_path / "backup.tar.gz"
    written = backup(url, storage, secret, archive)
    assert written.secret_included
    assert written.files >= 2       # the A4 and A3 notices at least; no import upload
    storage_b = tmp_path / "storage-b"
    secret_b = tmp_path / "instance-b" / "secret_key"
    restore(archive, target, storage_b, secret_b, force=False)
    assert secret_b.read_text(encoding="ascii") == "the-instance-secret"
    assert not (storage_b / "imports").exists()
    restored = make_app(target, storage_b)
    try:
        with restored.app_context():
            for org in db.session.scalars(sa.select(Organisation)):
                result = verify_book(org)
                assert result.ok, (org.code, result)
            verdict = verify_pdf(pdf, FolderStore(storage_b))
            assert verdict.matches
            assert verify_code(code, FolderStore(storage_b)).matches
            db.session.remove()
        with pytest.raises(BackupError, match="目标数据库已有 coopledger 的数据"):
            restore(archive, target, storage_b, secret_b, force=False)
    finally:
        dispose(restored)
    _commands(url, target, tmp_path)


def _commands(url: str, target: str, tmp_path: Path) -> None:
    """`coopledger backup --out F`, then `coopledger restore F` over the restored instance:
    refused with a sentence without --force, done with it."""
    import subprocess
    import sys

    command = str(Path(sys.executable).with_name("coopledger"))
    env = {**os.environ, "COOPLEDGER_PASSWORD_HASH_COST": "test"}
    archive = tmp_path / "demo.tar.gz"
    made = subprocess.run([command, "backup", "--out", str(archive)], capture_output=True,
                          text=True, check=False, timeout=120, env=env | {
                              "COOPLEDGER_DATABASE_URL": url,
                              "COOPLEDGER_INSTANCE_PATH": str(tmp_path / "a")})
    assert made.returncode == 0, made.stderr
    assert "backup written:" in made.stdout
    assert "instance secret" in made.stdout
    other = env | {"COOPLEDGER_DATABASE_URL": target,
                   "COOPLEDGER_INSTANCE_PATH": str(tmp_path / "b")}
    again = subprocess.run([command, "restore", str(archive)], capture_output=True, text=True,
                           check=False, timeout=120, env=other)
    assert again.returncode == 1
    assert "目标数据库已有 coopledger 的数据：确认要覆盖时请加 --force。" in again.stderr
    forced = subprocess.run([command, "restore", str(archive), "--force"], capture_output=True,
                            text=True, check=False, timeout=120, env=other)
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "b" / "secret_key").read_bytes() == \
        (tmp_path / "a" / "secret_key").read_bytes()
