"""Prior-year errors corrected the lawful way (issue 23; 会计基础工作规范 §51(五)): a voucher of
a closed year is not red-reversed into this year's income and expense; the 以前年度调整 is a blue
voucher in the open year whose income and expense lines go to 未分配收益, so the closed year's
statements stay as reported and this year's result is untouched."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient

from coopledger import dates
from coopledger.extensions import db
from coopledger.ledger import vouchers
from coopledger.ledger.reports import build_report
from coopledger.ledger.vouchers import VoucherError
from tests.conftest import Auth
from tests.distribution_helpers import close_year
from tests.ledger_helpers import book_with_vouchers, make_voucher, run

D = Decimal


def _closed_2024(by_name: Any) -> tuple[Any, Any]:
    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    wrong = make_voucher(org, accountant, reviewer, on=dt.date(2024, 6, 10), amount="1200.00",
                         debit="513", credit="101", summary="办公费（金额记错）")
    close_year(org, 2024, accountant=accountant, reviewer=reviewer)
    db.session.flush()
    return org, wrong


def test_a_closed_years_voucher_is_corrected_through_retained_earnings(by_name: Any) -> None:
    org, wrong = _closed_2024(by_name)
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    with pytest.raises(VoucherError, match="属于已结账的 2024 年度，不能红字冲销到本年损益"):
        vouchers.reverse_voucher(wrong, on=dt.date(2025, 3, 1), by=accountant, today=dates.today())
    correction = vouchers.correct_prior_year(wrong, on=dt.date(2025, 3, 1), by=accountant,
                                             today=dates.today())
    lines = [(ln.account.code, ln.debit, ln.credit) for ln in correction.lines]
    # the opposite entry, the expense line moved to 未分配收益 (2024's result is carried there)
    assert lines == [("32202", D("0.00"), D("1200.00")), ("101", D("1200.00"), D("0.00"))]
    assert correction.lines[0].summary == "更正 2024年6月10日 记-1（以前年度调整）"
    run(correction, accountant, reviewer)
    db.session.flush()
    statement = {row[0]: row[2] for row in build_report("income_statement", org, "2025").rows}
    assert statement["管理费用"] in (None, D("0.00"))          # this year's result untouched
    report_2024 = {row[0]: row[2] for row in build_report("income_statement", org,
                                                           "2024").rows}
    assert report_2024["管理费用"] == D("1200.00")              # as reported for 2024
    with pytest.raises(VoucherError, match="已有更正凭证"):
        vouchers.correct_prior_year(wrong, on=dt.date(2025, 3, 2), by=accountant,
                                    today=dates.today())


def test_inside_the_open_year_the_red_reversal_stays(by_name: Any) -> None:
    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    posted = make_voucher(org, accountant, reviewer, on=dt.date(2024, 6, 10), amount="50.00",
                          debit="513", credit="101", summary="办公费")
    reversal = vouchers.reverse_voucher(posted, on=dt.date(2024, 6, 11), by=accountant,
                                        today=dates.today())
    assert reversal.lines[0].debit == D("-50.00")
    with pytest.raises(VoucherError, match="尚未结账"):
        vouchers.correct_prior_year(posted, on=dt.date(2025, 1, 5), by=accountant,
                                    today=dates.today())


def test_the_voucher_page_offers_the_correction_that_applies(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    _org, wrong = _closed_2024(by_name)
    db.session.commit()
    auth.login("accountant")
    page = client.get(f"/o/shian-jjhzs/vouchers/{wrong.id}").get_data(as_text=True)
    assert 'id="prior-year"' in page
    assert "红字冲销</button>" not in page
    response = client.post(f"/o/shian-jjhzs/vouchers/{wrong.id}/correct-prior-year",
                           data={"on": "2025-03-01"})
    assert response.status_code == 302
    draft = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "更正 2024年6月10日 记-1（以前年度调整）" in draft
