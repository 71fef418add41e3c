"""The books: chart and sub-accounts, opening balances, month close, year end, reports, export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook

from coopledger import dates
from coopledger.extensions import db
from coopledger.ledger import bookfile, books, periods
from coopledger.ledger.models import Account, Book, Voucher, VoucherKind
from coopledger.ledger.reports import build_report
from tests.conftest import Auth
from tests.ledger_helpers import book_with_vouchers, make_voucher, run

BOOKS = "/o/shian-jjhzs/books"


@pytest.fixture
def opened(by_name: Any) -> Any:
    book_with_vouchers(by_name.org("shian-jjhzs"), by_name.user("accountant"),
                       by_name.user("reviewer"))
    db.session.commit()
    return by_name


def test_every_organisation_starts_with_its_standards_chart(session: Any, by_name: Any) -> None:
    village = {a.code: a.name for a in db.session.scalars(sa.select(Account).where(
        Account.organisation_id == by_name.org("shian-jjhzs").id, Account.parent_id.is_(None)))}
    coop = {a.code: a.name for a in db.session.scalars(sa.select(Account).where(
        Account.organisation_id == by_name.org("shian-tdgf").id, Account.parent_id.is_(None)))}
    assert len(village) == 42
    assert len(coop) == 48
    assert village["113"] == "内部往来"
    assert coop["114"] == "成员往来"
    assert village["502"] == "投资收益"
    assert coop["502"] == "其他收入"


def _sheet(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["科目编码", "科目名称", "借方余额", "贷方余额"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_opening_sheet_with_errors_reports_row_and_column_and_saves_nothing(
        client: FlaskClient, auth: Auth, session: Any) -> None:
    auth.login("accountant")
    template = load_workbook(io.BytesIO(client.get(f"{BOOKS}/opening/template.xlsx").data))
    codes = [row[0] for row in template.active.iter_rows(min_row=2, values_only=True)]
    assert "101" in codes
    assert "32202" in codes
    assert "322" not in codes  # not a leaf
    bad = _sheet([["101", "库存现金", "5000.123", None], ["999", "?", "1", None],
                  ["102", "银行存款", "1e5", None], ["301", "资本", None, "5000"]])
    page = client.post(f"{BOOKS}/opening", data={"on": "2024-01-01",
                                                 "file": (io.BytesIO(bad), "opening.xlsx")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "第2行C列" in page
    assert "两位小数" in page
    assert "第3行A列：科目编码“999”不是本账套的末级科目" in page
    assert "第4行C列" in page
    assert db.session.scalar(sa.select(sa.func.count(Voucher.id))) == 0


def test_unbalanced_opening_is_refused_then_a_balanced_sheet_opens_the_books(
        client: FlaskClient, auth: Auth, by_name: Any) -> None:
    auth.login("accountant")
    unbalanced = _sheet([["101", "库存现金", "5000", None], ["301", "资本", None, "4000"]])
    page = client.post(f"{BOOKS}/opening", data={"on": "2024-01-01",
                                                 "file": (io.BytesIO(unbalanced), "o.xlsx")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "期初余额借贷不平衡，不能建账" in page
    good = _sheet([["101", "库存现金", 5000, None], ["102", "银行存款", "95,000.00", None],
                   ["301", "资本", None, 100000]])
    response = client.post(f"{BOOKS}/opening", data={"on": "2024-01-01",
                                                     "file": (io.BytesIO(good), "o.xlsx")},
                           content_type="multipart/form-data")
    voucher_id = int(response.headers["Location"].rsplit("/", 1)[1])
    voucher = db.session.get(Voucher, voucher_id)
    assert voucher is not None
    assert voucher.kind is VoucherKind.OPENING
    assert voucher.total == Decimal("100000.00")
    run(voucher, by_name.user("accountant"), by_name.user("reviewer"))
    db.session.commit()
    book = db.session.get(Book, by_name.org("shian-jjhzs").id)
    assert book is not None
    assert book.opened_on == dt.date(2024, 1, 1)


def test_sub_accounts_and_their_rules(client: FlaskClient, auth: Auth, opened: Any) -> None:
    auth.login("accountant")
    client.post(f"{BOOKS}/accounts", data={"parent": "113", "code": "11301",
                                           "name": "陈大山", "member_ledger": "y"})
    member = db.session.scalars(sa.select(Account).where(Account.code == "11301",
                                 Account.organisation_id == opened.org("shian-jjhzs").id)).one()
    assert member.is_member_ledger
    assert member.full_name == "内部往来—陈大山"
    page = client.post(f"{BOOKS}/accounts", data={"parent": "113", "code": "12001",
                                                  "name": "x"}).get_data(as_text=True)
    assert "明细科目编码必须以上级科目编码 113 开头" in page
    page = client.post(f"{BOOKS}/accounts", data={"parent": "101", "code": "10101",
                                                  "name": "备用金"}).get_data(as_text=True)
    assert "已有分录，不能再增设明细科目" in page
    make_voucher(opened.org("shian-jjhzs"), opened.user("accountant"), opened.user("reviewer"),
                 debit="11301", credit="102", amount="300.00", summary="社员借款")
    db.session.commit()
    page = client.post(f"{BOOKS}/accounts/{member.id}/delete",
                       follow_redirects=True).get_data(as_text=True)
    assert "已有分录，不能删除" in page
    page = client.post(f"{BOOKS}/accounts/{member.id}/close", data={"on": "2024-12-31"},
                       follow_redirects=True).get_data(as_text=True)
    assert "余额为 300.00，余额为零才能停用" in page


def test_year_end_closes_income_into_retained_earnings(opened: Any) -> None:
    org = opened.org("shian-jjhzs")
    accountant, reviewer = opened.user("accountant"), opened.user("reviewer")
    make_voucher(org, accountant, reviewer, amount="8000.00")
    make_voucher(org, accountant, reviewer, debit="513", credit="101", amount="1234.56",
                 summary="管理费用")
    made = periods.year_end_vouchers(org, 2024, on=dt.date(2025, 1, 2), by=accountant,
                                     today=dates.today())
    assert len(made) == 2
    for voucher in made:
        run(voucher, accountant, reviewer)
    statement = build_report("income_statement", org, "2024")
    by_label = {row[0]: row[2] for row in statement.rows}
    assert by_label["经营收入"] == Decimal("8000.00")
    assert by_label["管理费用"] == Decimal("1234.56")
    assert by_label["本年收益"] == Decimal("6765.44")
    assert by_label["年末未分配收益"] == Decimal("6765.44")
    sheet = {row[0]: (row[2], row[3]) for row in build_report("balance_sheet", org, "2024").rows}
    assert sheet["未分配收益"] == (Decimal("6765.44"), Decimal("0.00"))
    assert sheet["资产总计"] == sheet["负债和所有者权益总计"]
    trial = build_report("trial_balance", org, "2024")
    assert "32202" in [row[0] for row in trial.rows]
    top_level = build_report("trial_balance", org, "2024", level=1)
    assert "32202" not in [row[0] for row in top_level.rows]
    assert top_level.rows[-1] == trial.rows[-1]
    totals = trial.rows[-1]
    assert totals[4] == totals[5]  # period debits equal credits
    assert totals[6] == totals[7] == Decimal("106765.44")
    with pytest.raises(periods.PeriodError):
        periods.year_end_vouchers(org, 2024, on=dt.date(2025, 1, 2), by=accountant,
                                  today=dates.today())


def _pl_balances(org: Any) -> dict[str, Decimal]:
    from coopledger.ledger.models import Category
    from coopledger.ledger.queries import leaf_balances

    accounts = {a.id: a for a in db.session.scalars(sa.select(Account).where(
        Account.organisation_id == org.id))}
    return {accounts[i].code: b for i, b in leaf_balances(org, as_of=dt.date(2024, 12, 31)).items()
            if accounts[i].category in (Category.INCOME, Category.EXPENSE) and b}


def test_the_year_is_closed_only_after_it_ends(opened: Any) -> None:
    org, accountant = opened.org("shian-jjhzs"), opened.user("accountant")
    make_voucher(org, accountant, opened.user("reviewer"), amount="8000.00")
    with pytest.raises(periods.PeriodError) as caught:
        periods.year_end_vouchers(org, 2024, on=dt.date(2024, 12, 31), by=accountant,
                                  today=dates.today())
    assert str(caught.value).startswith(
        "2024年还没有结束：年终结转须在 2024 年 12 月 31 日之后进行")
    assert db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(
        Voucher.kind == VoucherKind.CLOSING)) == 0


def test_a_december_voucher_posted_after_the_closing_gets_a_supplementary_closing(
        opened: Any) -> None:
    """Draft the closing → post a December voucher → post the closing → close again: a
    补充结转 closes what came after, every 损益 account is zero and 未分配 holds the whole
    year's result; a third attempt is refused (nothing left to close)."""
    org = opened.org("shian-jjhzs")
    accountant, reviewer = opened.user("accountant"), opened.user("reviewer")
    make_voucher(org, accountant, reviewer, amount="8000.00")
    drafted = periods.year_end_vouchers(org, 2024, on=dt.date(2025, 1, 2), by=accountant,
                                        today=dates.today())
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 12, 28), debit="513", credit="101",
                 amount="1234.56", summary="管理费用")
    for voucher in drafted:
        run(voucher, accountant, reviewer)
    assert _pl_balances(org) == {"513": Decimal("1234.56")}
    extra = periods.year_end_vouchers(org, 2024, on=dt.date(2025, 1, 3), by=accountant,
                                      today=dates.today())
    assert [v.lines[0].summary for v in extra] == [
        "补充结转2024年损益", "补充结转2024年本年收益至未分配"]
    for voucher in extra:
        run(voucher, accountant, reviewer)
    assert _pl_balances(org) == {}
    sheet = {row[0]: (row[2], row[3]) for row in build_report("balance_sheet", org, "2024").rows}
    assert sheet["未分配收益"] == (Decimal("6765.44"), Decimal("0.00"))
    with pytest.raises(periods.PeriodError, match="损益类科目已全部结平"):
        periods.year_end_vouchers(org, 2024, on=dt.date(2025, 1, 4), by=accountant,
                                  today=dates.today())


