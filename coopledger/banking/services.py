"""Bank statements imported, matched and reconciled month by month; cash counted.

Every change locks the row that guards it and re-checks after the lock: a statement import,
an automatic match and a month marked reconciled lock the account's statement mapping (so two
imports of one account cannot both pass the overlap check, and a match cannot slip in while a
month is being marked); a manual match, an unmatch and a voucher drafted from a line lock the
statement line. A book line is matched at most once (``voucher_line_id`` unique). Services
flush; the request commits once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger import workbook_import as wi
from coopledger.audit.services import record
from coopledger.banking import queries, rules
from coopledger.banking.models import (
    BankStatement,
    CashCount,
    ReconciledMonth,
    StatementLine,
    StatementMapping,
)
from coopledger.banking.rules import BankingError
from coopledger.dates import utcnow
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger import vouchers
from coopledger.ledger.models import Account, Voucher, VoucherLine
from coopledger.ledger.queries import account_balance, open_leaf_codes
from coopledger.ledger.rules import Line
from coopledger.ledger.standards import STANDARDS
from coopledger.locking import lock
from coopledger.money import ZERO
from coopledger.workbooks import csv_as_workbook, is_csv

if TYPE_CHECKING:
    from coopledger.auth.models import User
    from coopledger.files.stores import Store
    from coopledger.orgs.models import Organisation

SHEET = "对账单"


@dataclass(frozen=True)
class MappingData:
    """The bank's headers for each field (see ``StatementMapping``)."""

    header_row: int
    date_column: str
    amount_column: str = ""
    in_column: str = ""
    out_column: str = ""
    balance_column: str = ""
    counterparty_column: str = ""
    reference_column: str = ""
    summary_column: str = ""
    window_days: int = 5


def _locked_mapping(account: Account) -> StatementMapping | None:
    """The account's statement mapping re-read under its lock: the row every change of the
    account's statements, matches and reconciled months is serialised on (None before the
    columns are set)."""
    mapping = queries.mapping_of(account)
    return lock(mapping) if mapping is not None else None


def check_mapping(data: MappingData) -> None:
    """A mapping reads a date and either one signed amount or money in and money out, each
    field from its own column."""
    if not data.date_column.strip():
        raise BankingError(N_("请填写交易日期所在列的列名。"))
    if not data.amount_column.strip() and not (data.in_column.strip()
                                               and data.out_column.strip()):
        raise BankingError(N_("请填写金额列（正数存入、负数支取），或收入列和支出列。"))
    if data.amount_column.strip() and (data.in_column.strip() or data.out_column.strip()):
        raise BankingError(N_("金额列与收入/支出列只能选一种。"))
    named = [value.strip() for value in (
        data.date_column, data.amount_column, data.in_column, data.out_column,
        data.balance_column, data.counterparty_column, data.reference_column,
        data.summary_column) if value.strip()]
    if len(set(named)) != len(named):
        raise BankingError(N_("同一列不能对应两个字段。"))
    if not 1 <= data.header_row <= 30:
        raise BankingError(N_("列名所在行应在 1 至 30 之间。"))
    if not 0 <= data.window_days <= 31:
        raise BankingError(N_("勾对允许相差的天数应在 0 至 31 之间。"))


def save_mapping(org: Organisation, account: Account, data: MappingData, *,
                 by: User) -> StatementMapping:
    """Save how the account's statements are read (the first time, or changed)."""
    check_mapping(data)
    mapping = queries.mapping_of(account)
    before = None
    if mapping is None:
        mapping = StatementMapping(account_id=account.id, organisation_id=org.id,
                                   date_column="")
        db.session.add(mapping)
    else:
        lock(mapping)
        before = mapping.headers() | {"header_row": mapping.header_row,
                                      "window_days": mapping.window_days}
    for name, value in vars(data).items():
        setattr(mapping, name, value.strip() if isinstance(value, str) else value)
    mapping.updated_by_id, mapping.updated_at = by.id, utcnow()
    db.session.flush()
    record("bank.mapping", account, by=by, label=f"{account.code} {account.full_name}",
           before=before, after=mapping.headers() | {"header_row": mapping.header_row,
                                                     "window_days": mapping.window_days})
    return mapping


