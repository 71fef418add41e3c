"""The month-balance index (issue 23): per organisation, account and month, the posted debits
and credits — 建账 lines, year-end closing lines and the rest apart — kept in the same
transaction as posting, so that the trial balance, balance sheet, income statement and equity
statement read a few rows per account instead of every voucher line.

SQL voucher lines stay the system of record (DESIGN §5). The index is derived: posting adds a
voucher's lines to it (:func:`add_posted`; a red reversal and a closing voucher are posted
vouchers like any other); bulk loaders rebuild it (:func:`rebuild`); ``verify-ledger`` compares
it with the lines (:func:`differences`). A report reads it only when its range is whole months
(every statutory report and every period the app offers); any other range reads the lines.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from coopledger.extensions import db
from coopledger.ledger.models import Account, MonthBalance, VoucherLine
from coopledger.money import from_fen, to_fen

if TYPE_CHECKING:
    from decimal import Decimal

    from coopledger.ledger.models import Voucher
    from coopledger.orgs.models import Organisation

_index: sa.Table = MonthBalance.__table__  # type: ignore[assignment]
_c = _index.c
_DEBIT = sa.type_coerce(_c.debit, sa.BigInteger)
_CREDIT = sa.type_coerce(_c.credit, sa.BigInteger)
_lines = VoucherLine.__table__.c

Totals = dict[tuple[int, int, str], tuple[int, int, int]]
"""(ym, account id, kind) → (debit fen, credit fen, number of lines)."""


def ym(day: dt.date) -> int:
    """The month key of a date: year × 100 + month."""
    return day.year * 100 + day.month


def kind_of(*, opening: bool, closing: bool) -> str:
    """Which part of a month a line counts in."""
    return "opening" if opening else "closing" if closing else "flow"


def month_start(day: dt.date) -> bool:
    """Whether ``day`` is the first day of its month."""
    return day.day == 1


def month_end(day: dt.date) -> bool:
    """Whether ``day`` is the last day of its month."""
    return day.day == calendar.monthrange(day.year, day.month)[1]


def add_posted(voucher: Voucher) -> None:
    """Add a voucher that has just been posted to the index (one upsert per account)."""
    totals: Totals = defaultdict(lambda: (0, 0, 0))
    for line in voucher.lines:
        key = (ym(voucher.on), line.account_id, kind_of(opening=line.opening,
                                                        closing=line.closing))
        debit, credit, count = totals[key]
        totals[key] = (debit + to_fen(line.debit), credit + to_fen(line.credit), count + 1)
    _upsert(voucher.organisation_id, totals)


def _upsert(organisation_id: int, totals: Totals) -> None:
    """Add ``totals`` to the stored rows (insert, or add to the row already there)."""
    if not totals:
        return
    rows = [{"organisation_id": organisation_id, "ym": key, "account_id": account_id,
             "kind": kind, "debit": from_fen(debit), "credit": from_fen(credit), "lines": count}
            for (key, account_id, kind), (debit, credit, count) in totals.items()]
    insert = (postgresql.insert(_index) if db.engine.dialect.name == "postgresql"
              else sqlite.insert(_index))
    statement = insert.on_conflict_do_update(
        index_elements=[_c.organisation_id, _c.ym, _c.account_id, _c.kind],
        set_={"debit": _DEBIT + sa.type_coerce(insert.excluded.debit, sa.BigInteger),
              "credit": _CREDIT + sa.type_coerce(insert.excluded.credit, sa.BigInteger),
              "lines": _c.lines + insert.excluded.lines})
    db.session.execute(statement, rows)


def totals_from_lines(organisation_id: int) -> Totals:
    """The index as the posted lines give it (for a rebuild and for verify-ledger)."""
    key = sa.extract("year", _lines.on) * 100 + sa.extract("month", _lines.on)
    query = (sa.select(key, _lines.account_id, _lines.opening, _lines.closing,
                       sa.func.sum(sa.type_coerce(_lines.debit, sa.BigInteger)),
                       sa.func.sum(sa.type_coerce(_lines.credit, sa.BigInteger)),
                       sa.func.count())
             .where(_lines.organisation_id == organisation_id, _lines.posted.is_(True))
             .group_by(key, _lines.account_id, _lines.opening, _lines.closing))
    totals: Totals = defaultdict(lambda: (0, 0, 0))
    for month, account_id, opening, closing, debit, credit, count in db.session.execute(query):
        slot = (int(month), account_id, kind_of(opening=bool(opening), closing=bool(closing)))
        before = totals[slot]
        totals[slot] = (before[0] + int(debit or 0), before[1] + int(credit or 0),
                        before[2] + int(count))
    return dict(totals)


def stored_totals(organisation_id: int) -> Totals:
    """The index as stored."""
    query = sa.select(_c.ym, _c.account_id, _c.kind, _DEBIT, _CREDIT, _c.lines).where(
        _c.organisation_id == organisation_id)
    return {(int(month), account_id, kind): (int(debit), int(credit), int(count))
            for month, account_id, kind, debit, credit, count in db.session.execute(query)}


def rebuild(organisation_id: int) -> int:
    """Build an organisation's index afresh from its posted lines; returns the rows written."""
    db.session.execute(sa.delete(_index).where(_c.organisation_id == organisation_id))
    totals = totals_from_lines(organisation_id)
    _upsert(organisation_id, totals)
    return len(totals)


