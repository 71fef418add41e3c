"""Pure rules of contract schedules: what a lease should bring in, and when.

- A lease's year k (k = 0, 1, …) runs from the start date's anniversary; its rent per 亩 is
  the base price raised by ``step_percent`` after every ``step_years`` whole years (compound:
  +10 % every 5 years gives ×1.1 in years 5–9 and ×1.21 in years 10–14).
- Cash rent: area × price per 亩. Grain rent: area × 斤 per 亩 × that year's reference price
  per 斤; a year without a price yet uses the latest earlier price and is marked estimated.
- Each contract year is paid annually or in two halves (the second starts six calendar
  months in; the halves share the year's rent by days), due ``due_after_days`` after the
  period starts; a period cut short by the end date is paid pro rata by days (inclusive day
  counts, so leap years count 366).
- Every line is rounded to the fen (ROUND_HALF_UP, money.py); a year's lines add up exactly to
  that year's rent, the last line of the year taking the rounding.
- The contract workflow (:data:`CONTRACT_STEPS`): a draft's terms and parcels are edited and
  it is signed; a signed contract records its money (receipts and payments, a joint venture's
  yearly settlement, members' work, by kind) and a running one may be ended early.
- Lump-sum rent for several years is income of the years it covers, in proportion to the days
  of each year inside the covered period (largest remainder, exact to the fen).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from coopledger.auth.actions import Action
from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_
from coopledger.money import ZERO, allocate, round_money
from coopledger.workflow import Reason, Step, Steps, decide, withdraw_steps, withdraw_table


class ScheduleError(CoopLedgerError):
    """Contract terms that cannot give a schedule."""

    message = N_("合同条款不完整，无法生成收款计划。")


@dataclass(frozen=True)
class LeaseTerms:
    """What a land lease says about money."""

    start: dt.date
    end: dt.date                      # inclusive
    area: Decimal                     # 亩
    price_per_mu: Decimal | None = None          # cash rent, 元 per 亩 per year
    grain_jin_per_mu: Decimal | None = None      # grain rent, 斤 per 亩 per year
    step_percent: Decimal = Decimal(0)
    step_years: int = 0
    half_yearly: bool = False
    due_after_days: int = 0                      # grace after each period starts


@dataclass(frozen=True)
class ScheduleLine:
    """One expected receipt."""

    period_start: dt.date
    period_end: dt.date               # inclusive
    due_on: dt.date
    amount: Decimal
    price_year: int | None = None     # grain: whose reference price was used
    estimated: bool = False           # grain: that year's price not entered yet


def _anniversary(start: dt.date, years: int) -> dt.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def _days(first: dt.date, last: dt.date) -> int:
    return (last - first).days + 1


def check_terms(terms: LeaseTerms) -> None:
    """Refuse terms that cannot give a schedule, with the reason."""
    if terms.end < terms.start:
        raise ScheduleError(N_("合同结束日期 %(end)s 早于开始日期 %(start)s。"),
                            end=terms.end.isoformat(), start=terms.start.isoformat())
    if terms.area <= 0:
        raise ScheduleError(N_("租赁面积必须大于零。"))
    cash, grain = terms.price_per_mu, terms.grain_jin_per_mu
    if (cash is None) == (grain is None):
        raise ScheduleError(N_("租金须且只能按现金或按粮食（斤/亩）约定一种。"))
    if (cash is not None and cash <= 0) or (grain is not None and grain <= 0):
        raise ScheduleError(N_("每亩租金必须大于零。"))
    if terms.step_percent < 0 or (terms.step_percent and terms.step_years <= 0):
        raise ScheduleError(N_("递增比例不能为负，递增间隔须为正整数年。"))
    if not 0 <= terms.due_after_days <= 365:
        raise ScheduleError(N_("付款期限须在每期开始后 0 至 365 天之内。"))


def step_factor(terms: LeaseTerms, year_index: int) -> Decimal:
    """The price multiplier of contract year ``year_index`` (0-based)."""
    if not terms.step_percent or terms.step_years <= 0:
        return Decimal(1)
    steps = year_index // terms.step_years
    return (1 + terms.step_percent / 100) ** steps


def _grain_price(prices: dict[int, Decimal], year: int) -> tuple[Decimal, int, bool]:
    if year in prices:
        return prices[year], year, False
    earlier = [y for y in prices if y < year]
    if not earlier:
        raise ScheduleError(N_("请先录入 %(year)d 年（或更早）的粮食参考价。"), year=year)
    latest = max(earlier)
    return prices[latest], latest, True


def lease_schedule(terms: LeaseTerms, *, grain_prices: dict[int, Decimal] | None = None,
                   ) -> list[ScheduleLine]:
    """Every expected receipt of a lease, due ``due_after_days`` after its period starts."""
    check_terms(terms)
    prices = grain_prices or {}
    lines: list[ScheduleLine] = []
    year_index = 0
    while True:
        year_start = _anniversary(terms.start, year_index)
        if year_start > terms.end:
            break
        next_start = _anniversary(terms.start, year_index + 1)
        year_end = min(next_start - dt.timedelta(days=1), terms.end)
        full_days = _days(year_start, next_start - dt.timedelta(days=1))
        factor = step_factor(terms, year_index)
        price_year, estimated = None, False
        if terms.price_per_mu is not None:
            yearly = terms.area * terms.price_per_mu * factor
        else:
            assert terms.grain_jin_per_mu is not None
            price, price_year, estimated = _grain_price(prices, year_start.year)
            yearly = terms.area * terms.grain_jin_per_mu * price * factor
        covered = round_money(yearly * _days(year_start, year_end) / full_days)
        periods = _periods(year_start, year_end, next_start, terms.half_yearly)
        amounts = _split(covered, [_days(a, b) for a, b in periods])
        for (first, last), amount in zip(periods, amounts, strict=True):
            due = first + dt.timedelta(days=terms.due_after_days)
            lines.append(ScheduleLine(first, last, due, amount, price_year, estimated))
        year_index += 1
    return lines


def _periods(year_start: dt.date, year_end: dt.date, next_start: dt.date,
             half_yearly: bool) -> list[tuple[dt.date, dt.date]]:
    if not half_yearly:
        return [(year_start, year_end)]
    month = year_start.month + 6
    year, month = year_start.year + (month - 1) // 12, (month - 1) % 12 + 1
    middle = dt.date(year, month, min(year_start.day, calendar.monthrange(year, month)[1]))
    if middle > year_end:
        return [(year_start, year_end)]
    return [(year_start, middle - dt.timedelta(days=1)), (middle, year_end)]


def _split(total: Decimal, days: list[int]) -> list[Decimal]:
    """Split a year's rent over its periods by days; the parts add up to ``total``."""
    if len(days) == 1:
        return [total]
    parts = allocate(total, {i: Decimal(d) for i, d in enumerate(days)})
    return [parts[i] for i in range(len(days))]


