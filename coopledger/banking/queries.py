"""What the reconciliation pages and the month-end check read: an organisation's bank
accounts, the posted lines of a bank account and the statement lines as the pure rules take
them, a month's 银行存款余额调节表, which months are reconciled, and the cash counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from coopledger.banking import rules
from coopledger.banking.models import (
    BankStatement,
    CashCount,
    ReconciledMonth,
    StatementLine,
    StatementMapping,
)
from coopledger.extensions import db
from coopledger.ledger.models import Account, Voucher, VoucherLine
from coopledger.ledger.month_end import Item
from coopledger.ledger.queries import account_balance, open_leaves
from coopledger.ledger.rules import month_end, months_between
from coopledger.ledger.standards import STANDARDS
from coopledger.money import from_fen
from coopledger.orgs.models import Organisation


def bank_accounts(org: Organisation) -> list[Account]:
    """The open leaf accounts under 银行存款: one per bank account of the organisation."""
    return open_leaves(org, codes_from=(STANDARDS[org.standard].bank,))


def cash_leaves(org: Organisation) -> list[Account]:
    """The open leaf accounts under 库存现金 (what a cash count counts)."""
    return open_leaves(org, codes_from=(STANDARDS[org.standard].cash,))


def mapping_of(account: Account) -> StatementMapping | None:
    """How the account's statements are read, once saved."""
    return db.session.scalar(sa.select(StatementMapping).where(
        StatementMapping.account_id == account.id))


def statements_of(account: Account) -> list[BankStatement]:
    """The account's imported statements, in the order of the days they cover."""
    return list(db.session.scalars(sa.select(BankStatement).where(
        BankStatement.account_id == account.id).order_by(BankStatement.first_on)))


def _book_query(account: Account) -> Any:
    return (sa.select(VoucherLine.id, VoucherLine.on, VoucherLine.debit, VoucherLine.credit,
                      VoucherLine.summary, Voucher.word, Voucher.number, Voucher.id)
            .join(Voucher, Voucher.id == VoucherLine.voucher_id)
            .where(VoucherLine.account_id == account.id, VoucherLine.posted.is_(True),
                   VoucherLine.opening.is_(False)))


def _book_line(row: Any) -> rules.BookLine:
    line_id, on, debit, credit, summary, word, number, voucher_id = row
    return rules.BookLine(line_id, on, Decimal(debit) - Decimal(credit), summary,
                          f"{word}-{number}", voucher_id)


def book_lines(account: Account, start: dt.date, end: dt.date, *,
               unmatched: bool = False) -> list[rules.BookLine]:
    """The account's posted lines dated ``start`` … ``end`` (not the 建账 balance), those no
    statement line is matched to when ``unmatched``."""
    query = _book_query(account).where(VoucherLine.on >= start, VoucherLine.on <= end)
    if unmatched:
        query = query.where(~sa.exists().where(StatementLine.voucher_line_id == VoucherLine.id))
    return [_book_line(row) for row in db.session.execute(
        query.order_by(VoucherLine.on, Voucher.number, VoucherLine.line_no))]


CANDIDATE_DAYS = 62
"""Days around a month within which its unmatched book lines are offered for a manual match."""


def open_book_lines(account: Account, year: int, month: int) -> list[rules.BookLine]:
    """The unmatched posted lines a statement line of the month may be matched to by hand."""
    window = dt.timedelta(days=CANDIDATE_DAYS)
    return book_lines(account, dt.date(year, month, 1) - window, month_end(year, month) + window,
                      unmatched=True)


def matched_book_ids(ids: list[int]) -> set[int]:
    """Which of the book lines ``ids`` a statement line is matched to."""
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(StatementLine.voucher_line_id).where(
        StatementLine.voucher_line_id.in_(ids))))


def _bank_line(line: StatementLine) -> rules.BankLine:
    return rules.BankLine(line.id, line.on, line.amount, line.counterparty, line.reference,
                          line.summary)


