"""The two stores of ``coopledger.files`` (a folder, the database) behave alike, on SQLite and
PostgreSQL; with ``STORAGE = "database"`` a scan uploaded through the app is kept in the
database and served back from it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from coopledger.extensions import db
from coopledger.files import DatabaseStore, FolderStore, Store, store
from coopledger.files import stores as store_module
from coopledger.files.stores import StoredChunk
from coopledger.ledger.models import Voucher
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from tests.conftest import Auth


@pytest.fixture(params=["folder", "database"])
def kept(request: pytest.FixtureRequest, session: Any, tmp_path: Path,
         monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setattr(store_module, "CHUNK", 7)   # every file below spans several chunks
    return FolderStore(tmp_path) if request.param == "folder" else DatabaseStore()


def test_a_store_keeps_lists_renames_and_deletes(kept: Store) -> None:
    twenty = bytes(range(20))
    kept.put("x/a.bin", twenty)
    kept.put("x/b.bin", b"")
    kept.put("y/c.bin", b"other")
    assert kept.get("x/a.bin") == twenty
    assert b"".join(kept.chunks("x/a.bin")) == twenty
    assert kept.get("x/b.bin") == b""
    assert kept.get("x/none.bin") is None
    assert kept.exists("x/a.bin")
    assert not kept.exists("x/none.bin")
    assert kept.keys("x/") == ["x/a.bin", "x/b.bin"]
    assert kept.keys("x/a") == ["x/a.bin"]
    kept.put_once("x/a.bin", b"not replaced")
    assert kept.get("x/a.bin") == twenty
    kept.put("x/a.bin", b"replaced")
    assert kept.get("x/a.bin") == b"replaced"
    kept.delete("x/a.bin")
    kept.delete("x/a.bin")    # nothing there: no error
    assert kept.keys("x/") == ["x/b.bin"]


@pytest.mark.parametrize("key", ["../secret_key", "/etc/passwd", "a/../../b", "a\\b", ""])
def test_keys_outside_the_store_are_refused(kept: Store, key: str) -> None:
    with pytest.raises(ValueError, match="not a storage key"):
        kept.put(key, b"x")


def test_a_database_store_write_is_undone_with_its_transaction(session: Any) -> None:
    kept = DatabaseStore()
    savepoint = db.session.begin_nested()
    kept.put("disclosures/refused.pdf", b"%PDF half a publication")
    assert kept.exists("disclosures/refused.pdf")
    savepoint.rollback()
    assert not kept.exists("disclosures/refused.pdf")


def test_with_database_storage_a_scan_is_kept_in_the_database_and_served_from_it(
        app: Flask, client: FlaskClient, auth: Auth, session: Any, by_name: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.ledger_helpers import book_with_vouchers, make_voucher

    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    voucher = make_voucher(org, accountant, reviewer, upto="draft")
    monkeypatch.setitem(app.config, "STORAGE", "database")
    auth.login("accountant")
    scan = PLACEHOLDER_PNG + b"kept in the database"
    answer = client.post(f"/o/shian-jjhzs/vouchers/{voucher.id}/attachments",
                         data={"file": (io.BytesIO(scan), "发票.png")},
                         content_type="multipart/form-data")
    assert answer.status_code == 302
    stored = db.session.get(Voucher, voucher.id)
    assert stored is not None
    sha256 = stored.attachments[0].sha256
    key = f"originals/{sha256[:2]}/{sha256}"
    assert isinstance(store(), DatabaseStore)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredChunk)
                             .where(StoredChunk.key == key)) == 1
    assert not (Path(app.config["STORAGE_DIR"]) / key).exists()
    served = client.get(f"/o/shian-jjhzs/vouchers/{voucher.id}/attachments/"
                        f"{stored.attachments[0].id}")
    assert served.status_code == 200
    assert served.data == scan
    # a changed copy in the database is refused, never served
    db.session.execute(sa.update(StoredChunk).where(StoredChunk.key == key)
                       .values(data=scan + b"changed"))
    assert client.get(f"/o/shian-jjhzs/vouchers/{voucher.id}/attachments/"
                      f"{stored.attachments[0].id}").status_code == 409
