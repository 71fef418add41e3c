"""Pure rules of the share register: the fold, its invariants and the request checks.

- Holdings on a date are the fold of done operations with effective dates up to that day, in
  (date, number) order; pledges do not move shares but lock them.
- After any operation, on every later date, no holder may have negative holdings, and pledged
  shares never exceed holdings: so an operation dated in the past is refused if it would break
  a later one.
- The giver holds enough unpledged shares; the receiver may hold the class (集体股 only by the
  collective, the rest only by households); households are members on the effective day (join
  and leave days included); no date after today; buy-backs in a calendar year stay within the
  cap (a percentage of the shares outstanding on the day).
- Land shares = area × grade coefficient × shares per 亩, rounded by the organisation's rule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from coopledger import plausible
from coopledger.auth.actions import Action
from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_
from coopledger.money import plain
from coopledger.shares.models import OperationKind
from coopledger.workflow import Reason, Step, Steps, decide

ZERO = Decimal("0.0000")  # no shares, to the stored four decimals (DESIGN §4)
MOVES = {OperationKind.TRANSFER, OperationKind.INHERIT, OperationKind.GIFT}


class ShareRuleError(CoopLedgerError):
    """A register request that breaks a rule."""

    message = N_("股权变更不符合规定。")


@dataclass(frozen=True)
class Op:
    """A register operation as the rules see it."""

    number: int
    kind: OperationKind
    share_class: int
    source: int | None     # account giving (or pledging / releasing)
    target: int | None     # account receiving
    quantity: Decimal
    on: dt.date


Key = tuple[int, int]   # (account, share class)


def effects(op: Op) -> list[tuple[Key, Decimal, Decimal]]:
    """(holder key, change of holdings, change of pledged shares) of one operation."""
    q = op.quantity
    if op.kind in (OperationKind.SUBSCRIBE, OperationKind.INCREASE):
        return [((_need(op.target), op.share_class), q, ZERO)]
    if op.kind in MOVES:
        return [((_need(op.source), op.share_class), -q, ZERO),
                ((_need(op.target), op.share_class), q, ZERO)]
    if op.kind is OperationKind.BUYBACK:
        return [((_need(op.source), op.share_class), -q, ZERO)]
    if op.kind is OperationKind.PLEDGE:
        return [((_need(op.source), op.share_class), ZERO, q)]
    if op.kind is OperationKind.RELEASE:
        return [((_need(op.source), op.share_class), ZERO, -q)]
    # ADJUST: a decrease names the source, an increase the target
    if op.source is not None:
        return [((op.source, op.share_class), -q, ZERO)]
    return [((_need(op.target), op.share_class), q, ZERO)]


def _need(account: int | None) -> int:
    if account is None:
        raise ShareRuleError(N_("这项变更缺少转出方或转入方。"))
    return account


def ordered(ops: Iterable[Op]) -> list[Op]:
    """Operations in register order: effective date, then number."""
    return sorted(ops, key=lambda o: (o.on, o.number))


def fold(ops: Iterable[Op], *, as_of: dt.date | None = None,
         ) -> tuple[dict[Key, Decimal], dict[Key, Decimal]]:
    """Holdings and pledged shares per (account, class) after the operations up to ``as_of``."""
    holdings: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    pledged: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    for op in ordered(ops):
        if as_of is not None and op.on > as_of:
            break
        for key, held, locked in effects(op):
            holdings[key] += held
            pledged[key] += locked
    return dict(holdings), dict(pledged)


def check_register(done: Iterable[Op], candidate: Op, names: dict[int, str]) -> None:
    """Refuse ``candidate`` if, from its date on, anyone would hold too few shares."""
    touched = {key for key, _h, _p in effects(candidate)}
    holdings: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    pledged: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    for op in ordered([*done, candidate]):
        for key, held, locked in effects(op):
            holdings[key] += held
            pledged[key] += locked
            if key not in touched or op.on < candidate.on:
                continue
            name = names.get(key[0], str(key[0]))
            if pledged[key] < 0:
                raise ShareRuleError(N_("%(holder)s在 %(on)s 没有这么多已质押的股份可以解押。"),
                                     holder=name, on=op.on.isoformat())
            if holdings[key] < 0 or pledged[key] > holdings[key]:
                free = holdings[key] - held - max(pledged[key] - locked, ZERO)
                raise ShareRuleError(
                    N_("%(holder)s在 %(on)s 可用（未质押）的股份只有 %(free)s 股，"
                       "不够 %(qty)s 股。"),
                    holder=name, on=op.on.isoformat(), free=f"{max(free, ZERO):f}",
                    qty=f"{op.quantity:f}")


@dataclass(frozen=True)
class Window:
    """When a household was a member (None for the collective, always eligible)."""

    joined: dt.date
    left: dt.date | None

    def covers(self, day: dt.date) -> bool:
        """Join and leave days included."""
        return self.joined <= day and (self.left is None or day <= self.left)


def check_request(op: Op, *, today: dt.date, windows: dict[int, Window | None],
                  collective_only: bool, names: dict[int, str]) -> None:
    """The checks that do not need the history: dates, membership, who may hold the class."""
    if op.quantity <= 0:
        raise ShareRuleError(N_("股数必须大于零。"))
    if op.quantity != op.quantity.quantize(Decimal("0.0001")):
        raise ShareRuleError(N_("股数最多只能有四位小数。"))
    if op.on > today:
        raise ShareRuleError(N_("生效日期 %(on)s 在今天之后，不能预先登记。"), on=op.on.isoformat())
    plausible.check_date(op.on, today=today, what=N_("生效日期"))
    if op.kind in MOVES and op.source == op.target:
        raise ShareRuleError(N_("转出方和转入方不能是同一户。"))
    for account in (op.source, op.target):
        if account is None:
            continue
        window = windows.get(account)
        if window is not None and not window.covers(op.on):
            raise ShareRuleError(N_("%(holder)s在 %(on)s 不是本社成员"
                                    "（入社 %(joined)s%(left)s）。"),
                                 holder=names.get(account, ""), on=op.on.isoformat(),
                                 joined=window.joined.isoformat(),
                                 left=f"，退社 {window.left.isoformat()}" if window.left else "")
    if op.target is not None:
        target_is_collective = windows.get(op.target) is None
        if collective_only and not target_is_collective:
            raise ShareRuleError(N_("集体股只能由村集体经济组织持有。"))
        if not collective_only and target_is_collective:
            raise ShareRuleError(N_("村集体经济组织只能持有集体股。"))


def check_buyback_cap(quantity: Decimal, *, already: Decimal, outstanding: Decimal,
                      cap_percent: Decimal, year: int) -> None:
    """Buy-backs of a calendar year stay within cap % of the shares outstanding."""
    cap = (outstanding * cap_percent / 100).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)
    if already + quantity > cap:
        raise ShareRuleError(
            N_("%(year)d年回购已达 %(already)s 股，再回购 %(qty)s 股将超过年度上限 %(cap)s 股"
               "（总股数的 %(pct)s%%）。"),
            year=year, already=f"{already:f}", qty=f"{quantity:f}", cap=f"{cap:f}",
            pct=plain(cap_percent))


def land_shares(area: Decimal, coefficient: Decimal, per_mu: Decimal, *, decimals: int,
                rounding: str) -> tuple[Decimal, str]:
    """Shares for a contributed parcel and the calculation shown to the accountant."""
    exact = area * coefficient * per_mu
    quantum = Decimal(1).scaleb(-decimals)
    mode = ROUND_DOWN if rounding == "down" else ROUND_HALF_UP
    shares = exact.quantize(quantum, rounding=mode)
    calculation = (f"{area:f} 亩 × {coefficient:f} × {per_mu:f} 股/亩 = {plain(exact)} → "
                   f"{shares:f} 股")
    return shares, calculation


# --- The share-request workflow: which steps a user may take now (coopledger.workflow) -------

SHARE_REQUEST_STEPS: dict[str, Step] = {
    "approve": Step(Action.MANAGE_MEMBERS, frozenset({"draft"})),
    "complete": Step(Action.MANAGE_MEMBERS, frozenset({"approved"})),
    "refuse": Step(Action.MANAGE_MEMBERS, frozenset({"draft", "approved"})),
}
"""A share request (股权变更申请): 批准 → 登记生效, or 驳回 before it takes effect."""


def share_request_steps(*, state: str, number: int, may: Callable[[Action], bool]) -> Steps:
    """The steps a user may take on a share request in ``state`` now, and why not the others
    (the shares' own rules — enough shares, the buy-back cap — are checked when it is taken)."""

    def state_reason(step: str) -> Reason:
        if step == "approve":
            return Reason(N_("只有待审批的申请可以批准。"))
        if step == "complete" and state == "done":
            return Reason(N_("第 %(number)d 号申请已经登记，不能重复登记。"), {"number": number})
        if step == "complete":
            return Reason(N_("申请须先经批准才能登记。"))
        return Reason(N_("已登记或已驳回的申请不能再驳回。"))

    return decide(SHARE_REQUEST_STEPS, state=state, may=may, state_reason=state_reason,
                  conditions={})
