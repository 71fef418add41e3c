"""Tables of the three disclosures: each organisation's calendar settings, the disclosures
(versions, their generated contents, review trail and frozen publication), the 民主理财小组's
reviews, the written 党务/村务 posts that travel with a disclosure, and members' questions.

A published disclosure never changes: its frozen JSON, PDF (stored by SHA-256), ledger head and
chained hash are written once; a correction is a new version that names the one it corrects.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.auth.models import User
from coopledger.db import MoneyType, UTCDateTime, enum_column
from coopledger.disclosure.rules import ITEMISE_FROM, Frequency
from coopledger.extensions import Model
from coopledger.i18n import N_
from coopledger.orgs.models import Organisation


class DisclosureKind(enum.StrEnum):
    """Periodic finance, the annual disclosure, or a special one (专项公开)."""

    PERIODIC = "periodic"
    ANNUAL = "annual"
    SPECIAL = "special"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {DisclosureKind.PERIODIC: N_("定期财务公开"), DisclosureKind.ANNUAL: N_("年度公开"),
                DisclosureKind.SPECIAL: N_("专项公开")}[self]


class SpecialTopic(enum.StrEnum):
    """The matters 农经发〔2011〕13号 requires to be disclosed on their own."""

    LAND_COMPENSATION = "land_compensation"
    LEASES_INVESTMENTS = "leases_investments"
    PROJECTS = "projects"
    YISHI_YIYI = "yishi_yiyi"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {SpecialTopic.LAND_COMPENSATION: N_("集体土地征占补偿及分配"),
                SpecialTopic.LEASES_INVESTMENTS: N_("集体资产资源发包、租赁、出让、投资及收益"),
                SpecialTopic.PROJECTS: N_("集体工程招投标及预决算"),
                SpecialTopic.YISHI_YIYI: N_("“一事一议”筹资筹劳及使用")}[self]


class DisclosureState(enum.StrEnum):
    """Draft → 民主理财小组 review → township review → published."""

    DRAFT = "draft"
    REVIEWING = "reviewing"
    TOWNSHIP = "township"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {DisclosureState.DRAFT: N_("草稿"),
                DisclosureState.REVIEWING: N_("民主理财小组审核中"),
                DisclosureState.TOWNSHIP: N_("乡镇审核中"),
                DisclosureState.PUBLISHED: N_("已公开")}[self]


class DisclosureSettings(Model):
    """An organisation's disclosure calendar."""

    __tablename__ = "disclosure_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), unique=True)
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency, "disclosure_frequency"),
                                                 default=Frequency.QUARTERLY)
    deadline_day: Mapped[int] = mapped_column(default=15)
    posting_days: Mapped[int] = mapped_column(default=15)
    # the board notice itemises receipts and payments of at least this amount (元)
    itemise_from: Mapped[Decimal] = mapped_column(MoneyType(), default=ITEMISE_FROM)
    # Whether people's names (payees, members) appear in full on public pages and notices; by
    # default they are masked (陈**) in 收支明细, 往来 and the distribution roster alike.
    show_names: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class Disclosure(Model):
    """One version of a disclosure of a period (or of a special matter)."""

    __tablename__ = "disclosures"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "kind", "period_key", "topic",
                                          "version", name="uq_disclosure_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    kind: Mapped[DisclosureKind] = mapped_column(enum_column(DisclosureKind, "disclosure_kind"))
    topic: Mapped[str] = mapped_column(sa.String(32), default="")   # a SpecialTopic or ""

    period_key: Mapped[str] = mapped_column(sa.String(10))
    start: Mapped[dt.date]
    end: Mapped[dt.date]
    version: Mapped[int] = mapped_column(default=1)
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("disclosures.id"))
    correction_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    title: Mapped[str] = mapped_column(sa.String(200))
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    contents: Mapped[str] = mapped_column(sa.Text)          # generated JSON
    state: Mapped[DisclosureState] = mapped_column(
        enum_column(DisclosureState, "disclosure_state"), default=DisclosureState.DRAFT)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    township_opinion: Mapped[str] = mapped_column(sa.String(1000), default="")
    township_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    township_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    posted_from: Mapped[dt.date | None]
    posted_until: Mapped[dt.date | None]
    frozen: Mapped[str | None] = mapped_column(sa.Text)     # the canonical JSON hashed
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))     # the A4 notice
    a3_sha256: Mapped[str | None] = mapped_column(sa.String(64))      # the A3 notice
    ledger_head: Mapped[str | None] = mapped_column(sa.String(64))
    previous_hash: Mapped[str | None] = mapped_column(sa.String(64))
    hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    short_code: Mapped[str | None] = mapped_column(sa.String(16), unique=True)

    organisation: Mapped[Organisation] = relationship()
    corrects: Mapped[Disclosure | None] = relationship(remote_side="Disclosure.id")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    township_by: Mapped[User | None] = relationship(foreign_keys=[township_by_id])
    reviews: Mapped[list[DisclosureReview]] = relationship(
        back_populates="disclosure", order_by="DisclosureReview.id")
    posts: Mapped[list[DisclosurePost]] = relationship(back_populates="disclosure",
                                                       order_by="DisclosurePost.id")
    questions: Mapped[list[Question]] = relationship(back_populates="disclosure",
                                                     order_by="Question.id")

    @property
    def special_topic(self) -> SpecialTopic | None:
        """The matter of a special disclosure."""
        return SpecialTopic(self.topic) if self.topic else None

    @property
    def is_published(self) -> bool:
        """Whether this version is published (its notices, questions and answers exist)."""
        return self.state is DisclosureState.PUBLISHED


