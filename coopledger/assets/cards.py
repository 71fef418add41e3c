"""Keeping asset cards: registering and editing a card, its photos and its monthly work units;
flushes, never commits.

Rules: the asset number is unique in the organisation; the terms pass ``rules.check_terms``
(original value and useful life positive, residual rate 0–100 %, total units for units of
production); the acquisition day is not in the future; the depreciation expense account is an
open leaf cost or expense account; the purchase voucher is one of the organisation's; depreciation
carried in from before the register (opening) lies between zero and the depreciable amount.
Once a card has been depreciated its value terms no longer change, and a disposed card not at
all. Every change goes to the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

import sqlalchemy as sa

from coopledger.assets import rules
from coopledger.assets.models import (
    AssetCard,
    AssetPhoto,
    AssetStatus,
    Category,
    DepreciationLine,
    DepreciationRun,
    UsageEntry,
)
from coopledger.assets.rules import AssetRuleError, Method
from coopledger.audit.services import record, snapshot
from coopledger.auth.models import User
from coopledger.dates import utcnow
from coopledger.extensions import db
from coopledger.files.scans import keep_scan
from coopledger.files.stores import Store
from coopledger.i18n import N_
from coopledger.ledger.models import Account, Voucher
from coopledger.ledger.models import Category as AccountCategory
from coopledger.ledger.queries import open_leaf_codes, open_leaves
from coopledger.ledger.standards import STANDARDS
from coopledger.money import ZERO, grouped
from coopledger.orgs.models import Organisation

EXPENSE_CATEGORIES = (AccountCategory.COST, AccountCategory.EXPENSE)
CARD_FIELDS = ("number", "name", "category", "location", "acquired_on", "original",
               "residual_percent", "life_months", "method", "total_units", "status",
               "expense_code", "purchase_voucher_id", "opening_accumulated", "opening_units",
               "opening_through", "note")
VALUE_FIELDS = ("acquired_on", "original", "residual_percent", "life_months", "method",
                "total_units", "opening_accumulated", "opening_units", "opening_through")


@dataclass(frozen=True)
class CardData:
    """The editable fields of a card."""

    number: str
    name: str
    category: Category
    acquired_on: dt.date
    original: Decimal
    residual_percent: Decimal
    life_months: int
    expense_code: str
    method: Method = Method.STRAIGHT_LINE
    total_units: Decimal | None = None
    location: str = ""
    status: AssetStatus = AssetStatus.IN_USE
    purchase_voucher_id: int | None = None
    opening_accumulated: Decimal = ZERO
    opening_units: Decimal = Decimal(0)
    opening_through: dt.date | None = None
    note: str = ""

    @property
    def terms(self) -> rules.Terms:
        """The depreciation terms these fields give."""
        return rules.Terms(original=self.original, residual_percent=self.residual_percent,
                           life_months=self.life_months, acquired_on=self.acquired_on,
                           method=self.method, total_units=self.total_units)


def terms_of(card: AssetCard) -> rules.Terms:
    """The depreciation terms of a stored card."""
    return rules.Terms(original=card.original, residual_percent=card.residual_percent,
                       life_months=card.life_months, acquired_on=card.acquired_on,
                       method=card.method, total_units=card.total_units)


def expense_accounts(org: Organisation) -> list[Account]:
    """Open leaf accounts depreciation may be charged to (costs and expenses)."""
    return open_leaves(org, categories=EXPENSE_CATEGORIES)


def expense_codes(org: Organisation) -> set[str]:
    """The codes of :func:`expense_accounts` (one light query, for a check per card)."""
    return open_leaf_codes(org, categories=EXPENSE_CATEGORIES)


def default_expense_code(org: Organisation, category: Category) -> str:
    """管理费用 for offices and buildings, 经营支出 for production assets (leaf or first leaf)."""
    standard = STANDARDS[org.standard]
    office = category in (Category.BUILDING, Category.OFFICE, Category.SOFTWARE)
    wanted = standard.admin_expense if office else standard.operating_expense
    for code in sorted(expense_codes(org)):
        if code.startswith(wanted):
            return code
    return wanted


def _check(org: Organisation, data: CardData, card: AssetCard | None, *, today: dt.date) -> None:
    if not data.number.strip():
        raise AssetRuleError(N_("资产编号不能为空。"))
    if not data.name.strip():
        raise AssetRuleError(N_("资产名称不能为空。"))
    rules.check_terms(data.terms)
    if data.acquired_on > today:
        raise AssetRuleError(N_("取得日期 %(on)s 晚于今天。"), on=data.acquired_on.isoformat())
    if data.status is AssetStatus.DISPOSED:
        raise AssetRuleError(N_("处置资产请使用“处置”功能，它会生成固定资产清理凭证。"))
    if data.expense_code not in expense_codes(org):
        raise AssetRuleError(N_("折旧费用科目 %(code)s 不是可用的成本或费用末级科目。"),
                             code=data.expense_code)
    if data.purchase_voucher_id is not None:
        voucher = db.session.get(Voucher, data.purchase_voucher_id)
        if voucher is None or voucher.organisation_id != org.id:
            raise AssetRuleError(N_("购置凭证不属于本组织。"))
    if not ZERO <= data.opening_accumulated <= data.terms.depreciable:
        raise AssetRuleError(N_("期初累计折旧须在 0 至应计折旧额 %(max)s 之间。"),
                             max=grouped(data.terms.depreciable))
    if data.opening_accumulated > 0 and data.opening_through is None:
        raise AssetRuleError(N_("填写了期初累计折旧，请注明它计提到哪个月。"))
    if data.opening_through is not None and data.opening_through < data.acquired_on:
        raise AssetRuleError(N_("期初累计折旧的截止月份早于取得日期。"))
    if data.opening_units < 0:
        raise AssetRuleError(N_("期初已完成工作量不能为负数。"))
    duplicate = db.session.scalar(sa.select(AssetCard.id).where(
        AssetCard.organisation_id == org.id, AssetCard.number == data.number.strip()))
    if duplicate is not None and (card is None or duplicate != card.id):
        raise AssetRuleError(N_("资产编号 %(number)s 已被使用。"), number=data.number.strip())


def _apply(card: AssetCard, data: CardData) -> None:
    for name in CARD_FIELDS:
        value = getattr(data, name)
        setattr(card, name, value.strip() if type(value) is str else value)
    if card.method is Method.STRAIGHT_LINE:
        card.total_units = None


def create_card(org: Organisation, data: CardData, *, by: User | None, today: dt.date) -> AssetCard:
    """Register a card."""
    _check(org, data, None, today=today)
    card = AssetCard(organisation=org, created_at=utcnow())
    _apply(card, data)
    db.session.add(card)
    db.session.flush()
    record("asset.create", card, by=by, label=str(card), after=snapshot(card, CARD_FIELDS))
    return card


def depreciated(card: AssetCard) -> bool:
    """Whether any month's depreciation has been drafted for the card."""
    return db.session.scalar(sa.select(DepreciationLine.id).where(
        DepreciationLine.card_id == card.id).limit(1)) is not None


