"""Tables of the money checked against the outside world: each bank account's statement
column mapping, the imported bank statements (银行对账单) and their lines — each matched to at
most one posted line of the bank account —, the months marked reconciled with the balances of
their 银行存款余额调节表, and the cash counts (现金盘点) with the voucher a difference drafted.

Amounts are exact Decimal yuan stored as integer fen (``MoneyType``); a statement line's amount
is signed from the organisation's side: + money into the account (存入), − money out (支取).
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.auth.models import User
from coopledger.db import MoneyType, UTCDateTime
from coopledger.extensions import Model
from coopledger.i18n import N_
from coopledger.ledger.models import Account, Voucher, VoucherLine


class BatchState(enum.StrEnum):
    """Where a payment batch (a file sent to the bank) is: spending's batches of requests and
    distribution's batches of in-year 保底 share these states."""

    OPEN = "open"            # the file went to the bank; results not all in
    SETTLED = "settled"      # every item paid or failed

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {BatchState.OPEN: N_("待银行处理"), BatchState.SETTLED: N_("已处理完毕")}[self]


class ItemState(enum.StrEnum):
    """What the bank did with one payment of a batch."""

    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {ItemState.PENDING: N_("待处理"), ItemState.PAID: N_("已付款"),
                ItemState.FAILED: N_("付款失败")}[self]


class PaymentFields:
    """The columns every item of a payment file has (spending's and 保底's batches): our
    reference the bank returns, the payee, account and bank the file named, the amount, and the
    bank's answer — its 流水号 or the reason it failed, and when it came."""

    reference: Mapped[str] = mapped_column(sa.String(30))
    payee: Mapped[str] = mapped_column(sa.String(100))
    account: Mapped[str] = mapped_column(sa.String(40))
    bank: Mapped[str] = mapped_column(sa.String(100), default="")
    amount: Mapped[Decimal] = mapped_column(MoneyType())
    bank_reference: Mapped[str] = mapped_column(sa.String(64), default="")
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    settled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class StatementMapping(Model):
    """How one bank's statement file is read for one bank account: the row the headers are on,
    the bank's header of each field (one signed amount column, or one column for money in and
    one for money out) and the days a statement line may lie from its book line."""

    __tablename__ = "bank_statement_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"), unique=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    header_row: Mapped[int] = mapped_column(default=1)
    date_column: Mapped[str] = mapped_column(sa.String(60))
    amount_column: Mapped[str] = mapped_column(sa.String(60), default="")
    in_column: Mapped[str] = mapped_column(sa.String(60), default="")
    out_column: Mapped[str] = mapped_column(sa.String(60), default="")
    balance_column: Mapped[str] = mapped_column(sa.String(60), default="")
    counterparty_column: Mapped[str] = mapped_column(sa.String(60), default="")
    reference_column: Mapped[str] = mapped_column(sa.String(60), default="")
    summary_column: Mapped[str] = mapped_column(sa.String(60), default="")
    window_days: Mapped[int] = mapped_column(default=5)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    account: Mapped[Account] = relationship()

    def headers(self) -> dict[str, str]:
        """Field key → the bank's header, for the fields this mapping reads."""
        named = {"on": self.date_column, "amount": self.amount_column,
                 "money_in": self.in_column, "money_out": self.out_column,
                 "balance": self.balance_column, "counterparty": self.counterparty_column,
                 "reference": self.reference_column, "summary": self.summary_column}
        return {key: header for key, header in named.items() if header}


class BankStatement(Model):
    """One imported statement file of a bank account: the days it covers, its opening and
    closing balances, and the file itself (kept by SHA-256 in the store)."""

    __tablename__ = "bank_statements"
    __table_args__ = (sa.UniqueConstraint("account_id", "sha256", name="uq_bank_statement_file"),
                      sa.Index("ix_bank_statements_account_days", "account_id", "first_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"))
    first_on: Mapped[dt.date]
    last_on: Mapped[dt.date]
    opening: Mapped[Decimal] = mapped_column(MoneyType())
    closing: Mapped[Decimal] = mapped_column(MoneyType())
    line_count: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    filename: Mapped[str] = mapped_column(sa.String(200))
    size: Mapped[int]
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    account: Mapped[Account] = relationship()
    uploaded_by: Mapped[User] = relationship()
    lines: Mapped[list[StatementLine]] = relationship(
        back_populates="statement", order_by="StatementLine.row", cascade="all, delete-orphan")


class StatementLine(Model):
    """One line of a bank statement, and the posted book line it is matched to (if any)."""

    __tablename__ = "bank_statement_lines"
    __table_args__ = (sa.Index("ix_bank_statement_lines_account_on", "account_id", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(sa.ForeignKey("bank_statements.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"))
    row: Mapped[int]
    on: Mapped[dt.date]
    amount: Mapped[Decimal] = mapped_column(MoneyType())
    balance: Mapped[Decimal | None] = mapped_column(MoneyType())
    counterparty: Mapped[str] = mapped_column(sa.String(100), default="")
    reference: Mapped[str] = mapped_column(sa.String(60), default="")
    summary: Mapped[str] = mapped_column(sa.String(200), default="")
    voucher_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("voucher_lines.id"),
                                                        unique=True)
    matched_how: Mapped[str] = mapped_column(sa.String(10), default="")
    matched_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    matched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"), unique=True)
    """The voucher drafted from this line (a bank charge, interest), until it is matched."""

    statement: Mapped[BankStatement] = relationship(back_populates="lines")
    voucher_line: Mapped[VoucherLine | None] = relationship()
    voucher: Mapped[Voucher | None] = relationship()


class ReconciledMonth(Model):
    """A month of a bank account marked reconciled: the balances its 调节表 agreed on."""

    __tablename__ = "bank_reconciled_months"
    __table_args__ = (sa.UniqueConstraint("account_id", "year", "month",
                                          name="uq_bank_reconciled_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"))
    year: Mapped[int]
    month: Mapped[int]
    book_balance: Mapped[Decimal] = mapped_column(MoneyType())
    bank_balance: Mapped[Decimal] = mapped_column(MoneyType())
    adjusted: Mapped[Decimal] = mapped_column(MoneyType())
    reconciled_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reconciled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    reconciled_by: Mapped[User] = relationship()


class CashCount(Model):
    """A 现金盘点: the notes and coins counted by denomination on a day, by the cashier with a
    witness, against the 现金日记账 balance of that day; a difference drafts a voucher through
    待处理财产损溢."""

    __tablename__ = "cash_counts"
    __table_args__ = (sa.Index("ix_cash_counts_org_on", "organisation_id", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"))
    on: Mapped[dt.date]
    pieces: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    """Denomination (yuan, as text: "100", "0.5") → number of notes or coins."""
    counted: Mapped[Decimal] = mapped_column(MoneyType())
    book: Mapped[Decimal] = mapped_column(MoneyType())
    difference: Mapped[Decimal] = mapped_column(MoneyType())
    """Counted − book: + 长款 (more cash than the books), − 短款."""
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    counted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    witness_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    voucher_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"), unique=True)

    account: Mapped[Account] = relationship()
    counted_by: Mapped[User] = relationship(foreign_keys=[counted_by_id])
    witness: Mapped[User] = relationship(foreign_keys=[witness_id])
    voucher: Mapped[Voucher | None] = relationship()
