"""Scanned documents: type and size checks, content-addressed storage by SHA-256.

Used for the originals of vouchers (原始凭证) and the supporting documents of share changes.

The type is read from the file's first bytes, not from its name or the browser's claim: only
JPEG, PNG and PDF are kept, and a PDF that carries JavaScript, launch actions or embedded files
is refused (a scan is a picture of paper; active content is a way in). Files live under
``STORAGE_DIR/originals/ab/<sha256>``, so the same scan uploaded twice is stored once; a file
is served, and verify-ledger passes it, only while its bytes still have that hash.
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
from coopledger.locking import lock

if TYPE_CHECKING:
    from coopledger.auth.models import User

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
              (b"%PDF-", "application/pdf"))


class AttachmentError(CoopLedgerError):
    """An upload that cannot be kept."""

    message = N_("附件不能上传。")


class DamagedScanError(AttachmentError):
    """A stored file whose bytes no longer have the SHA-256 it was stored (and posted) under."""

    status = 409
    message = N_("这份文件与登记时的指纹（SHA-256）不一致：文件已损坏或被改动，"
                 "请联系管理员从备份恢复。")


# Names of PDF objects that run or carry something: JavaScript, launch and submit actions,
# embedded and attached files, rich media.
ACTIVE_PDF = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/EmbeddedFiles",
              b"/FileAttachment", b"/RichMedia", b"/SubmitForm", b"/ImportData")


def sniff(content: bytes) -> str:
    """The content type from the file's signature, or raise."""
    for signature, kind in SIGNATURES:
        if content.startswith(signature):
            if kind == "application/pdf":
                check_pdf(content)
            return kind
    raise AttachmentError(N_("只能上传 JPEG、PNG 图片或 PDF 文件。"))


def check_pdf(content: bytes) -> None:
    """Refuse a PDF with active content: in its raw bytes, or in any object once its compressed
    object streams are read (pypdf), so hiding the names in a stream does not help."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    refused = AttachmentError(N_("这个 PDF 含有脚本、自动操作或内嵌文件，不能作为扫描件上传："
                                 "请用扫描仪或“打印为 PDF”重新生成。"))
    if any(name + tail in content for name in ACTIVE_PDF for tail in (b" ", b"(", b"<", b"/",
                                                                     b"\n", b"\r", b"[")):
        raise refused
    try:
        reader = PdfReader(io.BytesIO(content))
        names = {str(key) for key in _keys(reader)}
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError):
        raise AttachmentError(N_("这个 PDF 文件无法读取，请重新扫描后上传。")) from None
    if names & {name.decode() for name in ACTIVE_PDF}:
        raise refused


def _keys(reader: object) -> set[object]:
    """Every dictionary key of every object of the PDF (bounded: a scan has few objects)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    keys: set[object] = set()
    stack: list[object] = [reader.trailer]  # type: ignore[attr-defined]
    while stack and len(seen) < 20000:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            ref = (item.idnum, item.generation)
            if ref in seen:
                continue
            seen.add(ref)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            keys.update(item.keys())
            keys.update(v for v in item.values() if isinstance(v, str) and v.startswith("/"))
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return keys


def text_of_pdf(content: bytes, *, pages: int = 50) -> str:
    """The text of a stored PDF's first ``pages`` pages (empty when it has none or cannot be
    read): what a privacy check reads before the file is published."""
    import io

    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        return "\n".join(page.extract_text() or "" for page in reader.pages[:pages])
    except Exception:  # a damaged PDF has no text to check; it was refused at upload anyway
        return ""


def read_verified(storage: Path, sha256: str) -> bytes:
    """A stored file's bytes, refused when they no longer have their hash."""
    data = stored_path(storage, sha256).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise DamagedScanError()
    return data


def scan_problems(org_id: int, storage: Path) -> list[str]:
    """The scans of an organisation's vouchers that are missing or whose bytes changed."""
    import sqlalchemy as sa

    problems = []
    for label_on, number, sha256 in db.session.execute(
            sa.select(Voucher.on, Voucher.number, Attachment.sha256)
            .join(Attachment, Attachment.voucher_id == Voucher.id)
            .where(Voucher.organisation_id == org_id, Voucher.state == VoucherState.POSTED)
            .order_by(Voucher.post_seq)):
        path = stored_path(storage, sha256)
        label = f"{label_on} 记-{number}"
        if not path.is_file():
            problems.append(f"{label}: scan {sha256[:12]} is missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
            problems.append(f"{label}: scan {sha256[:12]} does not match its hash")
    return problems


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
    """Keep a scanned original of a voucher that is not yet posted (checked under the voucher's
    lock: a scan added while the voucher is being posted would fall outside its hash)."""
    lock(voucher)
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
