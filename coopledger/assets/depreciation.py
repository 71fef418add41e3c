"""The monthly depreciation run: every card's amount for a month (``booking.month_amount``) and
one voucher draft for the reviewer; flushes, never commits.

Rules: months are drafted in order (after the first run, only the month after the last one);
never a closed month, never a month that has not begun, never twice; a month with nothing to
depreciate is refused. Only the latest run can be withdrawn, and only while its voucher is a
draft. The voucher is dated the last day of the month and can be changed only through its run.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from coopledger.assets import accounts, booking, rules
from coopledger.assets.cards import terms_of
from coopledger.assets.models import (
    AssetCard,
    AssetDisposal,
    DepreciationLine,
    DepreciationRun,
    UsageEntry,
)
from coopledger.assets.rules import AssetRuleError, Method
from coopledger.audit.services import record
from coopledger.auth.models import User
from coopledger.auth.permissions import permitted
from coopledger.dates import utcnow
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger import vouchers
from coopledger.ledger.books import accounts_by_code, lock_book
from coopledger.ledger.month_end import Item
from coopledger.ledger.rules import month_end
from coopledger.ledger.rules import next_month as month_after
from coopledger.money import ZERO, from_fen, grouped
from coopledger.orgs.models import Organisation
from coopledger.workflow import Steps


@dataclass(frozen=True)
class Planned:
    """A card's share of a month's depreciation."""

    card: AssetCard
    amount: Decimal
    units: Decimal | None
    accumulated_before: Decimal


def accumulated_by_card(org: Organisation, *, through: dt.date | None = None,
                        card_id: int | None = None) -> dict[int, Decimal]:
    """Depreciation drafted per card (runs dated on or before ``through``; one card if
    ``card_id``), opening excluded."""
    fen = sa.type_coerce(DepreciationLine.amount, sa.BigInteger)
    query = (sa.select(DepreciationLine.card_id, sa.func.sum(fen))
             .join(DepreciationRun, DepreciationRun.id == DepreciationLine.run_id)
             .where(DepreciationRun.organisation_id == org.id)
             .group_by(DepreciationLine.card_id))
    if through is not None:
        query = query.where(DepreciationRun.on <= through)
    if card_id is not None:
        query = query.where(DepreciationLine.card_id == card_id)
    return {card_id: from_fen(int(total or 0)) for card_id, total in db.session.execute(query)}


def _units(org: Organisation, year: int, month: int) -> tuple[dict[int, Decimal],
                                                              dict[int, Decimal]]:
    """Units per card in the month, and before it."""
    rows = db.session.execute(
        sa.select(UsageEntry.card_id, UsageEntry.year, UsageEntry.month, UsageEntry.units)
        .join(AssetCard, AssetCard.id == UsageEntry.card_id)
        .where(AssetCard.organisation_id == org.id,
               (UsageEntry.year * 12 + UsageEntry.month) <= year * 12 + month))
    now: dict[int, Decimal] = {}
    before: dict[int, Decimal] = defaultdict(lambda: Decimal(0))
    for card_id, y, m, units in rows:
        if (y, m) == (year, month):
            now[card_id] = Decimal(units)
        else:
            before[card_id] += Decimal(units)
    return now, before


def plan(org: Organisation, year: int, month: int) -> list[Planned]:
    """Every card's depreciation for the month (cards with nothing due left out)."""
    first = dt.date(year, month, 1)
    cards = db.session.scalars(
        sa.select(AssetCard).outerjoin(AssetDisposal)
        .where(AssetCard.organisation_id == org.id, AssetCard.acquired_on < first,
               sa.or_(AssetDisposal.id.is_(None), AssetDisposal.on >= first))
        .order_by(AssetCard.number)).all()
    drafted = accumulated_by_card(org)
    units_now, units_before = _units(org, year, month)
    disposed = dict(db.session.execute(
        sa.select(AssetDisposal.card_id, AssetDisposal.on)
        .join(AssetCard).where(AssetCard.organisation_id == org.id)).all())
    out = []
    for card in cards:
        accumulated = card.opening_accumulated + drafted.get(card.id, ZERO)
        units = units_now.get(card.id, Decimal(0)) if card.method is Method.UNITS else None
        amount = booking.month_amount(booking.CardMonth(
            terms=terms_of(card), accumulated=accumulated, units=units or Decimal(0),
            units_before=card.opening_units + units_before.get(card.id, Decimal(0)),
            covered_until=card.opening_through, disposed_on=disposed.get(card.id)),
            year, month)
        if amount > 0:
            out.append(Planned(card, amount, units, accumulated))
    return out


def runs_of(org: Organisation) -> list[DepreciationRun]:
    """The organisation's runs, latest first."""
    return list(db.session.scalars(sa.select(DepreciationRun).where(
        DepreciationRun.organisation_id == org.id).order_by(
        DepreciationRun.year.desc(), DepreciationRun.month.desc())))


def latest_run(org: Organisation) -> DepreciationRun | None:
    """The last month drafted."""
    return db.session.scalar(sa.select(DepreciationRun).where(
        DepreciationRun.organisation_id == org.id).order_by(
        DepreciationRun.year.desc(), DepreciationRun.month.desc()).limit(1))


def next_month(org: Organisation, *, today: dt.date) -> tuple[int, int]:
    """The month the next run should draft: after the latest, else the current month."""
    latest = latest_run(org)
    if latest is None:
        day = today
        return day.year, day.month
    return month_after(latest.year, latest.month)


