"""Reads of the books with business meaning: balances, trial balance, ledgers, journals.

All figures are SQL aggregates summed as integer fen; balances are signed debit-positive and
turned into 借/贷 for display. Balances and movements over whole months (every statutory report)
are read from the month-balance index (``ledger/month_index``: a few rows per account and
month); other ranges and the detail reports (明细账, 日记账) read the posted voucher lines.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from coopledger.db import snapshot
from coopledger.extensions import db
from coopledger.ledger import beans, month_index
from coopledger.ledger.models import Account, Voucher, VoucherLine, VoucherState
from coopledger.money import ZERO, from_fen

if TYPE_CHECKING:
    from coopledger.orgs.models import Organisation

_lines = VoucherLine.__table__.c
_DEBIT = sa.type_coerce(_lines.debit, sa.BigInteger)
_CREDIT = sa.type_coerce(_lines.credit, sa.BigInteger)


def posted_vouchers(org: Organisation, year: int, month: int | None = None) -> list[Voucher]:
    """The posted vouchers of a year (or one month of it) in number order, with their lines,
    accounts, scans and people loaded: what a month's print and the yearly archive lay out."""
    query = sa.select(Voucher).where(Voucher.organisation_id == org.id, Voucher.year == year,
                                     Voucher.state == VoucherState.POSTED)
    if month is not None:
        query = query.where(Voucher.month == month)
    return list(db.session.scalars(query.order_by(Voucher.month, Voucher.number).options(
        sa.orm.selectinload(Voucher.lines).joinedload(VoucherLine.account),
        sa.orm.selectinload(Voucher.attachments), sa.orm.selectinload(Voucher.preparers),
        sa.orm.joinedload(Voucher.poster), sa.orm.joinedload(Voucher.reviewer),
        sa.orm.joinedload(Voucher.cashier), sa.orm.joinedload(Voucher.preparer))))


def accounts(org: Organisation) -> list[Account]:
    """Every account of the organisation, by code (with their children, for ``is_leaf``)."""
    return list(db.session.scalars(sa.select(Account).where(
        Account.organisation_id == org.id).order_by(Account.code)
        .options(sa.orm.selectinload(Account.children))))


def open_leaves(org: Organisation, *, codes_from: Iterable[str] = (),
                categories: Iterable[Any] = ()) -> list[Account]:
    """The open leaf accounts (末级科目, those that take postings) of the organisation, by
    code, in one query (``Account.is_leaf`` loads each account's children: one query per
    account); only those whose code starts with one of ``codes_from`` and whose category is
    one of ``categories``, when given."""
    return list(db.session.scalars(_open_leaves(sa.select(Account), org, codes_from,
                                                categories)))


def cash_accounts(org: Organisation) -> list[Account]:
    """The open leaf accounts under 库存现金 and 银行存款 (what a payment may use, what the
    cash journal and the month-end check read)."""
    from coopledger.ledger.standards import STANDARDS

    standard = STANDARDS[org.standard]
    return open_leaves(org, codes_from=(standard.cash, standard.bank))


def open_leaf_codes(org: Organisation, *, categories: Iterable[Any] = ()) -> set[str]:
    """The codes of :func:`open_leaves` (no account objects: for a check per row)."""
    return set(db.session.scalars(_open_leaves(sa.select(Account.code), org, (), categories)))


def _open_leaves(query: Any, org: Organisation, codes_from: Iterable[str],
                 categories: Iterable[Any]) -> Any:
    child = sa.orm.aliased(Account)
    query = query.where(Account.organisation_id == org.id, Account.closed_on.is_(None),
                        ~sa.exists().where(child.parent_id == Account.id))
    prefixes, wanted = tuple(codes_from), tuple(categories)
    if prefixes:
        query = query.where(sa.or_(*(Account.code.startswith(p) for p in prefixes)))
    if wanted:
        query = query.where(Account.category.in_(wanted))
    return query.order_by(Account.code)


def chart_rows(org: Organisation) -> list[Any]:
    """The organisation's chart as plain rows (id, parent id, code, name, category), in one
    query: read on every posting, by the beancount names and the money index."""
    return list(db.session.execute(sa.select(
        Account.id, Account.parent_id, Account.code, Account.name, Account.category).where(
        Account.organisation_id == org.id)).all())


