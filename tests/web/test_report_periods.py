"""Reports for part of a year carry the year so far (本年累计), every report page offers the
periods around its own, and a figure on screen leads to what is behind it (issue 19)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient

from coopledger.extensions import db
from coopledger.ledger import rules
from coopledger.ledger.reports import build_report
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers, make_voucher

BOOKS = "/o/shian-jjhzs/books"


@pytest.fixture
def three_months(by_name: Any) -> Any:
    """Rent of 8,000.00 in March, 2,000.00 in April and 500.00 in May, to the bank."""
    org, accountant, reviewer = (by_name.org("shian-jjhzs"), by_name.user("accountant"),
                                 by_name.user("reviewer"))
    book_with_vouchers(org, accountant, reviewer)
    for on, amount in ((dt.date(2024, 3, 5), "8000.00"), (dt.date(2024, 4, 9), "2000.00"),
                       (dt.date(2024, 5, 20), "500.00")):
        make_voucher(org, accountant, reviewer, on=on, amount=amount)
    db.session.commit()
    return org


def test_period_picker_offers_the_year_its_quarters_months_and_neighbours() -> None:
    month = rules.period_picker("2024-01")
    assert (month.previous, month.following) == ("2023-12", "2024-02")
    assert month.months[0] == "2024-01"
    assert month.months[-1] == "2024-12"
    assert month.quarters == ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4")
    assert (rules.period_picker("2024-Q4").previous, rules.period_picker("2024-Q4").following) \
        == ("2024-Q3", "2025-Q1")
    assert (rules.period_picker("2024-Q1").previous) == "2023-Q4"
    assert (rules.period_picker("2024").previous, rules.period_picker("2024").following) \
        == ("2023", "2025")
    ranged = rules.period_picker("2024-02-10..2024-05-31")
    assert (ranged.previous, ranged.following, ranged.year) == (None, None, 2024)
    with pytest.raises(rules.PeriodSpecError):
        rules.period_picker("2024-13")


def test_trial_balance_of_a_month_has_the_year_so_far(session: Any, three_months: Any) -> None:
    table = build_report("trial_balance", three_months, "2024-04")
    assert table.columns[6:8] == ["本年累计借方", "本年累计贷方"]
    bank = next(row for row in table.rows if row[0] == "102")
    # 期初 95,000 + 8,000; April 2,000; year so far 10,000 (the 建账 figures are the opening)
    assert bank[2:10] == [Decimal("103000.00"), None, Decimal("2000.00"), None,
                          Decimal("10000.00"), None, Decimal("105000.00"), None]
    income = next(row for row in table.rows if row[0] == "501")
    assert income[4:8] == [None, Decimal("2000.00"), None, Decimal("10000.00")]
    totals = table.rows[-1]
    assert totals[6] == totals[7] == Decimal("10000.00")
    # a period from 1 January is the year so far: no second pair of columns
    assert "本年累计借方" not in build_report("trial_balance", three_months, "2024-Q1").columns
    assert len(build_report("trial_balance", three_months, "2024").columns) == 8


def test_detail_ledger_of_a_month_ends_with_the_year_so_far(session: Any,
                                                            three_months: Any) -> None:
    table = build_report("detail_ledger", three_months, "2024-05", account="501")
    labels = [row[2] for row in table.rows]
    assert labels == ["期初余额", "收到土地租金", "本期合计", "本年累计"]
    assert table.rows[-2][3:5] == [Decimal("0.00"), Decimal("500.00")]
    assert table.rows[-1][3:7] == [Decimal("0.00"), Decimal("10500.00"), "贷",
                                   Decimal("10500.00")]
    paged = build_report("detail_ledger", three_months, "2024-05", account="501", page=1)
    assert [row[2] for row in paged.rows][-1] == "本年累计"
    # the line leads to its voucher, the totals lead nowhere
    assert set(table.targets) == {1}
    assert table.targets[1].voucher_id is not None
    assert table.targets[1].column == 1
    whole = build_report("detail_ledger", three_months, "2024", account="501")
    assert [row[2] for row in whole.rows][-1] == "本期合计"


def test_income_statement_of_a_quarter_has_the_year_so_far(session: Any,
                                                          three_months: Any) -> None:
    table = build_report("income_statement", three_months, "2024-Q2")
    assert table.columns[2:5] == ["本期金额", "本年累计金额", "上年同期金额"]
    income = next(row for row in table.rows if row[0] == "经营收入")
    assert income[2:5] == [Decimal("2500.00"), Decimal("10500.00"), Decimal("0.00")]
    assert build_report("income_statement", three_months, "2024").columns[2:] == [
        "本期金额", "上年同期金额"]


def test_trial_balance_leads_to_the_ledger_and_the_ledger_to_the_voucher(
        client: FlaskClient, auth: Auth, session: Any, three_months: Any) -> None:
    auth.login("reviewer")
    page = client.get(f"{BOOKS}/reports/trial_balance?period=2024-04").get_data(as_text=True)
    link = re.search(r'href="([^"]*detail_ledger[^"]*account=501[^"]*)"', page)
    assert link is not None
    assert "period=2024-04" in link[1]
    assert 'rel="prev"' in page
    assert "period=2024-03" in page
    assert "period=2024-Q2" in page
    ledger = client.get(link[1].replace("&amp;", "&")).get_data(as_text=True)
    assert "本年累计" in ledger
    voucher = re.search(r'href="(/o/shian-jjhzs/vouchers/\d+)"', ledger)
    assert voucher is not None
    shown = client.get(voucher[1])
    assert shown.status_code == 200
    assert "2,000.00" in shown.get_data(as_text=True)
    general = client.get(f"{BOOKS}/reports/general_ledger?period=2024&account=501")
    assert re.search(r'href="[^"]*detail_ledger[^"]*period=2024-05', general.get_data(
        as_text=True))
    # files are not links: the PDF and CSV carry the same rows without them
    csv = client.get(f"{BOOKS}/reports/trial_balance?period=2024-04&format=csv")
    assert "本年累计借方" in csv.get_data(as_text=True)
