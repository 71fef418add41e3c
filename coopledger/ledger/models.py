"""Tables of the books: accounts, vouchers and their lines, periods, attachments, the book head.

SQL is the system of record (DESIGN §5). A voucher line carries its organisation, date and a
``posted`` flag so that every report is an aggregate over one indexed table.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.auth.models import User
from coopledger.db import MoneyType, UTCDateTime, enum_column
from coopledger.extensions import Model
from coopledger.i18n import N_
from coopledger.orgs.models import Organisation


class Category(enum.StrEnum):
    """Account classes of the charts (资产/负债/所有者权益/成本/损益)."""

    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    COST = "cost"
    INCOME = "income"
    EXPENSE = "expense"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    Category.ASSET: N_("资产类"), Category.LIABILITY: N_("负债类"),
    Category.EQUITY: N_("所有者权益类"), Category.COST: N_("成本类"),
    Category.INCOME: N_("损益类（收入）"), Category.EXPENSE: N_("损益类（支出）"),
}


class NormalSide(enum.StrEnum):
    """Which side an account's balance normally sits on (余额方向)."""

    DEBIT = "debit"
    CREDIT = "credit"
    BOTH = "both"


class VoucherState(enum.StrEnum):
    """The voucher workflow of DESIGN §5."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    POSTED = "posted"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return VOUCHER_STATE_LABELS[self]


VOUCHER_STATE_LABELS = {
    VoucherState.DRAFT: N_("草稿"), VoucherState.SUBMITTED: N_("待审核"),
    VoucherState.REVIEWED: N_("已审核"), VoucherState.POSTED: N_("已记账"),
}


class VoucherKind(enum.StrEnum):
    """Ordinary, opening (建账), reversal (红字冲销) or year-end closing (结转)."""

    ORDINARY = "ordinary"
    OPENING = "opening"
    REVERSAL = "reversal"
    CLOSING = "closing"


class Book(Model):
    """An organisation's set of books (账套): when it opened and the head of its hash chain."""

    __tablename__ = "books"

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"),
                                                 primary_key=True)
    opened_on: Mapped[dt.date | None]
    cashier_confirms: Mapped[bool] = mapped_column(default=False)
    # 序时控制: a voucher dated before the month's last posted voucher is not posted, so that
    # 凭证号 follow the dates within a month (the usual setting of Chinese accounting software).
    in_date_order: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    last_post_seq: Mapped[int] = mapped_column(default=0)
    chain_head: Mapped[str] = mapped_column(sa.String(64), default="")
    organisation: Mapped[Organisation] = relationship()


