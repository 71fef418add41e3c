"""Computing a plan's lines: who is entitled to what under the plan's mode (DESIGN §8).

- Each holder's weight is Σ over classes of (class weight × shares), where shares are the
  holdings on the record date or the share-days of the year ÷ the days of the year.
- 村集体: the member distribution is split by weight.
- 合作社: the volume part (≥ 60 %) is split by each member household's transaction volume, the
  rest by weight (capital and quantified reserve shares held in the register); the 其他 item
  is the conversion into member capital (转为成员出资), split by the same weights and not paid.
- 土地股份合作社: each household's 保底 is the 亩-days of the land it holds the land shares of
  (moved by inheritance, transfer and gift, ``guarantee_rules``) × the rate ÷ the days of the
  year; what was paid during the year is read from the posted 保底 payment vouchers
  (``figures.guarantee_paid``) and the line pays the difference (an overpayment is deducted
  and must be explained before approval); the member distribution (second round) is split
  by weight, the collective's 集体股 included.
Holders who left are paid for the days they held; heirs hold what the register gave them, and a
holder whose shares were inherited is paid through the heir's household;
pledged shares are noted on the line and paid to the holder.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from coopledger.distribution import figures, guarantee_rules, guarantees, rules
from coopledger.distribution.models import Entitlement, Mode, Plan, PlanLine, QuantifyBy
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.members.models import Contribution, Household, Parcel
from coopledger.members.queries import member_numbers
from coopledger.money import FOUR_PLACES, ZERO, plain
from coopledger.shares import services as share_services
from coopledger.shares.models import (
    OperationKind,
    OperationState,
    ShareAccount,
    ShareKind,
    ShareOperation,
)

NO_LAND = guarantee_rules.LandHeld(Decimal(0), Decimal(0))


def _notes(plan: Plan, accounts: dict[int, ShareAccount]) -> dict[int, list[str]]:
    """Per account: what changed its entitlement in the year, so the line explains itself —
    inheritance, transfer and gift (from whom, to whom), buy-back, pledges standing at the year
    end (pledgee named, paid to the holder) and parcels withdrawn in the year (with the date).

    Read by the organisation's id from the plan's organisation (a plan being drafted has no
    ``organisation_id`` before its first flush: the notes were silently empty on a first draft).
    """
    org = plan.organisation
    notes: dict[int, list[str]] = {}
    first, end = dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31)
    pledged: dict[int, tuple[Decimal, str]] = {}

    def name(account_id: int | None) -> str:
        account = accounts.get(account_id or 0)
        return account.name if account is not None else ""

    for op in db.session.scalars(sa.select(ShareOperation).where(
            ShareOperation.organisation_id == org.id,
            ShareOperation.state == OperationState.DONE,
            ShareOperation.effective_on <= end).order_by(ShareOperation.effective_on,
                                                         ShareOperation.number)):
        day, amount = op.effective_on.isoformat(), plain(op.quantity)
        in_year = op.effective_on >= first
        if in_year and op.kind in MOVES and op.to_account_id and op.from_account_id:
            received, given = MOVES[op.kind]
            notes.setdefault(op.to_account_id, []).append(
                f"{day} {received}{name(op.from_account_id)} {amount} 股")
            notes.setdefault(op.from_account_id, []).append(
                f"{day} {amount} 股{given}{name(op.to_account_id)}")
        if in_year and op.kind is OperationKind.BUYBACK and op.from_account_id:
            notes.setdefault(op.from_account_id, []).append(f"{day} 回购 {amount} 股")
        if op.kind in (OperationKind.PLEDGE, OperationKind.RELEASE) and op.from_account_id:
            held, who = pledged.get(op.from_account_id, (Decimal(0), ""))
            change = op.quantity if op.kind is OperationKind.PLEDGE else -op.quantity
            pledged[op.from_account_id] = (held + change, op.counterparty or who)
    for account_id, (quantity, who) in pledged.items():
        if quantity > 0:
            notes.setdefault(account_id, []).append(
                f"质押 {plain(quantity)} 股（质权人：{who}），分红付持股人")
    by_household = {a.household_id: a.id for a in accounts.values() if a.household_id}
    for household_id, code, withdrawn in db.session.execute(
            sa.select(Parcel.household_id, Parcel.code, Contribution.withdrawn_on)
            .join(Contribution).where(Contribution.organisation_id == org.id,
                                      Contribution.withdrawn_on.between(first, end))
            .order_by(Contribution.withdrawn_on)):
        if household_id in by_household and withdrawn is not None:
            notes.setdefault(by_household[household_id], []).append(
                f"地块 {code} 于 {withdrawn.isoformat()} 退出")
    return notes


# (the receiver's words, the giver's words) of each move between holders.
MOVES = {OperationKind.INHERIT: ("继承自", "由继承人继承："),
         OperationKind.TRANSFER: ("受让自", "转让给"),
         OperationKind.GIFT: ("受赠自", "赠与给")}


def _natural(number: str) -> tuple[tuple[int, int | str], ...]:
    """"DT9" before "DT10": digits compare as numbers."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in re.findall(r"\d+|\D+", number))


