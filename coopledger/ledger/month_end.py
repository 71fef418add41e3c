"""期末检查: what stands between a month and its closing (结账), each item with a link to where
it is put right (issue 19, "month-end checklist"; 会计基础工作规范 §62–§63: the month's
vouchers all posted before the books are closed, 日清月结 of cash).

Blocking — closing is refused while one is there (:func:`periods.close_month` raises the
same sentences): vouchers of the month not yet posted (those waiting for the cashier's
confirmation counted apart), an earlier month still open. Warnings — shown, closing goes
ahead: a cash or bank account whose balance fell below zero on a day of the month; and what
the domains above the ledger register in :data:`CHECKS` (the month's depreciation not run,
advance rent not yet made income), filled by ``coopledger.wiring``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger import periods
from coopledger.ledger.books import find_period
from coopledger.ledger.models import Book, Voucher, VoucherState
from coopledger.ledger.queries import lowest_cash_balances
from coopledger.ledger.vouchers import needs_cashier
from coopledger.money import grouped
from coopledger.orgs.models import Organisation


@dataclass(frozen=True)
class Item:
    """One line of the checklist: a sentence (translated when shown) with its parameters, and
    where to go (an endpoint and its arguments, for ``url_for``)."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)
    endpoint: str = ""
    args: dict[str, Any] = field(default_factory=dict)
    blocking: bool = False


Check = Callable[[Organisation, int, int], list[Item]]
CHECKS: list[Check] = []
"""Warnings other domains add (assets: depreciation; contracts: advance rent)."""


@dataclass(frozen=True)
class Checklist:
    """The month's items, blocking first."""

    year: int
    month: int
    closed: bool
    items: list[Item]

    @property
    def blocking(self) -> list[Item]:
        """What must be put right before the month can be closed."""
        return [item for item in self.items if item.blocking]

    @property
    def warnings(self) -> list[Item]:
        """What is shown but does not stop the closing."""
        return [item for item in self.items if not item.blocking]

    @property
    def may_close(self) -> bool:
        """Whether closing would go ahead now."""
        return not self.closed and not self.blocking


def checklist(org: Organisation, year: int, month: int) -> Checklist:
    """The month-end checklist of ``org``'s ``year``-``month``."""
    period = find_period(org.id, year, month)
    items: list[Item] = []
    month_key = f"{year}-{month:02d}"
    unposted = periods.unposted_in(org.id, year, month)
    if unposted:
        items.append(Item(N_("本月还有 %(n)d 张凭证未记账，全部记账后才能结账。"), {"n": unposted},
                          "vouchers.index", {"code": org.code, "month": month_key},
                          blocking=True))
    book = db.session.get(Book, org.id)
    if book is not None and book.cashier_confirms:
        waiting = sum(1 for voucher in db.session.scalars(sa.select(Voucher).where(
            Voucher.organisation_id == org.id, Voucher.year == year, Voucher.month == month,
            Voucher.state == VoucherState.REVIEWED, Voucher.cashier_id.is_(None)))
            if needs_cashier(voucher, book))   # the fact the vouchers' steps rule reads
        if waiting:
            items.append(Item(N_("其中 %(n)d 张已审核的凭证还在等出纳确认收付。"), {"n": waiting},
                              "vouchers.index", {"code": org.code, "month": month_key,
                                                 "state": VoucherState.REVIEWED.value},
                              blocking=True))
    earlier = periods.earlier_open_month(org.id, year, month)
    if earlier is not None:
        items.append(Item(N_("请先结账 %(year)d年%(month)d月。"),
                          {"year": earlier.year, "month": earlier.month},
                          "books.month_end", {"code": org.code, "year": earlier.year,
                                              "month": earlier.month}, blocking=True))
    start = dt.date(year, month, 1)
    end = dt.date(year, month, calendar.monthrange(year, month)[1])
    for account, day, lowest in lowest_cash_balances(org, start, end):
        items.append(Item(N_("%(account)s 在 %(day)s 日终余额为负（最低 %(lowest)s 元）：请核对"
                             "是否漏记收款或多记付款。"),
                          {"account": account.label, "day": day.isoformat(),
                           "lowest": grouped(lowest)},
                          "books.report", {"code": org.code, "name": "cash_journal",
                                           "account": account.code, "period": month_key}))
    for check in CHECKS:
        items.extend(check(org, year, month))
    items.sort(key=lambda item: not item.blocking)
    return Checklist(year, month, period is not None and period.is_closed, items)