def differences(org: Organisation) -> list[str]:
    """Book check for verify-ledger: every index row against the posted lines."""
    expected, stored = totals_from_lines(org.id), stored_totals(org.id)
    rows = db.session.execute(sa.select(Account.id, Account.code).where(
        Account.organisation_id == org.id)).all()
    codes = {account_id: code for account_id, code in rows}  # noqa: C416 - Row pairs
    found = []
    for key in sorted(set(expected) | set(stored)):
        want, have = expected.get(key, (0, 0, 0)), stored.get(key, (0, 0, 0))
        if want != have:
            month, account_id, kind = key
            code = codes.get(account_id, str(account_id))
            found.append(f"month-balance index {month // 100}-{month % 100:02d} account {code} "
                         f"{kind}: lines give debit {from_fen(want[0])} credit "
                         f"{from_fen(want[1])} ({want[2]} lines), index has debit "
                         f"{from_fen(have[0])} credit {from_fen(have[1])} ({have[2]})")
    return found


def movements(organisation_id: int, start: dt.date, end: dt.date, *, exclude_closing: bool,
              ) -> dict[int, tuple[Decimal, Decimal, Decimal]] | None:
    """Per account (opening, debit, credit) as ``queries.movements`` defines them, from the
    index; None when the range is not whole months (the caller reads the lines)."""
    if not (month_start(start) and month_end(end)):
        return None
    first, last = ym(start), ym(end)
    in_range = sa.and_(_c.ym >= first, _c.ym <= last)
    before = sa.or_(_c.ym < first, sa.and_(in_range, _c.kind == "opening"))
    flows = sa.and_(in_range, _c.kind != "opening")
    if exclude_closing:
        flows = sa.and_(flows, _c.kind != "closing")
    query = (sa.select(_c.account_id,
                       sa.func.sum(sa.case((before, _DEBIT - _CREDIT), else_=0)),
                       sa.func.sum(sa.case((flows, _DEBIT), else_=0)),
                       sa.func.sum(sa.case((flows, _CREDIT), else_=0)))
             .where(_c.organisation_id == organisation_id, _c.ym <= last)
             .group_by(_c.account_id))
    return {account_id: (from_fen(int(opening or 0)), from_fen(int(debit or 0)),
                         from_fen(int(credit or 0)))
            for account_id, opening, debit, credit in db.session.execute(query)}


def balances(organisation_id: int, *, as_of: dt.date, openings_until: dt.date | None,
             ) -> dict[int, Decimal] | None:
    """Per account the balance as ``queries.leaf_balances`` defines it, from the index; None
    when a date is not a month's last day."""
    if not month_end(as_of) or (openings_until is not None and not month_end(openings_until)):
        return None
    dated = _c.ym <= ym(as_of)
    if openings_until is not None:
        dated = sa.or_(dated, sa.and_(_c.kind == "opening", _c.ym <= ym(openings_until)))
    query = (sa.select(_c.account_id, sa.func.sum(_DEBIT - _CREDIT))
             .where(_c.organisation_id == organisation_id, dated)
             .group_by(_c.account_id))
    return {account_id: from_fen(int(total or 0))
            for account_id, total in db.session.execute(query)}


def account_months(organisation_id: int, account_ids: list[int], start: dt.date, end: dt.date,
                   ) -> tuple[Decimal, dict[tuple[int, int], tuple[Decimal, Decimal]]] | None:
    """For the accounts given (an account and its sub-accounts): the balance before ``start``
    and each month's debits and credits to ``end``, every line counted (as the 总账 and the
    明细账 show them); None when the range is not whole months."""
    if not (month_start(start) and month_end(end)):
        return None
    opening = balance_before(organisation_id, account_ids, start)
    assert opening is not None  # start is the first of a month
    rows = db.session.execute(
        sa.select(_c.ym, sa.func.sum(_DEBIT), sa.func.sum(_CREDIT))
        .where(_c.organisation_id == organisation_id, _c.account_id.in_(account_ids),
               _c.ym >= ym(start), _c.ym <= ym(end)).group_by(_c.ym).order_by(_c.ym))
    return opening, {
        (int(month) // 100, int(month) % 100): (from_fen(int(debit)), from_fen(int(credit)))
        for month, debit, credit in rows}


def balance_before(organisation_id: int, account_ids: list[int], start: dt.date, *,
                   reader: sa.Connection | None = None) -> Decimal | None:
    """The accounts' balance before ``start`` (every line counted); None when ``start`` is not
    the first of a month. Read in the request's session, or in ``reader`` (a snapshot)."""
    if not month_start(start):
        return None
    total = (reader or db.session).scalar(sa.select(sa.func.sum(_DEBIT - _CREDIT)).where(
        _c.organisation_id == organisation_id, _c.account_id.in_(account_ids),
        _c.ym < ym(start)))
    return from_fen(int(total or 0))
