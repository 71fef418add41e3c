"""The reports of the books as tables: 科目余额表, 总账, 明细账, 日记账 and the statements.

Every report is built from SQL aggregates (``ledger.queries``) and returned as a
:class:`ReportTable`, which the screen, PDF, XLSX and CSV outputs all render. The statutory
statements read their lines from ``ledger/data/statements_<standard>.toml`` (line → formula),
because some official line items are not yet confirmed. Credit-normal lines are shown positive.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_
from coopledger.ledger import rules
from coopledger.ledger.models import Account, Category
from coopledger.ledger.queries import (
    LedgerLine,
    LedgerPage,
    Movement,
    accounts,
    descendants,
    detail_ledger,
    detail_ledger_page,
    leaf_balances,
    month_totals,
    movements,
    rolled_up,
    streamed_detail_ledger,
)
from coopledger.ledger.standards import STANDARDS
from coopledger.money import ZERO
from coopledger.orgs.models import AccountingStandard, Organisation

DATA_DIR = Path(__file__).resolve().parent / "data"
Cell = str | Decimal | int | None


class ReportError(CoopLedgerError):
    """A report that cannot be produced as asked."""

    message = N_("无法生成该报表。")


@dataclass(frozen=True)
class Target:
    """Where a figure of a report leads on screen (its cell ``column`` is the link): the 明细账
    of ``account`` for ``period`` (the report's own period when None), or a voucher."""

    column: int
    account: str | None = None
    period: str | None = None
    voucher_id: int | None = None


@dataclass
class ReportTable:
    """A titled table: what every output format renders."""

    title: str
    subtitle: str
    columns: list[str]
    money: set[int]
    rows: list[list[Cell]] = field(default_factory=list)
    bold: set[int] = field(default_factory=set)
    targets: dict[int, Target] = field(default_factory=dict)
    """Row index → the drill-down of that row (the screen links it; files do not)."""
    form: str = ""
    paging: LedgerPage | None = None   # a screen page of a 明细账 or 日记账 (pager.html)
    streamed: Iterator[list[Cell]] | None = None
    """Rows read while they are written, after ``rows`` (a whole period's 明细账 or 日记账
    exported as CSV: the year of a busy account is never held in memory at once)."""

    def add(self, cells: list[Cell], *, bold: bool = False, target: Target | None = None,
            ) -> None:
        """Append a row (with where it leads, when it leads somewhere)."""
        if bold:
            self.bold.add(len(self.rows))
        if target is not None:
            self.targets[len(self.rows)] = target
        self.rows.append(cells)


def _split(balance: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """A signed balance as (借, 贷) cells."""
    if balance > 0:
        return balance, None
    if balance < 0:
        return None, -balance
    return None, None


def _direction(balance: Decimal) -> str:
    return "借" if balance > 0 else "贷" if balance < 0 else "平"


def _range_label(start: dt.date, end: dt.date) -> str:
    return f"{start.isoformat()} 至 {end.isoformat()}"


def _year_start(start: dt.date, end: dt.date) -> dt.date | None:
    """The first day of ``end``'s year when the period starts later than it (a month, a
    quarter, a range within the year): the 本年累计 figures run from there; None when the
    period's own figures are the year's so far."""
    first = dt.date(end.year, 1, 1)
    return first if start > first else None


def trial_balance(org: Organisation, start: dt.date, end: dt.date, *, level: int = 9,
                  **_: Any) -> ReportTable:
    """科目余额表: opening, period debit and credit, the year's so far (本年累计, when the period
    starts after 1 January), closing — for accounts down to ``level``; each account leads to
    its 明细账 of the period."""
    year_from = _year_start(start, end)
    cumulative = ["本年累计借方", "本年累计贷方"] if year_from else []
    table = ReportTable("科目余额表", f"{org.name}　{_range_label(start, end)}",
                        ["科目编码", "科目名称", "期初借方", "期初贷方", "本期借方", "本期贷方",
                         *cumulative, "期末借方", "期末贷方"],
                        money=set(range(2, 8 + len(cumulative))))
    totals = rolled_up(org, movements(org, start, end))
    year = rolled_up(org, movements(org, year_from, end)) if year_from else {}
    grand = year_grand = Movement()
    for account in accounts(org):
        movement = totals.get(account.id)
        if movement is None or account.level > level:
            continue
        so_far = year.get(account.id, Movement())
        if account.parent_id is None:
            grand, year_grand = grand + movement, year_grand + so_far
        table.add([account.code, ("　" * (account.level - 1)) + account.name,
                   *_split(movement.opening), movement.debit or None, movement.credit or None,
                   *([so_far.debit or None, so_far.credit or None] if year_from else []),
                   *_split(movement.closing)], bold=account.parent_id is None,
                  target=Target(0, account=account.code))
    opening_debit = sum((m.opening for m in _tops(org, totals) if m.opening > 0), ZERO)
    opening_credit = -sum((m.opening for m in _tops(org, totals) if m.opening < 0), ZERO)
    closing_debit = sum((m.closing for m in _tops(org, totals) if m.closing > 0), ZERO)
    closing_credit = -sum((m.closing for m in _tops(org, totals) if m.closing < 0), ZERO)
    table.add(["", "合计", opening_debit, opening_credit, grand.debit, grand.credit,
               *([year_grand.debit, year_grand.credit] if year_from else []),
               closing_debit, closing_credit], bold=True)
    return table


def _tops(org: Organisation, totals: dict[int, Movement]) -> list[Movement]:
    return [totals[a.id] for a in accounts(org) if a.parent_id is None and a.id in totals]


def _account(org: Organisation, code: str | None) -> Account:
    if not code:
        raise ReportError(N_("请选择科目。"))
    for account in accounts(org):
        if account.code == code:
            return account
    raise ReportError(N_("科目 %(code)s 不存在。"), code=code)


def general_ledger(org: Organisation, start: dt.date, end: dt.date, *,
                   account: str | None = None, **_: Any) -> ReportTable:
    """总账: month by month, each month's debits, credits and balance, with the year's totals."""
    target = _account(org, account)
    table = ReportTable("总账", f"{org.name}　{target.label}　{_range_label(start, end)}",
                        ["月份", "摘要", "借方", "贷方", "方向", "余额"], money={2, 3, 5})
    opening, by_month = month_totals(org, target, start, end)
    table.add(["", "期初余额", None, None, _direction(opening), abs(opening)], bold=True)
    balance = opening
    year_debit = year_credit = ZERO
    for (year, month), (debit, credit) in sorted(by_month.items()):
        balance += debit - credit
        year_debit, year_credit = year_debit + debit, year_credit + credit
        table.add([f"{year}-{month:02d}", "本月合计", debit, credit, _direction(balance),
                   abs(balance)], target=Target(0, account=target.code,
                                                period=f"{year}-{month:02d}"))
        table.add([f"{year}-{month:02d}", "累计", year_debit, year_credit, _direction(balance),
                   abs(balance)], bold=True)
    return table


def detail_ledger_table(org: Organisation, start: dt.date, end: dt.date, *,
                        account: str | None = None, title: str = "明细账",
                        page: int | None = None, streamed: bool = False, daily: bool = False,
                        **_: Any) -> ReportTable:
    """明细账: every posted line of an account with the running balance — or, with ``page``
    (the screen), one page of them between 期初余额/承前页 and 本页合计, the last page ending
    with the period's 本期合计; ``streamed`` leaves the rows in :attr:`ReportTable.streamed`,
    read from the database as they are written out. A period that starts after 1 January
    ends with the year's 本年累计 too; each line leads to its voucher. ``daily`` (the 日记账)
    closes each day with its 本日合计 (:func:`_daily`)."""
    target = _account(org, account)
    table = ReportTable(title, f"{org.name}　{target.code} {target.full_name}　"
                        f"{_range_label(start, end)}",
                        ["日期", "凭证号", "摘要", "借方", "贷方", "方向", "余额"], money={3, 4, 6})
    year_from = _year_start(start, end)
    so_far = _year_so_far(org, target, year_from, end) if year_from else None
    if page is not None:
        table.paging = detail_ledger_page(org, target, start, end, page=page, daily=daily)
        rows = _page_rows(table.paging, start)
        if daily:
            rows = _daily(rows, totals={d.isoformat(): t for d, t in table.paging.days.items()},
                          continues=table.paging.next_day.isoformat()
                          if table.paging.next_day else None)
        if not table.paging.has_next:
            rows = _with_year(rows, so_far)
        for row, bold, link in rows:
            table.add(row, bold=bold, target=link)
        return table
    if streamed:
        table.streamed = (row for row, _bold, _link in _with_year(_daily_if(daily, _period_rows(
            streamed_detail_ledger(org, target, start, end), start)), so_far))
        return table
    opening, lines = detail_ledger(org, target, start, end)
    for row, bold, link in _with_year(_daily_if(daily, _period_rows([(opening, iter(lines))],
                                                                     start)), so_far):
        table.add(row, bold=bold, target=link)
    return table


Row = tuple[list[Cell], bool, Target | None]
"""A row of a 明细账, whether it is a bold (carried or total) row, and the voucher it shows."""


def _daily(rows: Iterator[Row], *, totals: dict[str, tuple[Decimal, Decimal]] | None = None,
           continues: str | None = None) -> Iterator[Row]:
    """The rows of a 日记账 with a bold 本日合计 after the last line of each day: the day's
    debits, credits and the balance at its end — 日清: the cashier closes each day's balance
    and counts the cash against it (现金管理暂行条例实施细则, 村级财务管理 "日清月结",
    ``county-platforms.md`` §2). On a screen page ``totals`` gives each whole day's sums (a day
    may begin on the page before) and the day ``continues`` on the next page is totalled
    there."""
    day: str | None = None
    debit = credit = ZERO
    last: list[Cell] = []

    def closing() -> Row:
        sums = totals.get(day or "", (debit, credit)) if totals is not None else (debit, credit)
        return ["", "", "本日合计", sums[0], sums[1], last[5], last[6]], True, None

    for cells, bold, link in rows:
        is_line = link is not None
        if day is not None and (not is_line or cells[0] != day):
            if is_line or day != continues:
                yield closing()
            day = None
        if is_line:
            if day is None:
                day, debit, credit = str(cells[0]), ZERO, ZERO
            debit += cells[3] or ZERO     # type: ignore[operator]
            credit += cells[4] or ZERO    # type: ignore[operator]
            last = cells
        yield cells, bold, link
    if day is not None and day != continues:
        yield closing()


def _daily_if(daily: bool, rows: Iterator[Row]) -> Iterator[Row]:
    return _daily(rows) if daily else rows


def _year_so_far(org: Organisation, account: Account, year_from: dt.date, end: dt.date,
                 ) -> tuple[Decimal, Decimal]:
    """The account's debits and credits from 1 January to ``end`` (本年累计)."""
    _opening, by_month = month_totals(org, account, year_from, end)
    return (sum((debit for debit, _credit in by_month.values()), ZERO),
            sum((credit for _debit, credit in by_month.values()), ZERO))


def _with_year(rows: Iterator[Row], so_far: tuple[Decimal, Decimal] | None) -> Iterator[Row]:
    """The rows, then 本年累计 under the last (本期合计) row when the period is part of a year."""
    last: Row | None = None
    for row in rows:
        if last is not None:
            yield last
        last = row
    if last is None:
        return
    yield last
    if so_far is not None:
        yield ["", "", "本年累计", so_far[0], so_far[1], last[0][5], last[0][6]], True, None


def _line_row(line: LedgerLine) -> Row:
    return ([line.on.isoformat(), line.voucher, line.summary, line.debit or None,
             line.credit or None, _direction(line.balance), abs(line.balance)], False,
            Target(1, voucher_id=line.voucher_id))


def _page_rows(found: LedgerPage, start: dt.date) -> Iterator[Row]:
    """The rows of a 明细账 screen page: 期初余额 or 承前页, the lines, then 本页合计（过次页）
    or, on the last page, the period's 本期合计."""
    first = found.page == 1
    yield ([start.isoformat() if first else "", "", "期初余额" if first else "承前页",
            None, None, _direction(found.forward), abs(found.forward)], True, None)
    debit = credit = ZERO
    for line in found.lines:
        debit, credit = debit + line.debit, credit + line.credit
        yield _line_row(line)
    if found.has_next:
        after = found.forward + debit - credit
        yield (["", "", "本页合计（过次页）", debit, credit, _direction(after), abs(after)],
               True, None)
    else:
        closing = found.opening + found.debit - found.credit
        yield (["", "", "本期合计", found.debit, found.credit, _direction(closing),
                abs(closing)], True, None)


def _period_rows(ledger: Iterable[tuple[Decimal, Iterator[LedgerLine]]], start: dt.date,
                 ) -> Iterator[Row]:
    """The rows of a whole period's 明细账 (one page): 期初余额, the lines as they are read,
    then 本期合计 with the totals summed on the way. ``ledger`` gives one (opening, lines)
    pair — a streamed read keeps its snapshot open while it is iterated."""
    for opening, lines in ledger:
        yield ([start.isoformat(), "", "期初余额", None, None, _direction(opening),
                abs(opening)], True, None)
        debit = credit = ZERO
        for line in lines:
            debit, credit = debit + line.debit, credit + line.credit
            yield _line_row(line)
        closing = opening + debit - credit
        yield (["", "", "本期合计", debit, credit, _direction(closing), abs(closing)], True,
               None)


def bound_ledger(org: Organisation, account: Account, year: int, *,
                 analysed: list[Account] | None = None) -> ReportTable:
    """A year's 明细账 of ``account`` as it is bound: the balance brought in, each month's lines
    followed by 本月合计 and 本年累计 (三栏式). With ``analysed`` (多栏式, for an income or
    expense account with sub-accounts) each line's amount also stands in its sub-account's
    column — the debit less the credit for an expense, the credit less the debit for income."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    columns = analysed or []
    credit_side = account.category is Category.INCOME
    index = {leaf.id: position for position, leaf in enumerate(columns)}
    for position, leaf in enumerate(columns):
        for below in [leaf, *descendants(leaf)]:
            index[below.id] = position
    style = "多栏式明细账" if columns else "明细账"
    table = ReportTable(style, f"{org.name}　{account.code} {account.full_name}　{year}",
                        ["日期", "凭证号", "摘要", "借方", "贷方", "方向", "余额",
                         *[leaf.name for leaf in columns]],
                        money={3, 4, 6, *range(7, 7 + len(columns))})
    before, lines = detail_ledger(org, account, start, end)
    # the 建账 voucher of books opened this year is the balance brought in, not the year's
    opening = before + sum((line.debit - line.credit for line in lines if line.opening), ZERO)
    empty: list[Cell] = [None] * len(columns)
    table.add([start.isoformat(), "", "期初余额", None, None, _direction(opening),
               abs(opening), *empty], bold=True)
    balance = opening
    year_debit = year_credit = ZERO
    year_split = [ZERO] * len(columns)
    by_month: dict[int, list[LedgerLine]] = defaultdict(list)
    for line in lines:
        if not line.opening:
            by_month[line.on.month].append(line)
    for month in sorted(by_month):
        debit = credit = ZERO
        split = [ZERO] * len(columns)
        for line in by_month[month]:
            debit, credit = debit + line.debit, credit + line.credit
            balance += line.debit - line.credit
            cells: list[Cell] = [None] * len(columns)
            if line.account_id in index:
                amount = line.credit - line.debit if credit_side else line.debit - line.credit
                cells[index[line.account_id]] = amount
                split[index[line.account_id]] += amount
            table.add([line.on.isoformat(), line.voucher, line.summary, line.debit or None,
                       line.credit or None, _direction(balance), abs(balance),
                       *cells], target=Target(1, voucher_id=line.voucher_id))
        year_debit, year_credit = year_debit + debit, year_credit + credit
        year_split = [a + b for a, b in zip(year_split, split, strict=True)]
        table.add(["", "", "本月合计", debit, credit, _direction(balance), abs(balance),
                   *split], bold=True)
        table.add(["", "", "本年累计", year_debit, year_credit, _direction(balance),
                   abs(balance), *year_split], bold=True)
    return table


def cash_journal(org: Organisation, start: dt.date, end: dt.date, *, page: int | None = None,
                 streamed: bool = False, **_: Any) -> ReportTable:
    """现金日记账: the 库存现金 account's lines day by day."""
    return detail_ledger_table(org, start, end, account=STANDARDS[org.standard].cash,
                               title="现金日记账", page=page, streamed=streamed, daily=True)


def bank_journal(org: Organisation, start: dt.date, end: dt.date, *,
                 account: str | None = None, page: int | None = None,
                 streamed: bool = False, **_: Any) -> ReportTable:
    """银行日记账: the 银行存款 account (or one bank sub-account)."""
    return detail_ledger_table(org, start, end, account=account or STANDARDS[org.standard].bank,
                               title="银行日记账", page=page, streamed=streamed, daily=True)


@cache
def statement_lines(standard: AccountingStandard) -> dict[str, Any]:
    """The statement definitions of a standard (parsed TOML)."""
    path = DATA_DIR / f"statements_{standard.value}.toml"
    with path.open("rb") as handle:
        return tomllib.load(handle)


class _Figures:
    """Leaf balances and flows grouped by account code (code = account and its subtree)."""

    def __init__(self, org: Organisation) -> None:
        self.accounts = accounts(org)
        self.by_id = {a.id: a for a in self.accounts}
        self.leaves_of: dict[str, list[int]] = defaultdict(list)
        for account in self.accounts:
            if account.is_leaf:
                current: Account | None = account
                while current is not None:
                    self.leaves_of[current.code].append(account.id)
                    current = self.by_id.get(current.parent_id) if current.parent_id else None
        self.pl_leaves = [a.id for a in self.accounts
                          if a.is_leaf and a.category in (Category.INCOME, Category.EXPENSE)]

    def total(self, code: str, values: dict[int, Decimal]) -> Decimal:
        return sum((values.get(i, ZERO) for i in self.leaves_of.get(code, [])), ZERO)


def _evaluate(lines: list[dict[str, Any]], term_value: Callable[[rules.Term], Decimal],
              ) -> dict[int, Decimal]:
    values: dict[int, Decimal] = {}
    for line in lines:
        sign = 1 if line["side"] == "debit" else -1
        total = ZERO
        for term in rules.parse_formula(line["formula"]):
            if term.kind == "line":
                total += term.sign * values[int(term.ref)]
            else:
                total += term.sign * sign * term_value(term)
        values[int(line["no"])] = total
    return values


def _balance_values(org: Organisation, figures: _Figures, as_of: dt.date, *,
                    openings_until: dt.date | None = None) -> Callable[[rules.Term], Decimal]:
    balances = leaf_balances(org, as_of=as_of, openings_until=openings_until)

    def value(term: rules.Term) -> Decimal:
        if term.kind == "pl":
            return sum((balances.get(i, ZERO) for i in figures.pl_leaves), ZERO)
        leaves = figures.leaves_of.get(term.ref, [])
        if term.kind == "dbal":
            return sum((balances.get(i, ZERO) for i in leaves if balances.get(i, ZERO) > 0), ZERO)
        if term.kind == "cbal":
            return sum((balances.get(i, ZERO) for i in leaves if balances.get(i, ZERO) < 0), ZERO)
        return figures.total(term.ref, balances)

    return value


def _flow_values(org: Organisation, figures: _Figures, start: dt.date, end: dt.date,
                 ) -> Callable[[rules.Term], Decimal]:
    moves = movements(org, start, end, exclude_closing=True)
    net = {i: m.debit - m.credit for i, m in moves.items()}
    debits = {i: m.debit for i, m in moves.items()}
    opening = {i: m.opening for i, m in moves.items()}

    def value(term: rules.Term) -> Decimal:
        if term.kind == "pl":
            return sum((net.get(i, ZERO) for i in figures.pl_leaves), ZERO)
        source = {"flow": net, "dflow": debits, "open": opening}.get(term.kind, net)
        return figures.total(term.ref, source)

    return value


def balance_sheet(org: Organisation, start: dt.date, end: dt.date, **_: Any) -> ReportTable:
    """资产负债表 at ``end``, with the balances at the start of that year beside it."""
    spec = statement_lines(org.standard)["balance_sheet"]
    figures = _Figures(org)
    year_start = dt.date(end.year, 1, 1) - dt.timedelta(days=1)
    current = _evaluate(spec["lines"], _balance_values(org, figures, end))
    previous = _evaluate(spec["lines"], _balance_values(org, figures, year_start,
                                                        openings_until=end))
    table = ReportTable(spec["title"], f"{org.name}　{end.isoformat()}",
                        ["项目", "行次", "期末余额", "年初余额"], money={2, 3}, form=spec["form"])
    for line in spec["lines"]:
        no = int(line["no"])
        table.add([line["label"], no, current[no], previous[no]],
                  bold="合计" in line["label"] or "总计" in line["label"])
    return table


def income_statement(org: Organisation, start: dt.date, end: dt.date, **_: Any) -> ReportTable:
    """收益及收益分配表 / 盈余及盈余分配表 for the range, with the year so far (本年累计, when the
    range starts after 1 January) and the same range a year earlier."""
    spec = statement_lines(org.standard)["income_statement"]
    figures = _Figures(org)
    current = _evaluate(spec["lines"], _flow_values(org, figures, start, end))
    earlier = _evaluate(spec["lines"], _flow_values(org, figures, _year_back(start),
                                                    _year_back(end)))
    year_from = _year_start(start, end)
    so_far = (_evaluate(spec["lines"], _flow_values(org, figures, year_from, end))
              if year_from else None)
    table = ReportTable(spec["title"], f"{org.name}　{_range_label(start, end)}",
                        ["项目", "行次", "本期金额", *(["本年累计金额"] if so_far else []),
                         "上年同期金额"], money={2, 3, 4} if so_far else {2, 3},
                        form=spec["form"])
    codes = {account.code for account in figures.accounts}
    for line in spec["lines"]:
        if line.get("only_if_account") and line["only_if_account"] not in codes:
            continue   # 提取福利费: 应付福利费 was removed in 2023; shown if the chart has it
        no = int(line["no"])
        table.add([line["label"], no, current[no], *([so_far[no]] if so_far else []),
                   earlier[no]], bold=line["formula"].startswith("L"))
    return table


@dataclass(frozen=True)
class YearStatements:
    """The lines of a year's statements by line number: what upward filings read
    (``filings``), computed by the same formulas as the statements on screen."""

    balance_end: dict[int, Decimal]     # 资产负债表 at 31 December, 期末余额
    balance_start: dict[int, Decimal]   # the same lines at the start of the year, 年初余额
    income: dict[int, Decimal]          # 收益及收益分配表 / 盈余及盈余分配表 of the year
    accounts: list[Account]                     # the whole chart, with the user's sub-accounts
    balances: dict[int, Decimal]                # leaf account id → balance at 31 December
    flows: dict[int, Decimal]                   # leaf account id → debit − credit in the year,
                                                # the year-end closing vouchers left out


def year_statements(org: Organisation, year: int) -> YearStatements:
    """The year's 资产负债表 (期末, 年初) and 收益(盈余)及分配表 lines, and its leaf balances."""
    spec = statement_lines(org.standard)
    figures = _Figures(org)
    end = dt.date(year, 12, 31)
    before = dt.date(year, 1, 1) - dt.timedelta(days=1)
    lines = spec["balance_sheet"]["lines"]
    moves = movements(org, dt.date(year, 1, 1), end, exclude_closing=True)
    return YearStatements(
        balance_end=_evaluate(lines, _balance_values(org, figures, end)),
        balance_start=_evaluate(lines, _balance_values(org, figures, before,
                                                       openings_until=end)),
        income=_evaluate(spec["income_statement"]["lines"],
                         _flow_values(org, figures, dt.date(year, 1, 1), end)),
        accounts=figures.accounts, balances=leaf_balances(org, as_of=end),
        flows={i: m.debit - m.credit for i, m in moves.items()})


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def equity_changes(org: Organisation, start: dt.date, end: dt.date, **_: Any) -> ReportTable:
    """成员权益变动表 (合作社, 会农社03表): opening, increases, decreases and closing of each
    equity item, with the 其中 rows the form's 编制说明 names.

    A column sums its accounts' movements, year-end closing vouchers left out. The ``pl`` term
    of 未分配盈余 stands for the year's 盈余 carried in at year end: it adds the result of the
    income and expense accounts (a loss is a decrease), not their every debit and credit; the
    column's other decreases are the year's distributions (debits to 盈余分配—各项分配), listed
    item by item under 其中."""
    spec = statement_lines(org.standard).get("equity_changes")
    if spec is None:
        raise ReportError(N_("成员权益变动表只适用于农民专业合作社会计制度。"))
    figures = _Figures(org)
    moves = movements(org, start, end, exclude_closing=True)
    items = STANDARDS[org.standard].appropriation_items
    item_leaves = {code: set(figures.leaves_of.get(code, [])) for code, _name in items}
    columns = spec["columns"]
    rows: dict[str, list[Decimal | None]] = {
        "年初余额": [], "本年增加数": [], "其中：本年盈余": [], "本年减少数": [],
        **{f"其中：{name}": [] for _code, name in items}, "年末余额": []}
    for column in columns:
        terms = column["formula"].replace("+", " ").split()
        leaves = [i for term in terms if term != "pl" for i in figures.leaves_of.get(term, [])]
        pl = figures.pl_leaves if "pl" in terms else []
        opening = -sum((moves[i].opening for i in [*leaves, *pl] if i in moves), ZERO)
        increase = sum((moves[i].credit for i in leaves if i in moves), ZERO)
        decrease = sum((moves[i].debit for i in leaves if i in moves), ZERO)
        surplus = sum((moves[i].credit - moves[i].debit for i in pl if i in moves), ZERO)
        increase, decrease = (increase + surplus, decrease) if surplus >= 0 else \
            (increase, decrease - surplus)
        rows["年初余额"].append(opening)
        rows["本年增加数"].append(increase)
        rows["其中：本年盈余"].append(surplus if pl else None)
        rows["本年减少数"].append(decrease)
        for code, name in items:
            rows[f"其中：{name}"].append(
                sum((moves[i].debit for i in leaves if i in moves and i in item_leaves[code]),
                    ZERO) if pl else None)
        rows["年末余额"].append(opening + increase - decrease)
    table = ReportTable(spec["title"], f"{org.name}　{_range_label(start, end)}",
                        ["项目", *[c["label"] for c in columns], "合计"],
                        money=set(range(1, len(columns) + 2)), form=spec["form"])
    for label, amounts in rows.items():
        total = sum((a for a in amounts if a is not None), ZERO)
        table.add([label, *amounts, total], bold=label in ("年初余额", "年末余额"))
    return table


REPORTS: dict[str, tuple[str, Callable[..., ReportTable], bool]] = {
    # name: (title, builder, needs an account)
    "trial_balance": ("科目余额表", trial_balance, False),
    "general_ledger": ("总账", general_ledger, True),
    "detail_ledger": ("明细账", detail_ledger_table, True),
    "cash_journal": ("现金日记账", cash_journal, False),
    "bank_journal": ("银行日记账", bank_journal, False),
    "balance_sheet": ("资产负债表", balance_sheet, False),
    "income_statement": ("收益（盈余）及分配表", income_statement, False),
    "equity_changes": ("成员权益变动表", equity_changes, False),
}


PAGED = frozenset({"detail_ledger", "cash_journal", "bank_journal"})
"""The reports read line by line, which the screen shows a page at a time."""


def build_report(name: str, org: Organisation, period: str, *, account: str | None = None,
                 level: int = 9, page: int | None = None, streamed: bool = False,
                 ) -> ReportTable:
    """Build report ``name`` for a period text (2024, 2024-03, 2024-Q2, a..b).

    ``level`` limits the trial balance to accounts down to that level (1 = chart accounts);
    ``page`` asks the line-by-line reports (:data:`PAGED`) for one screen page, ``streamed``
    for the whole period read as it is written (a CSV export).
    """
    if name not in REPORTS:
        raise ReportError(N_("没有名为 %(name)s 的报表。"), name=name)
    start, end = rules.parse_period(period)
    return REPORTS[name][1](org, start, end, account=account, level=level,
                            page=page if name in PAGED else None,
                            streamed=streamed and name in PAGED)
