"""收支明细 as a villager reads it (pure rules): money received and money paid, not 借 and 贷.

The financial disclosure's receipts (收入) and payments (支出) are the movements of 库存现金 and
银行存款 (农经发〔2011〕13号 asks for 收支 item by item; villagers read 收入 as money that came
in). They are derived from the cash and bank side of each posted voucher, so a wage paid is a
payment whatever side the wage account is on:

- A voucher without a cash or bank line (depreciation, accruals, closing) moves no money and is
  left out.
- A voucher with only cash and bank lines is an internal transfer (存现、取现, between banks): it
  is shown apart and counts neither as a receipt nor as a payment.
- Otherwise each counterpart line says where the money came from or went to: its account's
  category (the income or expense line of the standard's statement, 往来款项, 资产购置与处置, or
  the account's own name) and, for a 往来 sub-account, the counterparty. The counterpart lines
  of one category and counterparty are summed (credit − debit): a positive sum is a receipt, a
  negative one a payment. Because a voucher balances, receipts − payments of the period equal
  the change of the cash and bank balances exactly, to the fen.

The board notice itemises the larger items (at least the organisation's threshold, the largest
BOARD_ITEMS of a side) and sums the rest per category; the full list is on the public page and
in the full notice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from coopledger.money import ZERO

RECEIPT, PAYMENT = "receipt", "payment"


@dataclass(frozen=True)
class Posting:
    """One posted voucher line, with what the rules need to know about its account."""

    is_cash: bool
    category: str           # the category it is presented under (ignored for cash lines)
    rank: int               # order of the category on the notice
    counterparty: str       # the 往来 sub-account's name, else ""
    summary: str
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class Entry:
    """One posted voucher."""

    on: dt.date
    voucher: str
    postings: tuple[Posting, ...]


@dataclass(frozen=True)
class Item:
    """One receipt, payment or transfer as the notice lists it."""

    on: dt.date
    voucher: str
    summary: str
    counterparty: str
    category: str
    rank: int
    side: str               # RECEIPT or PAYMENT ("" for a transfer)
    amount: Decimal


@dataclass(frozen=True)
class Movements:
    """The period's receipts, payments and internal transfers."""

    items: tuple[Item, ...]
    transfers: tuple[Item, ...]

    def total(self, side: str) -> Decimal:
        """All receipts or all payments."""
        return sum((i.amount for i in self.items if i.side == side), ZERO)


def movements(entries: Iterable[Entry]) -> Movements:
    """Receipts, payments and transfers of the entries, in the entries' order."""
    items: list[Item] = []
    transfers: list[Item] = []
    for entry in entries:
        cash = [p for p in entry.postings if p.is_cash]
        others = [p for p in entry.postings if not p.is_cash]
        if not cash:
            continue
        if not others:
            moved = sum((p.debit for p in cash), ZERO)
            if moved:
                transfers.append(Item(entry.on, entry.voucher, cash[0].summary, "",
                                      "", 0, "", moved))
            continue
        groups: dict[tuple[str, str], list[Posting]] = defaultdict(list)
        for posting in others:
            groups[(posting.category, posting.counterparty)].append(posting)
        for (category, counterparty), postings in groups.items():
            net = sum((p.credit - p.debit for p in postings), ZERO)
            if not net:
                continue
            summary = next((p.summary for p in postings if p.summary), cash[0].summary)
            items.append(Item(entry.on, entry.voucher, summary, counterparty, category,
                              postings[0].rank, RECEIPT if net > 0 else PAYMENT, abs(net)))
    return Movements(tuple(items), tuple(transfers))


@dataclass(frozen=True)
class Group:
    """One category of one side: its total, the items shown one by one and the rest summed."""

    category: str
    total: Decimal
    count: int
    shown: tuple[Item, ...]
    rest_count: int
    rest_total: Decimal


BOARD_ITEMS = 25   # at most this many items of a side listed one by one on the board notice


def _listed(items: Sequence[Item], itemise_from: Decimal | None) -> set[int]:
    """Positions of the items shown one by one: every item, or on the board those of at least
    ``itemise_from``, the largest BOARD_ITEMS of them (earlier first among equals), so that a
    quarter of thousands of vouchers still fits a notice board."""
    if itemise_from is None:
        return set(range(len(items)))
    large = [n for n, item in enumerate(items) if item.amount >= itemise_from]
    return set(sorted(large, key=lambda n: (-items[n].amount, n))[:BOARD_ITEMS])


def by_category(items: Sequence[Item], side: str, *,
                itemise_from: Decimal | None = None) -> list[Group]:
    """The side's categories in the notice's order; with ``itemise_from`` only the larger
    items (``_listed``) are shown one by one and the others are summed (the board notice)."""
    own = [item for item in items if item.side == side]
    listed = _listed(own, itemise_from)
    chosen: dict[str, list[tuple[int, Item]]] = defaultdict(list)
    ranks: dict[str, int] = {}
    for position, item in enumerate(own):
        chosen[item.category].append((position, item))
        ranks.setdefault(item.category, item.rank)
    groups = []
    for category in sorted(chosen, key=lambda c: (ranks[c], c)):
        members = [item for _n, item in chosen[category]]
        shown = [item for n, item in chosen[category] if n in listed]
        rest = [item for n, item in chosen[category] if n not in listed]
        groups.append(Group(category, sum((i.amount for i in members), ZERO), len(members),
                            tuple(shown), len(rest), sum((i.amount for i in rest), ZERO)))
    return groups


def thawed(frozen: Sequence[dict[str, str]]) -> list[Item]:
    """The items of frozen contents (``disclosure.contents.cash_flow``) as Items again."""
    return [Item(dt.date.fromisoformat(i["on"]), i["voucher"], i["summary"], i["counterparty"],
                 i["category"], int(i["rank"]), i["side"], Decimal(i["amount"]))
            for i in frozen]


@dataclass(frozen=True)
class Row:
    """One row of the notice's receipts or payments table."""

    kind: str               # "category" (heading with total), "item", "rest" (summed items)
    category: str
    amount: Decimal
    item: Item | None = None
    count: int = 0


def notice_rows(items: Sequence[Item], side: str, *,
                itemise_from: Decimal | None) -> list[Row]:
    """The rows of one side of the notice: each category's heading with its total, then its
    items (all of them, or those of at least ``itemise_from`` and one row for the rest)."""
    rows: list[Row] = []
    for group in by_category(items, side, itemise_from=itemise_from):
        rows.append(Row("category", group.category, group.total, count=group.count))
        rows += [Row("item", group.category, i.amount, item=i) for i in group.shown]
        if group.rest_count:
            rows.append(Row("rest", group.category, group.rest_total, count=group.rest_count))
    return rows