def test_reports_download_as_csv_xlsx_and_pdf(client: FlaskClient, auth: Auth,
                                              opened: Any) -> None:
    make_voucher(opened.org("shian-jjhzs"), opened.user("accountant"), opened.user("reviewer"))
    db.session.commit()
    auth.login("auditor")
    csv = client.get(f"{BOOKS}/reports/detail_ledger?period=2024-03&account=102&format=csv")
    rows = [line.split(",") for line in csv.get_data(as_text=True).splitlines()]
    assert rows[1][2:] == ["期初余额", "", "", "借", "95000.00"]
    assert rows[2] == ["2024-03-05", "记-1", "收到土地租金", "8000.00", "", "借", "103000.00"]
    xlsx = load_workbook(io.BytesIO(client.get(
        f"{BOOKS}/reports/balance_sheet?period=2024&format=xlsx").data)).active
    cells = {row[0]: row[2] for row in xlsx.iter_rows(min_row=4, values_only=True)}
    assert cells["货币资金"] == 108000
    # columns sized to their content: 项目 holds the longest line name, 行次 is narrow
    names = [str(row[0]) for row in xlsx.iter_rows(min_row=4, values_only=True) if row[0]]
    longest = max(sum(2 if "\u4e00" <= c <= "\u9fff" or c in "（）：、" else 1 for c in n)
                  for n in names)
    assert xlsx.column_dimensions["A"].width >= longest
    assert xlsx.column_dimensions["B"].width < 10
    pdf = client.get(f"{BOOKS}/reports/trial_balance?period=2024-Q1&format=pdf")
    assert pdf.data.startswith(b"%PDF-")
    bad = client.get(f"{BOOKS}/reports/trial_balance?period=2024-13")
    assert bad.status_code == 422
    assert "期间“2024-13”无法识别" in bad.get_data(as_text=True)


