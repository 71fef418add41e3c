"""A contract's money terms and its schedule of expected receipts; flushes, never commits.

Rules: terms are set on a draft and frozen by signing. A lease is signed only with its parcels
and its rent (cash or grain per 亩, > 0); signing stores the schedule ``rules.lease_schedule``
gives. Grain rent for a year without a reference price is estimated from the latest earlier
price; entering that year's price re-prices the estimated lines nothing has been received on.
A joint venture's profit share becomes a schedule line when the year's venture profit is
settled. Terminating early writes off what falls after the termination day (the line that
spans it pro rata by days) with the reason, and keeps arrears owed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from coopledger.audit.services import record, snapshot
from coopledger.auth.models import User
from coopledger.contracts import rules
from coopledger.contracts.models import Contract, ContractKind, ContractStatus
from coopledger.contracts.money_models import GrainPrice, LineKind, ScheduleLine
from coopledger.contracts.signing import ContractError
from coopledger.contracts.steps import steps_for
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.locking import lock
from coopledger.money import ZERO, round_money
from coopledger.orgs.models import Organisation

TERM_FIELDS = ("price_per_mu", "grain_jin_per_mu", "step_percent", "step_years", "half_yearly",
               "due_after_days", "deposit", "own_contribution", "partner_contribution",
               "profit_share_percent", "settlement_month", "settlement_day", "invested_amount",
               "invested_shares")


@dataclass(frozen=True)
class MoneyTerms:
    """The money terms of a contract; each kind uses its own fields."""

    price_per_mu: Decimal | None = None
    grain_jin_per_mu: Decimal | None = None
    step_percent: Decimal = Decimal(0)
    step_years: int = 0
    half_yearly: bool = False
    due_after_days: int = 0
    deposit: Decimal = ZERO
    own_contribution: Decimal = ZERO
    partner_contribution: Decimal = ZERO
    profit_share_percent: Decimal = Decimal(0)
    settlement_month: int | None = None
    settlement_day: int | None = None
    invested_amount: Decimal = ZERO
    invested_shares: Decimal = Decimal(0)


def lease_terms(contract: Contract, *, area: Decimal | None = None) -> rules.LeaseTerms:
    """The lease's terms as the schedule rules take them."""
    if contract.ends_on is None:
        raise rules.ScheduleError(N_("租赁合同须有结束日期。"))
    return rules.LeaseTerms(
        start=contract.starts_on, end=contract.ends_on,
        area=contract.leased_area if area is None else area,
        price_per_mu=contract.price_per_mu, grain_jin_per_mu=contract.grain_jin_per_mu,
        step_percent=contract.step_percent or Decimal(0), step_years=contract.step_years or 0,
        half_yearly=contract.half_yearly, due_after_days=contract.due_after_days or 0)


def _check(contract: Contract, terms: MoneyTerms) -> None:
    if terms.deposit < 0:
        raise ContractError(N_("保证金不能为负数。"))
    if contract.kind is ContractKind.LEASE:
        rules.check_terms(rules.LeaseTerms(
            start=contract.starts_on, end=contract.ends_on or contract.starts_on, area=Decimal(1),
            price_per_mu=terms.price_per_mu, grain_jin_per_mu=terms.grain_jin_per_mu,
            step_percent=terms.step_percent, step_years=terms.step_years,
            half_yearly=terms.half_yearly, due_after_days=terms.due_after_days))
    elif contract.kind is ContractKind.JOINT_VENTURE:
        if terms.own_contribution < 0 or terms.partner_contribution < 0:
            raise ContractError(N_("出资额不能为负数。"))
        if not 0 < terms.profit_share_percent <= 100:
            raise ContractError(N_("本社分成比例须大于 0%，不超过 100%。"))
        if terms.settlement_month is not None or terms.settlement_day is not None:
            try:
                dt.date(2001, terms.settlement_month or 0, terms.settlement_day or 0)
            except ValueError:
                raise ContractError(N_("结算日期（月、日）不是有效的日期。")) from None
    elif contract.kind is ContractKind.INVESTMENT:
        if terms.invested_amount <= 0:
            raise ContractError(N_("投资金额必须大于零。"))
        if terms.invested_shares < 0:
            raise ContractError(N_("持有股份不能为负数。"))


