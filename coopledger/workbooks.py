"""The one safe reader of an uploaded workbook and the uploaded file of an import job (kept in
the store under ``imports/``, deleted by the job runner once its import has finished, saved or
refused: it holds ID and bank numbers). The import pipeline on top of it
(columns by name, strict cells, located problems) is :mod:`coopledger.workbook_import`.

Reading: an .xlsx file is a zip of XML parts. Before openpyxl sees it, the zip is checked: its
parts together may not unpack to more than ``MAX_UNPACKED`` bytes (a zip bomb), no XML part
may declare a DTD or an entity (``<!DOCTYPE``/``<!ENTITY``: entity expansion and external
entities, OWASP XXE), and every part must be well-formed XML — openpyxl in read-only mode
parses the sheets only while rows are read, so a damaged sheet would otherwise fail in the
middle of an import instead of with one sentence at its start.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.parsers import expat

from openpyxl import load_workbook

from coopledger.errors import CoopLedgerError
from coopledger.files.stores import store
from coopledger.i18n import N_

UPLOAD = "upload"
"""The job parameter naming the stored upload; ``jobs.services`` deletes it when the job ends."""


def keep_upload(content: bytes) -> dict[str, str]:
    """Keep an uploaded workbook for its import job (any host's worker reads it from the
    store); the job parameters that name it."""
    import uuid

    key = f"imports/{uuid.uuid4().hex}.xlsx"
    store().put(key, content)
    return {UPLOAD: key}


def uploaded_workbook(params: dict[str, Any]) -> bytes:
    """The bytes of the workbook an import job was started with."""
    content = store().get(str(params.get(UPLOAD, "imports/none")))
    if content is None:
        raise CoopLedgerError(N_("上传的文件已经不在了（导入结束后会删除），请重新上传。"))
    return content


MAX_UNPACKED = 200 * 1024 * 1024
CHUNK = 1024 * 1024


class UnreadableWorkbookError(CoopLedgerError):
    """An upload that is not a workbook this app will read."""

    message = N_("文件不是有效的 Excel (.xlsx) 文件。")


DTD_REFUSED = N_("这个 Excel 文件含有 XML 文档类型声明（DTD），为安全起见不能导入："
                 "请在 Excel 中另存为新的 .xlsx 文件后再上传。")


def _refuse_dtd(*_args: Any) -> None:
    raise UnreadableWorkbookError(DTD_REFUSED)


def _check_parts(archive: zipfile.ZipFile) -> None:
    """Every XML part well-formed, none with a DTD or an entity declaration, not too big."""
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
        raise UnreadableWorkbookError(N_("这个 Excel 文件解压后过大，不能导入。"))
    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = _refuse_dtd
        parser.EntityDeclHandler = _refuse_dtd
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)


def open_workbook(content: bytes) -> Any:
    """The workbook (openpyxl, read-only, formulas as formulas so that the import pipeline can
    refuse them: a formula's stored result may be stale), or UnreadableWorkbookError."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _check_parts(archive)
        return load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except UnreadableWorkbookError:
        raise
    except Exception:  # zipfile, expat and openpyxl raise many kinds of error for a bad file
        raise UnreadableWorkbookError() from None


MAX_CSV_BYTES = 10 * 1024 * 1024


def is_csv(content: bytes, filename: str) -> bool:
    """Whether an upload is a CSV file (by name; an .xlsx is a zip and says so itself)."""
    return filename.lower().endswith(".csv") and not content.startswith(b"PK")


def csv_as_workbook(content: bytes) -> bytes:
    """A CSV file (UTF-8, with or without BOM, or GB 18030 as Chinese banks' exports are) as
    the bytes of a one-sheet workbook of text cells, so that it goes through the same import
    pipeline as a workbook; every cell stays text (a cell that looks like a formula too)."""
    import csv

    from openpyxl import Workbook

    from coopledger.spreadsheets import append_row, workbook_bytes

    if len(content) > MAX_CSV_BYTES:
        raise UnreadableWorkbookError(N_("文件过大，一次最多导入 %(max)d MB。"),
                                      max=MAX_CSV_BYTES // 1024 // 1024)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableWorkbookError(N_("CSV 文件的编码无法识别：请另存为 UTF-8 或 GBK。"))
    if "\x00" in text:
        raise UnreadableWorkbookError()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "CSV"
    try:
        for row in csv.reader(text.splitlines()):
            append_row(sheet, [cell.strip() for cell in row])
    except csv.Error:
        raise UnreadableWorkbookError() from None
    return workbook_bytes(workbook)