def spread_lump_sum(amount: Decimal, first: dt.date, last: dt.date) -> dict[int, Decimal]:
    """Income per calendar year of a lump sum covering ``first``..``last`` (inclusive)."""
    if last < first:
        raise ScheduleError(N_("预收租金的起止日期不正确。"))
    weights: dict[int, Decimal] = {}
    for year in range(first.year, last.year + 1):
        start = max(first, dt.date(year, 1, 1))
        end = min(last, dt.date(year, 12, 31))
        weights[year] = Decimal(_days(start, end))
    return allocate(amount, weights)


def total(lines: list[ScheduleLine]) -> Decimal:
    """The sum of a schedule."""
    return sum((line.amount for line in lines), ZERO)


# --- The contract workflow: which steps a user may take now (coopledger.workflow) ----------

SIGNED = frozenset({"active", "terminated"})
CONTRACT_STEPS: dict[str, Step] = {
    "edit": Step(Action.MANAGE_CONTRACTS, frozenset({"draft"})),
    "lease_parcels": Step(Action.MANAGE_CONTRACTS, frozenset({"draft"})),
    "sign": Step(Action.MANAGE_CONTRACTS, frozenset({"draft"})),
    "terminate": Step(Action.MANAGE_CONTRACTS, frozenset({"active"})),
    "record_payment": Step(Action.MANAGE_CONTRACTS, SIGNED),
    "settle_year": Step(Action.MANAGE_CONTRACTS, SIGNED),
    "record_work": Step(Action.MANAGE_CONTRACTS, SIGNED),
}
"""A contract (草拟 → 签订履行 → 到期 or 提前终止): its terms and a lease's parcels change
while it is a draft; money, settlements and work are recorded once it is signed (an expired
contract is stored as active: its late receipts are still recorded)."""

SETTLE_ONLY = N_("只有已签订的合资合作合同可以登记年度结算。")
WORK_ONLY = N_("只有已签订的就业参与合同可以登记务工。")


def contract_steps(*, state: str, kind: str, may: Callable[[Action], bool]) -> Steps:
    """The steps a user may take on a contract of ``kind`` (ContractKind value) in its stored
    ``state`` (ContractStatus value) now."""
    state_reasons = {
        "edit": N_("合同已签订，不能再修改条款。"),
        "lease_parcels": N_("合同已签订，不能再修改条款。"),
        "sign": N_("只有草拟的合同可以签订。"),
        "terminate": N_("只有履行中的合同可以提前终止。"),
        "record_payment": N_("合同还没有签订，不能登记收付款。"),
        "settle_year": SETTLE_ONLY, "record_work": WORK_ONLY}
    return decide(CONTRACT_STEPS, state=state, may=may,
                  state_reason=lambda step: Reason(state_reasons[step]),
                  conditions={
                      "lease_parcels": None if kind == "lease"
                      else Reason(N_("只有土地租赁合同涉及地块。")),
                      "record_payment": None if kind != "employment"
                      else Reason(N_("就业参与合同的工资在务工记录中登记，不登记收付款。")),
                      "settle_year": None if kind == "joint_venture" else Reason(SETTLE_ONLY),
                      "record_work": None if kind == "employment" else Reason(WORK_ONLY)})


PAYMENT_STEPS = withdraw_table(Action.MANAGE_CONTRACTS)
"""A receipt or payment recorded under a contract is withdrawn while its voucher is a draft."""


def payment_steps(*, voucher: tuple[str, str, str] | None, released: bool,
                  may: Callable[[Action], bool]) -> Steps:
    """Whether a recorded receipt or payment may be withdrawn now: while its voucher
    (label, state, state label) is a draft and none of its advance rent became income."""
    return withdraw_steps(
        PAYMENT_STEPS, drafts=[voucher] if voucher else [], may=may,
        refused=N_("凭证 %(label)s 已%(state)s：请在账簿中红字冲销后再重新登记。"),
        condition=Reason(N_("这笔收款的预收租金已结转收入，不能撤销。")) if released else None)
