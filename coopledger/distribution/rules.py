"""Pure rules of the annual income distribution (DESIGN §8, domain.md §3).

- Distributable income = the year's result + 年初未分配 (negative when losses are carried) +
  其他转入 − income excluded from distribution (e.g. land compensation).
- Appropriations in legal order: 弥补亏损 (a negative 年初未分配 is covered first, by the
  arithmetic above) → 公积公益金 (or 盈余公积) at its percentage of the year's 收益/盈余 after
  making up losses (农民专业合作社法 §42: 公积金 is drawn "从当年盈余中"; 村集体经济组织会计制度
  (2023) 收益分配: 提取公积公益金 on 本年收益 after 弥补以前年度亏损) — not of 本年 + a positive
  年初未分配, which was the subject of earlier years' appropriations — at least its minimum →
  福利 at its percentage of distributable income → the member distribution, which may not
  exceed the cap percentage → 其他 at its percentage; what is left stays 未分配.
- Guards: no plan distributes a loss (distributable ≤ 0), more than is distributable, or more
  than the cash and bank balance (that would need borrowing) — each refused with the figures.
- 合作社 (农民专业合作社法 §44): 可分配盈余 is the year's surplus after making up losses and
  drawing 公积金; at least 60 % of it — not of whatever pool the plan gives members — is returned
  by each member's transaction volume; the rest by capital plus quantified reserve shares.
- Entitlement from the dated share register: holdings on a record date, or pro rata by
  share-days within the year with inclusive day counts (a holding all year counts 365 or 366
  days of 365 or 366).
- Every pool is split by the largest-remainder method (money.allocate) so that the parts add up
  to the pool to the fen, each within one fen of the exact share.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from typing import TypeVar

from coopledger.auth.actions import Action
from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_
from coopledger.money import ZERO, allocate, grouped, round_money
from coopledger.orgs.words import VILLAGE, Words
from coopledger.shares.rules import Key, Op, effects, ordered
from coopledger.workflow import Reason, Step, Steps, decide, withdraw_steps, withdraw_table

HUNDRED = Decimal(100)
MIN_VOLUME_RETURN = Decimal(60)
K = TypeVar("K", bound=Hashable)


class DistributionError(CoopLedgerError):
    """A plan that breaks a distribution rule."""

    message = N_("分配方案不符合规定。")


@dataclass(frozen=True)
class Sources:
    """Where distributable income comes from, read from the posted ledger (and the user)."""

    year_result: Decimal          # 本年收益 / 本年盈余 of the closed year
    opening_retained: Decimal     # 年初未分配 (negative: losses carried)
    other_in: Decimal = ZERO      # 其他转入 (e.g. 公积公益金转入)
    excluded: Decimal = ZERO      # income not to be distributed (land compensation …)

    @property
    def distributable(self) -> Decimal:
        """可分配收益."""
        return self.year_result + self.opening_retained + self.other_in - self.excluded

    @property
    def year_surplus(self) -> Decimal:
        """The year's 收益/盈余 after making up losses carried (never below zero): the base of
        公积公益金/盈余公积 and of 可分配盈余 (农民专业合作社法 §42, §44)."""
        return max(self.year_result + min(self.opening_retained, ZERO), ZERO)


@dataclass(frozen=True)
class Policy:
    """The organisation's appropriation percentages (of distributable income) and minimums."""

    reserve_percent: Decimal = Decimal(0)      # 公积公益金 / 盈余公积
    # The 章程 may draw the reserve on the whole distributable amount instead of the law's base.
    reserve_on_distributable: bool = False
    reserve_minimum: Decimal = ZERO
    welfare_percent: Decimal = Decimal(0)      # 福利
    member_cap_percent: Decimal = HUNDRED      # member distribution at most this share
    other_percent: Decimal = Decimal(0)        # 其他

    def check(self) -> None:
        """Percentages between 0 and 100 that together do not exceed 100."""
        named = ((N_("公积公益金提取比例"), self.reserve_percent),
                 (N_("福利费提取比例"), self.welfare_percent),
                 (N_("成员分配上限比例"), self.member_cap_percent),
                 (N_("其他分配比例"), self.other_percent))
        for label, value in named:
            if not 0 <= value <= HUNDRED:
                raise DistributionError(N_("%(what)s须在 0%% 至 100%% 之间（现为 %(value)s%%）。"),
                                        what=label, value=f"{value}")
        if self.reserve_minimum < 0:
            raise DistributionError(N_("公积公益金最低提取额不能为负数。"))
        if self.reserve_percent + self.welfare_percent + self.other_percent > HUNDRED:
            raise DistributionError(N_("公积公益金、福利费和其他分配的比例合计超过 100%。"))