def test_export_is_deterministic_and_verifies(client: FlaskClient, auth: Auth,
                                              opened: Any) -> None:
    org = opened.org("shian-jjhzs")
    make_voucher(org, opened.user("accountant"), opened.user("reviewer"))
    db.session.commit()
    auth.login("accountant")
    first = client.get(f"{BOOKS}/export.beancount").get_data(as_text=True)
    assert first == client.get(f"{BOOKS}/export.beancount").get_data(as_text=True)
    assert 'option "account_current_earnings" "321-本年收益"' in first
    assert 'option "account_previous_earnings" "322-收益分配:32202-未分配收益"' in first
    assert 'voucher: "记-1"' in first
    assert "^v2024-03-0001" in first
    assert bookfile.verify_book(org).ok
    response = client.post(f"{BOOKS}/verify", follow_redirects=True)
    assert "核对通过" in response.get_data(as_text=True)


def test_tampering_with_a_posted_amount_is_found_by_verification(opened: Any) -> None:
    from coopledger.ledger.models import VoucherLine

    org = opened.org("shian-jjhzs")
    voucher = make_voucher(org, opened.user("accountant"), opened.user("reviewer"))
    db.session.flush()
    db.session.execute(sa.update(VoucherLine).where(VoucherLine.voucher_id == voucher.id,
                                                    VoucherLine.line_no == 1)
                       .values(debit=Decimal("800.00")))
    db.session.execute(sa.update(VoucherLine).where(VoucherLine.voucher_id == voucher.id,
                                                    VoucherLine.line_no == 2)
                       .values(credit=Decimal("800.00")))
    result = bookfile.verify_book(org)
    assert result.chain_errors == [
        "2024-03-05 记-1: lines differ from the posted text",
        "month-balance index 2024-03 account 102 flow: lines give debit 800.00 credit 0.00 "
        "(1 lines), index has debit 8000.00 credit 0.00 (1)",
        "month-balance index 2024-03 account 501 flow: lines give debit 0.00 credit 800.00 "
        "(1 lines), index has debit 0.00 credit 8000.00 (1)"]
    assert "Assets:102-银行存款 2024-03: SQL 95800.00 ≠ beancount 103000.00" in (
        result.balance_differences)


