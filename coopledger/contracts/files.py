"""Scanned pages of signed contracts, kept like voucher originals (type sniffed from the
content, stored once by SHA-256 under STORAGE_DIR); flushes, never commits."""

from __future__ import annotations

from pathlib import Path

from coopledger.audit.services import record
from coopledger.auth.models import User
from coopledger.contracts.models import Contract
from coopledger.contracts.money_models import ContractFile
from coopledger.dates import utcnow
from coopledger.extensions import db
from coopledger.files.scans import store_scan
from coopledger.files.stores import Store


def add_file(contract: Contract, *, content: bytes, filename: str, storage: Store,
             by: User) -> ContractFile:
    """Keep a scanned page of the contract (any state: a scan may come after signing)."""
    digest, kind = store_scan(content, storage)
    item = ContractFile(contract=contract, sha256=digest, filename=Path(filename).name[:200],
                        content_type=kind, size=len(content), uploaded_by_id=by.id,
                        uploaded_at=utcnow())
    db.session.add(item)
    db.session.flush()
    record("contract.attach", contract, by=by, label=f"{contract.number} {item.filename}",
           after={"sha256": digest, "size": len(content), "type": kind})
    return item
