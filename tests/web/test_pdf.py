"""PDFs: real CJK glyphs (embedded Noto Sans CJK SC, not only ToUnicode), the locked fetcher."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from coopledger.pdf.engine import ConfinedURLFetcher, FetchRefusedError
from tests.conftest import Auth


def _pdffonts(pdf: Path) -> str:
    tool = shutil.which("pdffonts")
    assert tool, "poppler-utils (pdffonts) is required for the PDF tests"
    return subprocess.run([tool, str(pdf)], check=True, capture_output=True, text=True).stdout


def test_harfbuzz_subsetting_is_available() -> None:
    from weasyprint.text.ffi import harfbuzz_subset

    assert harfbuzz_subset is not None, "install libharfbuzz-subset0 (CJK PDFs 30x slower)"


def test_register_pdf_has_chinese_text_in_the_simplified_chinese_font(
        client: FlaskClient, auth: Auth, tmp_path: Path) -> None:
    auth.login("auditor")
    response = client.get("/t/tashan/register.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    pdf = tmp_path / "register.pdf"
    pdf.write_bytes(response.data)
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "建平县塔山镇农村集体经济组织和合作社名录" in text
    assert "建平县石安土地股份合作社" in text
    assert "金石村" not in text
    fonts = _pdffonts(pdf)
    assert "Noto-Sans-CJK-SC" in fonts
    assert "CJK-JP" not in fonts


def test_fetcher_serves_static_files_and_refuses_everything_else(app: Flask) -> None:
    static = Path(app.static_folder or "")
    fetcher = ConfinedURLFetcher(static)
    css = fetcher.fetch((static / "css" / "pdf.css").resolve().as_uri())
    assert b"@page" in css.read()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    for url in ("file:///etc/passwd", (static / ".." / "__init__.py").resolve().as_uri(),
                "http://example.com/logo.png", "https://127.0.0.1:5000/static/css/app.css",
                "ftp://example.com/x"):
        with pytest.raises(FetchRefusedError):
            fetcher.fetch(url)


def test_a_template_cannot_pull_a_local_file_into_the_pdf(app: Flask, tmp_path: Path) -> None:
    from weasyprint import HTML

    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    html = (f'<html lang="zh-CN"><body><p>正文</p>'
            f'<object data="{secret.as_uri()}" type="text/plain"></object>'
            f'<img src="{secret.as_uri()}"></body></html>')
    pdf = HTML(string=html, url_fetcher=ConfinedURLFetcher(Path(app.static_folder or ""))
               ).write_pdf()
    out = tmp_path / "x.pdf"
    out.write_bytes(pdf)
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "正文" in text
    assert "机密内容" not in text


def test_register_is_refused_to_an_accountant(client: FlaskClient, auth: Auth,
                                                session: Any) -> None:
    auth.login("accountant")
    assert client.get("/t/tashan/register.pdf").status_code == 403