def bean_account_names(org: Organisation, *, only: Iterable[int] | None = None,
                       chart: list[Any] | None = None) -> dict[int, str]:
    """Beancount account name of every account (or of the ids in ``only``: a voucher's, so a
    posting does not name the whole chart), keyed by id; ``chart`` is :func:`chart_rows`
    when the caller has read it already."""
    chart = chart_rows(org) if chart is None else chart
    by_id = {row.id: row for row in chart}

    def path(account: Any) -> list[tuple[str, str]]:      # a row of ``chart``
        parent = by_id.get(account.parent_id) if account.parent_id else None
        return [*(path(parent) if parent else []), (account.code, account.name)]

    chosen = chart if only is None else [by_id[i] for i in set(only) if i in by_id]
    return {a.id: beans.account_name(a.category.value, path(a)) for a in chosen}


@dataclass(frozen=True)
class Movement:
    """Opening balance, period debits and credits, closing balance (debit positive)."""

    opening: Decimal = ZERO
    debit: Decimal = ZERO
    credit: Decimal = ZERO

    @property
    def closing(self) -> Decimal:
        """Balance at the end of the range."""
        return self.opening + self.debit - self.credit

    def __add__(self, other: Movement) -> Movement:
        """Sum of two movements (for rolling sub-accounts up)."""
        return Movement(self.opening + other.opening, self.debit + other.debit,
                        self.credit + other.credit)


def movements(org: Organisation, start: dt.date, end: dt.date, *,
              exclude_closing: bool = False) -> dict[int, Movement]:
    """Per leaf account: balance before ``start`` and posted debits/credits from start to end.

    The 建账 voucher's lines are the balances brought into the books: they count in the opening
    balance of a range they fall in, never as its debits and credits (issue 23: the first
    year's 期初 shows the opening figures, not zero). Whole months are read from the
    month-balance index, other ranges from the lines."""
    indexed = month_index.movements(org.id, start, end, exclude_closing=exclude_closing)
    if indexed is not None:
        return {account_id: Movement(*figures) for account_id, figures in indexed.items()}
    return movements_from_lines(org, start, end, exclude_closing=exclude_closing)


def movements_from_lines(org: Organisation, start: dt.date, end: dt.date, *,
                         exclude_closing: bool = False) -> dict[int, Movement]:
    """:func:`movements` summed from the posted lines (any range; the index's reference)."""
    before = sa.or_(_lines.on < start, _lines.opening.is_(True))
    in_range = sa.and_(_lines.on >= start, _lines.opening.is_(False))
    flow_filter = sa.and_(in_range, _lines.closing.is_(False)) if exclude_closing else in_range
    query = (sa.select(
        _lines.account_id,
        sa.func.sum(sa.case((before, _DEBIT - _CREDIT), else_=0)),
        sa.func.sum(sa.case((flow_filter, _DEBIT), else_=0)),
        sa.func.sum(sa.case((flow_filter, _CREDIT), else_=0)))
        .where(_lines.organisation_id == org.id, _lines.posted.is_(True), _lines.on <= end)
        .group_by(_lines.account_id))
    return {account_id: Movement(from_fen(int(opening or 0)), from_fen(int(debit or 0)),
                                 from_fen(int(credit or 0)))
            for account_id, opening, debit, credit in db.session.execute(query)}


def leaf_balances(org: Organisation, *, as_of: dt.date,
                  openings_until: dt.date | None = None) -> dict[int, Decimal]:
    """Posted balance of every leaf account on a date (inclusive), debit positive; with
    ``openings_until``, the 建账 voucher counts when dated up to that day (the 年初 of the year
    the books opened in is their opening balance)."""
    indexed = month_index.balances(org.id, as_of=as_of, openings_until=openings_until)
    if indexed is not None:
        return indexed
    return balances_from_lines(org, as_of=as_of, openings_until=openings_until)


def balances_from_lines(org: Organisation, *, as_of: dt.date,
                        openings_until: dt.date | None = None) -> dict[int, Decimal]:
    """:func:`leaf_balances` summed from the posted lines (any date; the index's reference)."""
    dated = _lines.on <= as_of
    if openings_until is not None:
        dated = sa.or_(dated, sa.and_(_lines.opening.is_(True), _lines.on <= openings_until))
    query = (sa.select(_lines.account_id, sa.func.sum(_DEBIT - _CREDIT))
             .where(_lines.organisation_id == org.id, _lines.posted.is_(True), dated)
             .group_by(_lines.account_id))
    return {account_id: from_fen(int(total or 0))
            for account_id, total in db.session.execute(query)}


