"""A year's 明细账 printed for binding (issue 19): each account from a new page with 本月合计 and
本年累计 under every month, 多栏式 for an expense account with sub-accounts, a range of codes."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from pypdf import PdfReader

from coopledger.extensions import db
from coopledger.jobs import services as jobs
from coopledger.jobs.models import Job, JobState
from coopledger.ledger import book_prints, books, print_rules
from coopledger.ledger.models import Account
from coopledger.ledger.reports import bound_ledger
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers, make_voucher

BOOKS = "/o/shian-jjhzs/books"


@pytest.fixture
def expenses(by_name: Any) -> Any:
    """管理费用 split into 办公费 (51301) and 差旅费 (51302): 300.00 and 120.00 in March, 80.00 of
    办公费 in May; rent of 8,000.00 to the bank in March."""
    org, accountant, reviewer = (by_name.org("shian-jjhzs"), by_name.user("accountant"),
                                 by_name.user("reviewer"))
    book_with_vouchers(org, accountant, reviewer)
    admin = db.session.scalar(sa.select(Account).where(Account.organisation_id == org.id,
                                                       Account.code == "513"))
    assert admin is not None
    books.add_subaccount(admin, code="51301", name="办公费", by=accountant)
    books.add_subaccount(admin, code="51302", name="差旅费", by=accountant)
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 2), amount="8000.00")
    for on, code, amount, summary in ((dt.date(2024, 3, 6), "51301", "300.00", "购买办公用品"),
                                      (dt.date(2024, 3, 9), "51302", "120.00", "到镇里开会"),
                                      (dt.date(2024, 5, 4), "51301", "80.00", "打印纸")):
        make_voucher(org, accountant, reviewer, on=on, amount=amount, debit=code,
                     credit="101", summary=summary)
    db.session.commit()
    return org


def test_codes_in_a_range_by_their_leading_digits() -> None:
    assert print_rules.in_range("50101", "501", "513")
    assert print_rules.in_range("51302", "501", "513")
    assert not print_rules.in_range("521", "501", "513")
    assert not print_rules.in_range("102", "501", "")
    assert print_rules.in_range("102", "", "")
    assert print_rules.in_range("10201", "102", "102")


def test_a_year_of_an_account_as_bound_has_month_totals_and_the_year_so_far(
        session: Any, expenses: Any) -> None:
    cash = next(a for a in book_prints.units(expenses, 2024, first="101", last="101",
                                             style="three"))[0]
    table = bound_ledger(expenses, cash, 2024)
    labels = [row[2] for row in table.rows]
    assert labels == ["期初余额", "购买办公用品", "到镇里开会", "本月合计", "本年累计",
                      "打印纸", "本月合计", "本年累计"]
    assert table.rows[3][3:7] == [Decimal("0.00"), Decimal("420.00"), "借", Decimal("4580.00")]
    assert table.rows[-1][3:7] == [Decimal("0.00"), Decimal("500.00"), "借", Decimal("4500.00")]


def test_an_expense_account_prints_one_column_per_sub_account(session: Any,
                                                            expenses: Any) -> None:
    chosen = book_prints.units(expenses, 2024, first="5", last="5", style="multi")
    assert [(a.code, [c.code for c in cols or []]) for a, cols in chosen] == [
        ("501", []), ("513", ["51301", "51302"])]
    admin, columns = chosen[1]
    table = bound_ledger(expenses, admin, 2024, analysed=columns)
    assert table.title == "多栏式明细账"
    assert table.columns[7:] == ["办公费", "差旅费"]
    rows = {row[2]: row for row in table.rows}
    assert rows["购买办公用品"][7:] == [Decimal("300.00"), None]
    assert rows["到镇里开会"][7:] == [None, Decimal("120.00")]
    year = table.rows[-1]
    assert year[2] == "本年累计"
    assert year[7:] == [Decimal("380.00"), Decimal("120.00")]
    assert year[3] == sum(year[7:], Decimal(0))             # the columns add up to the debits
    # 三栏式 prints the leaves one by one
    three = book_prints.units(expenses, 2024, first="513", last="513", style="three")
    assert [a.code for a, _cols in three] == ["51301", "51302"]


def test_the_book_prints_as_a_job_each_account_from_a_new_page(
        client: FlaskClient, auth: Auth, session: Any, expenses: Any) -> None:
    auth.login("auditor")
    response = client.post(f"{BOOKS}/print-ledger", data={
        "year": "2024", "first": "101", "last": "513", "style": "multi"})
    assert response.status_code == 302
    job = db.session.scalars(sa.select(Job).order_by(Job.id.desc())).first()
    assert job is not None
    jobs.execute_job(job.id)
    db.session.expire_all()
    assert job.state is JobState.DONE
    download = client.get(f"/jobs/{job.id}/download")
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(download.data)).pages]
    download.close()
    # 101 库存现金, 102 银行存款, 301 资本 (opening balances), 501, 513 多栏式: one page each
    heads = [page.split("单位：元")[0] for page in pages]
    assert len(pages) == 5
    assert "101 库存现金" in heads[0]
    assert "多栏式明细账" in heads[-1]
    assert "办公费" in pages[-1]
    assert all(f"第 {n} 页 / 共 5 页" in page for n, page in enumerate(pages, start=1))


def test_a_range_with_nothing_to_print_is_refused_with_a_sentence(
        client: FlaskClient, auth: Auth, session: Any, expenses: Any) -> None:
    auth.login("accountant")
    before = db.session.scalar(sa.select(sa.func.count(Job.id)))
    empty = client.post(f"{BOOKS}/print-ledger", data={
        "year": "2024", "first": "6", "last": "9", "style": "three"}, follow_redirects=True)
    assert "所选科目范围在 2024 年没有余额或发生额。" in empty.get_data(as_text=True)
    bad = client.post(f"{BOOKS}/print-ledger", data={
        "year": "2024", "first": "1x", "style": "three"}, follow_redirects=True)
    assert "科目编码只能是数字。" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == before
