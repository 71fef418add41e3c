"""What waits for a user in an organisation's books (issue 19, 工作台): the vouchers whose next
step is theirs — 待审核 for a reviewer, 待出纳确认 for the cashier, 待记账 for whoever posts —
the preparer's own drafts that were sent back (退回待修改, with the reason) or have waited
longer than :data:`STALE_DAYS`, and for whoever keeps the books the next month to close (its
期末检查, ledger.month_end). Which step is whose is decided by the voucher's one steps rule
(``vouchers.steps_for``), so the home page lists exactly what the voucher page would let the
user do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger.auth.permissions import Action, permitted
from coopledger.extensions import db
from coopledger.ledger.models import Period, Voucher, VoucherState
from coopledger.ledger.vouchers import steps_for

if TYPE_CHECKING:
    from coopledger.auth.models import User
    from coopledger.orgs.models import Organisation

STALE_DAYS = 7
"""A draft older than this (by the day it was first saved) is listed as waiting."""
LOOKED_AT = 100
"""Vouchers of one state read per organisation; more than that is shown as "100+"."""


@dataclass
class Queue:
    """One kind of waiting voucher: the vouchers (oldest first) and whether there are more."""

    vouchers: list[Voucher] = field(default_factory=list)
    more: bool = False

    def __len__(self) -> int:
        return len(self.vouchers)


@dataclass
class Waiting:
    """Everything waiting for one user in one organisation's books."""

    to_review: Queue = field(default_factory=Queue)
    to_confirm: Queue = field(default_factory=Queue)
    to_post: Queue = field(default_factory=Queue)
    sent_back: Queue = field(default_factory=Queue)
    stale_drafts: Queue = field(default_factory=Queue)
    #: For whoever keeps the books: the earliest month that has ended and is still open (the
    #: next to close: months close in order), and how many ended months are open.
    to_close: tuple[int, int] | None = None
    open_ended: int = 0

    @property
    def any(self) -> bool:
        """Whether anything waits."""
        return any((self.to_review, self.to_confirm, self.to_post, self.sent_back,
                    self.stale_drafts, self.to_close))


def _candidates(org: Organisation, state: VoucherState) -> tuple[list[Voucher], bool]:
    found = list(db.session.scalars(sa.select(Voucher).where(
        Voucher.organisation_id == org.id, Voucher.state == state)
        .order_by(Voucher.on, Voucher.id).limit(LOOKED_AT + 1)))
    return found[:LOOKED_AT], len(found) > LOOKED_AT


def waiting_for(org: Organisation, user: User, *, today: dt.date) -> Waiting:
    """What waits for ``user`` in ``org``'s books on ``today``."""
    waiting = Waiting()
    submitted, more = _candidates(org, VoucherState.SUBMITTED)
    waiting.to_review = Queue([v for v in submitted if "review" in steps_for(v, user)], more)
    reviewed, more = _candidates(org, VoucherState.REVIEWED)
    for voucher in reviewed:
        steps = steps_for(voucher, user)
        if "confirm_cash" in steps:
            waiting.to_confirm.vouchers.append(voucher)
        if "post" in steps:
            waiting.to_post.vouchers.append(voucher)
    waiting.to_confirm.more = waiting.to_post.more = more
    drafts, more = _candidates(org, VoucherState.DRAFT)
    cutoff = today - dt.timedelta(days=STALE_DAYS)
    for voucher in drafts:
        if not voucher.prepared_by(user) or "edit" not in steps_for(voucher, user):
            continue
        if voucher.rejection_reason:
            waiting.sent_back.vouchers.append(voucher)
        elif voucher.created_at.date() < cutoff:
            waiting.stale_drafts.vouchers.append(voucher)
    waiting.sent_back.more = waiting.stale_drafts.more = more
    if permitted(user, org)(Action.MANAGE_BOOKS):
        ended = db.session.execute(sa.select(Period.year, Period.month).where(
            Period.organisation_id == org.id, Period.closed_at.is_(None),
            Period.year * 100 + Period.month < today.year * 100 + today.month)
            .order_by(Period.year, Period.month)).all()
        if ended:
            waiting.to_close, waiting.open_ended = (ended[0][0], ended[0][1]), len(ended)
    return waiting
