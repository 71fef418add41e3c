"""Pure rules of booking the asset register: the month's depreciation of a card, and the voucher
lines of depreciation, disposal and stock-take shortages.

- A card's month: straight-line or units of production (``rules``); nothing before the month
  after acquisition, nothing for months its opening accumulated depreciation already covers,
  nothing after the month it was disposed of (the disposal month itself is depreciated).
- Depreciation: 借 the card's expense account (管理费用, 经营支出, 生产成本…) 贷 the class's
  contra account (累计折旧, 生产性生物资产累计折旧, 累计摊销), one line per account.
- Disposal (固定资产清理): transfer 借 清理 (net value) 借 contra (accumulated) 贷 cost
  (original); then 借 现金/银行 贷 清理 for proceeds, 借 清理 贷 现金/银行 for clearing costs,
  and the result to 其他收入 (gain) or 其他支出 (loss), leaving 清理 at zero.
- Stock-take shortage (盘亏): 借 待处理财产损溢 (net value) 借 contra 贷 cost; after approval
  借 其他支出 贷 待处理财产损溢.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from coopledger.assets import rules
from coopledger.ledger.rules import Line
from coopledger.money import ZERO


@dataclass(frozen=True)
class CardMonth:
    """What a card's month of depreciation depends on."""

    terms: rules.Terms
    accumulated: Decimal            # everything depreciated before the month
    units: Decimal = ZERO           # units used in the month (units of production)
    units_before: Decimal = ZERO
    covered_until: dt.date | None = None   # opening accumulated covers months up to this one
    disposed_on: dt.date | None = None


def month_amount(card: CardMonth, year: int, month: int) -> Decimal:
    """The card's depreciation for the month, to the fen."""
    first_of_month = dt.date(year, month, 1)
    if card.covered_until is not None and first_of_month <= card.covered_until:
        return ZERO
    if card.disposed_on is not None and first_of_month > card.disposed_on:
        return ZERO
    if rules.month_index(card.terms, year, month) < 1:
        return ZERO
    if card.terms.method is rules.Method.UNITS:
        return rules.units_of_production(card.terms, units=card.units,
                                         units_before=card.units_before,
                                         accumulated=card.accumulated)
    return rules.straight_line(card.terms, year, month, accumulated=card.accumulated)


def depreciation_lines(summary: str, amounts: list[tuple[str, str, Decimal]]) -> list[Line]:
    """Voucher lines for (expense code, contra code, amount) per card, summed per account."""
    debits: dict[str, Decimal] = defaultdict(lambda: ZERO)
    credited: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for expense, contra, amount in amounts:
        debits[expense] += amount
        credited[contra] += amount
    return ([Line(summary, code, total, ZERO) for code, total in sorted(debits.items()) if total]
            + [Line(summary, code, ZERO, total) for code, total in sorted(credited.items())
               if total])


@dataclass(frozen=True)
class DisposalAccounts:
    """The accounts a disposal uses."""

    cost: str
    contra: str
    clearing: str
    cash: str
    gain: str
    loss: str


def transfer_lines(summary: str, accounts: DisposalAccounts, *, original: Decimal,
                   accumulated: Decimal) -> list[Line]:
    """转入清理: the card's net value into 固定资产清理, its cost and depreciation out."""
    lines = [Line(summary, accounts.clearing, original - accumulated, ZERO)]
    if accumulated:
        lines.append(Line(summary, accounts.contra, accumulated, ZERO))
    lines.append(Line(summary, accounts.cost, ZERO, original))
    return [line for line in lines if line.debit or line.credit]


def settle_lines(summary: str, accounts: DisposalAccounts, *, proceeds: Decimal,
                 costs: Decimal, result: Decimal) -> list[Line]:
    """Proceeds, clearing costs and the result, which together empty 固定资产清理."""
    lines: list[Line] = []
    if proceeds:
        lines += [Line(summary, accounts.cash, proceeds, ZERO),
                  Line(summary, accounts.clearing, ZERO, proceeds)]
    if costs:
        lines += [Line(summary, accounts.clearing, costs, ZERO),
                  Line(summary, accounts.cash, ZERO, costs)]
    if result > 0:
        lines += [Line(summary, accounts.clearing, result, ZERO),
                  Line(summary, accounts.gain, ZERO, result)]
    elif result < 0:
        lines += [Line(summary, accounts.loss, -result, ZERO),
                  Line(summary, accounts.clearing, ZERO, -result)]
    return lines


@dataclass(frozen=True)
class Shortage:
    """A card found missing at a stock-take."""

    cost: str
    contra: str
    original: Decimal
    accumulated: Decimal


def shortage_lines(summary: str, pending: str, shortages: list[Shortage]) -> list[Line]:
    """盘亏: each missing card's net value into 待处理财产损溢, cost and depreciation out."""
    lines: list[Line] = []
    for item in shortages:
        lines += transfer_lines(summary, DisposalAccounts(item.cost, item.contra, pending,
                                                          "", "", ""),
                                original=item.original, accumulated=item.accumulated)
    return lines


def writeoff_lines(summary: str, pending: str, expense: str, amount: Decimal) -> list[Line]:
    """After approval the shortage is written off: 借 其他支出 贷 待处理财产损溢."""
    return [Line(summary, expense, amount, ZERO), Line(summary, pending, ZERO, amount)]
