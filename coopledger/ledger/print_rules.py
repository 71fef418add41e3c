"""Pure rules of the printed books (装订): the paper a voucher is printed on, the digits of an
amount in the 记账凭证's amount grid (金额格), the cover of a bound month of vouchers
(凭证封面), and the columns of a 多栏式 ledger.

Sources: 会计基础工作规范 (财政部 财会字〔1996〕19号, 2019 修改) §51 — what a 记账凭证 carries
(date, number, 摘要, accounts, amounts, 附件张数, the signatures of 填制、审核、记账、会计主管,
and 出纳 for receipts and payments); §52 — amounts in figures are written to 角 and 分, the
currency sign (¥) directly before the first digit and no unit after it; §55 — vouchers are
bound monthly in number order behind a cover (封面) naming the unit, the year and month, the
kind, the first and last number and the count, signed by the 会计主管 and the binder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from coopledger.i18n import N_
from coopledger.money import ZERO


@dataclass(frozen=True)
class Paper:
    """A paper a voucher prints on: its page style (``@page`` in pdf.css), vouchers per
    sheet, and the lines a voucher is padded to so it reads as the printed form."""

    key: str
    label: str
    per_sheet: int
    lines: int


PAPERS: dict[str, Paper] = {
    "voucher": Paper("voucher", N_("凭证纸（241 × 140 毫米）"), 1, 5),
    "a5": Paper("a5", N_("A5 横向"), 1, 6),
    "a4x2": Paper("a4x2", N_("A4 每页两张（无凭证纸时）"), 2, 5),
}
DEFAULT_PAPER = "voucher"


def paper_of(key: str | None) -> Paper:
    """The paper named ``key`` (the 凭证纸 when it is none of them)."""
    return PAPERS.get(key or DEFAULT_PAPER, PAPERS[DEFAULT_PAPER])


GRID_PLACES = ("亿", "千", "百", "十", "万", "千", "百", "十", "元", "角", "分")
"""The places of the amount grid, from 亿 down to 分 (11 places, up to 999,999,999.99 元)."""


def amount_grid(amount: Decimal | None) -> tuple[str, ...] | None:
    """The amount's digits in the grid's places, "¥" in the place just before its first
    digit (§52), blanks elsewhere; every place blank for no amount; None when the amount and
    its sign do not fit the 11 places (the voucher then prints without the grid)."""
    if amount is None or amount == 0:
        return ("",) * len(GRID_PLACES)
    digits = str(int((abs(amount) * 100).to_integral_value()))
    digits = digits.rjust(3, "0")                # 0.05 → "005": 元 角 分 always written
    sign = "-" if amount < 0 else ""              # a red reversal keeps its minus in the grid
    text = f"{sign}¥{digits}" if sign else f"¥{digits}"
    if len(text) > len(GRID_PLACES):
        return None
    return tuple("" if ch == " " else ch for ch in text.rjust(len(GRID_PLACES)))


def grid_fits(amounts: Iterable[Decimal | None]) -> bool:
    """Whether every amount of a voucher fits the grid."""
    return all(amount_grid(amount) is not None for amount in amounts)


def sheets(count: int, per_sheet: int) -> list[range]:
    """The vouchers (by position) printed on each sheet: ``per_sheet`` to a sheet."""
    return [range(at, min(at + per_sheet, count)) for at in range(0, count, per_sheet)]


class Bound(Protocol):
    """What the cover reads of a posted voucher."""

    @property
    def number(self) -> int | None: ...
    @property
    def label(self) -> str: ...
    @property
    def attachment_count(self) -> int: ...
    @property
    def total(self) -> Decimal: ...


@dataclass(frozen=True)
class Cover:
    """The 凭证封面 of a month's bound vouchers (§55)."""

    count: int
    first: str
    last: str
    attachments: int
    debit: Decimal
    credit: Decimal
    gaps: tuple[int, ...]
    """Numbers missing between the first and the last (none in posted books: the numbers of
    a month are gap-free; a cover that shows one says the bundle is incomplete)."""


def cover_of(vouchers: Sequence[Bound]) -> Cover:
    """The cover of ``vouchers`` (a month's posted vouchers in number order)."""
    numbers = [v.number for v in vouchers if v.number is not None]
    total = sum((v.total for v in vouchers), ZERO)
    present = set(numbers)
    gaps = tuple(n for n in range(min(numbers), max(numbers) + 1) if n not in present) \
        if numbers else ()
    return Cover(count=len(vouchers), first=vouchers[0].label if vouchers else "",
                 last=vouchers[-1].label if vouchers else "",
                 attachments=sum(v.attachment_count for v in vouchers),
                 debit=total, credit=total, gaps=gaps)


STYLES: dict[str, str] = {
    "three": N_("三栏式"),
    "multi": N_("多栏式（收入、费用科目按明细科目分栏）"),
}
"""The 明细账 formats a year's books print in. 三栏式 (借方, 贷方, 余额) for every account;
多栏式 gives an income or expense account with sub-accounts one amount column per sub-account
(会计基础工作规范 §57: 各单位应当按照会计制度的规定设置会计科目和账簿; the ledger formats are
the usual 三栏式, 多栏式 and 数量金额式)."""


def in_range(code: str, first: str, last: str) -> bool:
    """Whether account ``code`` lies between ``first`` and ``last`` (codes compared by their
    leading digits: 501 to 513 takes 50101 and 51302; empty means no bound)."""
    return (not first or code[:len(first)] >= first) and (not last or code[:len(last)] <= last)


def analysed(style: str, *, income_or_expense: bool, has_children: bool) -> bool:
    """Whether an account prints 多栏式: asked for, an income or expense account, and one with
    sub-accounts to give columns."""
    return style == "multi" and income_or_expense and has_children
