"""Languages: Simplified Chinese by default, English complete and selectable."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from coopledger import paths
from tests.conftest import Auth

ROOT = paths.CHECKOUT_DIR
CATALOG = paths.TRANSLATIONS_DIR / "en" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "N_": None}


def _extracted() -> set[str]:
    messages: set[str] = set()
    for folder, method in ((ROOT / "coopledger", "python"), (ROOT / "templates", "jinja2")):
        method_map = [("**.py", "python")] if method == "python" else [("**.html", "jinja2")]
        for _file, _line, message, _comments, _context in extract_from_dir(
                str(folder), method_map=method_map, keywords=KEYWORDS):
            messages.add(message if isinstance(message, str) else message[0])
    return messages


def test_every_message_has_an_english_translation() -> None:
    with (CATALOG / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(_extracted() - translated)
    assert missing == [], f"run `make messages` and translate: {missing[:10]}"


def test_compiled_catalog_matches_the_po_file() -> None:
    with (CATALOG / "messages.po").open("rb") as handle:
        po = {m.id: m.string for m in read_po(handle) if m.id}
    mo_path: Path = CATALOG / "messages.mo"
    assert mo_path.is_file(), "scripts/bootstrap.sh compiles the catalog"
    with mo_path.open("rb") as handle:
        mo = {m.id: m.string for m in read_mo(handle) if m.id}
    assert mo == po


def test_chinese_is_the_default_and_english_is_selectable(client: FlaskClient,
                                                          auth: Auth) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "登录" in page
    response = client.post("/language", data={"lang": "en", "next": "/auth/login"})
    assert response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Username" in page
    auth.login("member")
    refused = client.get("/o/jinshi-jjhzs/").get_data(as_text=True)
    assert "You do not have permission to view or act on this page." in refused
    client.post("/language", data={"lang": "klingon"})
    assert "Hello, 陈大山" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"lang": "zh_CN"})
    assert "您好，陈大山" in client.get("/").get_data(as_text=True)


def test_business_errors_speak_the_users_language(client: FlaskClient, auth: Auth) -> None:
    auth.login("admin")
    client.post("/language", data={"lang": "en"})
    page = client.post("/admin/townships", data={"code": "Bad Code", "name": "x",
                                                 "county": "y"}).get_data(as_text=True)
    assert "The short code &#34;Bad Code&#34; is not valid" in page
