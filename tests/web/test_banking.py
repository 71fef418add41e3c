"""Bank reconciliation and the cash count (issue 20): a statement imported through the bank's
own layout, matched, the 银行存款余额调节表 with every kind of outstanding item, a month marked
reconciled only when it agrees, vouchers drafted from what only the bank booked, refusals that
save nothing; the cash count with a 10 元 difference; the month-end warnings."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from pypdf import PdfReader

from coopledger import dates
from coopledger.banking import queries
from coopledger.banking import services as banking
from coopledger.banking.models import BankStatement, CashCount, StatementLine
from coopledger.banking.rules import BankingError
from coopledger.extensions import db
from coopledger.files import store
from coopledger.ledger import month_end, vouchers
from coopledger.ledger.models import Voucher, VoucherLine
from coopledger.workbook_import import ImportRefusedError
from tests.banking_helpers import (
    MAPPING,
    MARCH,
    bank_account,
    build_bank,
    march_books,
    statement_xlsx,
)
from tests.conftest import Auth

URL = "/o/shian-jjhzs/bank"


@pytest.fixture
def bank(by_name: Any) -> dict[str, Any]:
    found = build_bank(by_name)
    db.session.commit()
    return found


def _amounts(items: list[Any]) -> list[Decimal]:
    return [item.amount for item in items]


def test_march_matches_and_its_table_has_every_kind_of_item(by_name: Any,
                                                           bank: dict[str, Any]) -> None:
    rent = db.session.get(StatementLine, bank["rent_line"])
    assert rent is not None
    assert rent.matched_how == "auto"
    assert rent.voucher_line is not None
    assert rent.voucher_line.voucher_id == bank["vouchers"]["rent"].id
    table = queries.reconciliation(bank_account(by_name), 2024, 3)
    assert table.book_balance == Decimal("104800.00")
    assert table.bank_balance == Decimal("103016.50")
    assert _amounts(table.bank_in) == [Decimal("31.50")]       # 银行已收、企业未收: interest
    assert _amounts(table.bank_out) == [Decimal("15.00")]      # 银行已付、企业未付: the charge
    assert _amounts(table.book_in) == [Decimal("3000.00")]     # 企业已收、银行未收
    assert _amounts(table.book_out) == [Decimal("1200.00")]    # 企业已付、银行未付: the cheque
    assert table.adjusted_book == table.adjusted_bank == Decimal("104816.50")


def test_the_accountant_reads_the_table_marks_it_and_prints_it(client: FlaskClient, auth: Auth,
                                                               bank: dict[str, Any]) -> None:
    auth.login("accountant")
    page = client.get(f"{URL}/{bank['account']}/2024/3").get_data(as_text=True)
    assert 'id="adjusted-book">104,816.50<' in page
    assert 'id="adjusted-bank">104,816.50<' in page
    assert "调节后余额相符。" in page
    assert "未达 11 天" in page                                   # the cheque of 20 March
    assert "逾期未达" not in page
    assert f'id="statement-line-{bank["rent_line"]}" class="matched"' in page
    assert f'id="statement-line-{bank["charge_line"]}" class="unmatched"' in page
    done = client.post(f"{URL}/{bank['account']}/2024/3/reconcile", follow_redirects=True)
    assert "已标记为对账相符。" in done.get_data(as_text=True)
    again = client.post(f"{URL}/{bank['account']}/2024/3/reconcile", follow_redirects=True)
    assert "2024-03 已经标记为对账相符。" in again.get_data(as_text=True)
    pdf = client.get(f"{URL}/{bank['account']}/2024/3/table.pdf")
    assert pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    for figure in ("104,800.00", "103,016.50", "31.50", "15.00", "3,000.00", "1,200.00",
                   "104,816.50", "银行存款余额调节表"):
        assert figure in text
    listing = client.get(f"{URL}/").get_data(as_text=True)
    assert 'class="month-reconciled"' in listing


def test_a_month_whose_balances_differ_cannot_be_marked(by_name: Any, client: FlaskClient,
                                                        auth: Auth) -> None:
    """The statement opens at 94,000.00 while the books hold 95,000.00 on 1 March: the table
    is 1,000.00 apart and the month stays open."""
    march_books(by_name)
    org, account, user = by_name.org("shian-jjhzs"), bank_account(by_name), \
        by_name.user("accountant")
    banking.save_mapping(org, account, MAPPING, by=user)
    rows = [(on, summary, who, ref, money_in, money_out,
             f"{Decimal(balance.replace(',', '')) - 1000:,.2f}")
            for on, summary, who, ref, money_in, money_out, balance in MARCH]
    banking.import_statement(org, account, content=statement_xlsx(rows), filename="m.xlsx",
                             opening=None, by=user, storage=store(), today=dates.today())
    banking.auto_match(account, by=user)
    db.session.commit()
    table = queries.reconciliation(account, 2024, 3)
    assert table.difference == Decimal("1000.00")
    auth.login("accountant")
    refused = client.post(f"{URL}/{account.id}/2024/3/reconcile", follow_redirects=True)
    assert "调节后余额不相符（企业方 104,816.50，银行方 103,816.50，相差 1,000.00）" in \
        refused.get_data(as_text=True)
    assert queries.reconciled_months(account) == {}


def test_a_month_without_its_statement_has_no_table(by_name: Any, client: FlaskClient,
                                                    auth: Auth, bank: dict[str, Any]) -> None:
    with pytest.raises(queries.NoStatementError, match="2024-04 的银行对账单还没有导入完整"):
        queries.reconciliation(bank_account(by_name), 2024, 4)
    auth.login("accountant")
    page = client.get(f"{URL}/{bank['account']}/2024/4").get_data(as_text=True)
    assert "须覆盖到 2024-04-30" in page
    assert 'id="reconciliation"' not in page


def test_the_bank_charge_becomes_a_voucher_and_is_matched_once_posted(
        by_name: Any, client: FlaskClient, auth: Auth, bank: dict[str, Any]) -> None:
    auth.login("accountant")
    client.post(f"{URL}/{bank['account']}/2024/3/draft",
                data={"statement_line": bank["charge_line"], "counter": "513",
                      "summary": "银行手续费", "on": "2024-03-31"})
    line = db.session.get(StatementLine, bank["charge_line"])
    assert line is not None
    assert line.voucher is not None
    drafted = line.voucher
    assert [(v.account.code, v.debit, v.credit) for v in drafted.lines] == [
        ("513", Decimal("15.00"), Decimal("0.00")), ("102", Decimal("0.00"), Decimal("15.00"))]
    assert drafted.on == dt.date(2024, 3, 31)       # March is posted to the 28th (序时控制)
    twice = client.post(f"{URL}/{bank['account']}/2024/3/draft",
                        data={"statement_line": bank["charge_line"], "counter": "513"},
                        follow_redirects=True)
    assert "已经生成过凭证" in twice.get_data(as_text=True)
    vouchers.submit_voucher(drafted, by=by_name.user("accountant"))
    vouchers.review_voucher(drafted, by=by_name.user("reviewer"))
    vouchers.post_voucher(drafted, by=by_name.user("reviewer"), today=dates.today())
    db.session.commit()
    client.post(f"{URL}/{bank['account']}/match", data={"year": "2024", "month": "3"})
    db.session.expire_all()
    line = db.session.get(StatementLine, bank["charge_line"])
    assert line is not None
    assert line.voucher_line is not None
    assert line.voucher_line.voucher_id == drafted.id
    table = queries.reconciliation(bank_account(by_name), 2024, 3)
    assert table.bank_out == []
    assert table.book_balance == Decimal("104785.00")
    assert table.adjusted_book == table.adjusted_bank == Decimal("104816.50")


def test_manual_matches_are_checked_and_a_reconciled_month_is_kept(
        by_name: Any, client: FlaskClient, auth: Auth, bank: dict[str, Any]) -> None:
    account = bank_account(by_name)
    fee_line = db.session.scalars(sa.select(VoucherLine).where(
        VoucherLine.voucher_id == bank["vouchers"]["fee"].id,
        VoucherLine.account_id == account.id)).one()
    interest = db.session.get(StatementLine, bank["interest_line"])
    assert interest is not None
    with pytest.raises(BankingError, match=r"金额不一致：对账单 31\.50，账面 3,000\.00"):
        banking.match_lines(interest, fee_line, by=by_name.user("accountant"))
    rent = db.session.get(StatementLine, bank["rent_line"])
    assert rent is not None
    rent_book = rent.voucher_line
    assert rent_book is not None
    with pytest.raises(BankingError, match="已经勾对过了"):
        banking.match_lines(rent, fee_line, by=by_name.user("accountant"))
    auth.login("cashier")
    client.post(f"{URL}/{bank['account']}/2024/3/unmatch/{rent.id}")
    db.session.expire_all()
    assert db.session.get(StatementLine, rent.id).voucher_line_id is None  # type: ignore[union-attr]
    client.post(f"{URL}/{bank['account']}/2024/3/match",
                data={"statement_line": rent.id, "book_line": rent_book.id})
    db.session.expire_all()
    again = db.session.get(StatementLine, rent.id)
    assert again is not None
    assert (again.voucher_line_id, again.matched_how) == (rent_book.id, "manual")
    banking.mark_reconciled(account, 2024, 3, by=by_name.user("accountant"))
    db.session.commit()
    kept = client.post(f"{URL}/{bank['account']}/2024/3/unmatch/{rent.id}",
                       follow_redirects=True)
    assert "2024-03 已标记为对账相符：请先撤销该月的对账" in kept.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(StatementLine, rent.id).voucher_line_id == rent_book.id  # type: ignore[union-attr]


def _import(by_name: Any, content: bytes, *, filename: str = "s.xlsx",
            opening: Decimal | None = None) -> BankStatement:
    org, account = by_name.org("shian-jjhzs"), bank_account(by_name)
    return banking.import_statement(org, account, content=content, filename=filename,
                                    opening=opening, by=by_name.user("accountant"),
                                    storage=store(), today=dates.today())


def _refusal(by_name: Any, content: bytes, **kwargs: Any) -> str:
    with pytest.raises((ImportRefusedError, BankingError)) as refused:
        _import(by_name, content, **kwargs)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(StatementLine.id))) == 0
    return str(refused.value)


def test_a_statement_that_cannot_be_read_is_refused_whole(by_name: Any) -> None:
    march_books(by_name)
    banking.save_mapping(by_name.org("shian-jjhzs"), bank_account(by_name), MAPPING,
                         by=by_name.user("accountant"))
    db.session.commit()
    both = [*MARCH[:1], ("2024-03-15", "手续费", "", "B2", "1.00", "15.00", "102,985.00")]
    assert "第5行：收入和支出两列须且只能填一列" in _refusal(by_name, statement_xlsx(both))
    wrong = [*MARCH[:2], ("2024-03-21", "结息", "", "B3", "31.50", "", "103,016.00")]
    assert "第6行：余额 103,016.00 不等于上一行余额 102,985.00 加本行金额 31.50" in \
        _refusal(by_name, statement_xlsx(wrong))
    sub_fen = [("2024-03-06", "转账存入", "", "B1", "8,000.001", "", "103,000.00")]
    assert "最多只能有两位小数" in _refusal(by_name, statement_xlsx(sub_fen))
    bad_day = [("2024-02-30", "转账存入", "", "B1", "8,000.00", "", "103,000.00")]
    assert "不是有效的日期" in _refusal(by_name, statement_xlsx(bad_day))
    missing = _refusal(by_name, statement_xlsx(MARCH, headers=(
        "日期", "摘要", "对方户名", "流水号", "收入金额", "支出金额", "余额")))
    assert "缺少“交易日期”列" in missing
    assert "没有交易行" in _refusal(by_name, statement_xlsx([]))
    assert "不是有效的 Excel" in _refusal(by_name, b"not a workbook")
    no_balance = [row[:6] for row in MARCH]
    headers_without = ("交易日期", "摘要", "对方户名", "流水号", "收入金额", "支出金额")
    assert "缺少“余额”列" in _refusal(by_name, statement_xlsx(no_balance,
                                                            headers=headers_without))
    banking.save_mapping(by_name.org("shian-jjhzs"), bank_account(by_name),
                         banking.MappingData(**{**vars(MAPPING), "balance_column": ""}),
                         by=by_name.user("accountant"))
    assert "请填写对账单的期初余额" in _refusal(by_name, statement_xlsx(
        no_balance, headers=headers_without))


def test_csv_from_the_bank_newest_first_in_gbk_is_read(by_name: Any) -> None:
    march_books(by_name)
    org, account, user = by_name.org("shian-jjhzs"), bank_account(by_name), \
        by_name.user("accountant")
    banking.save_mapping(org, account, banking.MappingData(
        header_row=1, date_column="交易时间", amount_column="交易金额", balance_column="账户余额",
        summary_column="用途"), by=user)
    text = ("交易时间,交易金额,账户余额,用途,币种\n"
            "20240321,31.50,\"103,016.50\",结息,人民币\n"
            "20240315,-15.00,\"102,985.00\",手续费,人民币\n"
            "20240306,8000.00,\"103,000.00\",=HYPERLINK(\"x\"),人民币\n")
    statement = _import(by_name, text.encode("gb18030"), filename="流水.csv")
    assert (statement.first_on, statement.last_on) == (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert (statement.opening, statement.closing) == (Decimal("95000.00"), Decimal("103016.50"))
    assert [line.amount for line in statement.lines] == [
        Decimal("31.50"), Decimal("-15.00"), Decimal("8000.00")]
    assert statement.lines[-1].summary == '=HYPERLINK("x")'           # kept as text
    assert store().get(banking.statement_key(statement.sha256)) == text.encode("gb18030")


def test_the_same_days_cannot_be_imported_twice_and_a_gap_is_told(by_name: Any,
                                                                  bank: dict[str, Any]) -> None:
    assert "重叠" in _refusal_after(by_name, statement_xlsx(MARCH[1:]))
    april = [("2024-04-02", "转账存入", "", "B0402", "3,000.00", "", "106,000.00")]
    assert "期初余额 103,000.00 与上一份（至 2024-03-31）的期末余额 103,016.50 不一致" in \
        _refusal_after(by_name, statement_xlsx(april))
    good = [("2024-04-02", "转账存入", "", "B0402", "3,000.00", "", "106,016.50")]
    _import(by_name, statement_xlsx(good))
    assert len(queries.statements_of(bank_account(by_name))) == 2


def _refusal_after(by_name: Any, content: bytes) -> str:
    before = db.session.scalar(sa.select(sa.func.count(StatementLine.id)))
    with pytest.raises((ImportRefusedError, BankingError)) as refused:
        _import(by_name, content)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(StatementLine.id))) == before
    return str(refused.value)


def test_the_import_page_round_trip(by_name: Any, client: FlaskClient, auth: Auth) -> None:
    march_books(by_name)
    db.session.commit()
    auth.login("cashier")
    account = bank_account(by_name)
    page = f"{URL}/{account.id}/"
    saved = client.post(page, data={"header_row": "3", "date_column": "交易日期",
                                    "in_column": "收入金额", "out_column": "支出金额",
                                    "balance_column": "余额", "summary_column": "摘要",
                                    "counterparty_column": "对方户名",
                                    "reference_column": "流水号", "window_days": "5"},
                        follow_redirects=True)
    assert "对账单列名已保存。" in saved.get_data(as_text=True)
    both = client.post(page, data={"header_row": "1", "date_column": "日期",
                                   "amount_column": "金额", "in_column": "收入"},
                       follow_redirects=True)
    assert "金额列与收入/支出列只能选一种。" in both.get_data(as_text=True)
    uploaded = statement_xlsx(MARCH)      # once: a workbook's bytes carry the second it is made
    done = client.post(f"{page}statements", data={
        "file": (io.BytesIO(uploaded), "三月.xlsx")}, follow_redirects=True)
    assert "已导入 2024-03-01 至 2024-03-31 的对账单 3 行，自动勾对 1 行。" in \
        done.get_data(as_text=True)
    statement = queries.statements_of(account)[0]
    original = client.get(f"{page}statements/{statement.id}")
    assert original.data == uploaded           # the file is kept as the bank sent it
    none = client.post(f"{page}statements", data={}, follow_redirects=True)
    assert "请选择对账单文件。" in none.get_data(as_text=True)


def test_another_organisations_account_is_not_found(client: FlaskClient, auth: Auth,
                                                    bank: dict[str, Any]) -> None:
    auth.login("admin")
    assert client.get(f"/o/shian-tdgf/bank/{bank['account']}/").status_code == 404
    assert client.get(f"{URL}/{bank['account']}/2024/13").status_code == 404


def test_a_cash_count_with_a_10_yuan_shortfall_drafts_its_voucher(
        by_name: Any, client: FlaskClient, auth: Auth, bank: dict[str, Any]) -> None:
    """The till holds 5,000.00 by the books; 4,990.00 is counted."""
    auth.login("cashier")
    witness = by_name.user("accountant")
    form = {"on": "2024-03-31", "account": "101", "witness": str(witness.id),
            "pieces_100": "49", "pieces_50": "1", "pieces_20": "2", "pieces_0_5": "0"}
    done = client.post("/o/shian-jjhzs/cash/counts", data=form, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "盘点已登记：实存 4,990.00，账存 5,000.00。" in text
    assert "差额 -10.00 已生成凭证草稿" in text
    count = db.session.scalars(sa.select(CashCount)).one()
    assert count.difference == Decimal("-10.00")
    assert count.pieces == {"100": 49, "50": 1, "20": 2}
    voucher = db.session.get(Voucher, count.voucher_id)
    assert voucher is not None
    assert [(v.account.code, v.debit, v.credit) for v in voucher.lines] == [
        ("181", Decimal("10.00"), Decimal("0.00")), ("101", Decimal("0.00"), Decimal("10.00"))]
    alone = client.post("/o/shian-jjhzs/cash/counts",
                        data={**form, "witness": str(by_name.user("cashier").id)},
                        follow_redirects=True)
    assert "不是有效的选择。" in alone.get_data(as_text=True)   # the cashier is not offered
    with pytest.raises(BankingError, match="请选择监盘人"):
        banking.record_count(by_name.org("shian-jjhzs"), account_code="101",
                             on=dt.date(2024, 3, 31), pieces={}, witness=by_name.user("cashier"),
                             note="", by=by_name.user("cashier"), today=dates.today())
    negative = client.post("/o/shian-jjhzs/cash/counts", data={**form, "pieces_10": "-1"},
                           follow_redirects=True)
    assert '<div class="field has-error"><label for="pieces_10">' in \
        negative.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(CashCount.id))) == 1
    even = banking.record_count(by_name.org("shian-jjhzs"), account_code="101",
                                on=dt.date(2024, 3, 1), pieces={Decimal("100"): 50},
                                witness=witness, note="", by=by_name.user("cashier"),
                                today=dates.today())
    assert even.difference == 0
    assert even.voucher_id is None


def test_the_month_end_checklist_warns_of_an_unreconciled_month_and_no_cash_count(
        by_name: Any, bank: dict[str, Any]) -> None:
    org = by_name.org("shian-jjhzs")
    texts = [item.text % item.params for item in month_end.checklist(org, 2024, 3).warnings]
    assert "102 银行存款 2024-03 还没有对账（银行存款余额调节表未标记相符）。" in texts
    banking.record_count(org, account_code="101", on=dt.date(2024, 4, 1),
                         pieces={Decimal("100"): 50}, witness=by_name.user("accountant"),
                         note="", by=by_name.user("cashier"), today=dates.today())
    banking.mark_reconciled(bank_account(by_name), 2024, 3, by=by_name.user("accountant"))
    texts = [item.text % item.params for item in month_end.checklist(org, 2024, 3).warnings]
    assert texts == ["2024-03 没有现金盘点记录。"]


def test_the_township_sees_the_unreconciled_month_and_the_months_without_a_count(
        by_name: Any, client: FlaskClient, auth: Auth, bank: dict[str, Any]) -> None:
    from coopledger.supervision import queries as supervision
    from coopledger.supervision.rules import Rule

    org = by_name.org("shian-jjhzs")
    assert Rule.BANK_NOT_RECONCILED not in supervision.organisation_line(
        org, on=dt.date(2024, 4, 30)).fired                  # March is due by 30 April
    line = supervision.organisation_line(org, on=dt.date(2024, 5, 10))
    assert line.fired[Rule.BANK_NOT_RECONCILED] == 1
    assert Rule.CASH_NOT_COUNTED not in line.fired           # the cash is not counted yet
    banking.record_count(org, account_code="101", on=dt.date(2024, 3, 31),
                         pieces={Decimal("100"): 50}, witness=by_name.user("accountant"),
                         note="", by=by_name.user("cashier"), today=dates.today())
    banking.mark_reconciled(bank_account(by_name), 2024, 3, by=by_name.user("accountant"))
    db.session.commit()
    line = supervision.organisation_line(org, on=dt.date(2024, 5, 10))
    assert Rule.BANK_NOT_RECONCILED not in line.fired
    assert line.fired[Rule.CASH_NOT_COUNTED] == 1            # April was not counted
    auth.login("auditor")
    page = client.get("/o/shian-jjhzs/supervision/?on=2024-05-10").get_data(as_text=True)
    assert "库存现金未按月盘点" in page
    assert 'href="/o/shian-jjhzs/cash/counts"' in page