def statement_lines(account: Account, start: dt.date, end: dt.date, *,
                    unmatched: bool = False) -> list[StatementLine]:
    """The account's statement lines dated ``start`` … ``end``, by date and row."""
    query = sa.select(StatementLine).where(StatementLine.account_id == account.id,
                                           StatementLine.on >= start, StatementLine.on <= end)
    if unmatched:
        query = query.where(StatementLine.voucher_line_id.is_(None))
    return list(db.session.scalars(query.order_by(StatementLine.on, StatementLine.statement_id,
                                                  StatementLine.row)))


def bank_entries(lines: list[StatementLine]) -> list[rules.BankLine]:
    """Statement lines as the matching rule takes them."""
    return [_bank_line(line) for line in lines]


def drafted_pairs(account: Account, lines: list[StatementLine]) -> list[tuple[int, int]]:
    """(statement line, book line) for the unmatched statement lines whose drafted voucher is
    posted: the voucher's line on the bank account with the statement line's amount."""
    drafted = {line.voucher_id: line for line in lines if line.voucher_id is not None}
    if not drafted:
        return []
    rows = db.session.execute(sa.select(VoucherLine.id, VoucherLine.voucher_id,
                                        VoucherLine.debit, VoucherLine.credit).where(
        VoucherLine.voucher_id.in_(list(drafted)), VoucherLine.account_id == account.id,
        VoucherLine.posted.is_(True),
        ~sa.exists().where(StatementLine.voucher_line_id == VoucherLine.id)))
    pairs: list[tuple[int, int]] = []
    for line_id, voucher_id, debit, credit in rows:
        line = drafted.pop(voucher_id, None)
        if line is not None and line.amount == debit - credit:
            pairs.append((line.id, line_id))
    return pairs


class NoStatementError(rules.BankingError):
    """The month cannot be reconciled: the statements do not reach its last day."""


@dataclass(frozen=True)
class Scope:
    """The days the account's statements cover: from the first statement's first day (what
    lies before it was reconciled on paper), and its opening balance."""

    start: dt.date
    last: dt.date
    opening: Decimal


def scope_of(account: Account) -> Scope | None:
    """Where reconciliation of the account starts, or None before any statement."""
    first = db.session.execute(sa.select(BankStatement.first_on, BankStatement.opening).where(
        BankStatement.account_id == account.id).order_by(BankStatement.first_on).limit(1)).first()
    if first is None:
        return None
    last = db.session.scalar(sa.select(sa.func.max(BankStatement.last_on)).where(
        BankStatement.account_id == account.id))
    return Scope(first[0], last or first[0], Decimal(first[1]))


def reconciliation(account: Account, year: int, month: int) -> rules.Reconciliation:
    """The 银行存款余额调节表 of the account at the end of the month (see ``rules``): refused
    while no imported statement reaches the month's last day."""
    from coopledger.i18n import N_

    as_of = month_end(year, month)
    scope = scope_of(account)
    if scope is None or scope.last < as_of or scope.start > as_of:
        raise NoStatementError(N_("%(month)s 的银行对账单还没有导入完整（须覆盖到 %(day)s），"
                                  "不能编制余额调节表。"), month=f"{year}-{month:02d}",
                               day=as_of.isoformat())
    moved = db.session.scalar(sa.select(sa.func.sum(
        sa.type_coerce(StatementLine.amount, sa.BigInteger))).where(
        StatementLine.account_id == account.id, StatementLine.on <= as_of))
    bank_balance = scope.opening + from_fen(int(moved or 0))
    matched_later = sa.select(VoucherLine.id).where(
        VoucherLine.id == StatementLine.voucher_line_id, VoucherLine.on > as_of)
    open_bank = db.session.scalars(sa.select(StatementLine).where(
        StatementLine.account_id == account.id, StatementLine.on <= as_of,
        sa.or_(StatementLine.voucher_line_id.is_(None), sa.exists(matched_later))))
    cleared_by_then = sa.exists().where(StatementLine.voucher_line_id == VoucherLine.id,
                                        StatementLine.on <= as_of)
    open_book = db.session.execute(_book_query(account).where(
        VoucherLine.on >= scope.start, VoucherLine.on <= as_of, ~cleared_by_then)
        .order_by(VoucherLine.on, Voucher.number))
    return rules.reconcile(as_of=as_of, book_balance=account_balance(account, as_of=as_of),
                           bank_balance=bank_balance,
                           unmatched_book=[_book_line(row) for row in open_book],
                           unmatched_bank=[_bank_line(line) for line in open_bank])