class Account(Model):
    """A chart account or a user's sub-account (明细科目) of one organisation."""

    __tablename__ = "accounts"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(64))
    category: Mapped[Category] = mapped_column(enum_column(Category, "account_category"))
    normal_side: Mapped[NormalSide] = mapped_column(enum_column(NormalSide, "normal_side"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("accounts.id"), index=True)
    is_official: Mapped[bool] = mapped_column(default=False)
    is_member_ledger: Mapped[bool] = mapped_column(default=False)
    closed_on: Mapped[dt.date | None]
    #: 助记码 (ledger.mnemonics): generated from the name when the account is made, editable.
    mnemonic: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")

    organisation: Mapped[Organisation] = relationship()
    parent: Mapped[Account | None] = relationship(remote_side="Account.id",
                                                  back_populates="children")
    children: Mapped[list[Account]] = relationship(back_populates="parent",
                                                   order_by="Account.code")

    @property
    def is_closed(self) -> bool:
        """Closed accounts take no more postings."""
        return self.closed_on is not None

    @property
    def is_leaf(self) -> bool:
        """Only leaf accounts (末级科目) take postings."""
        return not self.children

    @property
    def label(self) -> str:
        """Code and name, as shown in lists."""
        return f"{self.code} {self.name}"

    @property
    def level(self) -> int:
        """1 for a chart account, 2 for its sub-account, and so on."""
        return 1 if self.parent is None else self.parent.level + 1

    @property
    def full_name(self) -> str:
        """Names from the top-level account down, e.g. 银行存款—农商行."""
        return self.name if self.parent is None else f"{self.parent.full_name}—{self.name}"


class Period(Model):
    """A month of an organisation's books; holds the voucher counter for that month."""

    __tablename__ = "periods"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "year", "month"),
                      sa.CheckConstraint("month BETWEEN 1 AND 12", name="month"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    year: Mapped[int]
    month: Mapped[int]
    last_number: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    @property
    def is_closed(self) -> bool:
        """Whether the month is locked."""
        return self.closed_at is not None


class Voucher(Model):
    """A bookkeeping voucher (记账凭证)."""

    __tablename__ = "vouchers"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "year", "month", "number"),
        sa.Index("ix_vouchers_organisation_id_on", "organisation_id", "on"),
        # 序时控制 reads the month's latest posted voucher by date (vouchers._check_date_order)
        sa.Index("ix_vouchers_month_on", "organisation_id", "year", "month", "on", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    on: Mapped[dt.date]
    year: Mapped[int]
    month: Mapped[int]
    number: Mapped[int | None]
    word: Mapped[str] = mapped_column(sa.String(4), default="记")
    kind: Mapped[VoucherKind] = mapped_column(enum_column(VoucherKind, "voucher_kind"),
                                              default=VoucherKind.ORDINARY)
    state: Mapped[VoucherState] = mapped_column(enum_column(VoucherState, "voucher_state"),
                                                default=VoucherState.DRAFT)
    attachment_count: Mapped[int] = mapped_column(default=0)
    preparer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cashier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    poster_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    rejection_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vouchers.id"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    posted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    post_seq: Mapped[int | None]
    chain_hash: Mapped[str | None] = mapped_column(sa.String(64))
    #: The beancount text the chain hash covers, kept so export and verification need not
    #: re-render every voucher; verification still re-renders from the lines and compares.
    bean_text: Mapped[str | None] = mapped_column(sa.Text)
    # Which rendering ``bean_text`` is (beans.BeanTransaction.version): 1 for vouchers posted
    # before the text covered every line's 摘要, the cashier, the poster and the scans.
    text_version: Mapped[int] = mapped_column(default=1, server_default="1")

    organisation: Mapped[Organisation] = relationship()
    lines: Mapped[list[VoucherLine]] = relationship(
        back_populates="voucher", cascade="all, delete-orphan", order_by="VoucherLine.line_no")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="voucher", cascade="all, delete-orphan", order_by="Attachment.id")
    preparer: Mapped[User] = relationship(foreign_keys=[preparer_id])
    #: Everyone who saved the voucher's lines (the first preparer included): none of them may
    #: review, reject or post it (maker ≠ checker holds through edits).
    preparers: Mapped[list[User]] = relationship(secondary="voucher_preparers",
                                                 order_by="User.id")
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    cashier: Mapped[User | None] = relationship(foreign_keys=[cashier_id])
    poster: Mapped[User | None] = relationship(foreign_keys=[poster_id])
    reverses: Mapped[Voucher | None] = relationship(remote_side="Voucher.id",
                                                    foreign_keys=[reverses_id])

    def prepared_by(self, user: User) -> bool:
        """Whether ``user`` prepared (created or edited the lines of) this voucher."""
        return user.id == self.preparer_id or any(p.id == user.id for p in self.preparers)

    @property
    def label(self) -> str:
        """记-12 once posted; 草稿 #id before."""
        return f"{self.word}-{self.number}" if self.number else f"#{self.id}"

    @property
    def total(self) -> Decimal:
        """Sum of the debit column."""
        return sum((line.debit for line in self.lines), Decimal("0.00"))

    @property
    def summary(self) -> str:
        """The first line's 摘要."""
        return self.lines[0].summary if self.lines else ""


