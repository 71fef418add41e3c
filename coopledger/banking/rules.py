"""The pure rules of bank reconciliation and the cash count.

- **Matching** (:func:`match`): a statement line and a posted line of the bank account are the
  same movement when their amounts are equal and of the same direction (money in on the
  statement is a debit of 银行存款 in the books) and their dates lie within the account's
  window; among several candidates the one whose 摘要 carries the statement's reference or
  counterparty wins, then the nearest date, then the earliest line. Each line is matched once.
- **The 银行存款余额调节表** (:func:`reconcile`; 《会计基础工作规范》§57 and the textbook form
  used by the county inspection packs, county-platforms.md): the book balance plus what the
  bank received and the books did not (银行已收企业未收) minus what the bank paid and the
  books did not (银行已付企业未付) must equal the bank balance plus what the books received and
  the bank did not (企业已收银行未收) minus what the books paid and the bank did not
  (企业已付银行未付). A month whose two adjusted balances differ is not reconciled.
- **The statement's own arithmetic** (:func:`check_balances`): where the file has a balance
  column every line's balance is the previous one plus its amount.
- **The cash count** (:func:`counted_total`): notes and coins by denomination (第五套人民币).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_
from coopledger.ledger.rules import month_end
from coopledger.money import ZERO


class BankingError(CoopLedgerError):
    """A reconciliation or cash-count step refused, with its sentence."""


@dataclass(frozen=True)
class BookLine:
    """A posted line of a bank account: ``amount`` is debit − credit (+ money in)."""

    id: int
    on: dt.date
    amount: Decimal
    summary: str
    voucher: str = ""
    voucher_id: int = 0


@dataclass(frozen=True)
class BankLine:
    """A statement line: ``amount`` + money in (存入), − money out (支取)."""

    id: int
    on: dt.date
    amount: Decimal
    counterparty: str = ""
    reference: str = ""
    summary: str = ""


def _mentions(book: BookLine, bank: BankLine) -> bool:
    text = book.summary
    return any(part and len(part) >= 2 and part in text
               for part in (bank.reference.strip(), bank.counterparty.strip()))


def match(bank: Sequence[BankLine], book: Sequence[BookLine], *, window_days: int,
          ) -> list[tuple[int, int]]:
    """Pairs (statement line id, book line id) of the unmatched lines given, each line in at
    most one pair (see the module). Statement lines are taken in date order."""
    by_amount: dict[Decimal, list[tuple[dt.date, int, BookLine]]] = defaultdict(list)
    for line in book:
        by_amount[line.amount].append((line.on, line.id, line))
    for lines in by_amount.values():
        lines.sort(key=lambda item: (item[0], item[1]))
    taken: set[int] = set()
    window = dt.timedelta(days=window_days)
    pairs: list[tuple[int, int]] = []
    for entry in sorted(bank, key=lambda b: (b.on, b.id)):
        candidates = by_amount.get(entry.amount)
        if not candidates:
            continue
        start = bisect.bisect_left(candidates, (entry.on - window, -1))
        best: tuple[int, int, dt.date, int] | None = None
        chosen: BookLine | None = None
        for on, line_id, line in candidates[start:]:
            if on > entry.on + window:
                break
            if line_id in taken:
                continue
            key = (0 if _mentions(line, entry) else 1, abs((on - entry.on).days), on, line_id)
            if best is None or key < best:
                best, chosen = key, line
        if chosen is not None:
            taken.add(chosen.id)
            pairs.append((entry.id, chosen.id))
    return pairs


def check_pair(bank: BankLine, book: BookLine) -> None:
    """A manual match: the amounts must be the same movement (dates may differ)."""
    if bank.amount != book.amount:
        raise BankingError(N_("金额不一致：对账单 %(bank)s，账面 %(book)s，不能勾对。"),
                           bank=f"{bank.amount:,.2f}", book=f"{book.amount:,.2f}")


@dataclass(frozen=True)
class Item:
    """An outstanding item (未达账项) of the 调节表."""

    on: dt.date
    amount: Decimal
    text: str
    reference: str = ""
    link_id: int = 0
    """The voucher (book items) or the statement line (bank items) it comes from."""

    def age(self, as_of: dt.date) -> int:
        """Days the item has been outstanding at ``as_of``."""
        return (as_of - self.on).days

    def stale(self, as_of: dt.date) -> bool:
        """Outstanding longer than :data:`STALE_DAYS`: a cheque never presented, a receipt
        never banked, or a bank entry never booked — to be looked into, not carried on."""
        return self.age(as_of) > STALE_DAYS


STALE_DAYS = 30
"""Days after which an outstanding item of the 调节表 is flagged."""

BANK_IN = N_("加：银行已收、企业未收")
BANK_OUT = N_("减：银行已付、企业未付")
BOOK_IN = N_("加：企业已收、银行未收")
BOOK_OUT = N_("减：企业已付、银行未付")


@dataclass(frozen=True)
class Reconciliation:
    """The 银行存款余额调节表 of a month end."""

    as_of: dt.date
    book_balance: Decimal
    bank_balance: Decimal
    book_in: list[Item] = field(default_factory=list)     # 企业已收、银行未收
    book_out: list[Item] = field(default_factory=list)    # 企业已付、银行未付
    bank_in: list[Item] = field(default_factory=list)     # 银行已收、企业未收
    bank_out: list[Item] = field(default_factory=list)    # 银行已付、企业未付

    @property
    def adjusted_book(self) -> Decimal:
        """企业银行存款日记账调节后的余额."""
        return self.book_balance + _sum(self.bank_in) - _sum(self.bank_out)

    @property
    def adjusted_bank(self) -> Decimal:
        """银行对账单调节后的余额."""
        return self.bank_balance + _sum(self.book_in) - _sum(self.book_out)

    @property
    def agrees(self) -> bool:
        """Whether the two adjusted balances are equal."""
        return self.adjusted_book == self.adjusted_bank

    def rows(self) -> list[tuple[tuple[str, Item] | None, tuple[str, Item] | None]]:
        """The form's item rows side by side: the book side's adjustments (what the bank
        booked) on the left, the bank side's (what the books booked) on the right, each with
        its untranslated kind."""
        left = [(BANK_IN, item) for item in self.bank_in] + \
            [(BANK_OUT, item) for item in self.bank_out]
        right = [(BOOK_IN, item) for item in self.book_in] + \
            [(BOOK_OUT, item) for item in self.book_out]
        size = max(len(left), len(right))
        return [(left[i] if i < len(left) else None, right[i] if i < len(right) else None)
                for i in range(size)]

    @property
    def difference(self) -> Decimal:
        """Adjusted book − adjusted bank (0 when it agrees)."""
        return self.adjusted_book - self.adjusted_bank


def _sum(items: Iterable[Item]) -> Decimal:
    return sum((item.amount for item in items), ZERO)


def reconcile(*, as_of: dt.date, book_balance: Decimal, bank_balance: Decimal,
              unmatched_book: Iterable[BookLine], unmatched_bank: Iterable[BankLine],
              ) -> Reconciliation:
    """The 调节表 at ``as_of`` from both balances and the lines not matched by then; amounts
    of the items are positive, their kind says the direction."""
    book_in: list[Item] = []
    book_out: list[Item] = []
    bank_in: list[Item] = []
    bank_out: list[Item] = []
    for line in sorted(unmatched_book, key=lambda b: (b.on, b.id)):
        item = Item(line.on, abs(line.amount), line.summary, line.voucher, line.voucher_id)
        (book_in if line.amount > 0 else book_out).append(item)
    for entry in sorted(unmatched_bank, key=lambda b: (b.on, b.id)):
        text = " ".join(part for part in (entry.summary, entry.counterparty) if part)
        item = Item(entry.on, abs(entry.amount), text, entry.reference, entry.id)
        (bank_in if entry.amount > 0 else bank_out).append(item)
    return Reconciliation(as_of, book_balance, bank_balance, book_in, book_out, bank_in,
                          bank_out)


@dataclass(frozen=True)
class ParsedLine:
    """A statement row as read: its row number in the file and its fields."""

    row: int
    on: dt.date
    amount: Decimal
    balance: Decimal | None = None
    counterparty: str = ""
    reference: str = ""
    summary: str = ""


def signed_amount(*, amount: Decimal | None, money_in: Decimal | None,
                  money_out: Decimal | None) -> Decimal:
    """The signed amount of a row: one signed amount column, or one column for money in and
    one for money out of which exactly one is filled."""
    if amount is not None:
        if amount == 0:
            raise BankingError(N_("金额为零。"))
        return amount
    filled = [value for value in (money_in, money_out) if value not in (None, ZERO)]
    if len(filled) != 1:
        raise BankingError(N_("收入和支出两列须且只能填一列。"))
    if money_in not in (None, ZERO):
        assert money_in is not None
        return money_in
    assert money_out is not None
    return -money_out


def check_balances(lines: Sequence[ParsedLine]) -> list[tuple[int, str, dict[str, object]]]:
    """Rows whose balance is not the previous balance plus their amount: (row, sentence,
    params). Lines without a balance are skipped."""
    problems: list[tuple[int, str, dict[str, object]]] = []
    previous: Decimal | None = None
    for line in lines:
        if line.balance is None:
            continue
        if previous is not None and previous + line.amount != line.balance:
            problems.append((line.row, N_("余额 %(balance)s 不等于上一行余额 %(previous)s "
                                          "加本行金额 %(amount)s。"),
                             {"balance": f"{line.balance:,.2f}",
                              "previous": f"{previous:,.2f}", "amount": f"{line.amount:,.2f}"}))
        previous = line.balance
    return problems


def opening_of(lines: Sequence[ParsedLine], typed: Decimal | None) -> Decimal:
    """The statement's opening balance: from its first balance where the file has them (and
    then a typed one must agree), else the one typed; else refused."""
    first = next((line for line in lines if line.balance is not None), None)
    if first is not None:
        before = sum((line.amount for line in lines[:lines.index(first) + 1]), ZERO)
        derived = first.balance - before if first.balance is not None else ZERO
        if typed is not None and typed != derived:
            raise BankingError(N_("填写的期初余额 %(typed)s 与对账单余额列推出的 %(derived)s "
                                  "不一致。"), typed=f"{typed:,.2f}", derived=f"{derived:,.2f}")
        return derived
    if typed is None:
        raise BankingError(N_("对账单没有余额列：请填写对账单的期初余额。"))
    return typed


def covered(first_line: dt.date, last_line: dt.date,
            given: tuple[dt.date | None, dt.date | None]) -> tuple[dt.date, dt.date]:
    """The days a statement covers: as given, or from the first day of the month of its first
    line to the last day of the month of its last; the lines must lie within them."""
    start = given[0] or first_line.replace(day=1)
    end = given[1] or month_end(last_line.year, last_line.month)
    if start > first_line or end < last_line:
        raise BankingError(N_("对账单期间 %(start)s 至 %(end)s 没有包含它的全部交易"
                              "（%(first)s 至 %(last)s）。"), start=start.isoformat(),
                           end=end.isoformat(), first=first_line.isoformat(),
                           last=last_line.isoformat())
    return start, end


def check_sequence(*, first_on: dt.date, last_on: dt.date, opening: Decimal,
                   earlier: Sequence[tuple[dt.date, dt.date, Decimal, Decimal]]) -> None:
    """A new statement may not cover days already imported, and when it follows an imported
    one its opening balance is that one's closing balance. ``earlier``: (first day, last day,
    opening, closing) of the account's statements."""
    for start, end, _opening, _closing in earlier:
        if first_on <= end and start <= last_on:
            raise BankingError(N_("%(first)s 至 %(last)s 的对账单与已导入的 %(start)s 至 "
                                  "%(end)s 重叠：同一期间不能导入两次。"),
                               first=first_on.isoformat(), last=last_on.isoformat(),
                               start=start.isoformat(), end=end.isoformat())
    before = [item for item in earlier if item[1] < first_on]
    if before:
        _start, end, _opening, closing = max(before, key=lambda item: item[1])
        if closing != opening:
            raise BankingError(N_("这份对账单的期初余额 %(opening)s 与上一份（至 %(end)s）的"
                                  "期末余额 %(closing)s 不一致：请检查是否漏了一段对账单。"),
                               opening=f"{opening:,.2f}", end=end.isoformat(),
                               closing=f"{closing:,.2f}")


DENOMINATIONS: tuple[Decimal, ...] = tuple(Decimal(v) for v in (
    "100", "50", "20", "10", "5", "1", "0.5", "0.1", "0.05", "0.02", "0.01"))
"""Notes and coins counted in a 现金盘点: the fifth series of the renminbi, and the 分 coins
that are still legal tender and still turn up in a village till."""


def pieces_of(amount: Decimal) -> dict[Decimal, int]:
    """The fewest notes and coins that make ``amount`` (what the demo's till holds)."""
    left, pieces = amount, {}
    for value in DENOMINATIONS:
        count = int(left // value)
        if count:
            pieces[value] = count
            left -= value * count
    return pieces


def counted_total(pieces: Mapping[Decimal, int]) -> Decimal:
    """The cash counted: Σ denomination × pieces; a negative count is refused."""
    total = ZERO
    for denomination, count in pieces.items():
        if denomination not in DENOMINATIONS:
            raise BankingError(N_("没有面额为 %(value)s 元的人民币。"), value=str(denomination))
        if count < 0:
            raise BankingError(N_("%(value)s 元的张数不能是负数。"), value=str(denomination))
        total += denomination * count
    return total.quantize(Decimal("0.01"))
