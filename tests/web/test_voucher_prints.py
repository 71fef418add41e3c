"""Vouchers printed for binding (issue 19): the 凭证纸, A5 and two-to-an-A4 papers, the amount
grid, and a month's posted vouchers behind their cover, built as a job."""

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
from coopledger.ledger import print_rules
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers, make_voucher

BOOKS = "/o/shian-jjhzs/books"
MM = 72 / 25.4


def _pages(data: bytes) -> list[Any]:
    return list(PdfReader(io.BytesIO(data)).pages)


def _text(page: Any) -> str:
    return "".join(page.extract_text().split())


def _size_mm(page: Any) -> tuple[int, int]:
    return round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)


@pytest.mark.parametrize(("amount", "cells"), [
    ("12345.67", ("", "", "", "¥", "1", "2", "3", "4", "5", "6", "7")),
    ("0.05", ("", "", "", "", "", "", "", "¥", "0", "0", "5")),      # 元 角 分 always written
    ("800", ("", "", "", "", "", "¥", "8", "0", "0", "0", "0")),
    ("99999999.99", ("¥", "9", "9", "9", "9", "9", "9", "9", "9", "9", "9")),
    ("-8.00", ("", "", "", "", "", "", "-", "¥", "8", "0", "0")),     # a red reversal
])
def test_the_amount_grid_puts_the_sign_before_the_first_digit(amount: str,
                                                              cells: tuple[str, ...]) -> None:
    assert print_rules.amount_grid(Decimal(amount)) == cells


def test_an_amount_too_long_for_the_grid_prints_without_it() -> None:
    assert print_rules.amount_grid(Decimal("999999999.99")) is None
    assert print_rules.amount_grid(None) == ("",) * 11
    assert not print_rules.grid_fits([Decimal("1.00"), Decimal("123456789.00")])
    assert print_rules.grid_fits([Decimal("1.00"), None])


def test_sheets_and_papers() -> None:
    assert print_rules.sheets(5, 2) == [range(0, 2), range(2, 4), range(4, 5)]
    assert print_rules.sheets(0, 2) == []
    assert print_rules.paper_of("a4x2").per_sheet == 2
    assert print_rules.paper_of("nonsense").key == "voucher"
    assert print_rules.paper_of(None).key == "voucher"


@pytest.fixture
def march(by_name: Any) -> Any:
    """Five posted vouchers in March 2024 (记-1 … 记-5) with one attachment each, and one
    draft in April."""
    org, accountant, reviewer = (by_name.org("shian-jjhzs"), by_name.user("accountant"),
                                 by_name.user("reviewer"))
    book_with_vouchers(org, accountant, reviewer)
    for day in range(1, 6):
        make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, day),
                     amount=f"{day * 1000}.50")
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 4, 2), upto="draft")
    db.session.commit()
    return by_name


def test_one_voucher_on_voucher_paper_a5_and_half_an_a4(client: FlaskClient, auth: Auth,
                                                      session: Any, march: Any) -> None:
    from coopledger.ledger.models import Voucher

    voucher = db.session.scalar(sa.select(Voucher).where(Voucher.number == 2,
                                                         Voucher.month == 3))
    assert voucher is not None
    auth.login("reviewer")
    url = f"/o/shian-jjhzs/vouchers/{voucher.id}.pdf"
    paper = _pages(client.get(url).data)
    assert [_size_mm(p) for p in paper] == [(241, 140)]
    text = _text(paper[0])
    assert "记账凭证" in text
    assert "附件1张" in text
    assert "人民币贰仟元伍角" in text or "人民币贰仟元零伍角" in text
    assert "会计主管：" in text
    assert "¥2,000.50" in text
    a5 = _pages(client.get(f"{url}?paper=a5").data)
    assert [_size_mm(p) for p in a5] == [(210, 148)]
    gridded = _text(_pages(client.get(f"{url}?paper=a4x2&grid=1").data)[0])
    assert "亿千百十万千百十元角分" in gridded
    assert "¥200050" in gridded                 # the digits in their places, no separator
    assert "2,000.50" not in gridded


def test_a_month_prints_behind_its_cover_as_a_job(client: FlaskClient, auth: Auth,
                                                  session: Any, march: Any) -> None:
    auth.login("cashier")
    page = client.get(f"{BOOKS}/?year=2024").get_data(as_text=True)
    assert "打印装订" in page
    response = client.post(f"{BOOKS}/print-vouchers", data={
        "year": "2024", "month": "3", "paper": "a4x2", "grid": "y"})
    assert response.status_code == 302
    job = db.session.scalars(sa.select(Job).order_by(Job.id.desc())).first()
    assert job is not None
    assert response.headers["Location"].endswith(f"/jobs/{job.id}")
    jobs.execute_job(job.id)
    db.session.expire_all()
    assert job.state is JobState.DONE
    download = client.get(f"/jobs/{job.id}/download")
    pages = _pages(download.data)
    download.close()
    # the cover, then five vouchers two to an A4 sheet: three sheets
    assert len(pages) == 4
    assert {_size_mm(p) for p in pages} == {(210, 297)}
    cover = _text(pages[0])
    assert "会计凭证封面" in cover
    assert "自记-1至记-5" in cover
    assert "凭证张数5" in cover
    assert "附件张数5" in cover
    total = sum(Decimal(f"{day * 1000}.50") for day in range(1, 6))      # 15,002.50
    assert f"¥{total:,.2f}" in cover
    assert "人民币壹万伍仟零贰元伍角" in cover
    assert "装订人：" in cover
    first_sheet = _text(pages[1])
    assert "记-1" in first_sheet
    assert "记-2" in first_sheet
    assert "记-5" in _text(pages[3])


def test_a_month_without_posted_vouchers_is_refused_with_a_sentence(
        client: FlaskClient, auth: Auth, session: Any, march: Any) -> None:
    auth.login("accountant")
    before = db.session.scalar(sa.select(sa.func.count(Job.id)))
    response = client.post(f"{BOOKS}/print-vouchers", data={
        "year": "2024", "month": "4", "paper": "voucher"}, follow_redirects=True)
    assert "2024年4月没有已记账的凭证。" in response.get_data(as_text=True)
    bad = client.post(f"{BOOKS}/print-vouchers", data={
        "year": "2024", "month": "13", "paper": "voucher"}, follow_redirects=True)
    assert "请选择年度、月份和纸张。" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == before
