"""Scanned documents: type and size checks, kept once by SHA-256, read back only intact.

Used for every scan the app keeps: originals of vouchers (原始凭证), documents of share
changes, contract scans, asset photos and resource ownership documents, resolutions of
distribution plans, attachments of disclosure posts.

The type is read from the file's first bytes, not from its name or the browser's claim: only
JPEG, PNG and PDF are kept, and a PDF that carries JavaScript, launch actions or embedded files
is refused (a scan is a picture of paper; active content is a way in). Scans are kept in the
store (``files.store``) under ``originals/ab/<sha256>``, so the same scan uploaded twice is kept
once; a scan is served, and verify-ledger passes it, only while its bytes still have that hash.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, TypeVar

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_

if TYPE_CHECKING:
    from collections.abc import Callable

    from flask import Response
    from werkzeug.datastructures import FileStorage

    from coopledger.auth.models import User
    from coopledger.files.stores import Store

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


def read_verified(storage: Store, sha256: str) -> bytes:
    """A stored scan's bytes, refused when they no longer have their hash (or are gone)."""
    data = storage.get(scan_key(sha256))
    if data is None or hashlib.sha256(data).hexdigest() != sha256:
        raise DamagedScanError()
    return data


def scan_key(sha256: str) -> str:
    """The key a scan with this hash is kept under."""
    return f"originals/{sha256[:2]}/{sha256}"


def store_scan(content: bytes, storage: Store) -> tuple[str, str]:
    """Check a scan (type by signature, size) and keep it once; returns (sha256, type)."""
    if not content:
        raise AttachmentError(N_("上传的文件是空的。"))
    if len(content) > MAX_BYTES:
        raise AttachmentError(N_("文件超过 %(mb)d MB，请压缩后再上传。"),
                              mb=MAX_BYTES // 1024 // 1024)
    kind = sniff(content)
    digest = hashlib.sha256(content).hexdigest()
    storage.put_once(scan_key(digest), content)
    return digest, kind


R = TypeVar("R")


def keep_scan(row: Callable[..., R], *, content: bytes, filename: str, storage: Store,
              by: User, action: str, subject: object, label: str) -> R:
    """Store a scan (checked by :func:`store_scan`), add its row — ``row(sha256=, filename=,
    content_type=, size=, uploaded_by_id=, uploaded_at=)``, the record's own file class bound
    to its parent — and write the audit line ``action`` on ``subject``: the one way a voucher
    original, a contract scan, an asset photo, an ownership document or a request's scan is
    kept. Flushes, never commits."""
    from pathlib import Path

    from coopledger.audit.services import record
    from coopledger.dates import utcnow
    from coopledger.extensions import db

    digest, kind = store_scan(content, storage)
    kept = row(sha256=digest, filename=Path(filename).name[:200], content_type=kind,
               size=len(content), uploaded_by_id=by.id, uploaded_at=utcnow())
    db.session.add(kept)
    db.session.flush()
    record(action, subject, by=by, label=f"{label} {Path(filename).name[:200]}",
           after={"sha256": digest, "size": len(content), "type": kind})
    return kept


def send_scan(sha256: str | None, *, mimetype: str | None, name: str | None) -> Response:
    """Answer a request with a kept scan: 404 when there is none, a refusal when its bytes no
    longer have the hash; images inline, every other type as a download."""
    import io

    from flask import abort, send_file

    from coopledger.files.stores import store

    if not sha256 or not store().exists(scan_key(sha256)):
        abort(404)
    data = read_verified(store(), sha256)   # a changed file is refused, never served
    inline = (mimetype or "").startswith("image/")
    response = send_file(io.BytesIO(data), mimetype=mimetype or "application/octet-stream",
                         download_name=name or sha256, as_attachment=not inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def receive_scan(upload: FileStorage | None, keep: Callable[..., object], done: str, *,
                 fallback: str = "scan") -> bool:
    """Keep an uploaded scan through its record's service — ``keep(content=, filename=,
    storage=)`` adds the row and writes the audit line — as one change (``web.apply_change``:
    commit and flash ``done``, or the service's sentence); without a file, say so. Returns
    whether it was kept."""
    from flask import flash
    from flask_babel import gettext

    from coopledger.files.stores import store
    from coopledger.forms import read_upload
    from coopledger.web import apply_change

    if upload is None or not upload.filename:
        flash(gettext("请选择要上传的文件。"), "error")
        return False
    storage = store()
    return apply_change(lambda: keep(content=read_upload(upload),
                                     filename=upload.filename or fallback, storage=storage),
                        done).ok
