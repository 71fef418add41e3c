"""ledger/beans.py: account names, the voucher text and the whole book, read back by beancount."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coopledger.ledger import beans

BANK = "Assets:102-银行存款:10201-农商行"
INCOME = "Income:501-经营收入"


def test_account_names_put_the_code_first_and_drop_punctuation() -> None:
    assert beans.account_name("asset", [("102", "银行存款"), ("10201", "农商行")]) == BANK
    assert beans.account_name("cost", [("401", "生产(劳务)成本")]) == "Assets:401-生产劳务成本"
    assert beans.account_name("equity", [("322", "收益分配"), ("32202", "未分配收益")]) == (
        "Equity:322-收益分配:32202-未分配收益")


def _txn(narration: str = '收到"张三"的租金', closing: bool = False) -> beans.BeanTransaction:
    return beans.BeanTransaction(
        on=dt.date(2024, 3, 5), narration=narration, voucher="记-3", link="v2024-03-0003",
        preparer="accountant", reviewer="reviewer", attachments=2, closing=closing,
        postings=((BANK, Decimal("8000.00")), (INCOME, Decimal("-8000.00"))))


def _book(*txns: beans.BeanTransaction) -> str:
    accounts = tuple(beans.BeanAccount(name, dt.date(2024, 1, 1)) for name in (
        "Assets:102-银行存款", BANK, INCOME, "Equity:321-本年收益", "Equity:322-收益分配",
        "Equity:322-收益分配:32202-未分配收益"))
    return beans.render_book(beans.BookSpec(
        title="shian-tdgf", current_earnings="321-本年收益",
        previous_earnings="322-收益分配:32202-未分配收益", accounts=accounts,
        texts=tuple(beans.transaction_text(t) for t in txns)))


def test_the_book_loads_with_no_errors_and_keeps_metadata_tags_and_links() -> None:
    from beancount import loader  # noqa: TID251 - the test reads the file as bean-check does

    text = _book(_txn(), _txn("结转", closing=True))
    entries, errors, options = loader.load_string(text)
    assert errors == []
    assert options["account_current_earnings"] == "321-本年收益"  # under the Equity root
    txn = next(e for e in entries if hasattr(e, "postings"))
    assert txn.narration == '收到"张三"的租金'
    assert (txn.meta["voucher"], txn.meta["preparer"], txn.meta["attachments"]) == (
        "记-3", "accountant", 2)
    assert txn.links == frozenset({"v2024-03-0003"})
    assert [e.tags for e in entries if hasattr(e, "postings")][1] == frozenset({"closing"})
    loaded = beans.load(text)
    assert loaded.errors == ()
    assert loaded.monthly_changes[(BANK, 2024, 3)] == Decimal("16000.00")


def test_rendering_is_deterministic() -> None:
    assert _book(_txn()) == _book(_txn())
    assert beans.transaction_text(_txn()) == beans.transaction_text(_txn())


def test_posting_to_a_parent_account_is_reported() -> None:
    bad = beans.BeanTransaction(
        on=dt.date(2024, 3, 5), narration="x", voucher="记-4", link="v2024-03-0004",
        preparer="a", reviewer="b", attachments=0,
        postings=(("Assets:102-银行存款", Decimal("1.00")), (INCOME, Decimal("-1.00"))))
    loaded = beans.load(_book(bad))
    assert any("Non-leaf account 'Assets:102-银行存款'" in error for error in loaded.errors)


def test_background_load_gives_the_same_answer() -> None:
    text = _book(_txn())
    with beans.load_in_background(text) as pending:
        assert pending.result() == beans.load(text)


@pytest.mark.parametrize("name", ["Assets:库存现金", "Assets:101 现金"])
def test_invalid_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="not a valid"):
        beans.account_name("asset", [(name.split(":")[1], "")]) if " " in name else \
            beans.account_name("asset", [("", "库存现金")])
