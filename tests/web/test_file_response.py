"""web.file_response: every generated file is answered the same way, by its extension."""

from __future__ import annotations

from flask import Flask

from coopledger.web import file_response


def test_pdfs_open_in_the_browser_and_tables_download(app: Flask) -> None:
    with app.test_request_context():
        pdf = file_response(b"%PDF-1.7", "roster-shian-tdgf-2024.pdf")
        sheet = file_response(b"PK", "payout-shian-tdgf-2024.xlsx")
        table = file_response("a,b\n", "bank-shian-tdgf-2024.csv")
        book = file_response("2024-01-01 open Assets:101", "shian-tdgf.beancount")
    assert (pdf.mimetype, pdf.headers["Content-Disposition"]) == (
        "application/pdf", "inline; filename=roster-shian-tdgf-2024.pdf")
    assert sheet.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert sheet.headers["Content-Disposition"] == (
        "attachment; filename=payout-shian-tdgf-2024.xlsx")
    assert table.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert table.headers["Content-Disposition"].startswith("attachment;")
    assert book.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_a_chinese_file_name_is_encoded_not_mangled(app: Flask) -> None:
    with app.test_request_context():
        response = file_response(b"%PDF-1.7", "石安村-2024.pdf")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=UTF-8''%E7%9F%B3%E5%AE%89%E6%9D%91-2024.pdf" in disposition