def statement_sheet(mapping: StatementMapping, *, today: dt.date) -> wi.Sheet:
    """The import pipeline's sheet for the mapping: the bank's headers, other columns passed
    over, the header row where the bank puts it."""
    signed = wi.money(minimum=None)
    parsers = {
        "on": wi.date(today=today, what=str(N_("交易日期")), required=str(N_("缺少交易日期。")),
                      bank=True),
        "amount": signed, "money_in": wi.money(), "money_out": wi.money(), "balance": signed,
        "counterparty": wi.text(100), "reference": wi.text(60), "summary": wi.text(200)}
    columns = tuple(wi.Column(key, header, parsers[key], required=True)
                    for key, header in mapping.headers().items())
    return wi.Sheet(None, columns, header_row=mapping.header_row, others_ignored=True)


def _parsed(rows: list[wi.Row], problems: wi.Problems) -> list[rules.ParsedLine]:
    lines: list[rules.ParsedLine] = []
    for row in rows:
        if row.refused:
            continue
        try:
            amount = rules.signed_amount(amount=row.values.get("amount"),
                                         money_in=row.values.get("money_in"),
                                         money_out=row.values.get("money_out"))
        except BankingError as err:
            problems.at(row, None, N_("%(reason)s"), reason=str(err))
            continue
        lines.append(rules.ParsedLine(row.number, row["on"], amount, row.values.get("balance"),
                                      row.values.get("counterparty") or "",
                                      row.values.get("reference") or "",
                                      row.values.get("summary") or ""))
    return lines


def statement_key(sha256: str) -> str:
    """Where a statement file is kept in the store."""
    return f"statements/{sha256[:2]}/{sha256}"


def import_statement(org: Organisation, account: Account, *, content: bytes, filename: str,
                     opening: Decimal | None, by: User, storage: Store, today: dt.date,
                     covers: tuple[dt.date | None, dt.date | None] = (None, None),
                     ) -> BankStatement:
    """Read a statement (XLSX or CSV) through the account's mapping and keep it with its
    lines; refused whole, every problem located, when a row cannot be read, the balances do not
    add up, or its days were imported already. ``covers``: the days the statement is for (its
    对账单期间), by default from the first day of its first line's month to the last day of
    its last line's month."""
    mapping = _locked_mapping(account)
    if mapping is None:
        raise BankingError(N_("请先设置这个银行账户的对账单列名。"))
    workbook = csv_as_workbook(content) if is_csv(content, filename) else content
    sheet = statement_sheet(mapping, today=today)
    found, problems = wi.read(workbook, (sheet,))
    lines = _parsed(found.get(None, []), problems)
    if not problems and not lines:
        raise BankingError(N_("对账单里没有交易行。"))
    if len(lines) > 1 and lines[0].on > lines[-1].on:
        lines.reverse()                    # a bank that lists the newest first
    title = str(SHEET)
    for row, sentence, params in rules.check_balances(lines):
        problems.add(title, row, "", sentence, **params)
    problems.refuse_if_any(downloadable=False)
    start, end = rules.covered(min(line.on for line in lines), max(line.on for line in lines),
                               covers)
    first = rules.opening_of(lines, opening)
    earlier = [(s.first_on, s.last_on, s.opening, s.closing)
               for s in queries.statements_of(account)]
    rules.check_sequence(first_on=start, last_on=end, opening=first, earlier=earlier)
    digest = hashlib.sha256(content).hexdigest()
    storage.put_once(statement_key(digest), content)
    closing = first + sum((line.amount for line in lines), ZERO)
    statement = BankStatement(
        organisation_id=org.id, account_id=account.id, first_on=start, last_on=end,
        opening=first, closing=closing, line_count=len(lines), sha256=digest,
        filename=Path(filename).name[:200] or "statement", size=len(content),
        uploaded_by_id=by.id, uploaded_at=utcnow())
    db.session.add(statement)
    db.session.flush()
    db.session.add_all(StatementLine(
        statement_id=statement.id, organisation_id=org.id, account_id=account.id, row=line.row,
        on=line.on, amount=line.amount, balance=line.balance, counterparty=line.counterparty,
        reference=line.reference, summary=line.summary) for line in lines)
    db.session.flush()
    record("bank.statement.import", account, by=by,
           label=f"{account.code} {start.isoformat()}…{end.isoformat()}",
           after={"lines": len(lines), "opening": str(first), "closing": str(closing),
                  "sha256": digest})
    return statement