class DisclosureReview(Model):
    """A 民主理财小组 member's agreement or disagreement, with a comment."""

    __tablename__ = "disclosure_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(sa.ForeignKey("disclosures.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    agrees: Mapped[bool]
    comment: Mapped[str] = mapped_column(sa.String(1000), default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    disclosure: Mapped[Disclosure] = relationship(back_populates="reviews")
    user: Mapped[User] = relationship()


class PostCategory(enum.StrEnum):
    """党务 or 村务."""

    PARTY = "party"
    VILLAGE = "village"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {PostCategory.PARTY: N_("党务公开"), PostCategory.VILLAGE: N_("村务公开")}[self]


class DisclosurePost(Model):
    """A written 党务/村务 item with an optional attachment, published with the disclosure."""

    __tablename__ = "disclosure_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(sa.ForeignKey("disclosures.id"), index=True)
    category: Mapped[PostCategory] = mapped_column(enum_column(PostCategory, "post_category"))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    attachment_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    attachment_name: Mapped[str] = mapped_column(sa.String(200), default="")
    attachment_type: Mapped[str] = mapped_column(sa.String(64), default="")

    disclosure: Mapped[Disclosure] = relationship(back_populates="posts")


class Question(Model):
    """A member's question (质询) on a publication, and the accountant's answer."""

    __tablename__ = "disclosure_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(sa.ForeignKey("disclosures.id"), index=True)
    asked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.String(1000))
    asked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str] = mapped_column(sa.String(2000), default="")
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    disclosure: Mapped[Disclosure] = relationship(back_populates="questions")
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    # every answer given, oldest first: a changed answer is a new version, never overwritten
    answers: Mapped[list[Answer]] = relationship(back_populates="question",
                                                 order_by="Answer.id")


class Answer(Model):
    """One version of the answer to a question (质询答复), kept when it is changed."""

    __tablename__ = "disclosure_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("disclosure_questions.id"),
                                             index=True)
    text: Mapped[str] = mapped_column(sa.String(2000))
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    question: Mapped[Question] = relationship(back_populates="answers")
    by: Mapped[User] = relationship()