def _check_month(org: Organisation, year: int, month: int, *, today: dt.date) -> None:
    if not 1 <= month <= 12:
        raise AssetRuleError(N_("月份须在 1 至 12 之间。"))
    vouchers.check_open_month(org.id, month_end(year, month))
    if month_end(year, month) > today:
        raise AssetRuleError(N_("%(year)d年%(month)d月还没有结束：折旧在月末计提（凭证日期为月末，"
                                "不能是未来日期）。"), year=year, month=month)
    latest = latest_run(org)
    if latest is None:
        return
    if (latest.year, latest.month) >= (year, month):
        raise AssetRuleError(N_("%(year)d年%(month)d月的折旧已经计提过（最近一次计提是 "
                                "%(last_year)d年%(last_month)d月）。"), year=year, month=month,
                             last_year=latest.year, last_month=latest.month)
    expected = next_month(org, today=today)
    if expected != (year, month):
        raise AssetRuleError(N_("折旧须按月依次计提：请先计提 %(year)d年%(month)d月。"),
                             year=expected[0], month=expected[1])


def draft_run(org: Organisation, year: int, month: int, *, by: User,
              today: dt.date) -> DepreciationRun:
    """Compute the month and draft its voucher (借 费用 贷 累计折旧/累计摊销).

    Under the book's lock, so two runs of one month cannot both be drafted."""
    lock_book(org.id)
    _check_month(org, year, month, today=today)
    planned = plan(org, year, month)
    if not planned:
        raise AssetRuleError(N_("%(year)d年%(month)d月没有需要计提折旧的资产。"),
                             year=year, month=month)
    chart = accounts_by_code(org)
    contra = {cls: accounts.leaf(org, accounts.class_codes(org, cls)[1], chart)
              for cls in {p.card.asset_class for p in planned}}
    expense = {code: accounts.leaf(org, code, chart) for code in {p.card.expense_code
                                                                    for p in planned}}
    on = month_end(year, month)
    summary = str(AssetRuleError(N_("计提%(year)d年%(month)d月折旧（%(n)d 项资产）"),
                                 year=year, month=month, n=len(planned)))
    voucher = vouchers.save_voucher(org, voucher=None, on=on, attachment_count=0, by=by,
                                    lines=booking.depreciation_lines(summary, [
                                        (expense[p.card.expense_code], contra[p.card.asset_class],
                                         p.amount) for p in planned]), today=today)
    total = sum((p.amount for p in planned), ZERO)
    run = DepreciationRun(organisation=org, year=year, month=month, on=on, total=total,
                          voucher=voucher, created_by_id=by.id, created_at=utcnow())
    db.session.add(run)
    db.session.flush()
    db.session.execute(sa.insert(DepreciationLine), [
        {"run_id": run.id, "card_id": p.card.id, "amount": p.amount, "units": p.units}
        for p in planned])
    record("asset.depreciate", run, by=by, label=f"{year}-{month:02d}",
           after={"cards": len(planned), "total": str(total), "voucher": voucher.id})
    return run


def lines_of(run: DepreciationRun) -> list[tuple[AssetCard, DepreciationLine]]:
    """The run's lines with their cards, by asset number."""
    return [(card, line) for line, card in db.session.execute(
        sa.select(DepreciationLine, AssetCard).join(AssetCard).where(
            DepreciationLine.run_id == run.id).order_by(AssetCard.number))]


def run_steps_for(run: DepreciationRun, user: User | None) -> Steps:
    """Whether ``user`` may withdraw ``run`` now (``rules.run_steps``)."""
    org = run.organisation
    latest = latest_run(org)
    return rules.run_steps(voucher=vouchers.drafted(run.voucher) if run.voucher else None,
                           latest=latest is not None and latest.id == run.id,
                           may=permitted(user, org))


def withdraw_run(run: DepreciationRun, *, by: User) -> None:
    """Delete the latest run and its draft voucher (to redo the month)."""
    lock_book(run.organisation_id)
    run_steps_for(run, by).require("withdraw", AssetRuleError)
    voucher = run.voucher
    db.session.execute(sa.delete(DepreciationLine).where(DepreciationLine.run_id == run.id))
    record("asset.depreciate.withdraw", run, by=by, label=f"{run.year}-{run.month:02d}")
    db.session.delete(run)
    db.session.flush()
    if voucher is not None:
        record("voucher.delete", voucher, by=by, label=f"{voucher.label} {voucher.summary}")
        db.session.delete(voucher)
        db.session.flush()



def month_end_check(org: Organisation, year: int, month: int) -> list[Item]:
    """期末检查 (ledger.month_end): the month's depreciation not yet run while cards depreciate
    in it (a warning: closing goes ahead, the month's expense is then missing)."""
    if db.session.scalar(sa.select(DepreciationRun.id).where(
            DepreciationRun.organisation_id == org.id, DepreciationRun.year == year,
            DepreciationRun.month == month).limit(1)) is not None:
        return []
    planned = plan(org, year, month)
    total = sum((line.amount for line in planned), ZERO)
    if not total:
        return []
    return [Item(N_("本月折旧尚未计提：%(n)d 张卡片应提 %(amount)s 元。"),
                 {"n": len(planned), "amount": grouped(total)},
                 "assets.runs", {"code": org.code})]
