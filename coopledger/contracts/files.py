"""Scanned pages of signed contracts, kept like voucher originals (type sniffed from the
content, stored once by SHA-256 under STORAGE_DIR); flushes, never commits."""

from __future__ import annotations

from functools import partial

from coopledger.auth.models import User
from coopledger.contracts.models import Contract
from coopledger.contracts.money_models import ContractFile
from coopledger.files.scans import keep_scan
from coopledger.files.stores import Store


def add_file(contract: Contract, *, content: bytes, filename: str, storage: Store,
             by: User) -> ContractFile:
    """Keep a scanned page of the contract (any state: a scan may come after signing)."""
    return keep_scan(partial(ContractFile, contract=contract), content=content,
                     filename=filename, storage=storage, by=by, action="contract.attach",
                     subject=contract, label=contract.number)
