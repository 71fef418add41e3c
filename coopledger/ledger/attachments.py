"""Scanned documents: type and size checks, content-addressed storage by SHA-256.

Used for the originals of vouchers (原始凭证) and the supporting documents of share changes.

The type is read from the file's first bytes, not from its name or the browser's claim: only
JPEG, PNG and PDF are kept. Files live under ``STORAGE_DIR/originals/ab/<sha256>``, so the
same scan uploaded twice is stored once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from coopledger.audit.services import record
from coopledger.dates import utcnow
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger.models import Attachment, Voucher, VoucherState

if TYPE_CHECKING:
    from coopledger.auth.models import User

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
              (b"%PDF-", "application/pdf"))


class AttachmentError(CoopLedgerError):
    """An upload that cannot be kept."""

    message = N_("附件不能上传。")


def sniff(content: bytes) -> str:
    """The content type from the file's signature, or raise."""
    for signature, kind in SIGNATURES:
        if content.startswith(signature):
            return kind
    raise AttachmentError(N_("只能上传 JPEG、PNG 图片或 PDF 文件。"))


def stored_path(storage: Path, sha256: str) -> Path:
    """Where a file with this hash lives."""
    return storage / "originals" / sha256[:2] / sha256


def store_scan(content: bytes, storage: Path) -> tuple[str, str]:
    """Check a scan (type by signature, size) and store it once; returns (sha256, type)."""
    if not content:
        raise AttachmentError(N_("上传的文件是空的。"))
    if len(content) > MAX_BYTES:
        raise AttachmentError(N_("文件超过 %(mb)d MB，请压缩后再上传。"),
                              mb=MAX_BYTES // 1024 // 1024)
    kind = sniff(content)
    digest = hashlib.sha256(content).hexdigest()
    path = stored_path(storage, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(content)
        temporary.replace(path)
    return digest, kind


def add_attachment(voucher: Voucher, *, content: bytes, filename: str, storage: Path,
                   by: User) -> Attachment:
    """Keep a scanned original of a voucher that is not yet posted."""
    if voucher.state is VoucherState.POSTED:
        raise AttachmentError(N_("凭证已记账，不能再增加附件。"))
    digest, kind = store_scan(content, storage)
    attachment = Attachment(voucher=voucher, sha256=digest, filename=Path(filename).name[:200],
                            content_type=kind, size=len(content), uploaded_by_id=by.id,
                            uploaded_at=utcnow())
    db.session.add(attachment)
    voucher.attachment_count = max(voucher.attachment_count, len(voucher.attachments))
    db.session.flush()
    record("voucher.attach", voucher, by=by, label=f"{voucher.label} {attachment.filename}",
           after={"sha256": digest, "size": len(content), "type": kind})
    return attachment
