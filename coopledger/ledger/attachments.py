"""The scanned originals of vouchers (原始凭证): kept while the voucher is not yet posted, and
checked by verify-ledger (a posted voucher's hash covers every scan's hash). The checks and the
keeping of a scan are ``files.scans`` (shared by every domain that keeps scans)."""

from __future__ import annotations

import hashlib
from functools import partial
from typing import TYPE_CHECKING

from coopledger.extensions import db
from coopledger.files.scans import (
    AttachmentError,
    DamagedScanError,
    keep_scan,
    scan_key,
)
from coopledger.ledger.models import Attachment, Voucher, VoucherState
from coopledger.locking import lock

if TYPE_CHECKING:
    from coopledger.auth.models import User
    from coopledger.files.stores import Store

__all__ = ["AttachmentError", "DamagedScanError", "add_attachment", "scan_problems"]


def scan_problems(org_id: int, storage: Store) -> list[str]:
    """The scans of an organisation's vouchers that are missing or whose bytes changed."""
    import sqlalchemy as sa

    problems = []
    for label_on, number, sha256 in db.session.execute(
            sa.select(Voucher.on, Voucher.number, Attachment.sha256)
            .join(Attachment, Attachment.voucher_id == Voucher.id)
            .where(Voucher.organisation_id == org_id, Voucher.state == VoucherState.POSTED)
            .order_by(Voucher.post_seq)):
        data = storage.get(scan_key(sha256))
        label = f"{label_on} 记-{number}"
        if data is None:
            problems.append(f"{label}: scan {sha256[:12]} is missing")
        elif hashlib.sha256(data).hexdigest() != sha256:
            problems.append(f"{label}: scan {sha256[:12]} does not match its hash")
    return problems


def add_attachment(voucher: Voucher, *, content: bytes, filename: str, storage: Store,
                   by: User) -> Attachment:
    """Keep a scanned original of a voucher that is not yet posted (checked under the voucher's
    lock: a scan added while the voucher is being posted would fall outside its hash)."""
    from coopledger.ledger.vouchers import steps_for

    lock(voucher)
    steps_for(voucher, by).require("attach", AttachmentError)
    attachment = keep_scan(partial(Attachment, voucher=voucher), content=content,
                           filename=filename, storage=storage, by=by, action="voucher.attach",
                           subject=voucher, label=voucher.label)
    voucher.attachment_count = max(voucher.attachment_count, len(voucher.attachments))
    db.session.flush()
    return attachment