def test_tampering_with_a_stored_hash_breaks_the_chain(opened: Any) -> None:
    org = opened.org("shian-jjhzs")
    voucher = make_voucher(org, opened.user("accountant"), opened.user("reviewer"))
    db.session.flush()
    db.session.execute(sa.update(Voucher).where(Voucher.id == voucher.id)
                       .values(chain_hash="0" * 64))
    result = bookfile.verify_book(org)
    assert not result.ok
    assert any("hash mismatch" in problem for problem in result.chain_errors)


def test_reopening_is_for_admins_with_a_reason(client: FlaskClient, auth: Auth,
                                               opened: Any) -> None:
    org = opened.org("shian-jjhzs")
    periods.close_month(org, 2024, 1, by=opened.user("accountant"))
    db.session.commit()
    auth.login("accountant")
    assert client.post(f"{BOOKS}/periods/2024/1/reopen", data={"reason": "x"}).status_code == 403
    auth.login("admin")
    page = client.post(f"{BOOKS}/periods/2024/1/reopen", data={"reason": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "反结账必须填写原因" in page
    client.post(f"{BOOKS}/periods/2024/1/reopen", data={"reason": "补录漏记的租金收入"})
    assert books.find_period(org.id, 2024, 1).closed_at is None  # type: ignore[union-attr]


def test_vouchers_are_posted_in_date_order_within_a_month(opened: Any) -> None:
    """序时控制 (on by default): 记-1 dated 03-20 posted, a voucher dated 03-05 is refused with
    the sentence; the same date or later passes, and with the setting off the earlier date
    posts too (numbers stay gap-free either way)."""
    from coopledger.ledger import vouchers

    org = opened.org("shian-jjhzs")
    accountant, reviewer = opened.user("accountant"), opened.user("reviewer")
    assert books.get_book(org).in_date_order
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 20))
    early = make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 5), upto="reviewed")
    with pytest.raises(vouchers.VoucherError,
                       match="2024-03 已记账到 2024-03-20（记-1），不能再记账日期更早的凭证"):
        vouchers.post_voucher(early, by=reviewer, today=dates.today())
    same_day = make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 20))
    assert same_day.number == 2
    books.set_cashier_confirms(org, False, by=accountant, in_date_order=False)
    vouchers.post_voucher(early, by=reviewer, today=dates.today())
    assert early.number == 3