def set_terms(contract: Contract, terms: MoneyTerms, *, by: User | None) -> Contract:
    """Set the money terms of a draft (the fields of other kinds are cleared)."""
    lock(contract)
    steps_for(contract, by).require("edit", ContractError)
    _check(contract, terms)
    before = snapshot(contract, TERM_FIELDS)
    kind = contract.kind
    blank = MoneyTerms()
    for name in TERM_FIELDS:
        used = ((kind is ContractKind.LEASE and name in TERM_FIELDS[:7])
                or (kind is ContractKind.JOINT_VENTURE and name in TERM_FIELDS[6:12])
                or (kind is ContractKind.INVESTMENT and name in TERM_FIELDS[12:]))
        setattr(contract, name, getattr(terms if used else blank, name))
    db.session.flush()
    record("contract.terms", contract, by=by, label=str(contract), before=before,
           after=snapshot(contract, TERM_FIELDS))
    return contract


def grain_prices(org_id: int) -> dict[int, Decimal]:
    """The organisation's grain reference price per year."""
    rows = db.session.execute(sa.select(GrainPrice.year, GrainPrice.price_per_jin).where(
        GrainPrice.organisation_id == org_id))
    return {year: price for year, price in rows}  # noqa: C416 - rows are Row tuples


def preview(contract: Contract) -> list[rules.ScheduleLine]:
    """The schedule the lease's current terms give (for a draft before signing)."""
    return rules.lease_schedule(lease_terms(contract),
                                grain_prices=grain_prices(contract.organisation_id))


def check_ready_to_sign(contract: Contract) -> None:
    """A lease needs parcels (or collective resources) and rent; a joint venture its profit
    share; an investment its amount."""
    if contract.kind is ContractKind.LEASE:
        if not contract.parcels and not contract.resources:
            raise ContractError(N_("请先登记租赁地块（或在资源台账中关联集体资源），"
                                   "再签订租赁合同。"))
        if not contract.has_rent_terms:
            raise ContractError(N_("请先填写租金条款（每亩现金或粮食斤数），再签订租赁合同。"))
        preview(contract)
    elif contract.kind is ContractKind.JOINT_VENTURE and not contract.profit_share_percent:
        raise ContractError(N_("请先填写本社分成比例，再签订合资合作合同。"))
    elif contract.kind is ContractKind.INVESTMENT and not contract.invested_amount:
        raise ContractError(N_("请先填写投资金额，再签订投资入股协议。"))


def schedule_of(contract: Contract) -> list[ScheduleLine]:
    """The stored schedule lines of a contract in order."""
    return list(db.session.scalars(sa.select(ScheduleLine).where(
        ScheduleLine.contract_id == contract.id).order_by(ScheduleLine.seq)))


def store_schedule(contract: Contract) -> list[ScheduleLine]:
    """Store the lease's schedule at signing."""
    stored = [ScheduleLine(organisation_id=contract.organisation_id, contract=contract, seq=seq,
                           kind=LineKind.RENT, period_start=line.period_start,
                           period_end=line.period_end, due_on=line.due_on, amount=line.amount,
                           received=ZERO, written_off=ZERO, price_year=line.price_year,
                           estimated=line.estimated)
              for seq, line in enumerate(preview(contract), start=1)]
    db.session.add_all(stored)
    db.session.flush()
    return stored


def set_grain_price(org: Organisation, year: int, price: Decimal, *, grain: str = "稻谷",
                    source: str = "", by: User | None) -> int:
    """Enter (or correct) a year's grain reference price; returns how many lines re-priced."""
    if price <= 0:
        raise ContractError(N_("粮食参考价必须大于零。"))
    if not 1990 <= year <= 2100:
        raise ContractError(N_("年份 %(year)d 不正确。"), year=year)
    found = db.session.scalar(sa.select(GrainPrice).where(
        GrainPrice.organisation_id == org.id, GrainPrice.year == year))
    before = snapshot(found, ("year", "price_per_jin", "grain", "source")) if found else None
    if found is None:
        found = GrainPrice(organisation_id=org.id, year=year)
        db.session.add(found)
    found.price_per_jin, found.grain, found.source = price, grain.strip() or "稻谷", source.strip()
    db.session.flush()
    record("contract.grain_price", org, by=by, label=f"{year} {price}", before=before,
           after=snapshot(found, ("year", "price_per_jin", "grain", "source")))
    return _reprice(org)