voucher_preparers = sa.Table(
    "voucher_preparers", Model.metadata,
    sa.Column("voucher_id", sa.ForeignKey("vouchers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True),
)


class VoucherLine(Model):
    """One line of a voucher: 摘要, account, debit or credit."""

    __tablename__ = "voucher_lines"
    __table_args__ = (
        sa.Index("ix_voucher_lines_book", "organisation_id", "posted", "account_id", "on"),
        sa.Index("ix_voucher_lines_book_on", "organisation_id", "posted", "on"),
        sa.CheckConstraint("debit = 0 OR credit = 0", name="one_side"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    voucher_id: Mapped[int] = mapped_column(sa.ForeignKey("vouchers.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    line_no: Mapped[int]
    summary: Mapped[str] = mapped_column(sa.String(200))
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"))
    debit: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))
    credit: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))
    on: Mapped[dt.date]
    posted: Mapped[bool] = mapped_column(default=False)
    closing: Mapped[bool] = mapped_column(default=False)
    # a line of the 建账 voucher: the balance brought into the books, not a movement of the
    # period it is dated in (reports count it in 期初 and 年初, queries.movements)
    opening: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    voucher: Mapped[Voucher] = relationship(back_populates="lines")
    account: Mapped[Account] = relationship()


class VoucherMoney(Model):
    """The money index (``ledger/money_index``): one posted voucher that touches 库存现金 or
    银行存款 — its net effect on cash in fen (+ into the cash box), whether it touches a bank
    account, whether it pays money out (credits cash or a bank account). Derived data, kept in
    the transaction that posts, so that the township's rules read a row per voucher instead
    of its lines."""

    __tablename__ = "ledger_voucher_money"
    __table_args__ = (sa.Index("ix_ledger_voucher_money_org_on", "organisation_id", "on"),)

    voucher_id: Mapped[int] = mapped_column(sa.ForeignKey("vouchers.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    on: Mapped[dt.date]
    cash: Mapped[int] = mapped_column(sa.BigInteger)
    banked: Mapped[bool]
    pays: Mapped[bool]


class VoucherPayment(Model):
    """The money index's other half: what an ordinary posted voucher that pays money out
    debits to one other account, in fen, and whether that account is an expense."""

    __tablename__ = "ledger_voucher_payments"
    __table_args__ = (sa.Index("ix_ledger_voucher_payments_org_on", "organisation_id", "on"),)

    voucher_id: Mapped[int] = mapped_column(sa.ForeignKey("vouchers.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    on: Mapped[dt.date]
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    expense: Mapped[bool]


class MonthBalance(Model):
    """The month-balance index (issue 23): posted debits and credits of one account in one
    month, apart for the 建账 lines (``opening``), the year-end closing lines (``closing``)
    and the rest (``flow``). Derived data, kept in the transaction that posts
    (``ledger/month_index``); ``verify-ledger`` rebuilds it from the lines and compares."""

    __tablename__ = "month_balances"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('flow', 'opening', 'closing')", name="kind"),
    )

    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"),
                                                 primary_key=True)
    ym: Mapped[int] = mapped_column(primary_key=True)  # year * 100 + month
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("accounts.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    debit: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))
    credit: Mapped[Decimal] = mapped_column(MoneyType(), default=Decimal("0.00"))
    lines: Mapped[int] = mapped_column(default=0)


class StoredFile:
    """The columns of a file kept once by SHA-256 under STORAGE_DIR
    (``ledger.attachments.store_scan``): voucher originals, contract scans, asset photos,
    ownership documents."""

    sha256: Mapped[str] = mapped_column(sa.String(64))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Attachment(StoredFile, Model):
    """A scanned original (原始凭证) of a voucher, stored content-addressed by SHA-256."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    voucher_id: Mapped[int] = mapped_column(sa.ForeignKey("vouchers.id"), index=True)

    voucher: Mapped[Voucher] = relationship(back_populates="attachments")


class LedgerCheck(Model):
    """The outcome of one full verification of an organisation's books (``verify-ledger``)."""

    __tablename__ = "ledger_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    vouchers: Mapped[int]
    problems: Mapped[int]
    summary: Mapped[str] = mapped_column(sa.String(1000), default="")

    @property
    def ok(self) -> bool:
        """Whether the books passed."""
        return self.problems == 0


class VoucherTemplate(Model):
    """A voucher kept as a pattern (凭证模板: 收到租金, 支付保底 …): its lines' 摘要, account and
    amounts, from which a new voucher's form is filled (issue 19)."""

    __tablename__ = "voucher_templates"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    #: [{"summary": …, "account": "102", "debit": "8000.00", "credit": ""}, …]
    lines: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