def auto_match(account: Account, *, by: User, now: dt.datetime | None = None) -> int:
    """Match every unmatched statement line of the account that has a book line (``rules.
    match``); the number of pairs made."""
    mapping = _locked_mapping(account)
    if mapping is None:
        return 0
    scope = queries.scope_of(account)
    if scope is None:
        return 0
    window = dt.timedelta(days=mapping.window_days)
    open_lines = queries.statement_lines(account, scope.start, scope.last, unmatched=True)
    if not open_lines:
        return 0
    pairs = queries.drafted_pairs(account, open_lines)
    paired = {statement_id for statement_id, _book in pairs}
    taken = {book_id for _statement, book_id in pairs}
    book = [line for line in queries.book_lines(account, scope.start - window,
                                                scope.last + window, unmatched=True)
            if line.id not in taken]
    pairs += rules.match(queries.bank_entries([line for line in open_lines
                                               if line.id not in paired]),
                         book, window_days=mapping.window_days)
    by_id = {line.id: line for line in open_lines}
    when = now or utcnow()
    for statement_id, book_id in pairs:
        line = by_id[statement_id]
        line.voucher_line_id, line.matched_how = book_id, "auto"
        line.matched_by_id, line.matched_at = by.id, when
    db.session.flush()
    if pairs:
        record("bank.match.auto", account, by=by, label=f"{account.code} {account.full_name}",
               after={"pairs": len(pairs)})
    return len(pairs)


def _refuse_if_reconciled(line: StatementLine, *days: dt.date) -> None:
    done = queries.reconciled_months(line.statement.account)
    for year, month in sorted({(day.year, day.month) for day in days}):
        if (year, month) in done:
            raise BankingError(N_("%(month)s 已标记为对账相符：请先撤销该月的对账，再改勾对。"),
                               month=f"{year}-{month:02d}")


def _lock_account(line: StatementLine) -> None:
    """Serialise the matches of the line's account (its mapping row), then re-read the line."""
    _locked_mapping(line.statement.account)
    lock(line)


def match_lines(line: StatementLine, book_line: VoucherLine, *, by: User) -> StatementLine:
    """Match a statement line to a posted line of the same bank account by hand (the
    account's matches serialised, so two statement lines never take one book line)."""
    _lock_account(line)
    if line.voucher_line_id is not None:
        raise BankingError(N_("这一行对账单已经勾对过了。"))
    if book_line.account_id != line.account_id or not book_line.posted:
        raise BankingError(N_("只能勾对同一银行账户已记账的分录。"))
    if db.session.scalar(sa.select(StatementLine.id).where(
            StatementLine.voucher_line_id == book_line.id)) is not None:
        raise BankingError(N_("这笔账面分录已经与另一行对账单勾对。"))
    rules.check_pair(queries.bank_entries([line])[0], rules.BookLine(
        book_line.id, book_line.on, book_line.debit - book_line.credit, book_line.summary))
    _refuse_if_reconciled(line, line.on, book_line.on)
    line.voucher_line_id, line.matched_how = book_line.id, "manual"
    line.matched_by_id, line.matched_at = by.id, utcnow()
    db.session.flush()
    record("bank.match", line.statement.account, by=by,
           label=f"{line.on.isoformat()} {line.amount}",
           after={"statement_line": line.id, "voucher_line": book_line.id})
    return line