def account_balance(account: Account, *, as_of: dt.date) -> Decimal:
    """Posted balance of an account and its sub-accounts on a date."""
    ids = [account.id, *[a.id for a in descendants(account)]]
    total = db.session.scalar(sa.select(sa.func.sum(_DEBIT - _CREDIT)).where(
        _lines.account_id.in_(ids), _lines.posted.is_(True), _lines.on <= as_of))
    return from_fen(int(total or 0))


def descendants(account: Account) -> list[Account]:
    """Every account under ``account`` (its sub-accounts and theirs)."""
    found = []
    for child in account.children:
        found.append(child)
        found.extend(descendants(child))
    return found


def rolled_up(org: Organisation, leaf: dict[int, Movement]) -> dict[int, Movement]:
    """Movements of every account, parents including their sub-accounts."""
    all_accounts = accounts(org)
    by_id = {a.id: a for a in all_accounts}
    totals: dict[int, Movement] = defaultdict(Movement)
    for account_id, movement in leaf.items():
        current: Account | None = by_id[account_id]
        while current is not None:
            totals[current.id] = totals[current.id] + movement
            current = by_id.get(current.parent_id) if current.parent_id else None
    return dict(totals)


@dataclass(frozen=True)
class LedgerLine:
    """One posted line in a detail ledger, with the running balance after it."""

    on: dt.date
    voucher_id: int
    voucher: str
    summary: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    account_id: int = 0
    """The leaf account the line is on (the 多栏式 ledger's column)."""
    opening: bool = False
    """A line of the 建账 voucher (the balances brought into the books)."""


def _balance_before(org_id: int, ids: list[int], start: dt.date, *,
                    reader: sa.Connection | None = None) -> Decimal:
    """The posted balance of the accounts ``ids`` before ``start``: from the month-balance
    index when ``start`` begins a month, else from the lines (in the request's session, or in
    ``reader``)."""
    indexed = month_index.balance_before(org_id, ids, start, reader=reader)
    if indexed is not None:
        return indexed
    return from_fen(int((reader or db.session).scalar(
        sa.select(sa.func.sum(_DEBIT - _CREDIT)).where(
            _lines.organisation_id == org_id, _lines.account_id.in_(ids),
            _lines.posted.is_(True), _lines.on < start)) or 0))


def _period_lines(org_id: int, ids: list[int], start: dt.date, end: dt.date) -> sa.Select[Any]:
    """The posted lines of the accounts ``ids`` in the period, in 明细账 order (date, voucher
    number, line)."""
    return (sa.select(_lines.on, Voucher.id, Voucher.word, Voucher.number, _lines.summary,
                      _DEBIT, _CREDIT, _lines.account_id, _lines.opening)
            .join(Voucher, Voucher.id == _lines.voucher_id)
            .where(_lines.organisation_id == org_id, _lines.account_id.in_(ids),
                   _lines.posted.is_(True), _lines.on >= start, _lines.on <= end)
            .order_by(_lines.on, Voucher.number, _lines.line_no))


def detail_ledger(org: Organisation, account: Account, start: dt.date, end: dt.date,
                  ) -> tuple[Decimal, list[LedgerLine]]:
    """明细账: the balance before ``start``, then every posted line with its running balance."""
    ids = [account.id, *[a.id for a in descendants(account)]]
    opening = _balance_before(org.id, ids, start)
    rows = db.session.execute(_period_lines(org.id, ids, start, end))
    return opening, list(_running(rows, opening))


STREAM_BATCH = 2000
"""Rows fetched at a time when a whole period's lines are streamed (a server-side cursor on
PostgreSQL), so an export of a year of 银行存款 at county scale holds one batch, not the year."""


