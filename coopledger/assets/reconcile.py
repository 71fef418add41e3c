"""The register against the ledger on a day: per asset class, the original values of the cards
held that day against the posted balance of the cost account (固定资产…), and their
accumulated depreciation against the contra account (累计折旧…, a credit balance).

Register side, dated like the vouchers it drafts: a card counts from its acquisition day until
its disposal day; its depreciation counts from the last day of each month run. Any difference
comes with the records behind it: the register's own vouchers not posted by that day, cards
without a posted purchase voucher (the first 200), and posted ledger lines on those accounts
that no card, run, disposal or stock-take knows about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from coopledger.assets.accounts import class_codes
from coopledger.assets.depreciation import accumulated_by_card
from coopledger.assets.models import (
    AssetCard,
    AssetClass,
    AssetDisposal,
    Category,
    DepreciationRun,
)
from coopledger.assets.resource_models import StockTake
from coopledger.extensions import db
from coopledger.ledger.books import accounts_by_code
from coopledger.ledger.models import Account, Voucher, VoucherLine, VoucherState
from coopledger.money import ZERO, from_fen
from coopledger.orgs.models import Organisation

CARDS_LISTED = 200


@dataclass
class ClassFigures:
    """One asset class on the day."""

    asset_class: AssetClass
    cost_code: str
    contra_code: str
    cards: int = 0
    register_original: Decimal = ZERO
    ledger_original: Decimal = ZERO
    register_accumulated: Decimal = ZERO
    ledger_accumulated: Decimal = ZERO

    @property
    def original_difference(self) -> Decimal:
        """Register minus ledger, original values."""
        return self.register_original - self.ledger_original

    @property
    def accumulated_difference(self) -> Decimal:
        """Register minus ledger, accumulated depreciation."""
        return self.register_accumulated - self.ledger_accumulated

    @property
    def balanced(self) -> bool:
        """Whether both figures agree."""
        return not self.original_difference and not self.accumulated_difference


@dataclass
class Reconciliation:
    """The comparison and what explains a difference."""

    on: dt.date
    classes: list[ClassFigures]
    unposted: list[Voucher] = field(default_factory=list)
    cards_without_voucher: list[AssetCard] = field(default_factory=list)
    unknown_lines: list[VoucherLine] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        """Whether every class agrees."""
        return all(figures.balanced for figures in self.classes)


def _subtree_ids(chart: dict[str, Account], code: str) -> list[int]:
    return [a.id for c, a in chart.items() if c.startswith(code)]


def _ledger_balance(org: Organisation, ids: list[int], on: dt.date) -> Decimal:
    if not ids:
        return ZERO
    debit = sa.type_coerce(VoucherLine.debit, sa.BigInteger)
    credit = sa.type_coerce(VoucherLine.credit, sa.BigInteger)
    total = db.session.scalar(sa.select(sa.func.sum(debit - credit)).where(
        VoucherLine.organisation_id == org.id, VoucherLine.account_id.in_(ids),
        VoucherLine.posted.is_(True), VoucherLine.on <= on))
    return from_fen(int(total or 0))


def _register_vouchers(org: Organisation) -> set[int]:
    """Every voucher the register knows: purchases, runs, disposals, stock-takes."""
    known: set[int] = set()
    known.update(v for v in db.session.scalars(sa.select(AssetCard.purchase_voucher_id).where(
        AssetCard.organisation_id == org.id)) if v is not None)
    known.update(v for v in db.session.scalars(sa.select(DepreciationRun.voucher_id).where(
        DepreciationRun.organisation_id == org.id)) if v is not None)
    for row in db.session.execute(sa.select(AssetDisposal.transfer_voucher_id,
                                            AssetDisposal.settle_voucher_id)
                                  .join(AssetCard).where(AssetCard.organisation_id == org.id)):
        known.update(v for v in row if v is not None)
    for row in db.session.execute(sa.select(StockTake.loss_voucher_id,
                                            StockTake.writeoff_voucher_id).where(
            StockTake.organisation_id == org.id)):
        known.update(v for v in row if v is not None)
    return known


def _fen(column: sa.orm.InstrumentedAttribute[Decimal]) -> sa.ColumnElement[int]:
    """A money column as its stored integer fen, so the database can sum it."""
    return sa.type_coerce(column, sa.BigInteger)


def _held(org: Organisation, on: dt.date) -> sa.ColumnElement[bool]:
    """Cards of ``org`` on its register on ``on``: acquired, and not disposed of by then."""
    gone = list(db.session.scalars(sa.select(AssetDisposal.card_id).join(AssetCard).where(
        AssetCard.organisation_id == org.id, AssetDisposal.on <= on)))
    return sa.and_(AssetCard.organisation_id == org.id, AssetCard.acquired_on <= on,
                   AssetCard.id.not_in(gone))


def reconcile(org: Organisation, on: dt.date) -> Reconciliation:
    """Compare register and ledger on ``on`` (inclusive)."""
    chart = accounts_by_code(org)
    figures = {cls: ClassFigures(cls, *class_codes(org, cls)) for cls in AssetClass}
    held = _held(org, on)
    drafted = accumulated_by_card(org, through=on)
    for card_id, category, original, opening in db.session.execute(
            sa.select(AssetCard.id, AssetCard.category, _fen(AssetCard.original),
                      _fen(AssetCard.opening_accumulated)).where(held)):
        item = figures[Category(category).asset_class]
        item.cards += 1
        item.register_original += from_fen(int(original))
        item.register_accumulated += from_fen(int(opening)) + drafted.get(card_id, ZERO)
    watched: dict[int, AssetClass] = {}
    for cls, item in figures.items():
        cost_ids = _subtree_ids(chart, item.cost_code)
        contra_ids = _subtree_ids(chart, item.contra_code)
        item.ledger_original = _ledger_balance(org, cost_ids, on)
        item.ledger_accumulated = -_ledger_balance(org, contra_ids, on)
        watched.update(dict.fromkeys([*cost_ids, *contra_ids], cls))
    result = Reconciliation(on, [f for f in figures.values()
                                 if f.cards or f.ledger_original or f.ledger_accumulated
                                 or f.asset_class is AssetClass.FIXED])
    if result.balanced:
        return result
    known = _register_vouchers(org)
    if known:
        result.unposted = list(db.session.scalars(sa.select(Voucher).where(
            Voucher.id.in_(known), Voucher.on <= on, Voucher.state != VoucherState.POSTED)
            .order_by(Voucher.on, Voucher.id)))
    posted = (sa.select(Voucher.id).where(Voucher.state == VoucherState.POSTED, Voucher.on <= on)
              .scalar_subquery())
    result.cards_without_voucher = list(db.session.scalars(sa.select(AssetCard).where(
        held, sa.or_(AssetCard.purchase_voucher_id.is_(None),
                     AssetCard.purchase_voucher_id.not_in(posted)))
        .order_by(AssetCard.number).limit(CARDS_LISTED)))
    result.unknown_lines = list(db.session.scalars(sa.select(VoucherLine).join(Voucher).where(
        VoucherLine.organisation_id == org.id, VoucherLine.account_id.in_(list(watched)),
        VoucherLine.posted.is_(True), VoucherLine.on <= on, Voucher.id.not_in(known))
        .order_by(VoucherLine.on, VoucherLine.id)))
    return result