def unmatch(line: StatementLine, *, by: User) -> StatementLine:
    """Undo a match (an automatic one that paired the wrong lines, or a manual slip)."""
    _lock_account(line)
    if line.voucher_line_id is None:
        raise BankingError(N_("这一行对账单没有勾对。"))
    book_line = db.session.get(VoucherLine, line.voucher_line_id)
    _refuse_if_reconciled(line, line.on, *([book_line.on] if book_line else []))
    before = {"statement_line": line.id, "voucher_line": line.voucher_line_id,
              "how": line.matched_how}
    line.voucher_line_id, line.matched_how, line.matched_by_id, line.matched_at = \
        None, "", None, None
    db.session.flush()
    record("bank.unmatch", line.statement.account, by=by,
           label=f"{line.on.isoformat()} {line.amount}", before=before)
    return line


def draft_voucher(line: StatementLine, *, counter_code: str, summary: str, on: dt.date | None,
                  by: User, today: dt.date) -> Voucher:
    """Draft the voucher of a movement only the bank has booked (a bank charge, interest): 借
    the counter account 贷 the bank for money out, 借 the bank 贷 the counter account for
    money in, dated ``on`` (the statement line's day when not given; month-end when the month
    is already posted further, 序时控制); once posted, automatic matching pairs its bank line
    with the statement line whatever the dates."""
    lock(line)
    if line.voucher_line_id is not None:
        raise BankingError(N_("这一行对账单已经勾对过了，不需要再做凭证。"))
    if line.voucher_id is not None:
        raise BankingError(N_("这一行对账单已经生成过凭证 %(voucher)s。"),
                           voucher=line.voucher.label if line.voucher else "")
    account = line.statement.account
    org = account.organisation
    if counter_code not in open_leaf_codes(org) or counter_code == account.code:
        raise BankingError(N_("请选择对方的末级科目。"))
    text = summary.strip() or line.summary or str(N_("银行对账单调整"))
    amount = abs(line.amount)
    lines = [Line(text, counter_code, amount, ZERO), Line(text, account.code, ZERO, amount)] \
        if line.amount < 0 else \
        [Line(text, account.code, amount, ZERO), Line(text, counter_code, ZERO, amount)]
    voucher = vouchers.save_voucher(org, voucher=None, on=on or line.on, lines=lines,
                                    attachment_count=1, by=by, today=today)
    line.voucher = voucher
    db.session.flush()
    record("bank.statement.voucher", account, by=by,
           label=f"{line.on.isoformat()} {line.amount}",
           after={"statement_line": line.id, "voucher": voucher.id})
    return voucher


def mark_reconciled(account: Account, year: int, month: int, *, by: User) -> ReconciledMonth:
    """Mark the month reconciled: refused while its adjusted balances differ."""
    mapping = _locked_mapping(account)
    if mapping is None:
        raise BankingError(N_("请先设置这个银行账户的对账单列名并导入对账单。"))
    if (year, month) in queries.reconciled_months(account):
        raise BankingError(N_("%(month)s 已经标记为对账相符。"), month=f"{year}-{month:02d}")
    table = queries.reconciliation(account, year, month)
    if not table.agrees:
        raise BankingError(N_("调节后余额不相符（企业方 %(book)s，银行方 %(bank)s，相差 "
                              "%(diff)s）：请先勾对或补做凭证。"),
                           book=f"{table.adjusted_book:,.2f}", bank=f"{table.adjusted_bank:,.2f}",
                           diff=f"{table.difference:,.2f}")
    done = ReconciledMonth(organisation_id=mapping.organisation_id, account_id=account.id,
                           year=year, month=month, book_balance=table.book_balance,
                           bank_balance=table.bank_balance, adjusted=table.adjusted_book,
                           reconciled_by_id=by.id, reconciled_at=utcnow())
    db.session.add(done)
    db.session.flush()
    record("bank.reconcile", account, by=by, label=f"{account.code} {year}-{month:02d}",
           after={"book": str(table.book_balance), "bank": str(table.bank_balance),
                  "adjusted": str(table.adjusted_book)})
    return done