def reconciled_months(account: Account) -> dict[tuple[int, int], ReconciledMonth]:
    """The months of the account marked reconciled."""
    return {(row.year, row.month): row for row in db.session.scalars(
        sa.select(ReconciledMonth).where(ReconciledMonth.account_id == account.id))}


def months_of(account: Account) -> list[tuple[int, int]]:
    """The months from the first statement's to the last statement's, newest first."""
    scope = scope_of(account)
    if scope is None:
        return []
    return months_between((scope.start.year, scope.start.month),
                          (scope.last.year, scope.last.month))[::-1]


def unreconciled(org: Organisation, year: int, month: int) -> list[Account]:
    """The bank accounts with posted movements in the month that are not marked reconciled
    for it (what the month-end checklist warns of)."""
    start, end = dt.date(year, month, 1), month_end(year, month)
    moved = sa.select(VoucherLine.account_id).where(
        VoucherLine.organisation_id == org.id, VoucherLine.posted.is_(True),
        VoucherLine.on >= start, VoucherLine.on <= end).distinct()
    done = {row.account_id for row in db.session.scalars(sa.select(ReconciledMonth).where(
        ReconciledMonth.organisation_id == org.id, ReconciledMonth.year == year,
        ReconciledMonth.month == month))}
    moving = set(db.session.scalars(moved))
    return [account for account in bank_accounts(org)
            if account.id in moving and account.id not in done]


def cash_counts(org: Organisation, *, limit: int = 100) -> list[CashCount]:
    """The organisation's cash counts, newest first."""
    return list(db.session.scalars(sa.select(CashCount).where(
        CashCount.organisation_id == org.id).order_by(CashCount.on.desc(), CashCount.id.desc())
        .limit(limit)))


def counted_in(org: Organisation, year: int, month: int) -> bool:
    """Whether the cash was counted at least once in the month."""
    return (db.session.scalar(sa.select(sa.func.count(CashCount.id)).where(
        CashCount.organisation_id == org.id, CashCount.on >= dt.date(year, month, 1),
        CashCount.on <= month_end(year, month))) or 0) > 0


def month_end_check(org: Organisation, year: int, month: int) -> list[Item]:
    """期末检查's warnings: each bank account under reconciliation (its statement columns set)
    with movements in the month that is not marked reconciled, and a month whose cash was
    not counted while the organisation counts its cash (日清月结, 现金管理)."""
    from coopledger.i18n import N_

    mapped = set(db.session.scalars(sa.select(StatementMapping.account_id).where(
        StatementMapping.organisation_id == org.id)))
    items = [Item(N_("%(account)s %(month)s 还没有对账（银行存款余额调节表未标记相符）。"),
                  {"account": f"{account.code} {account.full_name}",
                   "month": f"{year}-{month:02d}"},
                  "banking.month", {"code": org.code, "account_id": account.id, "year": year,
                                    "month": month})
             for account in unreconciled(org, year, month) if account.id in mapped]
    counts_cash = db.session.scalar(sa.select(CashCount.id).where(
        CashCount.organisation_id == org.id).limit(1)) is not None
    if counts_cash and not counted_in(org, year, month):
        items.append(Item(N_("%(month)s 没有现金盘点记录。"), {"month": f"{year}-{month:02d}"},
                          "banking.cash_counts", {"code": org.code}))
    return items