def _reprice(org: Organisation) -> int:
    """Re-price estimated grain-rent lines on which nothing has been received."""
    estimated = db.session.scalars(sa.select(ScheduleLine).where(
        ScheduleLine.organisation_id == org.id, ScheduleLine.estimated.is_(True),
        ScheduleLine.received == ZERO, ScheduleLine.written_off == ZERO)).all()
    by_contract: dict[int, list[ScheduleLine]] = {}
    for line in estimated:
        by_contract.setdefault(line.contract_id, []).append(line)
    changed = 0
    for lines in by_contract.values():
        fresh = {(line.period_start, line.period_end): line for line in preview(lines[0].contract)}
        for line in lines:
            new = fresh.get((line.period_start, line.period_end))
            if new is not None and (new.amount, new.price_year, new.estimated) != (
                    line.amount, line.price_year, line.estimated):
                line.amount, line.price_year, line.estimated = (new.amount, new.price_year,
                                                                new.estimated)
                changed += 1
    db.session.flush()
    return changed


def terminate_contract(contract: Contract, *, on: dt.date, reason: str,
                       by: User | None) -> Contract:
    """End a running contract early and settle its schedule."""
    lock(contract)
    steps_for(contract, by).require("terminate", ContractError)
    if not reason.strip():
        raise ContractError(N_("请填写提前终止的原因。"))
    if on < contract.starts_on or (contract.ends_on is not None and on >= contract.ends_on):
        raise ContractError(N_("终止日期须在合同期限之内、且早于合同结束日期。"))
    before = snapshot(contract, ("status", "ends_on", "terminated_on", "termination_reason"))
    note = f"{on.isoformat()} 提前终止：{reason.strip()}"[:500]
    for line in schedule_of(contract):
        if line.period_end <= on:
            continue
        if line.period_start > on:
            keep = ZERO
        else:
            whole = (line.period_end - line.period_start).days + 1
            keep = round_money(line.amount * ((on - line.period_start).days + 1) / whole)
        line.written_off = max(line.amount - max(keep, line.received), ZERO)
        line.note = note
    contract.status = ContractStatus.TERMINATED
    contract.terminated_on, contract.termination_reason = on, reason.strip()[:500]
    db.session.flush()
    record("contract.terminate", contract, by=by, label=str(contract), before=before,
           after=snapshot(contract, ("status", "ends_on", "terminated_on",
                                     "termination_reason")))
    return contract


def settle_venture_year(contract: Contract, *, year: int, venture_profit: Decimal,
                        due_on: dt.date | None, by: User | None) -> ScheduleLine:
    """Record a joint venture's profit for a year: the organisation's share becomes due."""
    lock(contract)
    steps_for(contract, by).require("settle_year", ContractError)
    if venture_profit <= 0:
        raise ContractError(N_("合作项目当年没有利润，无需登记应分利润；亏损请直接记账。"))
    first = dt.date(year, 1, 1)
    last = dt.date(year, 12, 31)
    if (contract.ends_on is not None and first > contract.ends_on) or last < contract.starts_on:
        raise ContractError(N_("%(year)d 年不在合同期限之内。"), year=year)
    lines = schedule_of(contract)
    if any(line.kind is LineKind.PROFIT and line.period_start.year == year for line in lines):
        raise ContractError(N_("%(year)d 年的合作分成已经登记。"), year=year)
    if due_on is None:
        month, day = contract.settlement_month or 12, contract.settlement_day or 31
        due_on = dt.date(year + 1, month, day) if (month, day) < (12, 31) else last
    share = round_money(venture_profit * contract.profit_share_percent / 100)
    line = ScheduleLine(organisation_id=contract.organisation_id, contract=contract,
                        seq=len(lines) + 1, kind=LineKind.PROFIT,
                        period_start=max(first, contract.starts_on),
                        period_end=min(last, contract.ends_on or last), due_on=due_on,
                        amount=share, received=ZERO, written_off=ZERO,
                        note=f"合作项目 {year} 年利润 {venture_profit:,.2f} 元 × "
                             f"{contract.profit_share_percent}%")
    db.session.add(line)
    db.session.flush()
    record("contract.settle_year", contract, by=by, label=str(contract),
           after={"year": year, "venture_profit": str(venture_profit), "share": str(share)})
    return line