def streamed_detail_ledger(org: Organisation, account: Account, start: dt.date, end: dt.date,
                           ) -> Iterator[tuple[Decimal, Iterator[LedgerLine]]]:
    """:func:`detail_ledger` read while it is consumed, for an export sent after its request:
    the account is resolved now; iterating gives one ``(opening, lines)`` pair, both read in
    one snapshot of the books (``db.snapshot``, a connection of its own, open while the lines
    are iterated) and the lines fetched :data:`STREAM_BATCH` at a time."""
    ids = [account.id, *[a.id for a in descendants(account)]]
    return _streamed(org.id, ids, start, end)


def _streamed(org_id: int, ids: list[int], start: dt.date, end: dt.date,
              ) -> Iterator[tuple[Decimal, Iterator[LedgerLine]]]:
    with snapshot(db.session.get_bind()) as reader:
        opening = _balance_before(org_id, ids, start, reader=reader)
        rows = reader.execute(_period_lines(org_id, ids, start, end)
                              .execution_options(yield_per=STREAM_BATCH))
        yield opening, _running(rows, opening)


def _running(rows: Iterable[Sequence[Any]], balance: Decimal) -> Iterator[LedgerLine]:
    """明细账 lines from rows of (date, voucher id, word, number, 摘要, debit fen, credit fen,
    account id, 建账 flag, …), each with the running balance after it, starting from
    ``balance``."""
    for on, voucher_id, word, number, summary, debit, credit, *rest in rows:
        debit_amount, credit_amount = from_fen(int(debit)), from_fen(int(credit))
        balance += debit_amount - credit_amount
        yield LedgerLine(on, voucher_id, f"{word}-{number}", summary, debit_amount,
                         credit_amount, balance, int(rest[0]) if rest else 0,
                         bool(rest[1]) if len(rest) > 1 else False)


LEDGER_PAGE = 200
"""Lines of a 明细账 or 日记账 page on screen (the exports hold the whole period)."""