def undo_reconciled(account: Account, year: int, month: int, *, by: User) -> None:
    """Take back a month marked reconciled (to correct a match)."""
    _locked_mapping(account)
    done = queries.reconciled_months(account).get((year, month))
    if done is None:
        raise BankingError(N_("%(month)s 没有标记为对账相符。"), month=f"{year}-{month:02d}")
    record("bank.reconcile.undo", account, by=by, label=f"{account.code} {year}-{month:02d}",
           before={"adjusted": str(done.adjusted)})
    db.session.delete(done)
    db.session.flush()


def staff_of(org: Organisation) -> list[User]:
    """The users holding a role on the organisation (who may witness a cash count)."""
    from coopledger.auth.models import RoleAssignment, User

    return list(db.session.scalars(sa.select(User).join(
        RoleAssignment, RoleAssignment.user_id == User.id).where(
        RoleAssignment.organisation_id == org.id, User.is_active_account.is_(True)).distinct()
        .order_by(User.username)))


def record_count(org: Organisation, *, account_code: str, on: dt.date,
                 pieces: dict[Decimal, int], witness: User | None, note: str, by: User,
                 today: dt.date) -> CashCount:
    """Record a 现金盘点 against the 现金日记账 balance of the day; a difference drafts the
    voucher through 待处理财产损溢 (长款: 借 现金 贷 待处理; 短款: 借 待处理 贷 现金), to be
    written off once its cause is known."""
    accounts = {a.code: a for a in queries.cash_leaves(org)}
    account = accounts.get(account_code)
    if account is None:
        raise BankingError(N_("请选择盘点的库存现金科目。"))
    if on > today:
        raise BankingError(N_("盘点日期不能晚于今天。"))
    if witness is None or witness.id == by.id or witness not in staff_of(org):
        raise BankingError(N_("请选择监盘人：本组织的另一位工作人员。"))
    counted = rules.counted_total(pieces)
    book = account_balance(account, as_of=on)
    difference = counted - book
    count = CashCount(organisation_id=org.id, account_id=account.id, on=on,
                      pieces={str(k): v for k, v in pieces.items() if v},
                      counted=counted, book=book, difference=difference, note=note.strip()[:200],
                      counted_by_id=by.id, witness_id=witness.id, created_at=utcnow())
    if difference:
        pending = STANDARDS[org.standard].pending_loss
        leaf = _pending_leaf(org, pending)
        text = str(N_("现金盘点长款")) if difference > 0 else str(N_("现金盘点短款"))
        amount = abs(difference)
        lines = [Line(text, account.code, amount, ZERO), Line(text, leaf, ZERO, amount)] \
            if difference > 0 else \
            [Line(text, leaf, amount, ZERO), Line(text, account.code, ZERO, amount)]
        count.voucher = vouchers.save_voucher(org, voucher=None, on=on, lines=lines,
                                              attachment_count=1, by=by, today=today)
    db.session.add(count)
    db.session.flush()
    record("cash.count", count, by=by, label=f"{account.code} {on.isoformat()}",
           after={"counted": str(counted), "book": str(book), "difference": str(difference),
                  "witness": witness.username})
    return count


def _pending_leaf(org: Organisation, pending: str) -> str:
    """The leaf account difference goes to: 待处理财产损溢 itself, or its first open
    sub-account (待处理流动资产损溢)."""
    leaves = sorted(code for code in open_leaf_codes(org) if code.startswith(pending))
    if not leaves:
        raise BankingError(N_("账套里没有待处理财产损溢（%(code)s）科目。"), code=pending)
    return leaves[0]

