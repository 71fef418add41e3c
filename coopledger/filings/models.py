"""Tables of the upward filings: each submitted version of an organisation's year (its tables
frozen as canonical JSON with their SHA-256 and the ledger chain head they were computed at),
the explanations of large year-on-year changes written before submitting, and each version of
a township's summary.

A version is never changed after it is submitted except for the township's verdict (accepted,
or returned with a reason); a correction is a new version, so every earlier one stays.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coopledger.auth.models import User
from coopledger.db import UTCDateTime, enum_column
from coopledger.extensions import Model
from coopledger.i18n import N_
from coopledger.orgs.models import Organisation, Township


class FilingState(enum.StrEnum):
    """Where a submitted version stands with the township."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        """Untranslated display name (translate with ``_()``)."""
        return FILING_STATE_LABELS[self]


FILING_STATE_LABELS = {
    FilingState.SUBMITTED: N_("已报送，待审核"),
    FilingState.ACCEPTED: N_("审核通过"),
    FilingState.RETURNED: N_("已退回"),
}


class Filing(Model):
    """One submitted version of an organisation's tables for a year."""

    __tablename__ = "filings"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    year: Mapped[int]
    version: Mapped[int]
    state: Mapped[FilingState] = mapped_column(enum_column(FilingState, "filing_state"))
    contents: Mapped[str] = mapped_column(sa.Text)      # canonical JSON, as hashed
    digest: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of contents
    ledger_head: Mapped[str] = mapped_column(sa.String(64))
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    review_note: Mapped[str] = mapped_column(sa.String(500), default="")

    organisation: Mapped[Organisation] = relationship()
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def label(self) -> str:
        """How the audit log names it: "2025 年报 v2"."""
        return f"{self.year} v{self.version}"


class Explanation(Model):
    """The accountant's explanation of a large change in one row from the year before,
    written before the year is submitted (frozen into the version that is)."""

    __tablename__ = "filing_explanations"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "year", "form_key", "row_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    year: Mapped[int]
    form_key: Mapped[str] = mapped_column(sa.String(32))
    row_code: Mapped[str] = mapped_column(sa.String(8))
    text: Mapped[str] = mapped_column(sa.String(500))
    written_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SummaryState(enum.StrEnum):
    """Where a township's summary stands with the county."""

    PRODUCED = "produced"
    ACCEPTED = "accepted"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        """Untranslated display name (translate with ``_()``)."""
        return SUMMARY_STATE_LABELS[self]


SUMMARY_STATE_LABELS = {
    SummaryState.PRODUCED: N_("已生成，待县级审核"),
    SummaryState.ACCEPTED: N_("县级审核通过"),
    SummaryState.RETURNED: N_("县级退回"),
}


class Summary(Model):
    """One version of a township's summary (汇总) of its organisations' accepted filings,
    reviewed by the county (逐级审核上报)."""

    __tablename__ = "filing_summaries"
    __table_args__ = (sa.UniqueConstraint("township_id", "year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("townships.id"), index=True)
    year: Mapped[int]
    version: Mapped[int]
    contents: Mapped[str] = mapped_column(sa.Text)
    digest: Mapped[str] = mapped_column(sa.String(64))
    produced_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    produced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    state: Mapped[SummaryState] = mapped_column(enum_column(SummaryState, "summary_state"),
                                                default=SummaryState.PRODUCED)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    review_note: Mapped[str] = mapped_column(sa.String(500), default="")

    township: Mapped[Township] = relationship()
    produced_by: Mapped[User] = relationship(foreign_keys=[produced_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class CountySummary(Model):
    """One version of a county's summary: the sum of its townships' accepted summaries."""

    __tablename__ = "filing_county_summaries"
    __table_args__ = (sa.UniqueConstraint("county", "year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    county: Mapped[str] = mapped_column(sa.String(64))
    year: Mapped[int]
    version: Mapped[int]
    contents: Mapped[str] = mapped_column(sa.Text)
    digest: Mapped[str] = mapped_column(sa.String(64))
    produced_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    produced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    produced_by: Mapped[User] = relationship()


class Archive(Model):
    """A yearly accounting archive (会计档案) built for an organisation: its seal, the ledger
    head it was sealed with and where the ZIP is kept (``filings.archive``)."""

    __tablename__ = "filing_archives"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    year: Mapped[int]
    seal: Mapped[str] = mapped_column(sa.String(64))
    ledger_head: Mapped[str] = mapped_column(sa.String(64))
    files: Mapped[int]
    bytes: Mapped[int] = mapped_column(sa.BigInteger)
    key: Mapped[str] = mapped_column(sa.String(200))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    created_by: Mapped[User] = relationship()