@dataclass(frozen=True)
class LedgerPage:
    """One page of a 明细账: the balance before the period, the balance brought forward to the
    page (承前页), its lines with running balances, and the period's count and totals."""

    opening: Decimal
    forward: Decimal
    lines: list[LedgerLine]
    page: int
    per_page: int
    total: int
    debit: Decimal
    credit: Decimal
    days: dict[dt.date, tuple[Decimal, Decimal]] = field(default_factory=dict)
    """With ``daily``: each day's debits and credits, the whole day's (a day may begin on
    the page before), for a 日记账's 本日合计."""
    next_day: dt.date | None = None
    """The day of the next page's first line (a day that continues there is totalled there)."""

    @property
    def pages(self) -> int:
        """How many pages the period has (at least one)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def detail_ledger_page(org: Organisation, account: Account, start: dt.date, end: dt.date, *,
                       page: int, per_page: int | None = None, daily: bool = False,
                       ) -> LedgerPage:
    """One page of :func:`detail_ledger`, read without the other pages' lines: only the
    page's rows are sent (明细账 order: date, voucher number, line), the balance brought
    forward is the opening plus two sums — the period's lines of earlier days, and those of
    the page's first day ordered before its first line — and the period's count and totals
    are one aggregate. ``daily`` (a 日记账) adds the totals of the page's days and the day
    the next page starts on."""
    per_page = per_page or LEDGER_PAGE
    ids = [account.id, *[a.id for a in descendants(account)]]
    opening = _balance_before(org.id, ids, start)
    where = (_lines.organisation_id == org.id, _lines.account_id.in_(ids),
             _lines.posted.is_(True), _lines.on >= start, _lines.on <= end)
    total, debit, credit = db.session.execute(
        sa.select(sa.func.count(), sa.func.sum(_DEBIT), sa.func.sum(_CREDIT)).where(*where)).one()
    pages = max(1, -(-int(total) // per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        sa.select(_lines.on, Voucher.id, Voucher.word, Voucher.number, _lines.summary,
                  _DEBIT, _CREDIT, _lines.account_id, _lines.opening, _lines.line_no)
        .join(Voucher, Voucher.id == _lines.voucher_id).where(*where)
        .order_by(_lines.on, Voucher.number, _lines.line_no)
        .limit(per_page + 1).offset((page - 1) * per_page)).all()
    next_day = rows[per_page][0] if len(rows) > per_page else None
    rows = rows[:per_page]
    days: dict[dt.date, tuple[Decimal, Decimal]] = {}
    if daily and rows:
        days = {on: (from_fen(int(d or 0)), from_fen(int(c or 0))) for on, d, c in
                db.session.execute(sa.select(_lines.on, sa.func.sum(_DEBIT), sa.func.sum(_CREDIT))
                                   .where(*where, _lines.on.in_({r[0] for r in rows}))
                                   .group_by(_lines.on))}
    forward = opening
    if rows and page > 1:
        day, number, line_no = rows[0][0], rows[0][3], rows[0][9]
        earlier_days = db.session.scalar(sa.select(sa.func.sum(_DEBIT - _CREDIT)).where(
            *where, _lines.on < day))
        same_day = db.session.scalar(
            sa.select(sa.func.sum(_DEBIT - _CREDIT))
            .join(Voucher, Voucher.id == _lines.voucher_id).where(
                *where, _lines.on == day, sa.or_(
                    Voucher.number < number,
                    sa.and_(Voucher.number == number, _lines.line_no < line_no))))
        forward += from_fen(int(earlier_days or 0)) + from_fen(int(same_day or 0))
    return LedgerPage(opening, forward, list(_running(rows, forward)), page, per_page, int(total),
                      from_fen(int(debit or 0)), from_fen(int(credit or 0)), days, next_day)


def month_totals(org: Organisation, account: Account, start: dt.date, end: dt.date,
                 ) -> tuple[Decimal, dict[tuple[int, int], tuple[Decimal, Decimal]]]:
    """总账: an account's (with its sub-accounts) balance before ``start`` and each month's
    debits and credits, from the month-balance index for whole months, else from the lines."""
    ids = [account.id, *[a.id for a in descendants(account)]]
    indexed = month_index.account_months(org.id, ids, start, end)
    if indexed is not None:
        return indexed
    opening, lines = detail_ledger(org, account, start, end)
    by_month: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}
    for line in lines:
        debit, credit = by_month.get((line.on.year, line.on.month), (ZERO, ZERO))
        by_month[(line.on.year, line.on.month)] = (debit + line.debit, credit + line.credit)
    return opening, dict(sorted(by_month.items()))


def monthly_sql_changes(org: Organisation) -> dict[tuple[int, int, int], Decimal]:
    """Net posted change of each leaf account in each month: (account id, year, month) → amount."""
    year = sa.extract("year", _lines.on)
    month = sa.extract("month", _lines.on)
    query = (sa.select(_lines.account_id, year, month, sa.func.sum(_DEBIT - _CREDIT))
             .where(_lines.organisation_id == org.id, _lines.posted.is_(True))
             .group_by(_lines.account_id, year, month))
    return {(account_id, int(y), int(m)): from_fen(int(total or 0))
            for account_id, y, m, total in db.session.execute(query)}


def lowest_cash_balances(org: Organisation, start: dt.date, end: dt.date,
                         ) -> list[tuple[Account, dt.date, Decimal]]:
    """Each open cash or bank leaf account (库存现金, 银行存款) whose posted balance fell below
    zero at the end of some day from ``start`` to ``end``: the account, the first such day and
    the lowest balance (a 现金日记账 that goes red shows money paid out that was not there)."""
    leaves = cash_accounts(org)
    if not leaves:
        return []
    ids = [account.id for account in leaves]
    opening: dict[int, int] = dict(db.session.execute(sa.select(
        _lines.account_id, sa.func.sum(_DEBIT - _CREDIT)).where(
        _lines.account_id.in_(ids), _lines.posted.is_(True), _lines.on < start)
        .group_by(_lines.account_id)).all())
    days = db.session.execute(sa.select(
        _lines.account_id, _lines.on, sa.func.sum(_DEBIT - _CREDIT)).where(
        _lines.account_id.in_(ids), _lines.posted.is_(True), _lines.on >= start,
        _lines.on <= end).group_by(_lines.account_id, _lines.on)
        .order_by(_lines.account_id, _lines.on)).all()
    running = {account_id: int(opening.get(account_id) or 0) for account_id in ids}
    found: dict[int, tuple[dt.date, int]] = {}
    for account_id, day, change in days:
        running[account_id] += int(change or 0)
        if running[account_id] < 0:
            first, lowest = found.get(account_id, (day, running[account_id]))
            found[account_id] = (first, min(lowest, running[account_id]))
    return [(account, found[account.id][0], from_fen(found[account.id][1]))
            for account in leaves if account.id in found]
