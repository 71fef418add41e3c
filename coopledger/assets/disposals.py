"""Disposing of an asset (sale, scrapping, loss) through 固定资产清理; flushes, never commits.

Rules: a disposed asset is not disposed of again; the day is neither before the acquisition nor
in the future nor in a closed month; the disposal month is depreciated first (当月减少当月照提:
its run must exist when the card still has depreciation due that month), and no later month
may already have been run; proceeds and costs are not negative and need a cash or bank leaf
account when present. Two voucher drafts: the transfer into 清理 and the settlement (proceeds,
costs, gain to 其他收入 or loss to 其他支出). While both are drafts the disposal can be
withdrawn.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from coopledger.assets import accounts, booking, rules
from coopledger.assets.cards import terms_of
from coopledger.assets.depreciation import accumulated_by_card, latest_run
from coopledger.assets.models import (
    AssetCard,
    AssetDisposal,
    AssetStatus,
    DepreciationRun,
    DisposalKind,
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
from coopledger.ledger.models import Voucher
from coopledger.ledger.queries import cash_accounts
from coopledger.ledger.standards import STANDARDS
from coopledger.locking import lock
from coopledger.money import ZERO
from coopledger.workflow import Steps


def accumulated(card: AssetCard) -> Decimal:
    """Opening depreciation plus every month drafted for the card."""
    drafted = accumulated_by_card(card.organisation, card_id=card.id).get(card.id, ZERO)
    return card.opening_accumulated + drafted


def check_disposable(card: AssetCard, on: dt.date, *, today: dt.date) -> None:
    """Refuse to take ``card`` off the register on ``on``, with the reason."""
    if card.status is AssetStatus.DISPOSED or card.disposal is not None:
        raise AssetRuleError(N_("资产 %(card)s 已处置，不能再次处置。"), card=str(card))
    if on < card.acquired_on:
        raise AssetRuleError(N_("处置日期 %(on)s 早于取得日期 %(acquired)s。"),
                             on=on.isoformat(), acquired=card.acquired_on.isoformat())
    if on > today:
        raise AssetRuleError(N_("处置日期 %(on)s 晚于今天。"), on=on.isoformat())
    vouchers.check_open_month(card.organisation_id, on)
    latest = latest_run(card.organisation)
    if latest is not None and (latest.year, latest.month) > (on.year, on.month):
        raise AssetRuleError(N_("已计提到 %(year)d年%(month)d月的折旧，处置日期不能早于该月。"),
                             year=latest.year, month=latest.month)
    done = db.session.scalar(sa.select(DepreciationRun.id).where(
        DepreciationRun.organisation_id == card.organisation_id,
        DepreciationRun.year == on.year, DepreciationRun.month == on.month))
    if done is None and card.method is rules.Method.STRAIGHT_LINE:
        due = booking.month_amount(booking.CardMonth(
            terms=terms_of(card), accumulated=accumulated(card),
            covered_until=card.opening_through), on.year, on.month)
        if due > 0:
            raise AssetRuleError(N_("处置当月照提折旧：请先计提 %(year)d年%(month)d月的折旧，"
                                    "再登记处置。"), year=on.year, month=on.month)


def dispose(card: AssetCard, *, kind: DisposalKind, on: dt.date, proceeds: Decimal,
            costs: Decimal, cash_code: str | None, reason: str, by: User,
            today: dt.date) -> AssetDisposal:
    """Record the disposal and draft its 固定资产清理 vouchers."""
    lock(card)
    if kind is DisposalKind.SHORTAGE:
        raise AssetRuleError(N_("盘亏通过资产清查处理。"))
    check_disposable(card, on, today=today)
    held = accumulated(card)
    result = rules.disposal(card.original, held, proceeds, costs)
    org = card.organisation
    chart = accounts_by_code(org)
    if (proceeds or costs) and cash_code not in {a.code for a in cash_accounts(org)}:
        raise AssetRuleError(N_("有处置收入或清理费用时，请选择库存现金或银行存款下的末级科目。"))
    standard = STANDARDS[org.standard]
    cost, contra = (accounts.leaf(org, code, chart)
                    for code in accounts.class_codes(org, card.asset_class))
    ledger_accounts = booking.DisposalAccounts(
        cost=cost, contra=contra, clearing=accounts.leaf(org, standard.disposal, chart),
        cash=cash_code or "", gain=accounts.leaf(org, standard.other_income, chart),
        loss=accounts.leaf(org, standard.other_expense, chart))
    label = str(AssetRuleError(N_("%(kind)s%(card)s"), kind=str(AssetRuleError(kind.label)),
                               card=str(card)))
    transfer = vouchers.save_voucher(
        org, voucher=None, on=on, attachment_count=0, by=by,
        lines=booking.transfer_lines(
            str(AssetRuleError(N_("%(what)s，转入清理"), what=label)), ledger_accounts,
            original=card.original, accumulated=held), today=today)
    settle_lines = booking.settle_lines(
        str(AssetRuleError(N_("%(what)s，清理收支及结转"), what=label)), ledger_accounts,
        proceeds=proceeds, costs=costs, result=result)
    settle = (vouchers.save_voucher(org, voucher=None, on=on, attachment_count=0, by=by,
                                    lines=settle_lines, today=today) if settle_lines else None)
    disposal = AssetDisposal(card=card, kind=kind, on=on, proceeds=proceeds, costs=costs,
                             accumulated=held, result=result, reason=reason.strip()[:500],
                             transfer_voucher=transfer, settle_voucher=settle,
                             recorded_by_id=by.id, recorded_at=utcnow())
    db.session.add(disposal)
    card.status = AssetStatus.DISPOSED
    db.session.flush()
    record("asset.dispose", card, by=by, label=str(card), after={
        "kind": kind.value, "on": on.isoformat(), "proceeds": str(proceeds),
        "costs": str(costs), "accumulated": str(held), "result": str(result)})
    return disposal


def _vouchers(disposal: AssetDisposal) -> list[Voucher]:
    return [v for v in (disposal.transfer_voucher, disposal.settle_voucher) if v is not None]


def disposal_steps_for(disposal: AssetDisposal, user: User | None) -> Steps:
    """Whether ``user`` may withdraw ``disposal`` now (``rules.disposal_steps``)."""
    org = disposal.card.organisation
    return rules.disposal_steps(vouchers=[vouchers.drafted(v) for v in _vouchers(disposal)],
                                shortage=disposal.kind is DisposalKind.SHORTAGE,
                                may=permitted(user, org))


def withdraw(disposal: AssetDisposal, *, by: User) -> AssetCard:
    """Undo a disposal whose vouchers are still drafts; the card is in use again."""
    lock(disposal.card)
    disposal_steps_for(disposal, by).require("withdraw", AssetRuleError)
    drafted = _vouchers(disposal)
    card = disposal.card
    db.session.delete(disposal)
    card.status = AssetStatus.IN_USE
    db.session.flush()
    for voucher in drafted:
        record("voucher.delete", voucher, by=by, label=f"{voucher.label} {voucher.summary}")
        db.session.delete(voucher)
    db.session.flush()
    record("asset.dispose.withdraw", card, by=by, label=str(card))
    return card
