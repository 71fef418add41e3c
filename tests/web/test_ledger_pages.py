"""明细账 and 日记账 on screen a page at a time (issue 23: the year's 明细账 of one account
answers in ≤ 50 ms at 100,000 vouchers): every page's lines and running balances are the
whole report's, the balance brought forward (承前页) is the last balance of the page before —
across several lines of one day and several vouchers — and the last page ends with the
period's totals; the exports keep every line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask.testing import FlaskClient

from coopledger.extensions import db
from coopledger.ledger import books
from coopledger.ledger.queries import detail_ledger, detail_ledger_page
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers, make_voucher

DAYS = (dt.date(2024, 3, 5), dt.date(2024, 3, 5), dt.date(2024, 3, 9), dt.date(2024, 4, 1),
        dt.date(2024, 4, 1), dt.date(2024, 4, 1), dt.date(2024, 6, 30))


def _books(by_name: Any) -> Any:
    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    for index, day in enumerate(DAYS):
        make_voucher(org, accountant, reviewer, on=day, amount=f"{100 + index * 7}.00",
                     debit="102" if index % 3 else "101", credit="501" if index % 3 else "102")
    db.session.commit()
    return org


def test_every_page_is_a_slice_of_the_whole_ledger(by_name: Any) -> None:
    org = _books(by_name)
    bank = books.accounts_by_code(org)["102"]
    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    opening, whole = detail_ledger(org, bank, start, end)
    assert len(whole) == 8                    # the opening voucher's line and seven more
    pages = [detail_ledger_page(org, bank, start, end, page=n, per_page=3) for n in (1, 2, 3)]
    assert [p.pages for p in pages] == [3, 3, 3]
    assert [line for p in pages for line in p.lines] == whole
    assert pages[0].forward == opening
    assert pages[1].forward == whole[2].balance
    assert pages[2].forward == whole[5].balance
    assert (pages[2].debit, pages[2].credit) == (
        sum((ln.debit for ln in whole), Decimal(0)), sum((ln.credit for ln in whole), Decimal(0)))
    beyond = detail_ledger_page(org, bank, start, end, page=99, per_page=3)
    assert beyond.page == 3
    assert beyond.lines == pages[2].lines


def test_the_screen_pages_and_the_export_keeps_every_line(client: FlaskClient, auth: Auth,
                                                          by_name: Any, monkeypatch: Any) -> None:
    from coopledger.ledger import queries

    _books(by_name)
    monkeypatch.setattr(queries, "LEDGER_PAGE", 3)
    auth.login("accountant")
    url = "/o/shian-jjhzs/books/reports/bank_journal?period=2024&account=102"
    first = client.get(url).get_data(as_text=True)
    assert "期初余额" in first
    assert "本页合计（过次页）" in first
    assert "第 1 / 3 页" in first
    assert "共 8 笔，每页 3 笔" in first
    last = client.get(url + "&page=3").get_data(as_text=True)
    assert "承前页" in last
    assert "本期合计" in last
    assert "过次页" not in last
    exported = client.get(url + "&format=csv").get_data(as_text=True).splitlines()
    days = {row.split(",")[0] for row in exported[2:-1] if row.split(",")[1]}
    # header, 期初余额, every line, a 本日合计 after each day's last line (日清), 本期合计
    assert len(exported) == 1 + 1 + 8 + len(days) + 1
    assert exported[-1].split(",")[2] == "本期合计"
    assert exported[3] == ",,本日合计,95000.00,0.00,借,95000.00"   # the opening day


def test_a_journal_closes_every_day_with_its_total_on_every_page(by_name: Any) -> None:
    """日清 (issue 20, "Cash"): after the last line of each day a 本日合计 row with the day's
    debits, credits and the balance at its end; a day split across two screen pages is totalled
    once, on the page where it ends, with the whole day's sums — the same rows as the export."""
    from coopledger.ledger import reports

    org = _books(by_name)
    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)

    def totals(table: reports.ReportTable) -> list[list[Any]]:
        return [row for row in table.rows if row[2] == "本日合计"]

    whole = reports.bank_journal(org, start, end, account="102")
    days = totals(whole)
    lines = [row for row in whole.rows if row[1]]
    assert len(days) == len({row[0] for row in lines})
    for day in {row[0] for row in lines}:
        of_day = [row for row in lines if row[0] == day]
        found = whole.rows[whole.rows.index(of_day[-1]) + 1]
        assert found == ["", "", "本日合计", sum((r[3] or 0 for r in of_day), Decimal(0)),
                         sum((r[4] or 0 for r in of_day), Decimal(0)), of_day[-1][5],
                         of_day[-1][6]]
    from coopledger.ledger import queries

    saved = queries.LEDGER_PAGE
    queries.LEDGER_PAGE = 3
    try:
        paged = [totals(reports.bank_journal(org, start, end, account="102", page=n))
                 for n in (1, 2, 3)]
    finally:
        queries.LEDGER_PAGE = saved
    assert [row for page in paged for row in page] == days
    assert reports.detail_ledger_table(org, start, end, account="102").rows == [
        row for row in whole.rows if row[2] != "本日合计"]       # a 明细账 has none