@dataclass(frozen=True)
class Appropriation:
    """The plan's appropriations in legal order."""

    distributable: Decimal
    reserve: Decimal
    welfare: Decimal
    members: Decimal
    other: Decimal
    year_surplus: Decimal = ZERO

    @property
    def distributable_surplus(self) -> Decimal:
        """可分配盈余 (农民专业合作社法 §44): the year's surplus after making up losses and
        drawing 公积金."""
        return max(self.year_surplus - self.reserve, ZERO)

    @property
    def retained(self) -> Decimal:
        """年末未分配."""
        return self.distributable - self.reserve - self.welfare - self.members - self.other


def appropriate(sources: Sources, policy: Policy, *, members: Decimal,
                cash_available: Decimal, words: Words = VILLAGE) -> Appropriation:
    """Appropriate distributable income in legal order with ``members`` for the members.

    Refuses a loss, a member distribution over the cap or over what is left after the
    reserve, welfare and other items, and a distribution the cash cannot pay.
    """
    policy.check()
    distributable = sources.distributable
    if distributable <= 0:
        raise DistributionError(
            N_("%(distributable)s为 %(amount)s 元（%(result_name)s %(result)s + 年初未分配 "
               "%(opening)s + 其他转入 %(other)s − 不参与分配的收入 %(excluded)s），没有可以分配的"
               "余额，不能分配亏损。"),
            distributable=words.distributable, result_name=words.result,
            amount=grouped(distributable), result=grouped(sources.year_result),
            opening=grouped(sources.opening_retained), other=grouped(sources.other_in),
            excluded=grouped(sources.excluded))
    if members < 0:
        raise DistributionError(N_("成员分配金额不能为负数。"))
    base = distributable if policy.reserve_on_distributable else sources.year_surplus
    reserve = max(round_money(base * policy.reserve_percent / HUNDRED),
                  policy.reserve_minimum)
    welfare = round_money(distributable * policy.welfare_percent / HUNDRED)
    other = round_money(distributable * policy.other_percent / HUNDRED)
    room = distributable - reserve - welfare - other
    if room < 0:
        raise DistributionError(
            N_("%(reserve_name)s %(reserve)s 元、福利费 %(welfare)s 元和其他 %(other)s 元后已超过"
               "%(distributable)s %(amount)s 元。"), reserve=grouped(reserve),
            welfare=grouped(welfare), other=grouped(other), amount=grouped(distributable),
            reserve_name=words.reserve, distributable=words.distributable)
    cap = round_money(distributable * policy.member_cap_percent / HUNDRED)
    if members > cap:
        raise DistributionError(
            N_("成员分配 %(members)s 元超过上限：%(distributable)s %(amount)s 元的 %(percent)s%%，"
               "即 %(cap)s 元。"), members=grouped(members), amount=grouped(distributable),
            distributable=words.distributable,
            percent=f"{policy.member_cap_percent}", cap=grouped(cap))
    if members > room:
        raise DistributionError(
            N_("成员分配 %(members)s 元超过%(distributable)s %(amount)s 元%(reserve_name)s、"
               "提取福利费和其他后的余额 %(room)s 元。"), members=grouped(members),
            amount=grouped(distributable), distributable=words.distributable,
            reserve_name=words.reserve,
            room=grouped(room))
    if members > cash_available:
        raise DistributionError(
            N_("成员分配 %(members)s 元超过年末库存现金和银行存款 %(cash)s 元：不能举债分配。"),
            members=grouped(members), cash=grouped(cash_available))
    return Appropriation(distributable, reserve, welfare, members, other, sources.year_surplus)


def days_in_year(year: int) -> int:
    """365 or 366."""
    return 366 if calendar.isleap(year) else 365


@dataclass(frozen=True)
class Held:
    """A holder's shares of one class in the year: share-days and the days anything was held."""

    share_days: Decimal
    days: int
    on_record_date: Decimal = Decimal(0)


