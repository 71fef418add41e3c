"""Tables of the collective's own resources (资源台账: land, forest, ponds, buildings), the
contracts that use them, their ownership documents, and the yearly stock-take (清查) of assets
and resources with its counted results.

Land contributed by members stays in the members register (``members.Parcel``); this register
is the collective's own.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.assets.models import AssetCard
from coopledger.contracts.models import Contract
from coopledger.db import MoneyType, UTCDateTime, enum_column
from coopledger.extensions import Model
from coopledger.i18n import N_
from coopledger.ledger.models import StoredFile, Voucher
from coopledger.orgs.models import Organisation


class ResourceKind(enum.StrEnum):
    """The kinds of collective resource the disclosure rules list (domain.md §2.1)."""

    ARABLE = "arable"
    FOREST = "forest"
    GARDEN = "garden"
    GRASSLAND = "grassland"
    WATER = "water"
    WASTELAND = "wasteland"
    CONSTRUCTION = "construction"
    BUILDING = "building"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return RESOURCE_KIND_LABELS[self]

    @property
    def is_land(self) -> bool:
        """Land and water are measured in 亩; buildings and facilities by their size."""
        return self is not ResourceKind.BUILDING


RESOURCE_KIND_LABELS = {
    ResourceKind.ARABLE: N_("耕地"),
    ResourceKind.FOREST: N_("林地"),
    ResourceKind.GARDEN: N_("园地"),
    ResourceKind.GRASSLAND: N_("草地"),
    ResourceKind.WATER: N_("水面（坑塘）"),
    ResourceKind.WASTELAND: N_("四荒地"),
    ResourceKind.CONSTRUCTION: N_("集体建设用地"),
    ResourceKind.BUILDING: N_("房屋及设施"),
}


class ResourceStatus(enum.StrEnum):
    """How the collective uses a resource."""

    SELF_OPERATED = "self_operated"
    CONTRACTED_OUT = "contracted_out"
    IDLE = "idle"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {ResourceStatus.SELF_OPERATED: N_("自营"),
                ResourceStatus.CONTRACTED_OUT: N_("发包/出租"),
                ResourceStatus.IDLE: N_("闲置")}[self]


class Resource(Model):
    """A piece of collective land, water, forest or a building."""

    __tablename__ = "resources"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "number",
                                          name="uq_resource_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[ResourceKind] = mapped_column(enum_column(ResourceKind, "resource_kind"))
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    area_mu: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    size: Mapped[str] = mapped_column(sa.String(64), default="")
    certificate: Mapped[str] = mapped_column(sa.String(120), default="")
    status: Mapped[ResourceStatus] = mapped_column(
        enum_column(ResourceStatus, "resource_status"), default=ResourceStatus.SELF_OPERATED)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    contracts: Mapped[list[Contract]] = relationship(secondary="resource_contracts",
                                                     order_by="Contract.starts_on")
    files: Mapped[list[ResourceFile]] = relationship(back_populates="resource",
                                                     order_by="ResourceFile.id")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


resource_contracts = sa.Table(
    "resource_contracts", Model.metadata,
    sa.Column("resource_id", sa.ForeignKey("resources.id"), primary_key=True),
    sa.Column("contract_id", sa.ForeignKey("contracts.id"), primary_key=True, index=True),
)


class ResourceFile(StoredFile, Model):
    """A scanned ownership document (所有权证, 林权证, 不动产权证)."""

    __tablename__ = "resource_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(sa.ForeignKey("resources.id"), index=True)

    resource: Mapped[Resource] = relationship(back_populates="files")


class StockTakeState(enum.StrEnum):
    """Counting, then approved (the differences drafted as vouchers)."""

    COUNTING = "counting"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {StockTakeState.COUNTING: N_("清查中"),
                StockTakeState.APPROVED: N_("已审批")}[self]


class CountResult(enum.StrEnum):
    """What the counters found."""

    PENDING = "pending"
    FOUND = "found"
    MISSING = "missing"
    DAMAGED = "damaged"
    AREA_CHANGED = "area_changed"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {CountResult.PENDING: N_("未清点"), CountResult.FOUND: N_("账实相符"),
                CountResult.MISSING: N_("盘亏（丢失）"), CountResult.DAMAGED: N_("毁损"),
                CountResult.AREA_CHANGED: N_("面积变化")}[self]


class StockTake(Model):
    """A yearly count of every asset and resource of an organisation."""

    __tablename__ = "stock_takes"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "year", name="uq_stock_take_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    year: Mapped[int]
    counted_on: Mapped[dt.date]
    state: Mapped[StockTakeState] = mapped_column(
        enum_column(StockTakeState, "stock_take_state"), default=StockTakeState.COUNTING)
    approval_ref: Mapped[str] = mapped_column(sa.String(200), default="")
    approved_on: Mapped[dt.date | None]
    loss_voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"))
    writeoff_voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    items: Mapped[list[StockTakeItem]] = relationship(back_populates="stock_take",
                                                      order_by="StockTakeItem.id")
    loss_voucher: Mapped[Voucher | None] = relationship(foreign_keys=[loss_voucher_id])
    writeoff_voucher: Mapped[Voucher | None] = relationship(foreign_keys=[writeoff_voucher_id])


class StockTakeItem(Model):
    """One line of the count sheet: an asset card or a resource, and what was found."""

    __tablename__ = "stock_take_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    stock_take_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_takes.id"), index=True)
    card_id: Mapped[int | None] = mapped_column(sa.ForeignKey("asset_cards.id"))
    resource_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resources.id"))
    result: Mapped[CountResult] = mapped_column(enum_column(CountResult, "count_result"),
                                                default=CountResult.PENDING)
    book_value: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))
    book_area: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    counted_area: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    stock_take: Mapped[StockTake] = relationship(back_populates="items")
    card: Mapped[AssetCard | None] = relationship()
    resource: Mapped[Resource | None] = relationship()
