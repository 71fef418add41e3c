"""The one reader of uploaded workbooks refuses what is not a plain workbook with a sentence:
not a zip, a DTD or entity declaration in any XML part (billion laughs, external entities), a
damaged sheet, a zip bomb — before any import reads a row."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook

from coopledger import workbooks
from coopledger.workbooks import UnreadableWorkbookError, open_workbook


def _xlsx() -> bytes:
    book = Workbook()
    book.active.append(["成员编号", "交易额"])
    book.active.append(["TJ001", 100])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_sheet(xml: bytes) -> bytes:
    """The workbook with its first sheet's XML replaced."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item, data)
    return out.getvalue()


def test_a_plain_workbook_is_read() -> None:
    rows = list(open_workbook(_xlsx()).active.iter_rows(values_only=True))
    assert rows == [("成员编号", "交易额"), ("TJ001", 100)]


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
          b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          b"<sheetData><row><c t=\"inlineStr\"><is><t>&lol2;</t></is></c></row></sheetData>"
          b"</worksheet>")


@pytest.mark.parametrize(("content", "sentence"), [
    (b"not a zip at all", "不是有效的 Excel"),
    (_with_sheet(LAUGHS), "文档类型声明（DTD）"),
    (_with_sheet(b"<worksheet><sheetData><row>"), "不是有效的 Excel"),
])
def test_unsafe_or_damaged_workbooks_are_refused_with_a_sentence(content: bytes,
                                                                 sentence: str) -> None:
    with pytest.raises(UnreadableWorkbookError) as caught:
        open_workbook(content)
    assert sentence in str(caught.value)


def test_a_zip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbooks, "MAX_UNPACKED", 1000)
    with pytest.raises(UnreadableWorkbookError, match="解压后过大"):
        open_workbook(_xlsx())


@pytest.mark.parametrize(("url", "field"), [
    ("/o/shian-jjhzs/books/opening", "file"),
    ("/o/shian-tdgf/distribution/volumes/2024", "workbook"),
])
def test_the_inline_imports_refuse_a_dtd_with_the_sentence(client: Any, auth: Any, url: str,
                                                          field: str) -> None:
    auth.login("accountant")
    response = client.post(url, data={field: (io.BytesIO(_with_sheet(LAUGHS)), "book.xlsx")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code in (200, 422)
    assert "文档类型声明（DTD）" in response.get_data(as_text=True)
