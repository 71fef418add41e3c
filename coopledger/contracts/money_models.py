"""Tables of what contracts bring in and pay out: grain reference prices, the expected
receipts of each contract (schedule lines), the money actually received or paid with the
voucher each produced, how receipts settle schedule lines, rent received in advance that
becomes income of later years, members employed under a contract, and scanned contract files.

Amounts are exact Decimal yuan stored as integer fen (``MoneyType``). A schedule line keeps a
running ``received`` total that the receipt service updates in the same flush as the
allocation rows, so the overdue list is one indexed query.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.auth.models import User
from coopledger.contracts.models import Contract
from coopledger.db import MoneyType, UTCDateTime, enum_column
from coopledger.extensions import Model
from coopledger.i18n import N_
from coopledger.ledger.models import StoredFile, Voucher
from coopledger.members.models import Person
from coopledger.money import ZERO


class GrainPrice(Model):
    """The reference price of grain (元 per 斤) an organisation uses for a year's grain rent."""

    __tablename__ = "grain_prices"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "year", name="uq_grain_price_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    year: Mapped[int]
    price_per_jin: Mapped[Decimal] = mapped_column(sa.Numeric(8, 4))
    grain: Mapped[str] = mapped_column(sa.String(32), default="稻谷")
    source: Mapped[str] = mapped_column(sa.String(200), default="")


class LineKind(enum.StrEnum):
    """What a schedule line expects."""

    RENT = "rent"
    PROFIT = "profit"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {LineKind.RENT: N_("租金"), LineKind.PROFIT: N_("合作分成")}[self]


class ScheduleLine(Model):
    """One expected receipt of a contract: the period it pays for, when it is due, how much."""

    __tablename__ = "contract_schedule_lines"
    __table_args__ = (
        sa.UniqueConstraint("contract_id", "seq", name="uq_schedule_line_seq"),
        sa.Index("ix_schedule_lines_org_due", "organisation_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    seq: Mapped[int]
    kind: Mapped[LineKind] = mapped_column(enum_column(LineKind, "schedule_line_kind"),
                                           default=LineKind.RENT)
    period_start: Mapped[dt.date] = mapped_column(sa.Date)
    period_end: Mapped[dt.date] = mapped_column(sa.Date)
    due_on: Mapped[dt.date] = mapped_column(sa.Date)
    amount: Mapped[Decimal] = mapped_column(MoneyType())
    received: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    written_off: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)
    price_year: Mapped[int | None]
    estimated: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    contract: Mapped[Contract] = relationship()

    @property
    def outstanding(self) -> Decimal:
        """What is still to be received."""
        return max(self.amount - self.written_off - self.received, ZERO)

    def overdue_on(self, day: dt.date) -> bool:
        """Due before ``day`` and not fully received."""
        return self.due_on < day and self.outstanding > 0


class Purpose(enum.StrEnum):
    """Why money moved under a contract; fixes the voucher's accounts (booking.py)."""

    RENT = "rent"
    PROFIT = "profit"
    DIVIDEND = "dividend"
    DEPOSIT_IN = "deposit_in"
    DEPOSIT_OUT = "deposit_out"
    INVESTMENT_OUT = "investment_out"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return PURPOSE_LABELS[self]

    @property
    def incoming(self) -> bool:
        """Money received rather than paid out."""
        return self not in {Purpose.DEPOSIT_OUT, Purpose.INVESTMENT_OUT}


PURPOSE_LABELS = {
    Purpose.RENT: N_("收取租金"),
    Purpose.PROFIT: N_("收取合作分成"),
    Purpose.DIVIDEND: N_("收到投资分红"),
    Purpose.DEPOSIT_IN: N_("收取保证金"),
    Purpose.DEPOSIT_OUT: N_("退还保证金"),
    Purpose.INVESTMENT_OUT: N_("支付投资款"),
}


class ContractPayment(Model):
    """Money received or paid under a contract, and the voucher draft it produced."""

    __tablename__ = "contract_payments"
    __table_args__ = (sa.Index("ix_contract_payments_org_on", "organisation_id", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    purpose: Mapped[Purpose] = mapped_column(enum_column(Purpose, "payment_purpose"))
    on: Mapped[dt.date] = mapped_column(sa.Date)
    amount: Mapped[Decimal] = mapped_column(MoneyType())
    account_code: Mapped[str] = mapped_column(sa.String(16))   # the cash or bank account
    excess: Mapped[Decimal] = mapped_column(MoneyType(), default=ZERO)  # beyond the schedule
    voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"), unique=True)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    contract: Mapped[Contract] = relationship()
    voucher: Mapped[Voucher | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    allocations: Mapped[list[Allocation]] = relationship(
        back_populates="payment", cascade="all, delete-orphan", order_by="Allocation.id")
    deferrals: Mapped[list[Deferral]] = relationship(
        back_populates="payment", cascade="all, delete-orphan", order_by="Deferral.year")


class Allocation(Model):
    """The part of a receipt that settles one schedule line."""

    __tablename__ = "contract_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("contract_payments.id"), index=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("contract_schedule_lines.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MoneyType())

    payment: Mapped[ContractPayment] = relationship(back_populates="allocations")
    line: Mapped[ScheduleLine] = relationship()


class Deferral(Model):
    """Rent received in advance that is income of a later year (booked first as 应付款·预收).

    ``voucher_id`` is set when the transfer to income of that year has been drafted.
    """

    __tablename__ = "contract_deferrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("contract_payments.id"), index=True)
    year: Mapped[int]
    amount: Mapped[Decimal] = mapped_column(MoneyType())
    voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"))

    payment: Mapped[ContractPayment] = relationship(back_populates="deferrals")
    voucher: Mapped[Voucher | None] = relationship()


class Employment(Model):
    """A member's work under an employment contract in one period, and the wage paid."""

    __tablename__ = "contract_employments"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    period_start: Mapped[dt.date] = mapped_column(sa.Date)
    period_end: Mapped[dt.date] = mapped_column(sa.Date)
    days: Mapped[Decimal] = mapped_column(sa.Numeric(8, 1))
    wage: Mapped[Decimal] = mapped_column(MoneyType())
    paid_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    contract: Mapped[Contract] = relationship()
    person: Mapped[Person] = relationship()


class ContractFile(StoredFile, Model):
    """A scanned page of the signed contract, stored like voucher originals (by SHA-256)."""

    __tablename__ = "contract_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"), index=True)

    contract: Mapped[Contract] = relationship()
