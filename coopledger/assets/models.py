"""Tables of an organisation's fixed-asset cards (固定资产卡片, with productive biological and
intangible assets on the same card), the monthly depreciation drafted from them, disposals,
and the photos and monthly work units a card carries.

An asset number appears once per organisation. A card's accumulated depreciation is what it
carried when it entered the register plus every depreciation line drafted for it.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.assets.rules import Method
from coopledger.db import MoneyType, UTCDateTime, enum_column
from coopledger.extensions import Model
from coopledger.i18n import N_
from coopledger.ledger.models import StoredFile, Voucher
from coopledger.orgs.models import Organisation


class AssetClass(enum.StrEnum):
    """Where a card sits on the balance sheet: each class has a cost and a contra account."""

    FIXED = "fixed"
    BIOLOGICAL = "biological"
    INTANGIBLE = "intangible"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {AssetClass.FIXED: N_("固定资产"), AssetClass.BIOLOGICAL: N_("生产性生物资产"),
                AssetClass.INTANGIBLE: N_("无形资产")}[self]


class Category(enum.StrEnum):
    """Card categories of the collective asset register, each in one class."""

    BUILDING = "building"
    STRUCTURE = "structure"
    MACHINERY = "machinery"
    VEHICLE = "vehicle"
    OFFICE = "office"
    FACILITY = "facility"
    OTHER_FIXED = "other_fixed"
    ORCHARD = "orchard"
    LIVESTOCK = "livestock"
    LAND_RIGHT = "land_right"
    SOFTWARE = "software"
    OTHER_INTANGIBLE = "other_intangible"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return CATEGORY_LABELS[self]

    @property
    def asset_class(self) -> AssetClass:
        """The balance-sheet class of the category."""
        if self in (Category.ORCHARD, Category.LIVESTOCK):
            return AssetClass.BIOLOGICAL
        if self in (Category.LAND_RIGHT, Category.SOFTWARE, Category.OTHER_INTANGIBLE):
            return AssetClass.INTANGIBLE
        return AssetClass.FIXED


CATEGORY_LABELS = {
    Category.BUILDING: N_("房屋及建筑物"),
    Category.STRUCTURE: N_("构筑物（晒场、烘干、冷库等）"),
    Category.MACHINERY: N_("农业机械设备"),
    Category.VEHICLE: N_("运输工具"),
    Category.OFFICE: N_("办公设备及家具"),
    Category.FACILITY: N_("水利及公益设施"),
    Category.OTHER_FIXED: N_("其他固定资产"),
    Category.ORCHARD: N_("经济林木（生产性生物资产）"),
    Category.LIVESTOCK: N_("产畜役畜（生产性生物资产）"),
    Category.LAND_RIGHT: N_("土地经营权（无形资产）"),
    Category.SOFTWARE: N_("软件（无形资产）"),
    Category.OTHER_INTANGIBLE: N_("其他无形资产"),
}


class AssetStatus(enum.StrEnum):
    """What a card is doing now."""

    IN_USE = "in_use"
    IDLE = "idle"
    LEASED_OUT = "leased_out"
    DISPOSED = "disposed"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {AssetStatus.IN_USE: N_("在用"), AssetStatus.IDLE: N_("闲置"),
                AssetStatus.LEASED_OUT: N_("出租"), AssetStatus.DISPOSED: N_("已处置")}[self]


class DisposalKind(enum.StrEnum):
    """How an asset left the register."""

    SALE = "sale"
    SCRAP = "scrap"
    LOSS = "loss"
    SHORTAGE = "shortage"   # found missing at a stock-take (盘亏)

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {DisposalKind.SALE: N_("出售"), DisposalKind.SCRAP: N_("报废"),
                DisposalKind.LOSS: N_("毁损"), DisposalKind.SHORTAGE: N_("盘亏")}[self]


class AssetCard(Model):
    """One fixed, productive biological or intangible asset."""

    __tablename__ = "asset_cards"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "number", name="uq_asset_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(120))
    category: Mapped[Category] = mapped_column(enum_column(Category, "asset_category"))
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    acquired_on: Mapped[dt.date]
    original: Mapped[Decimal] = mapped_column(MoneyType())
    residual_percent: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    life_months: Mapped[int]
    method: Mapped[Method] = mapped_column(enum_column(Method, "depreciation_method"))
    total_units: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    status: Mapped[AssetStatus] = mapped_column(enum_column(AssetStatus, "asset_status"),
                                                default=AssetStatus.IN_USE)
    expense_code: Mapped[str] = mapped_column(sa.String(16))
    purchase_voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"))
    opening_accumulated: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))
    opening_units: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), default=Decimal(0))
    opening_through: Mapped[dt.date | None]   # the opening depreciation covers months to here
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    purchase_voucher: Mapped[Voucher | None] = relationship()
    photos: Mapped[list[AssetPhoto]] = relationship(back_populates="card",
                                                    order_by="AssetPhoto.id")
    disposal: Mapped[AssetDisposal | None] = relationship(back_populates="card")

    @property
    def asset_class(self) -> AssetClass:
        """The balance-sheet class of the card's category."""
        return self.category.asset_class

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class AssetPhoto(StoredFile, Model):
    """A photo of the asset, stored by SHA-256 like voucher originals."""

    __tablename__ = "asset_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(sa.ForeignKey("asset_cards.id"), index=True)

    card: Mapped[AssetCard] = relationship(back_populates="photos")


class UsageEntry(Model):
    """Work units a units-of-production card did in a month (machine hours, tonnes dried)."""

    __tablename__ = "asset_usage"
    __table_args__ = (sa.UniqueConstraint("card_id", "year", "month", name="uq_asset_usage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(sa.ForeignKey("asset_cards.id"), index=True)
    year: Mapped[int]
    month: Mapped[int]
    units: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))


class DepreciationRun(Model):
    """A month's depreciation of all cards, drafted as one voucher."""

    __tablename__ = "depreciation_runs"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "year", "month",
                                          name="uq_depreciation_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    year: Mapped[int]
    month: Mapped[int]
    on: Mapped[dt.date]
    total: Mapped[Decimal] = mapped_column(MoneyType())
    voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    voucher: Mapped[Voucher | None] = relationship()


class DepreciationLine(Model):
    """One card's part of a month's depreciation."""

    __tablename__ = "depreciation_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("depreciation_runs.id"), index=True)
    card_id: Mapped[int] = mapped_column(sa.ForeignKey("asset_cards.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MoneyType())
    units: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))


class AssetDisposal(Model):
    """How and when a card left the register, and the 固定资产清理 vouchers it drafted."""

    __tablename__ = "asset_disposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(sa.ForeignKey("asset_cards.id"), unique=True)
    kind: Mapped[DisposalKind] = mapped_column(enum_column(DisposalKind, "disposal_kind"))
    on: Mapped[dt.date]
    proceeds: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))
    costs: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))
    accumulated: Mapped[Decimal] = mapped_column(MoneyType())
    result: Mapped[Decimal] = mapped_column(MoneyType())
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    transfer_voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"))
    settle_voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    card: Mapped[AssetCard] = relationship(back_populates="disposal")
    transfer_voucher: Mapped[Voucher | None] = relationship(foreign_keys=[transfer_voucher_id])
    settle_voucher: Mapped[Voucher | None] = relationship(foreign_keys=[settle_voucher_id])