def share_days(ops: Iterable[Op], year: int, *, record_date: dt.date | None = None,
               ) -> dict[Key, Held]:
    """Share-days per (account, class) within ``year`` (inclusive days), from done operations.

    An operation effective on day d counts from day d. Holdings on ``record_date`` (the last
    day of the year if not given) are the fold up to and including that day.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    record_date = record_date or last
    holdings: dict[Key, Decimal] = {}
    since: dict[Key, dt.date] = {}
    totals: dict[Key, Decimal] = {}
    days: dict[Key, int] = {}
    at_record: dict[Key, Decimal] = {}

    def close(key: Key, until: dt.date) -> None:
        """Count the current holding from ``since`` up to the day before ``until``."""
        start = max(since.get(key, first), first)
        end = min(until - dt.timedelta(days=1), last)
        if end >= start and holdings.get(key, Decimal(0)) > 0:
            count = (end - start).days + 1
            totals[key] = totals.get(key, Decimal(0)) + holdings[key] * count
            days[key] = days.get(key, 0) + count

    recorded = False
    for op in ordered(ops):
        if not recorded and op.on > record_date:
            at_record = dict(holdings)
            recorded = True
        if op.on > last:
            break
        for key, change, _pledged in effects(op):
            if change:
                close(key, op.on)
                holdings[key] = holdings.get(key, Decimal(0)) + change
                since[key] = op.on
    if not recorded:
        at_record = dict(holdings)
    for key in list(holdings):
        close(key, last + dt.timedelta(days=1))
    keys = set(totals) | {k for k, v in at_record.items() if v > 0}
    return {key: Held(totals.get(key, Decimal(0)), days.get(key, 0),
                      at_record.get(key, Decimal(0))) for key in keys}


def split(pool: Decimal, weights: Mapping[K, Decimal], *,
          order: Mapping[K, int] | None = None) -> dict[K, Decimal]:
    """The pool split by weight to the fen (largest remainder); nobody with no weight."""
    positive = {k: w for k, w in weights.items() if w > 0}
    if pool == 0 or not positive:
        return dict.fromkeys(weights, ZERO)
    parts = allocate(pool, positive, order=order)
    return {k: parts.get(k, ZERO) for k in weights}


@dataclass(frozen=True)
class CoopSplit:
    """A cooperative's member distribution: by transaction volume, then by capital."""

    by_volume: Decimal
    by_capital: Decimal


def coop_split(members: Decimal, volume_percent: Decimal) -> CoopSplit:
    """The member distribution split into the part returned by volume and the rest."""
    if not 0 <= volume_percent <= HUNDRED:
        raise DistributionError(
            N_("按交易量返还的比例须在 0%% 至 100%% 之间（现为 %(percent)s%%）。"),
            percent=f"{volume_percent}")
    by_volume = round_money(members * volume_percent / HUNDRED)
    return CoopSplit(by_volume, members - by_volume)


def minimum_volume_return(surplus: Decimal) -> Decimal:
    """60 % of 可分配盈余, rounded up to the fen (the return may not fall short of it)."""
    return (surplus * MIN_VOLUME_RETURN / HUNDRED).quantize(Decimal("0.01"),
                                                               rounding=ROUND_CEILING)


def check_volume_return(surplus: Decimal, by_volume: Decimal) -> None:
    """农民专业合作社法 §44: the return by volume is at least 60 % of 可分配盈余."""
    minimum = minimum_volume_return(surplus)
    if by_volume < minimum:
        share = (by_volume * HUNDRED / surplus).quantize(Decimal("0.01"), rounding=ROUND_DOWN) \
            if surplus else Decimal(0)
        raise DistributionError(
            N_("按交易量返还 %(volume)s 元，只占可分配盈余 %(surplus)s 元的 %(share)s%%；"
               "农民专业合作社法第四十四条要求不低于可分配盈余的 60%%，即至少 %(minimum)s 元。"
               "请提高成员分配总额或按交易量返还的比例。"),
            volume=grouped(by_volume), surplus=grouped(surplus), share=f"{share}",
            minimum=grouped(minimum))


@dataclass
class Guarantee:
    """保底 of a land-share cooperative: area-days of contributed land, the yearly rate per 亩,
    and what was already paid during the year."""

    area_days: Decimal
    rate_per_mu: Decimal
    paid: Decimal = ZERO
    year_days: int = 365
    due: Decimal = field(init=False, default=ZERO)

    def __post_init__(self) -> None:
        """保底 due = area × rate × days contributed / days of the year."""
        self.due = round_money(self.area_days * self.rate_per_mu / self.year_days)

    @property
    def outstanding(self) -> Decimal:
        """保底 still to pay (never negative)."""
        return max(self.due - self.paid, ZERO)


