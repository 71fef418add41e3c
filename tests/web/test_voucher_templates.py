"""凭证模板 and 常用摘要 (issue 19): a voucher kept under a name fills a new voucher's form
(摘要, accounts, amounts; more rows when it has more lines), the new voucher is saved through
the ordinary service; a second template of the same name and a nameless one are refused; the
form offers the organisation's most used 摘要; a template is deleted without touching the
vouchers made from it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger.extensions import db
from coopledger.ledger.models import Voucher, VoucherTemplate
from coopledger.ledger.voucher_templates import most_used_summaries
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers, line, make_voucher

URL = "/o/shian-tdgf/vouchers"


@pytest.fixture
def books(by_name: Any) -> Any:
    org, accountant, reviewer = (by_name.org("shian-tdgf"), by_name.user("accountant"),
                                 by_name.user("reviewer"))
    book_with_vouchers(org, accountant, reviewer)
    from coopledger.ledger import vouchers

    three = vouchers.save_voucher(org, voucher=None, on=dt.date(2024, 3, 8), lines=[
        line("收到宏达公司土地租金", "102", "6000.00"),
        line("收到宏达公司土地租金", "501", credit="5000.00"),
        line("收到宏达公司押金", "211", credit="1000.00")], attachment_count=1, by=accountant,
        today=dt.date(2024, 3, 9))
    for _ in range(2):
        make_voucher(org, accountant, reviewer, summary="收到宏达公司土地租金")
    db.session.commit()
    return three


def _value(page: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    if found is None:
        found = re.search(rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', page)
    return found.group(1) if found else ""


def test_a_voucher_kept_as_a_template_fills_the_next_one(client: FlaskClient, auth: Auth,
                                                          books: Voucher) -> None:
    auth.login("accountant")
    page = client.post(f"{URL}/{books.id}/template", data={"name": " 收到租金和押金 "},
                       follow_redirects=True).get_data(as_text=True)
    assert "已存为凭证模板“收到租金和押金”。" in page
    template = db.session.scalars(sa.select(VoucherTemplate)).one()
    assert template.lines[2] == {"summary": "收到宏达公司押金", "account": "211 应付款",
                                 "debit": "", "credit": "1000.00"}
    again = client.post(f"{URL}/{books.id}/template", data={"name": "收到租金和押金"},
                        follow_redirects=True).get_data(as_text=True)
    assert "已有名为“收到租金和押金”的模板。" in again
    assert db.session.scalar(sa.select(sa.func.count(VoucherTemplate.id))) == 1

    form = client.get(f"{URL}/new").get_data(as_text=True)
    assert f'href="{URL}/new?template={template.id}' in form
    filled = client.get(f"{URL}/new?template={template.id}&on=2024-03-20").get_data(
        as_text=True)
    assert _value(filled, "lines-0-summary") == "收到宏达公司土地租金"
    assert _value(filled, "lines-1-account") == "501 经营收入"
    assert _value(filled, "lines-2-credit") == "1000.00"
    assert _value(filled, "on") == "2024-03-20"
    # the most used 摘要 are offered first
    assert most_used_summaries(books.organisation)[0] == "收到宏达公司土地租金"
    assert '<datalist id="common-summaries">' in form
    assert '<option value="收到宏达公司土地租金">' in form

    client.post(f"{URL}/templates/{template.id}/delete")
    assert db.session.scalar(sa.select(sa.func.count(VoucherTemplate.id))) == 0
    assert db.session.get(Voucher, books.id) is not None


def test_a_template_needs_a_name(client: FlaskClient, auth: Auth, books: Voucher) -> None:
    from coopledger.ledger.voucher_templates import TemplateError, save_template

    with pytest.raises(TemplateError, match="请填写模板名称"):
        save_template(books, name="  ", by=books.preparer)
    kept = save_template(books, name="收租", by=books.preparer)
    db.session.commit()
    auth.login("accountant")        # the accountant of both: not through the other's address
    assert client.get(f"/o/shian-jjhzs/vouchers/new?template={kept.id}").status_code == 404
    assert client.post(f"/o/shian-jjhzs/vouchers/templates/{kept.id}/delete").status_code == 404
    assert db.session.get(VoucherTemplate, kept.id) is not None
