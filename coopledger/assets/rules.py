"""Pure rules of fixed-asset depreciation (固定资产折旧) under the collective standards.

- A card is depreciated over (original value × (1 − residual rate)); the useful life and the
  original value are positive, the residual rate lies in 0–100 %.
- Depreciation starts in the month after the asset is acquired (当月增加当月不提, 从下月起计提)
  and a disposal month is still depreciated (当月减少当月照提).
- Straight-line: the depreciable amount ÷ life in months per month, rounded to the fen; the last
  month of the life takes whatever rounding is left, so the months add up exactly.
- Units of production: the depreciable amount × units used ÷ total units, rounded; the month
  in which the units reach the total takes the rest, and nothing is depreciated after it.
- A month never takes more than what is left to depreciate.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from coopledger.auth.actions import Action
from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_
from coopledger.money import ZERO, round_money
from coopledger.workflow import Reason, Step, Steps, decide, withdraw_steps, withdraw_table

HUNDRED = Decimal(100)


class AssetRuleError(CoopLedgerError):
    """Asset data that breaks a rule."""

    message = N_("固定资产信息不符合规定。")


class Method(enum.StrEnum):
    """The two depreciation methods the collective standards allow."""

    STRAIGHT_LINE = "straight_line"
    UNITS = "units"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {Method.STRAIGHT_LINE: N_("年限平均法"), Method.UNITS: N_("工作量法")}[self]


@dataclass(frozen=True)
class Terms:
    """What depreciation needs to know about a card."""

    original: Decimal
    residual_percent: Decimal
    life_months: int
    acquired_on: dt.date
    method: Method = Method.STRAIGHT_LINE
    total_units: Decimal | None = None   # units of production: e.g. machine hours over its life

    @property
    def depreciable(self) -> Decimal:
        """原值 × (1 − 残值率), to the fen."""
        return round_money(self.original * (HUNDRED - self.residual_percent) / HUNDRED)


def check_terms(terms: Terms) -> None:
    """Refuse terms depreciation cannot use, with the reason."""
    if terms.original <= 0:
        raise AssetRuleError(N_("固定资产原值必须大于零。"))
    if terms.life_months <= 0:
        raise AssetRuleError(N_("使用年限必须大于零。"))
    if not 0 <= terms.residual_percent < HUNDRED:
        raise AssetRuleError(N_("残值率须在 0%% 至 100%% 之间（现为 %(value)s%%）。"),
                             value=f"{terms.residual_percent}")
    if terms.method is Method.UNITS and (terms.total_units is None or terms.total_units <= 0):
        raise AssetRuleError(N_("工作量法须填写预计总工作量（大于零）。"))


def month_index(terms: Terms, year: int, month: int) -> int:
    """1 for the first month depreciated (the month after acquisition), 0 or less before."""
    return (year - terms.acquired_on.year) * 12 + (month - terms.acquired_on.month)


def straight_line(terms: Terms, year: int, month: int, *, accumulated: Decimal) -> Decimal:
    """The month's straight-line depreciation given what has been depreciated before it."""
    check_terms(terms)
    index = month_index(terms, year, month)
    left = terms.depreciable - accumulated
    if index < 1 or left <= 0:
        return ZERO
    if index >= terms.life_months:
        return left
    return min(round_money(terms.depreciable / terms.life_months), left)


def units_of_production(terms: Terms, *, units: Decimal, units_before: Decimal,
                        accumulated: Decimal) -> Decimal:
    """The month's depreciation for ``units`` used, given the units and amount before it."""
    check_terms(terms)
    assert terms.total_units is not None
    if units < 0:
        raise AssetRuleError(N_("本月工作量不能为负数。"))
    left = terms.depreciable - accumulated
    if left <= 0 or units == 0:
        return ZERO
    if units_before + units >= terms.total_units:
        return left
    return min(round_money(terms.depreciable * units / terms.total_units), left)


def schedule(terms: Terms) -> list[tuple[int, int, Decimal]]:
    """Every straight-line month (year, month, amount) until fully depreciated."""
    out: list[tuple[int, int, Decimal]] = []
    accumulated = ZERO
    year, month = terms.acquired_on.year, terms.acquired_on.month
    while accumulated < terms.depreciable:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        amount = straight_line(terms, year, month, accumulated=accumulated)
        out.append((year, month, amount))
        accumulated += amount
    return out


def disposal(original: Decimal, accumulated: Decimal, proceeds: Decimal, costs: Decimal,
             ) -> Decimal:
    """固定资产清理 result: proceeds − costs − net book value (negative is a loss)."""
    if proceeds < 0 or costs < 0:
        raise AssetRuleError(N_("处置收入和清理费用不能为负数。"))
    return proceeds - costs - (original - accumulated)


# --- The stock-take workflow: which steps a user may take now (coopledger.workflow) ----------

STOCKTAKE_STEPS: dict[str, Step] = {
    "count": Step(Action.MANAGE_ASSETS, frozenset({"counting"})),
    "approve": Step(Action.MANAGE_ASSETS, frozenset({"counting"})),
}
"""A stock-take (资产清查): every line counted, then approved with its resolution."""


def stocktake_steps(*, state: str, may: Callable[[Action], bool]) -> Steps:
    """The steps a user may take on a stock-take now (whether every line is counted is checked
    when it is approved)."""

    def state_reason(step: str) -> Reason:
        if step == "count":
            return Reason(N_("清查已审批，不能再修改清点结果。"))
        return Reason(N_("该清查已经审批。"))

    return decide(STOCKTAKE_STEPS, state=state, may=may, state_reason=state_reason,
                  conditions={})


Drafted = tuple[str, str, str]
"""A voucher a record drafted: its label, state (VoucherState value) and state label."""


RUN_STEPS = withdraw_table(Action.MANAGE_ASSETS)
"""A month's depreciation run is withdrawn (to redo the month) while its voucher is a draft."""
DISPOSAL_STEPS = withdraw_table(Action.MANAGE_ASSETS)
"""A disposal is withdrawn (the card is in use again) while its vouchers are drafts."""


def run_steps(*, voucher: Drafted | None, latest: bool, may: Callable[[Action], bool]) -> Steps:
    """Whether a month's depreciation run may be withdrawn now (to redo the month): only the
    latest run, while its voucher is a draft."""
    return withdraw_steps(
        RUN_STEPS, drafts=[voucher] if voucher else [], may=may,
        refused=N_("折旧凭证 %(label)s 已%(state)s，不能撤回；请先退回或红字冲销。"),
        condition=None if latest else Reason(N_("只能撤回最近一个月的折旧。")))


def disposal_steps(*, vouchers: list[Drafted], shortage: bool,
                   may: Callable[[Action], bool]) -> Steps:
    """Whether a disposal may be withdrawn now (the card is in use again): while its vouchers
    are drafts, and not a shortage, which the stock-take that found it owns."""
    return withdraw_steps(
        DISPOSAL_STEPS, drafts=vouchers, may=may,
        refused=N_("处置凭证 %(label)s 已%(state)s，不能撤回；请红字冲销后再处理。"),
        condition=Reason(N_("盘亏由资产清查生成，不能在这里撤回。")) if shortage else None)
