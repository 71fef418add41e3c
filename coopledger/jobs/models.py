"""The job record: what runs, how far it got, and the file it produced."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from coopledger.db import UTCDateTime, enum_column
from coopledger.extensions import Model
from coopledger.i18n import N_


class JobState(enum.StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return JOB_STATE_LABELS[self]

    @property
    def finished(self) -> bool:
        """Whether the job will change no more."""
        return self in (JobState.DONE, JobState.FAILED)


JOB_STATE_LABELS = {
    JobState.QUEUED: N_("排队中"),
    JobState.RUNNING: N_("进行中"),
    JobState.DONE: N_("已完成"),
    JobState.FAILED: N_("失败"),
}


class Job(Model):
    """One run of a background job, started by a user."""

    __tablename__ = "jobs"
    __table_args__ = (sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(200))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    state: Mapped[JobState] = mapped_column(enum_column(JobState, "job_state"),
                                            default=JobState.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    result_path: Mapped[str | None] = mapped_column(sa.String(300))
    result_name: Mapped[str | None] = mapped_column(sa.String(200))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Recovery (jobs/rules.abandoned): who took the job, its last sign of life, how often it
    # was started, and whether a failure was an interruption that its owner may retry.
    worker: Mapped[str | None] = mapped_column(sa.String(120))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    retryable: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
