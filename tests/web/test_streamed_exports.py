"""A whole period's 明细账 and 日记账 exported as CSV are streamed (issue 23: the web worker's
memory stays bounded at a million vouchers): the answer is sent in pieces read from the
database a batch at a time, and its text is exactly the report built in one piece — opening,
every line with its running balance, 本期合计 — in Chinese and in English."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient

from coopledger.extensions import db
from coopledger.ledger import beans, bookfile, outputs, queries, views
from coopledger.ledger.outputs import to_csv
from coopledger.ledger.reports import build_report
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers, make_voucher

BOOKS = "/o/shian-jjhzs/books"


@pytest.fixture
def busy(by_name: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """石安村's books with a dozen bank receipts in April, read two rows at a time and
    written three rows to a piece, so the export crosses many batches and pieces."""
    org = by_name.org("shian-jjhzs")
    book_with_vouchers(org, by_name.user("accountant"), by_name.user("reviewer"))
    for day in range(1, 13):
        make_voucher(org, by_name.user("accountant"), by_name.user("reviewer"),
                     on=dt.date(2024, 4, day), amount=f"{100 * day}.01")
    db.session.commit()
    monkeypatch.setattr(queries, "STREAM_BATCH", 2)
    monkeypatch.setattr(outputs, "CSV_CHUNK", 3)
    return by_name


def _rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def pieces(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pieces the report view sends, in order."""
    sent: list[str] = []

    def spied(table: Any) -> Iterator[str]:
        for piece in outputs.csv_chunks(table):
            sent.append(piece)
            yield piece

    monkeypatch.setattr(views, "csv_chunks", spied)
    return sent


def test_the_year_of_a_bank_account_is_streamed_and_equals_the_whole_report(
        client: FlaskClient, auth: Auth, busy: Any, pieces: list[str]) -> None:
    org = busy.org("shian-jjhzs")
    unread = build_report("detail_ledger", org, "2024", account="102", streamed=True)
    assert unread.rows == []
    assert unread.streamed is not None
    auth.login("auditor")
    answer = client.get(f"{BOOKS}/reports/detail_ledger?period=2024&account=102&format=csv")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    body = answer.get_data()
    assert body.startswith("\ufeff".encode())
    whole = to_csv(build_report("detail_ledger", org, "2024", account="102"))
    assert body.decode("utf-8") == "\ufeff" + whole
    assert len(pieces) >= 5
    assert "".join(pieces) == whole
    rows = _rows(body)
    assert rows[1] == ["2024-01-01", "", "期初余额", "", "", "平", "0.00"]   # the first year
    april = [row for row in rows if row[0].startswith("2024-04-")]
    assert [row[3] for row in april] == [f"{100 * day}.01" for day in range(1, 13)]
    balance = Decimal(0)
    for row in rows[2:-1]:               # every line carries its running balance
        balance += Decimal(row[3] or 0) - Decimal(row[4] or 0)
        assert row[5:] == ["借", f"{balance:.2f}"], row
    total = rows[-1]
    assert total[2] == "本期合计"
    debited = sum((Decimal(row[3] or 0) for row in rows[2:-1]), Decimal(0))
    credited = sum((Decimal(row[4] or 0) for row in rows[2:-1]), Decimal(0))
    assert total[3] == f"{debited:.2f}"
    assert total[4] == f"{credited:.2f}"
    assert total[6] == f"{debited - credited:.2f}"
    assert total[6] == rows[-2][6]           # the closing balance is the last line's


def test_the_bank_journal_streams_in_english_with_its_rows_translated(
        client: FlaskClient, auth: Auth, busy: Any, pieces: list[str]) -> None:
    auth.login("accountant")
    client.post("/language", data={"lang": "en"})
    answer = client.get(f"{BOOKS}/reports/bank_journal?period=2024-04&format=csv")
    assert len(pieces) == 9                   # the header with 26 rows, three to a piece
    rows = _rows(answer.get_data())
    assert rows[0][:3] == ["Date", "Voucher no.", "Description"]
    assert rows[1][2] == "Opening balances"
    assert rows[-2][2] == "Period total"
    assert rows[-1][2] == "Year to date"      # April is part of the year: 本年累计 follows
    assert len(rows) == 1 + 1 + 12 * 2 + 2    # each day's line, then its 本日合计 (日清)
    assert [row[3] for row in rows[2:-2:2]] == [f"{100 * day}.01" for day in range(1, 13)]
    assert [row[2:] for row in rows[3:-2:2]] == [
        ["Daily total", line[3], "0.00", line[5], line[6]] for line in rows[2:-2:2]]
    assert rows[-2][3] == str(sum(Decimal(f"{100 * day}.01") for day in range(1, 13)))


def test_an_unknown_account_is_refused_before_anything_is_sent(
        client: FlaskClient, auth: Auth, busy: Any) -> None:
    auth.login("auditor")
    answer = client.get(f"{BOOKS}/reports/detail_ledger?period=2024&account=999&format=csv")
    assert answer.status_code == 422
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "999" in answer.get_data(as_text=True)


def test_the_beancount_export_is_streamed_and_is_the_whole_book(
        client: FlaskClient, auth: Auth, busy: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bookfile, "BATCH", 3)
    org = busy.org("shian-jjhzs")
    whole = bookfile.export_book(org)
    auth.login("accountant")
    answer = client.get(f"{BOOKS}/export.beancount")
    assert answer.status_code == 200
    assert answer.get_data(as_text=True) == whole
    assert beans.load(whole).errors == ()
    assert whole.count("\n\n20") == 1 + 1 + 12     # the accounts, the 建账 voucher, April


def test_a_voucher_posted_while_the_export_is_sent_is_left_for_the_next_one(
        busy: Any) -> None:
    org = busy.org("shian-jjhzs")
    before = bookfile.export_book(org)
    pieces = bookfile.streamed_book(org)       # the accounts and the posting counter read now
    make_voucher(org, busy.user("accountant"), busy.user("reviewer"),
                 on=dt.date(2024, 4, 20), amount="77.00")
    db.session.flush()
    assert "".join(pieces) == before
    assert "77.00 CNY" in bookfile.export_book(org)
