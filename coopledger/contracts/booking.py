"""Pure rules of booking contract money: which schedule lines a receipt settles, which part of
it is income of which year, and the voucher lines it needs.

- A receipt settles the contract's outstanding lines oldest first (by due date). What is left
  over is refused, unless the user chooses to keep it as an advance (预收, in 应付款).
- Rent is income of the years it covers: the part of each settled line is spread over the
  calendar years of the line's period by days (``rules.spread_lump_sum``); the years up to the
  receipt's year are income now (经营收入), later years are booked to 应付款 as rent received
  in advance and transferred to income in their year.
- Accounts by purpose (both standards, codes from ``ledger.standards``):
  rent 借 现金/银行存款 贷 经营收入 (+ 应付款 for advances); joint-venture profit and dividends
  贷 投资收益; deposits 贷 应付款 when received and 借 应付款 when returned; the investment
  itself 借 对外投资/长期投资 贷 银行存款.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from coopledger.contracts.money_models import Purpose
from coopledger.contracts.rules import spread_lump_sum
from coopledger.ledger.rules import Line
from coopledger.money import ZERO


@dataclass(frozen=True)
class Due:
    """An outstanding schedule line as the allocation sees it."""

    line_id: int
    due_on: dt.date
    period_start: dt.date
    period_end: dt.date
    outstanding: Decimal


@dataclass(frozen=True)
class Settlement:
    """How a receipt settles the schedule."""

    allocations: list[tuple[Due, Decimal]]
    excess: Decimal


def settle(dues: list[Due], amount: Decimal) -> Settlement:
    """Apply ``amount`` to the outstanding lines, oldest due first; the rest is excess."""
    left = amount
    allocations: list[tuple[Due, Decimal]] = []
    for due in sorted(dues, key=lambda d: (d.due_on, d.line_id)):
        if left <= 0:
            break
        part = min(left, due.outstanding)
        if part > 0:
            allocations.append((due, part))
            left -= part
    return Settlement(allocations, left)


def income_by_year(allocations: list[tuple[Due, Decimal]]) -> dict[int, Decimal]:
    """The settled amount per calendar year of the periods it pays for (exact to the fen)."""
    years: dict[int, Decimal] = {}
    for due, part in allocations:
        for year, amount in spread_lump_sum(part, due.period_start, due.period_end).items():
            years[year] = years.get(year, ZERO) + amount
    return years


def split_now_and_later(by_year: dict[int, Decimal], year: int,
                        ) -> tuple[Decimal, dict[int, Decimal]]:
    """Income of ``year`` and earlier, and the amounts that belong to later years."""
    now = sum((a for y, a in by_year.items() if y <= year), ZERO)
    later = {y: a for y, a in sorted(by_year.items()) if y > year and a > 0}
    return now, later


@dataclass(frozen=True)
class Accounts:
    """The leaf accounts a contract voucher uses."""

    cash: str
    income: str
    payable: str
    investment: str
    investment_income: str


def payment_lines(purpose: Purpose, accounts: Accounts, *, summary: str, amount: Decimal,
                  income_now: Decimal = ZERO, advance: Decimal = ZERO) -> list[Line]:
    """The voucher lines of a payment; ``income_now + advance == amount`` for rent and profit."""
    if purpose is Purpose.DEPOSIT_OUT:
        return [Line(summary, accounts.payable, amount, ZERO),
                Line(summary, accounts.cash, ZERO, amount)]
    if purpose is Purpose.INVESTMENT_OUT:
        return [Line(summary, accounts.investment, amount, ZERO),
                Line(summary, accounts.cash, ZERO, amount)]
    if purpose is Purpose.DEPOSIT_IN:
        return [Line(summary, accounts.cash, amount, ZERO),
                Line(summary, accounts.payable, ZERO, amount)]
    if purpose is Purpose.DIVIDEND:
        income_now, advance = amount, ZERO
    income = accounts.income if purpose is Purpose.RENT else accounts.investment_income
    if income_now + advance != amount:
        msg = f"income {income_now} + advance {advance} != {amount}"
        raise ValueError(msg)
    lines = [Line(summary, accounts.cash, amount, ZERO)]
    if income_now:
        lines.append(Line(summary, income, ZERO, income_now))
    if advance:
        lines.append(Line(f"{summary}（预收）", accounts.payable, ZERO, advance))
    return lines


def deferral_lines(accounts: Accounts, *, summary: str, amount: Decimal) -> list[Line]:
    """Rent received in advance becomes income of its year: 借 应付款 贷 经营收入."""
    return [Line(summary, accounts.payable, amount, ZERO),
            Line(summary, accounts.income, ZERO, amount)]
