"""The pure rules of 收支明细 (``disclosure.cashflow``): money in and out from the cash side.

Property: for any balanced vouchers, receipts − payments equal the net movement of cash and
bank to the fen, and transfers and non-cash entries add nothing to either side.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from coopledger.disclosure.cashflow import (
    BOARD_ITEMS,
    PAYMENT,
    RECEIPT,
    Entry,
    Posting,
    by_category,
    movements,
)

D = Decimal
DAY = dt.date(2025, 3, 1)


def cash(debit: str = "0", credit: str = "0") -> Posting:
    return Posting(True, "", 0, "", "现金", D(debit), D(credit))


def other(category: str, debit: str = "0", credit: str = "0", *, party: str = "",
          rank: int = 1) -> Posting:
    return Posting(False, category, rank, party, category, D(debit), D(credit))


def test_a_wage_paid_is_a_payment_and_rent_received_a_receipt() -> None:
    moved = movements([
        Entry(DAY, "记-1", (other("经营支出", debit="1200.00"), cash(credit="1200.00"))),
        Entry(DAY, "记-2", (cash(debit="8000.00"), other("经营收入", credit="8000.00"))),
        Entry(DAY, "记-3", (other("管理费用", debit="200.00"),          # depreciation: no cash
                            other("累计折旧", credit="200.00"))),
        Entry(DAY, "记-4", (cash(debit="500.00"), cash(credit="500.00"))),  # bank → cash
    ])
    assert [(i.voucher, i.side, i.amount) for i in moved.items] == [
        ("记-1", PAYMENT, D("1200.00")), ("记-2", RECEIPT, D("8000.00"))]
    assert [(t.voucher, t.amount) for t in moved.transfers] == [("记-4", D("500.00"))]


def test_counterparts_of_one_party_are_netted_and_parties_kept_apart() -> None:
    moved = movements([Entry(DAY, "记-5", (
        cash(debit="900.00"),
        other("往来款项", credit="1000.00", party="张三"),
        other("往来款项", debit="100.00", party="张三"),
        other("往来款项", credit="50.00", party="李四"),
        other("管理费用", debit="50.00")))])
    assert [(i.counterparty, i.side, i.amount) for i in moved.items] == [
        ("张三", RECEIPT, D("900.00")), ("李四", RECEIPT, D("50.00")),
        ("", PAYMENT, D("50.00"))]


def test_the_board_lists_the_largest_items_and_sums_the_rest() -> None:
    entries = [Entry(DAY, f"记-{n}", (other("经营支出", debit=f"{1000 + n}.00"),
                                      cash(credit=f"{1000 + n}.00")))
               for n in range(BOARD_ITEMS + 5)]
    entries.append(Entry(DAY, "记-x", (other("经营支出", debit="999.99"),
                                       cash(credit="999.99"))))
    moved = movements(entries)
    (group,) = by_category(moved.items, PAYMENT, itemise_from=D("1000.00"))
    assert len(group.shown) == BOARD_ITEMS
    assert min(i.amount for i in group.shown) == D("1005.00")     # the largest 25 of 30
    assert group.rest_count == 6                                   # 5 smaller + the 999.99
    assert group.total == sum((i.amount for i in moved.items), D(0))
    assert group.rest_total == group.total - sum((i.amount for i in group.shown), D(0))
    (every,) = by_category(moved.items, PAYMENT)
    assert len(every.shown) == len(moved.items)


amounts = st.integers(min_value=1, max_value=10_000_000).map(lambda fen: D(fen) / 100)
CATEGORIES = ("经营收入", "管理费用", "往来款项", "资产购置与处置")


@st.composite
def entry(draw: st.DrawFn) -> Entry:
    """A balanced voucher of 2–5 lines, some on cash or bank, some not."""
    count = draw(st.integers(min_value=1, max_value=4))
    postings = []
    for _ in range(count):
        amount = draw(amounts)
        debit = draw(st.booleans())
        if draw(st.booleans()):
            postings.append(cash(str(amount) if debit else "0", "0" if debit else str(amount)))
        else:
            postings.append(other(draw(st.sampled_from(CATEGORIES)),
                                  str(amount) if debit else "0", "0" if debit else str(amount),
                                  party=draw(st.sampled_from(["", "张三"]))))
    net = sum((p.debit - p.credit for p in postings), D(0))
    if net:
        balance = other("其他", "0", str(net)) if net > 0 else other("其他", str(-net), "0")
        postings.append(balance)
    return Entry(DAY, "记-1", tuple(postings))


@given(st.lists(entry(), max_size=20))
def test_receipts_less_payments_are_the_change_of_cash_and_bank(entries: list[Entry]) -> None:
    moved = movements(entries)
    change = sum((p.debit - p.credit for e in entries for p in e.postings if p.is_cash), D(0))
    assert moved.total(RECEIPT) - moved.total(PAYMENT) == change
    assert all(i.amount > 0 for i in moved.items)
    for side in (RECEIPT, PAYMENT):
        board = by_category(moved.items, side, itemise_from=D("1000.00"))
        assert sum((g.total for g in board), D(0)) == moved.total(side)
        assert sum((len(g.shown) for g in board), 0) <= BOARD_ITEMS
