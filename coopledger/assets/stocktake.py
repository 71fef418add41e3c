"""The yearly stock-take (清查): a count sheet of every asset held and every resource, the
counted state entered back, and after approval the differences booked; flushes, never commits.

Rules: one stock-take per organisation and year; counts change only while counting; "missing"
applies to asset cards, "area changed" to resources and needs the counted area (> 0). Approval
needs every line counted, the approving resolution and its day (not in the future, not in a
closed month, the month's depreciation run as for any disposal). Missing cards leave the
register as 盘亏 and draft two vouchers: 借 待处理财产损溢 借 累计折旧 贷 固定资产, then the
write-off 借 其他支出 贷 待处理财产损溢. A changed area becomes the resource's area.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from coopledger.assets import accounts, booking, rules
from coopledger.assets.depreciation import accumulated_by_card
from coopledger.assets.disposals import check_disposable
from coopledger.assets.models import AssetCard, AssetDisposal, AssetStatus, DisposalKind
from coopledger.assets.resource_models import (
    CountResult,
    Resource,
    StockTake,
    StockTakeItem,
    StockTakeState,
)
from coopledger.assets.rules import AssetRuleError
from coopledger.audit.services import record
from coopledger.auth.models import User
from coopledger.auth.permissions import permitted
from coopledger.dates import utcnow
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger import vouchers
from coopledger.ledger.books import accounts_by_code
from coopledger.ledger.standards import STANDARDS
from coopledger.locking import lock
from coopledger.money import ZERO
from coopledger.orgs.models import Organisation
from coopledger.workflow import Steps


def start(org: Organisation, *, year: int, counted_on: dt.date, by: User,
          today: dt.date) -> StockTake:
    """Open the year's count sheet with every card held and every resource."""
    if db.session.scalar(sa.select(StockTake.id).where(
            StockTake.organisation_id == org.id, StockTake.year == year)) is not None:
        raise AssetRuleError(N_("%(year)d年的资产清查已经建立。"), year=year)
    if counted_on > today:
        raise AssetRuleError(N_("清查日期 %(on)s 晚于今天。"), on=counted_on.isoformat())
    drafted = accumulated_by_card(org)
    cards = db.session.scalars(sa.select(AssetCard).where(
        AssetCard.organisation_id == org.id, AssetCard.status != AssetStatus.DISPOSED,
        AssetCard.acquired_on <= counted_on).order_by(AssetCard.number)).all()
    resources = db.session.scalars(sa.select(Resource).where(
        Resource.organisation_id == org.id).order_by(Resource.number)).all()
    if not cards and not resources:
        raise AssetRuleError(N_("没有可清查的资产或资源。"))
    stock_take = StockTake(organisation=org, year=year, counted_on=counted_on,
                           created_by_id=by.id, created_at=utcnow())
    stock_take.items = [
        *[StockTakeItem(card=card, book_value=card.original - card.opening_accumulated
                        - drafted.get(card.id, ZERO)) for card in cards],
        *[StockTakeItem(resource=resource, book_area=resource.area_mu)
          for resource in resources]]
    db.session.add(stock_take)
    db.session.flush()
    record("stocktake.start", stock_take, by=by, label=str(year),
           after={"cards": len(cards), "resources": len(resources)})
    return stock_take


def steps_for(stock_take: StockTake, user: User | None) -> Steps:
    """The steps ``user`` may take on ``stock_take`` now (``rules.stocktake_steps``); None is
    the system (the sample), which may take any step the state allows."""
    org = stock_take.organisation
    return rules.stocktake_steps(state=stock_take.state.value,
                                 may=permitted(user, org))


def record_count(item: StockTakeItem, *, result: CountResult, counted_area: Decimal | None,
                 note: str, by: User | None) -> StockTakeItem:
    """Enter what the counters found for one line (under the stock-take's lock)."""
    lock(item.stock_take)
    steps_for(item.stock_take, by).require("count", AssetRuleError)
    if result is CountResult.MISSING and item.card is None:
        raise AssetRuleError(N_("资源不能登记为盘亏；面积变化请选“面积变化”。"))
    if result is CountResult.AREA_CHANGED:
        if item.resource is None:
            raise AssetRuleError(N_("只有资源可以登记面积变化。"))
        if counted_area is None or counted_area <= 0:
            raise AssetRuleError(N_("面积变化须填写清点面积，且必须大于零。"))
    item.result = result
    item.counted_area = counted_area if result is CountResult.AREA_CHANGED else None
    item.note = note.strip()[:300]
    db.session.flush()
    subject = item.card or item.resource
    record("stocktake.count", item.stock_take, by=by, label=str(subject),
           after={"result": result.value, "area": str(counted_area or "")})
    return item