def _value_terms_change(card: AssetCard, data: CardData) -> bool:
    """Whether ``data`` changes a term depreciation depends on (numbers compared as numbers)."""
    for name in VALUE_FIELDS:
        if name == "total_units" and data.method is Method.STRAIGHT_LINE:
            continue
        if getattr(card, name) != getattr(data, name):
            return True
    return False


def update_card(card: AssetCard, data: CardData, *, by: User, today: dt.date) -> AssetCard:
    """Change a card; value terms only until its first depreciation, nothing once disposed."""
    if card.status is AssetStatus.DISPOSED:
        raise AssetRuleError(N_("资产 %(card)s 已处置，不能修改。"), card=str(card))
    _check(card.organisation, data, card, today=today)
    before = snapshot(card, CARD_FIELDS)
    if depreciated(card) and _value_terms_change(card, data):
        raise AssetRuleError(N_("资产 %(card)s 已计提折旧，原值、年限、残值率、折旧方法和期初数"
                                "不能再修改；如有差错请处置后重新建卡或做调整凭证。"),
                             card=str(card))
    _apply(card, data)
    db.session.flush()
    record("asset.update", card, by=by, label=str(card), before=before,
           after=snapshot(card, CARD_FIELDS))
    return card


def add_photo(card: AssetCard, *, content: bytes, filename: str, storage: Store,
              by: User) -> AssetPhoto:
    """Keep a photo of the asset."""
    return keep_scan(partial(AssetPhoto, card=card), content=content, filename=filename,
                     storage=storage, by=by, action="asset.photo", subject=card,
                     label=str(card))


def record_usage(card: AssetCard, *, year: int, month: int, units: Decimal, by: User | None,
                 ) -> UsageEntry:
    """Enter (or correct) the work units of a month, before that month is depreciated."""
    if card.method is not Method.UNITS:
        raise AssetRuleError(N_("只有按工作量法折旧的资产需要登记工作量。"))
    if units < 0:
        raise AssetRuleError(N_("本月工作量不能为负数。"))
    if not 1 <= month <= 12:
        raise AssetRuleError(N_("月份须在 1 至 12 之间。"))
    done = db.session.scalar(sa.select(DepreciationRun.id).where(
        DepreciationRun.organisation_id == card.organisation_id, DepreciationRun.year == year,
        DepreciationRun.month == month))
    if done is not None:
        raise AssetRuleError(N_("%(year)d年%(month)d月的折旧已计提，不能再改该月工作量。"),
                             year=year, month=month)
    entry = db.session.scalar(sa.select(UsageEntry).where(
        UsageEntry.card_id == card.id, UsageEntry.year == year, UsageEntry.month == month))
    if entry is None:
        entry = UsageEntry(card_id=card.id, year=year, month=month, units=units)
        db.session.add(entry)
    entry.units = units
    db.session.flush()
    record("asset.usage", card, by=by, label=f"{card} {year}-{month:02d}",
           after={"units": str(units)})
    return entry
