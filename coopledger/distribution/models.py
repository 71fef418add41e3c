"""Tables of the annual distribution: a plan per organisation, year and version with its
figures, policy and approval trail; a line per holder with the amounts it is entitled to and
what has been paid; the class weights the articles (章程) set; and members' transaction
volumes for a cooperative's patronage return.

Money is exact Decimal yuan stored as integer fen; share quantities and share-days keep four
decimals.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.auth.models import User
from coopledger.banking.models import BatchState, ItemState, PaymentFields
from coopledger.db import MoneyType, UTCDateTime, enum_column
from coopledger.distribution.rules import days_in_year
from coopledger.extensions import Model
from coopledger.i18n import N_
from coopledger.ledger.models import Voucher
from coopledger.members.models import Household
from coopledger.money import FOUR_PLACES, ZERO
from coopledger.orgs.models import Organisation
from coopledger.shares.models import ShareAccount, ShareClass


class Mode(enum.StrEnum):
    """How the member distribution is shared out (DESIGN §8)."""

    VILLAGE = "village"
    COOPERATIVE = "cooperative"
    LAND_SHARE = "land_share"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return MODE_LABELS[self]


MODE_LABELS = {Mode.VILLAGE: N_("村集体：按股分配"),
               Mode.COOPERATIVE: N_("合作社：按交易量返还不少于60%，其余按出资和公积金份额"),
               Mode.LAND_SHARE: N_("土地股份合作社：保底收益 + 按股分红")}


class Entitlement(enum.StrEnum):
    """Whose shares count: holdings on a record date, or share-days within the year."""

    RECORD_DATE = "record_date"
    DAYS = "days"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {Entitlement.RECORD_DATE: N_("按股权登记日持股"),
                Entitlement.DAYS: N_("按年内持股天数折算")}[self]


class ReserveBase(enum.StrEnum):
    """What 公积公益金 / 盈余公积 is a percentage of: by law the year's 收益/盈余 after making
    up losses (农民专业合作社法 §42 "从当年盈余中提取"; 村集体经济组织会计制度 2023 收益分配);
    an organisation whose 章程 says otherwise may draw it on the whole distributable amount."""

    YEAR_SURPLUS = "year_surplus"
    DISTRIBUTABLE = "distributable"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {ReserveBase.YEAR_SURPLUS: N_("弥补亏损后的本年收益（盈余）（法定）"),
                ReserveBase.DISTRIBUTABLE: N_("可分配收益（盈余）：本年加年初未分配（按章程）"),
                }[self]


class QuantifyBy(enum.StrEnum):
    """How a cooperative's 公积金 of the year is quantified to its members' accounts
    (农民专业合作社法 §42: "按照章程规定或者成员大会决议量化为每个成员的份额")."""

    VOLUME = "volume"
    CAPITAL = "capital"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {QuantifyBy.VOLUME: N_("按成员与本社的交易量（额）比例"),
                QuantifyBy.CAPITAL: N_("按成员出资额比例")}[self]


class PlanState(enum.StrEnum):
    """The approval trail of a plan, in order."""

    DRAFT = "draft"
    PROPOSED = "proposed"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    POSTED = "posted"
    FILED = "filed"
    PAID = "paid"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return PLAN_STATE_LABELS[self]


PLAN_STATE_LABELS = {
    PlanState.DRAFT: N_("草案"), PlanState.PROPOSED: N_("理事会已提出"),
    PlanState.REVIEWED: N_("监事会已审核"), PlanState.APPROVED: N_("成员(代表)大会已通过"),
    PlanState.POSTED: N_("公示中"), PlanState.FILED: N_("已报乡镇备案"),
    PlanState.PAID: N_("已兑付"), PlanState.SUPERSEDED: N_("已被新版本取代"),
}


class Plan(Model):
    """One version of an organisation's distribution plan for a closed year."""

    __tablename__ = "distribution_plans"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "year", "version",
                                          name="uq_distribution_plan_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    year: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("distribution_plans.id"))
    change_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    mode: Mapped[Mode] = mapped_column(enum_column(Mode, "distribution_mode"))
    state: Mapped[PlanState] = mapped_column(enum_column(PlanState, "distribution_state"),
                                             default=PlanState.DRAFT)
    entitlement: Mapped[Entitlement] = mapped_column(
        enum_column(Entitlement, "distribution_entitlement"), default=Entitlement.DAYS)
    record_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    # Sources (from the posted ledger, plus what the user adds).
    year_result: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    opening_retained: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    other_in: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    excluded: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    excluded_note: Mapped[str] = mapped_column(sa.String(200), default="")
    cash_available: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    # Policy (percentages of distributable income).
    reserve_percent: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(0))
    reserve_quantify_by: Mapped[QuantifyBy] = mapped_column(
        enum_column(QuantifyBy, "distribution_quantify_by"), default=QuantifyBy.VOLUME,
        server_default=QuantifyBy.VOLUME.value)
    # 合作社: the property formed from state subsidies and donations (专项基金 at the year end),
    # quantified equally to the members (§44) and counted with capital for the remainder.
    subsidy_property: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO,
                                                      server_default="0")
    reserve_base: Mapped[ReserveBase] = mapped_column(
        enum_column(ReserveBase, "distribution_reserve_base"), default=ReserveBase.YEAR_SURPLUS,
        server_default=ReserveBase.YEAR_SURPLUS.value)
    reserve_minimum: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    welfare_percent: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(0))
    member_cap_percent: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(100))
    other_percent: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(0))
    volume_percent: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(60))
    guarantee_per_mu: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    # 保底 in grain: 斤 per 亩 valued at the year's grain reference price (then per_mu is the
    # resulting cash rate, rounded to the fen).
    guarantee_jin_per_mu: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 2))
    grain_price: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 4))
    # Results.
    distributable: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    reserve: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    welfare: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    members_total: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    other: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    # Approval trail.
    proposed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    reviewed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    resolution_no: Mapped[str] = mapped_column(sa.String(100), default="")
    resolution_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    resolution_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    resolution_name: Mapped[str | None] = mapped_column(sa.String(200))
    resolution_type: Mapped[str | None] = mapped_column(sa.String(64))
    posted_from: Mapped[dt.date | None] = mapped_column(sa.Date)
    posted_to: Mapped[dt.date | None] = mapped_column(sa.Date)
    filed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    supersedes: Mapped[Plan | None] = relationship(remote_side="Plan.id")
    voucher: Mapped[Voucher | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    lines: Mapped[list[PlanLine]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanLine.seq")
    weights: Mapped[list[ClassWeight]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="ClassWeight.id")

    @property
    def retained(self) -> Decimal:
        """年末未分配 after the plan."""
        return self.distributable - self.reserve - self.welfare - self.members_total - self.other

    @property
    def year_surplus(self) -> Decimal:
        """The year's 收益/盈余 after making up losses carried: the base of the reserve."""
        return max(self.year_result + min(self.opening_retained, ZERO), ZERO)

    @property
    def distributable_surplus(self) -> Decimal:
        """可分配盈余 (农民专业合作社法 §44): the year's surplus after losses and 公积金."""
        return max(self.year_surplus - self.reserve, ZERO)

    @property
    def minimum_volume_return(self) -> Decimal:
        """60 % of 可分配盈余, the least the plan may return by volume."""
        from coopledger.distribution.rules import minimum_volume_return

        return minimum_volume_return(self.distributable_surplus)

    @property
    def by_volume_total(self) -> Decimal:
        """What the plan returns by transaction volume."""
        return sum((line.by_volume for line in self.lines), ZERO)

    @property
    def per_share(self) -> Decimal:
        """The second-round dividend per weighted share (4 decimals; each line's dividend is
        its weight × this, rounded to the fen with the remainders placed so the lines add up)."""
        weight = sum((line.weight for line in self.lines), Decimal(0))
        pool = sum((line.dividend for line in self.lines), ZERO)
        return (pool / weight).quantize(FOUR_PLACES) if weight else Decimal(0)

    @property
    def per_volume(self) -> Decimal:
        """The return per yuan of transaction volume (4 decimals)."""
        volume = sum((line.volume for line in self.lines), ZERO)
        return (self.by_volume_total / volume).quantize(FOUR_PLACES) if volume else Decimal(0)

    @property
    def year_days(self) -> int:
        """The days of the plan's year (365 or 366): the denominator of share-days and 保底."""
        return days_in_year(self.year)

    @property
    def label(self) -> str:
        """e.g. 2025 年度 v2."""
        return f"{self.year} v{self.version}"


class ClassWeight(Model):
    """The weight of one share class in the member distribution (章程), default 1."""

    __tablename__ = "distribution_class_weights"
    __table_args__ = (sa.UniqueConstraint("plan_id", "share_class_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("distribution_plans.id"), index=True)
    share_class_id: Mapped[int] = mapped_column(sa.ForeignKey("share_classes.id"))
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(8, 4), default=Decimal(1))

    plan: Mapped[Plan] = relationship(back_populates="weights")
    share_class: Mapped[ShareClass] = relationship()


class PlanLine(Model):
    """What one holder is entitled to under a plan, and what has been paid."""

    __tablename__ = "distribution_lines"
    __table_args__ = (sa.UniqueConstraint("plan_id", "share_account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("distribution_plans.id"), index=True)
    seq: Mapped[int]
    share_account_id: Mapped[int] = mapped_column(sa.ForeignKey("share_accounts.id"))
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"), index=True)
    holder: Mapped[str] = mapped_column(sa.String(120))
    payee: Mapped[str] = mapped_column(sa.String(200), default="")
    # The household paid: the holder's own, or the heir's when the holder's shares were
    # inherited (a dead person's household is never paid; guarantee_rules.heirs).
    payee_household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"))
    shares: Mapped[Decimal] = mapped_column(sa.Numeric(18, 4), default=Decimal(0))
    share_days: Mapped[Decimal] = mapped_column(sa.Numeric(20, 4), default=Decimal(0))
    days_held: Mapped[int] = mapped_column(default=0)
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(20, 4), default=Decimal(0))
    area: Mapped[Decimal] = mapped_column(sa.Numeric(14, 4), default=Decimal(0))
    # Σ 亩 × days of the land whose land shares the holder held in the year (保底's base).
    area_days: Mapped[Decimal] = mapped_column(sa.Numeric(20, 4), default=Decimal(0),
                                               server_default="0")
    volume: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    guarantee_due: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    guarantee_paid: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    by_volume: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    dividend: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    # 合作社: the member's part of 转为成员出资, credited to capital instead of paid in cash.
    to_capital: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    # 合作社 member account (成员账户, §43): this year's 公积金 quantified to the member, the
    # member's quantified 公积金 brought forward from earlier plans, and the member's equal share
    # of the property formed from subsidies and donations.
    reserve_share: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO, server_default="0")
    reserve_before: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO,
                                                    server_default="0")
    subsidy_share: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO, server_default="0")
    total: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    paid: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    paid_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    payment_voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    # Why a household was paid more 保底 during the year than was due (the plan cannot be
    # approved while an overpaid line has none); kept when a draft is recomputed.
    overpaid_note: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")

    plan: Mapped[Plan] = relationship(back_populates="lines")
    share_account: Mapped[ShareAccount] = relationship()
    household: Mapped[Household | None] = relationship(foreign_keys=[household_id])
    payee_household: Mapped[Household | None] = relationship(foreign_keys=[payee_household_id])
    payment_voucher: Mapped[Voucher | None] = relationship()

    @property
    def unpaid(self) -> Decimal:
        """What is still to pay on this line."""
        return self.total - self.paid


class MemberVolume(Model):
    """A member household's transaction volume (交易量/额) with a cooperative in a year."""

    __tablename__ = "member_volumes"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "year", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    year: Mapped[int]
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"))
    volume: Mapped[Decimal] = mapped_column(MoneyType())

    household: Mapped[Household] = relationship()


class GuaranteePayment(Model):
    """保底 paid to a household during (or just after) the year it is for, by a voucher.

    The plan reads 已付保底 from these rows whose voucher is posted and not reversed — from the
    books, not assumed equal to what is due.
    """

    __tablename__ = "guarantee_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    year: Mapped[int]
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MoneyType())
    on: Mapped[dt.date]
    voucher_id: Mapped[int] = mapped_column(sa.ForeignKey("vouchers.id"), index=True)

    household: Mapped[Household] = relationship()
    voucher: Mapped[Voucher] = relationship()