def approve(stock_take: StockTake, *, approval_ref: str, approved_on: dt.date,
            by: User, today: dt.date) -> StockTake:
    """Approve the count and book its differences."""
    lock(stock_take)
    steps_for(stock_take, by).require("approve", AssetRuleError)
    pending = [i for i in stock_take.items if i.result is CountResult.PENDING]
    if pending:
        raise AssetRuleError(N_("还有 %(n)d 项未清点（如 %(first)s），不能审批。"), n=len(pending),
                             first=str(pending[0].card or pending[0].resource))
    if not approval_ref.strip():
        raise AssetRuleError(N_("请填写审批决议文号。"))
    if approved_on > today:
        raise AssetRuleError(N_("审批日期 %(on)s 晚于今天。"), on=approved_on.isoformat())
    if approved_on < stock_take.counted_on:
        raise AssetRuleError(N_("审批日期早于清查日期。"))
    missing = [i.card for i in stock_take.items
               if i.result is CountResult.MISSING and i.card is not None]
    for card in missing:
        check_disposable(card, approved_on, today=today)
    if missing:
        _book_shortages(stock_take, missing, approved_on, by, today=today)
    for item in stock_take.items:
        if item.result is CountResult.AREA_CHANGED and item.resource is not None:
            item.resource.area_mu = item.counted_area
        if item.result is CountResult.DAMAGED and item.card is not None:
            item.card.note = f"{item.card.note} [{stock_take.year} {item.note}]".strip()[:500]
    stock_take.state = StockTakeState.APPROVED
    stock_take.approval_ref = approval_ref.strip()[:200]
    stock_take.approved_on = approved_on
    db.session.flush()
    record("stocktake.approve", stock_take, by=by, label=str(stock_take.year),
           after={"missing": len(missing), "ref": stock_take.approval_ref})
    return stock_take


def _book_shortages(stock_take: StockTake, missing: list[AssetCard], on: dt.date,
                    by: User, *, today: dt.date) -> None:
    org = stock_take.organisation
    standard = STANDARDS[org.standard]
    chart = accounts_by_code(org)
    pending = accounts.leaf(org, standard.pending_loss, chart)
    drafted = accumulated_by_card(org)
    shortages, total = [], ZERO
    for card in missing:
        cost, contra = (accounts.leaf(org, code, chart)
                        for code in accounts.class_codes(org, card.asset_class))
        held = card.opening_accumulated + drafted.get(card.id, ZERO)
        shortages.append(booking.Shortage(cost, contra, card.original, held))
        total += card.original - held
        db.session.add(AssetDisposal(card=card, kind=DisposalKind.SHORTAGE, on=on,
                                     accumulated=held, result=held - card.original,
                                     reason=stock_take.approval_ref, recorded_by_id=by.id,
                                     recorded_at=utcnow()))
        card.status = AssetStatus.DISPOSED
    summary = str(AssetRuleError(N_("%(year)d年资产清查盘亏 %(n)d 项"), year=stock_take.year,
                                 n=len(missing)))
    stock_take.loss_voucher = vouchers.save_voucher(
        org, voucher=None, on=on, attachment_count=0, by=by,
        lines=booking.shortage_lines(summary, pending, shortages), today=today)
    if total:
        stock_take.writeoff_voucher = vouchers.save_voucher(
            org, voucher=None, on=on, attachment_count=0, by=by,
            lines=booking.writeoff_lines(
                str(AssetRuleError(N_("%(what)s，经批准转销"), what=summary)), pending,
                accounts.leaf(org, standard.other_expense, chart), total), today=today)
    db.session.flush()
    for disposal in db.session.scalars(sa.select(AssetDisposal).where(
            AssetDisposal.card_id.in_([c.id for c in missing]))):
        disposal.transfer_voucher_id = stock_take.loss_voucher.id
        disposal.settle_voucher_id = (stock_take.writeoff_voucher.id
                                      if stock_take.writeoff_voucher else None)

