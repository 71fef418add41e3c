"""Pure rules of a distribution's vouchers, per accounting standard.

On approval (dated the resolution day), each appropriation is debited to its 收益分配/盈余分配
sub-account and credited where the standard keeps it:
- 村集体 (2023): 提取公积公益金 → 公积公益金; 提取福利费, 向成员分配 and 其他分配 → 应付款.
- 合作社 (2021): 提取盈余公积 (and the welfare part, kept as 公益金 in 盈余公积) → 盈余公积;
  盈余返还 (by volume) → 应付盈余返还; 剩余盈余分配 → 应付剩余盈余; 转为成员出资 → 股金.
Paying households debits those payables and credits the cash or bank account.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from coopledger.ledger.rules import Line
from coopledger.money import ZERO
from coopledger.orgs.models import AccountingStandard
from coopledger.orgs.words import words_of


@dataclass(frozen=True)
class Amounts:
    """A plan's appropriations, with the member distribution split by basis."""

    reserve: Decimal
    welfare: Decimal
    by_volume: Decimal
    by_shares: Decimal
    other: Decimal


@dataclass(frozen=True)
class Payables:
    """Where members' amounts wait until paid."""

    by_volume: str
    by_shares: str


def payables(standard: AccountingStandard) -> Payables:
    """The payable accounts of the member distribution."""
    if standard is AccountingStandard.COOP_2021:
        return Payables(by_volume="221", by_shares="222")
    return Payables(by_volume="211", by_shares="211")


def approval_lines(standard: AccountingStandard, amounts: Amounts, *, year: int) -> list[Line]:
    """The appropriation voucher of an approved plan (zero items left out)."""
    pay = payables(standard)
    if standard is AccountingStandard.COOP_2021:
        items = [("3320101", "322", amounts.reserve + amounts.welfare, "提取盈余公积"),
                 ("3320102", pay.by_volume, amounts.by_volume, "盈余返还"),
                 ("3320103", pay.by_shares, amounts.by_shares, "剩余盈余分配"),
                 ("3320104", "301", amounts.other, "转为成员出资")]
    else:
        items = [("3220101", "311", amounts.reserve, "提取公积公益金"),
                 ("3220102", "211", amounts.welfare, "提取福利费"),
                 ("3220103", pay.by_shares, amounts.by_volume + amounts.by_shares, "向成员分配"),
                 ("3220104", "211", amounts.other, "其他分配")]
    lines: list[Line] = []
    for debit, credit, amount, name in items:
        if amount:
            summary = f"{year}年{words_of(standard).distribution}：{name}"
            lines += [Line(summary, debit, amount, ZERO), Line(summary, credit, ZERO, amount)]
    return lines


def payment_lines(standard: AccountingStandard, *, by_volume: Decimal, by_shares: Decimal,
                  cash: str, year: int) -> list[Line]:
    """Paying households their amounts: 借 payables 贷 cash or bank."""
    pay = payables(standard)
    summary = f"兑付{year}年{words_of(standard).distribution}"
    total = by_volume + by_shares
    debits: dict[str, Decimal] = {}
    for code, amount in ((pay.by_volume, by_volume), (pay.by_shares, by_shares)):
        if amount:
            debits[code] = debits.get(code, ZERO) + amount
    return [*(Line(summary, code, amount, ZERO) for code, amount in debits.items()),
            Line(summary, cash, ZERO, total)]
