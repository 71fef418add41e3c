"""Reports in English (issue 18): titles, column headers, statement lines and chart account
names are English (the Chinese name kept in brackets), on screen and in the exports; every
report of both standards is walked and no heading or header cell is Chinese only."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from coopledger.extensions import db
from coopledger.ledger.reports import REPORTS
from tests.conftest import Auth
from tests.distribution_helpers import close_2024
from tests.ledger_helpers import book_with_vouchers

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def _english_only(text: str) -> bool:
    """Has English words; Chinese only inside brackets (a kept Chinese name) is allowed."""
    outside = re.sub(r"\([^)]*\)", "", text)
    return bool(LATIN.search(text)) and not CJK.search(outside)


@pytest.fixture
def books(by_name: Any) -> Any:
    close_2024(by_name)  # 石安土地股份合作社 (合作社 2021)
    book_with_vouchers(by_name.org("shian-jjhzs"), by_name.user("accountant"),
                       by_name.user("reviewer"))  # 石安村股份经济合作社 (村集体 2023)
    db.session.commit()
    return by_name


def _csv(client: FlaskClient, code: str, name: str) -> list[list[str]]:
    response = client.get(f"/o/{code}/books/reports/{name}?period=2024&account=102&format=csv")
    assert response.status_code == 200, (code, name)
    assert response.data.startswith("\ufeff".encode())    # Excel reads the Chinese (issue 19)
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.mark.parametrize("code", ["shian-tdgf", "shian-jjhzs"])
def test_every_report_has_english_headers_and_titles(client: FlaskClient, auth: Auth,
                                                     books: Any, code: str) -> None:
    auth.login("accountant")
    client.post("/language", data={"lang": "en"})
    for name in REPORTS:
        if name == "equity_changes" and code == "shian-jjhzs":
            continue  # the equity statement is the cooperative standard's
        header = _csv(client, code, name)[0]
        for cell in header:
            assert _english_only(cell), (code, name, cell)
        page = client.get(f"/o/{code}/books/reports/{name}?period=2024&account=102")
        text = page.get_data(as_text=True)
        title = re.search(r"<h1>(.*?)</h1>", text, re.S)
        assert title is not None
        assert _english_only(title.group(1)), (code, name, title.group(1))
        for th in re.findall(r"<th[^>]*>(.*?)</th>", text, re.S):
            assert _english_only(th), (code, name, th)


def test_statement_lines_and_account_names_are_english_with_the_chinese_kept(
        client: FlaskClient, auth: Auth, books: Any) -> None:
    auth.login("accountant")
    client.post("/language", data={"lang": "en"})
    sheet = _csv(client, "shian-tdgf", "balance_sheet")
    labels = [row[0] for row in sheet[1:]]
    assert "Cash and bank" in labels
    assert "Total assets" in labels
    assert "Total liabilities and owners' equity" in labels
    for label in labels:
        assert _english_only(label), label
    income = [row[0] for row in _csv(client, "shian-jjhzs", "income_statement")[1:]]
    assert all(_english_only(label) for label in income), income
    trial = _csv(client, "shian-jjhzs", "trial_balance")
    assert trial[1][:2] == ["101", "Cash on hand (库存现金)"]
    assert trial[-1][1] == "Total"
    detail = client.get("/o/shian-jjhzs/books/reports/detail_ledger?period=2024&account=102")
    text = detail.get_data(as_text=True)
    assert "Bank deposits (银行存款)" in text
    assert "2024-01-01 to 2024-12-31" in text
    # in Chinese the same report is the standard's own words
    client.post("/language", data={"lang": "zh_CN"})
    chinese = _csv(client, "shian-tdgf", "balance_sheet")
    assert chinese[0][:2] == ["项目", "行次"]
    assert "货币资金" in [row[0] for row in chinese[1:]]