def _tie_order(account: ShareAccount, numbers: dict[int, str],
               ) -> tuple[bool, bool, tuple[tuple[int, int | str], ...], str, int]:
    """DESIGN §4: equal remainders go by member number; the collective's 集体股 line is last;
    a household without a membership number follows the numbered ones, by name."""
    number = numbers.get(account.household_id or 0)
    return (account.household_id is None, number is None, _natural(number or ""),
            account.name, account.id)


@dataclass(frozen=True)
class MemberAccounts:
    """A cooperative's member accounts for the plan (农民专业合作社法 §42–§44, 制度第五十七条):
    the year's 公积金 quantified to each member, what was quantified by earlier plans, each
    member's equal share of the property formed from subsidies and donations, and the weights
    of the remainder after the volume return: 出资额 + 公积金份额 + 补助财产份额."""

    reserve: dict[int, Decimal]
    before: dict[int, Decimal]
    subsidy: dict[int, Decimal]
    weights: dict[int, Decimal]


def _member_accounts(plan: Plan, order: dict[int, int], accounts: dict[int, ShareAccount],
                     capital: dict[int, Decimal], volumes: dict[int, Decimal],
                     ) -> MemberAccounts:
    org = plan.organisation
    members = [a for a in order if accounts[a].household_id is not None]
    # 出资额 in yuan: the weighted capital shares × their unit value (1 元 when none is set),
    # so that capital, 公积金份额 and 补助份额 are added in the same unit
    unit = next((c.unit_value for c in share_services.classes_of(org)
                 if c.kind is ShareKind.CAPITAL and c.unit_value), Decimal(1))
    capital = {a: w * unit for a, w in capital.items()}
    by_volume = {a: volumes.get(a, ZERO) for a in members}
    by_capital = {a: capital.get(a, Decimal(0)) for a in members}
    basis = by_volume if plan.reserve_quantify_by is QuantifyBy.VOLUME and any(
        by_volume.values()) else by_capital
    reserve = rules.split(plan.reserve, basis, order=order) if any(basis.values()) \
        else dict.fromkeys(members, ZERO)
    earlier = figures.quantified_reserves(org, plan.year)
    before = {a: earlier.get(accounts[a].household_id or 0, ZERO) for a in members}
    plan.subsidy_property = figures.subsidy_property(org, plan.year)
    subsidy = rules.split(plan.subsidy_property, dict.fromkeys(members, Decimal(1)),
                          order=order) if members else {}
    weights = dict(capital)
    for a in members:
        weights[a] = capital.get(a, Decimal(0)) + before[a] + reserve[a] + subsidy[a]
    return MemberAccounts({**dict.fromkeys(order, ZERO), **reserve}, before,
                          {**dict.fromkeys(order, ZERO), **subsidy}, weights)