# --- The plan workflow: which steps a user may take now (coopledger.workflow) ----------------

_PAYABLE = frozenset({"approved", "posted", "filed"})
PLAN_STEPS: dict[str, Step] = {
    "edit": Step(Action.MANAGE_DISTRIBUTION, frozenset({"draft"})),
    "explain": Step(Action.MANAGE_DISTRIBUTION, frozenset({"draft", "proposed", "reviewed"})),
    "propose": Step(Action.MANAGE_DISTRIBUTION, frozenset({"draft"})),
    "review": Step(Action.MANAGE_DISTRIBUTION, frozenset({"proposed"})),
    "approve": Step(Action.MANAGE_DISTRIBUTION, frozenset({"reviewed"})),
    "post": Step(Action.MANAGE_DISTRIBUTION, frozenset({"approved"})),
    "file": Step(Action.MANAGE_DISTRIBUTION, frozenset({"posted"})),
    "pay": Step(Action.MANAGE_DISTRIBUTION, _PAYABLE),
    "new_version": Step(Action.MANAGE_DISTRIBUTION,
                        frozenset({"proposed", "reviewed", "approved", "posted", "filed"})),
}
"""A distribution plan's trail (理事会提出 → 监事会审核 → 成员(代表)大会通过 → 公示 → 乡镇备案,
兑付 once approved) and the changes allowed on the way (修改草案, 说明多付保底, 另立新版本)."""

_AFTER = {"propose": "draft", "review": "proposed", "approve": "reviewed", "post": "approved",
          "file": "posted"}


def plan_steps(*, state: str, state_label: str, started_paying: bool,
               may: Callable[[Action], bool], label_of: Callable[[str], str]) -> Steps:
    """The steps a user may take on a plan in ``state`` now, and why not the others (the dates
    and figures each step checks come when it is taken). ``label_of`` names a state."""

    def state_reason(step: str) -> Reason:
        if step == "edit":
            return Reason(N_("方案已提交，不能再修改；确需修改请另立新版本并说明原因。"))
        if step == "explain":
            return Reason(N_("方案已通过，不能再修改分配明细。"))
        if step == "pay" and state == "paid":
            return Reason(N_("方案已全部兑付，不能重复兑付。"))
        if step == "pay":
            return Reason(N_("方案经成员(代表)大会通过后才能兑付。"))
        if step == "new_version" and state in ("draft", "superseded"):
            return Reason(N_("草案可以直接修改，不需要新版本。"))
        if step == "new_version":
            return Reason(N_("方案已经开始兑付，不能再改版。"))
        return Reason(N_("方案现在是“%(state)s”，这一步要在“%(expected)s”之后进行。"),
                      {"state": state_label, "expected": label_of(_AFTER[step])})

    return decide(PLAN_STEPS, state=state, may=may, state_reason=state_reason, conditions={
        "new_version": Reason(N_("方案已经开始兑付，不能再改版。")) if started_paying else None})


GUARANTEE_PAYMENT_STEPS = withdraw_table(Action.MANAGE_DISTRIBUTION)
"""A 保底 payment is withdrawn while its voucher is a draft."""


GUARANTEE_BATCH_STEPS = {"result": Step(Action.MANAGE_DISTRIBUTION, frozenset({"open"}))}
"""A 保底 payment file (批量代发) takes the bank's result while some household waits for it."""


def guarantee_batch_steps(*, state: str, may: Callable[[Action], bool]) -> Steps:
    """Whether the bank's result of a 保底 payment file may be imported now."""
    return decide(GUARANTEE_BATCH_STEPS, state=state, may=may,
                  state_reason=lambda _step: Reason(
                      N_("这批代发的每一户银行都已处理完毕，结果不必再导入。")),
                  conditions={})


def guarantee_payment_steps(*, voucher: tuple[str, str, str], banked: bool = False,
                            may: Callable[[Action], bool]) -> Steps:
    """Whether a 保底 payment (its voucher's label, state and state label) may be withdrawn
    now: while its voucher is a draft, and not when the bank paid it (the money went: the
    voucher is to be booked, or corrected)."""
    return withdraw_steps(
        GUARANTEE_PAYMENT_STEPS, drafts=[voucher], may=may,
        refused=N_("凭证 %(label)s 已%(state)s：请先退回为草稿，或记账后红字冲销。"),
        condition=Reason(N_("这笔保底已由银行按代发文件付出，凭证不能撤回：请审核记账，"
                            "有误的记账后红字冲销。")) if banked else None)
