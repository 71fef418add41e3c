"""The ledger's money index (issue 21, county scale): what posting writes for each voucher that
touches cash or the bank — its net effect on cash, whether it touches the bank and pays money
out, and what a paying ordinary voucher debits to each other account — is what the posted
lines give (a rebuild writes the same rows), and verify-ledger finds an index that was changed
behind the books' back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from coopledger.extensions import db
from coopledger.ledger import books, money_index
from coopledger.ledger.bookfile import verify_book
from coopledger.ledger.models import VoucherMoney, VoucherPayment
from tests.ledger_helpers import book_with_vouchers, make_voucher


def _index(org_id: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    money = [(m.voucher_id, m.on, m.cash, m.banked, m.pays) for m in db.session.scalars(
        sa.select(VoucherMoney).where(VoucherMoney.organisation_id == org_id)
        .order_by(VoucherMoney.voucher_id))]
    payments = [(p.voucher_id, p.account_id, p.amount, p.expense) for p in db.session.scalars(
        sa.select(VoucherPayment).where(VoucherPayment.organisation_id == org_id)
        .order_by(VoucherPayment.voucher_id, VoucherPayment.account_id))]
    return money, payments


def test_posting_writes_what_the_lines_give_and_a_changed_index_is_found(by_name: Any) -> None:
    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    day = dt.date(2024, 5, 6)
    drawn = make_voucher(org, accountant, reviewer, on=day, amount="600.00", debit="101",
                         credit="102", summary="提取现金")
    spent = make_voucher(org, accountant, reviewer, on=day, amount="250.50", debit="513",
                         credit="101", summary="购买办公用品")
    accrued = make_voucher(org, accountant, reviewer, on=day, amount="900.00", debit="513",
                           credit="212", summary="计提工资")      # touches no money: no row
    draft = make_voucher(org, accountant, reviewer, upto="draft", on=day, amount="70.00",
                         debit="513", credit="101")                # not posted: no row
    db.session.commit()
    money, payments = _index(org.id)
    by_voucher = {row[0]: row for row in money}
    assert by_voucher[drawn.id] == (drawn.id, day, 60000, True, True)
    assert by_voucher[spent.id] == (spent.id, day, -25050, False, True)
    assert accrued.id not in by_voucher
    assert draft.id not in by_voucher
    office = books.accounts_by_code(org)["513"].id
    assert (spent.id, office, 25050, True) in payments
    assert not [p for p in payments if p[0] == drawn.id]           # the bank is money too
    assert money_index.differences(org) == []
    written = _index(org.id)
    money_index.rebuild(org.id)
    assert _index(org.id) == written                              # a rebuild writes the same
    db.session.execute(sa.update(VoucherMoney).where(VoucherMoney.voucher_id == spent.id)
                       .values(cash=0))                           # the cash payment hidden
    result = verify_book(org)
    assert not result.ok
    assert any(f"money index (money) differs from the posted lines: vouchers [{spent.id}]"
               in problem for problem in result.chain_errors)