class GuaranteeBatch(Model):
    """In-year 保底 of chosen households sent to the bank as one payment instruction file
    (批量代发), at the rate of the page, paid from one bank account in one bank's layout
    (``banking/data/payment_layouts.toml``). The bank's result pays the items it paid (one
    voucher draft through ``guarantees.pay``); an item that failed may go in a later batch."""

    __tablename__ = "guarantee_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    year: Mapped[int]
    rate: Mapped[Decimal] = mapped_column(MoneyType())
    account_code: Mapped[str] = mapped_column(sa.String(20))
    layout: Mapped[str] = mapped_column(sa.String(30))
    state: Mapped[BatchState] = mapped_column(enum_column(BatchState, "guarantee_batch_state"),
                                              default=BatchState.OPEN)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship()
    items: Mapped[list[GuaranteeBatchItem]] = relationship(
        back_populates="batch", order_by="GuaranteeBatchItem.number",
        cascade="all, delete-orphan")

    @property
    def total(self) -> Decimal:
        """The batch's amount."""
        return sum((item.amount for item in self.items), ZERO)


class GuaranteeBatchItem(PaymentFields, Model):
    """One household's 保底 in a batch: what the file said (the payee is the holder of the
    account — the heir's household head for inherited land) and the bank's answer."""

    __tablename__ = "guarantee_batch_items"
    __table_args__ = (sa.UniqueConstraint("reference", name="uq_guarantee_batch_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("guarantee_batches.id"), index=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id"), index=True)
    number: Mapped[int]
    state: Mapped[ItemState] = mapped_column(enum_column(ItemState, "guarantee_item_state"),
                                             default=ItemState.PENDING)
    voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"))

    batch: Mapped[GuaranteeBatch] = relationship(back_populates="items")
    household: Mapped[Household] = relationship()
    voucher: Mapped[Voucher | None] = relationship()