def compute_lines(plan: Plan) -> list[PlanLine]:
    """Replace the plan's lines with freshly computed ones; returns them."""
    org = plan.organisation
    year_days = rules.days_in_year(plan.year)
    register = figures.register_ops(org)
    held = rules.share_days(register, plan.year, record_date=plan.record_date)
    class_weight = {w.share_class_id: w.weight for w in plan.weights}
    accounts = {a.id: a for a in db.session.scalars(sa.select(ShareAccount).where(
        ShareAccount.organisation_id == org.id))}
    weight: dict[int, Decimal] = {}
    shares: dict[int, Decimal] = {}
    days: dict[int, Decimal] = {}
    days_held: dict[int, int] = {}
    for (account_id, class_id), h in held.items():
        quantity = h.on_record_date if plan.entitlement is Entitlement.RECORD_DATE \
            else h.share_days / year_days
        factor = class_weight.get(class_id, Decimal(1))
        weight[account_id] = weight.get(account_id, Decimal(0)) + factor * quantity
        shares[account_id] = shares.get(account_id, Decimal(0)) + h.on_record_date
        days[account_id] = days.get(account_id, Decimal(0)) + h.share_days
        days_held[account_id] = max(days_held.get(account_id, 0), h.days)
    land = figures.land_held(org, plan.year) if plan.mode is Mode.LAND_SHARE else {}
    volume = figures.volumes(org, plan.year) if plan.mode is Mode.COOPERATIVE else {}
    paid = figures.guarantee_paid(org, plan.year) if plan.mode is Mode.LAND_SHARE else {}
    if plan.mode is Mode.LAND_SHARE and guarantees.pending(org, plan.year):
        raise rules.DistributionError(
            N_("%(year)d 年还有保底支付凭证没有记账：记账（或撤回）后再计算方案。"),
            year=plan.year)
    by_household = {a.household_id: a.id for a in accounts.values() if a.household_id}
    for household_id in [*land, *volume, *paid]:
        if household_id not in by_household:
            household = db.session.get(Household, household_id)
            assert household is not None
            account = share_services.household_account(org, household)
            accounts[account.id] = account
            by_household[household_id] = account.id
    members = plan.members_total
    volume_pool = ZERO
    if plan.mode is Mode.COOPERATIVE:
        parts = rules.coop_split(members, plan.volume_percent)
        volume_pool, members = parts.by_volume, parts.by_capital
    involved = set(weight) | {by_household[h] for h in [*land, *volume, *paid]}
    numbers = member_numbers(org)
    order = {a: i for i, a in enumerate(sorted(
        involved, key=lambda a: _tie_order(accounts[a], numbers)))}
    weights = {a: max(weight.get(a, Decimal(0)), Decimal(0)) for a in order}
    if (members or plan.other) and not any(weights.values()):
        raise rules.DistributionError(N_("%(year)d年没有人持有参与分配的股份，无法按股分配。"),
                                      year=plan.year)
    if volume_pool and not any(volume.values()):
        raise rules.DistributionError(
            N_("还没有登记 %(year)d 年的成员交易额，无法按交易量返还：请先登记交易额。"),
            year=plan.year)
    volumes_by_account = {by_household[h]: v for h, v in volume.items()}
    ledger = _member_accounts(plan, order, accounts, weights, volumes_by_account) \
        if plan.mode is Mode.COOPERATIVE else None
    if ledger is not None:
        weights = ledger.weights
    dividends = rules.split(members, weights, order=order)
    converted = rules.split(plan.other, weights, order=order) \
        if plan.mode is Mode.COOPERATIVE else dict.fromkeys(order, ZERO)
    returns = rules.split(volume_pool, {a: volumes_by_account.get(a, ZERO) for a in order},
                          order=order)
    notes = _notes(plan, accounts)
    heir_of = guarantee_rules.heirs(register)
    explained = {line.share_account_id: line.overpaid_note for line in plan.lines}
    plan.lines.clear()
    db.session.flush()
    for account_id in sorted(order, key=order.__getitem__):
        holder = accounts[account_id]
        land_line = land.get(holder.household_id or 0, NO_LAND)
        guarantee = rules.Guarantee(land_line.area_days, plan.guarantee_per_mu,
                                    year_days=year_days)
        payee = accounts.get(heir_of.get(account_id, account_id), holder)
        line = PlanLine(
            seq=order[account_id] + 1, share_account_id=account_id,
            household_id=holder.household_id, holder=holder.name, payee=payee.name,
            payee_household_id=payee.household_id,
            shares=shares.get(account_id, Decimal(0)).quantize(FOUR_PLACES),
            share_days=days.get(account_id, Decimal(0)).quantize(FOUR_PLACES),
            days_held=days_held.get(account_id, 0),
            weight=weights[account_id].quantize(FOUR_PLACES),
            area=land_line.area_at_end.quantize(FOUR_PLACES),
            area_days=land_line.area_days.quantize(FOUR_PLACES),
            volume=volumes_by_account.get(account_id, ZERO),
            guarantee_due=guarantee.due,
            guarantee_paid=paid.get(holder.household_id or 0, ZERO),
            overpaid_note=explained.get(account_id, ""),
            by_volume=returns[account_id], dividend=dividends[account_id],
            to_capital=converted[account_id],
            reserve_share=ledger.reserve[account_id] if ledger else ZERO,
            reserve_before=ledger.before.get(account_id, ZERO) if ledger else ZERO,
            subsidy_share=ledger.subsidy[account_id] if ledger else ZERO,
            note="；".join(notes.get(account_id, [])))
        line.total = line.by_volume + line.dividend + line.guarantee_due - line.guarantee_paid
        plan.lines.append(line)
    db.session.flush()
    return list(plan.lines)
