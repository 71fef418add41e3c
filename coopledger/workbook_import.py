"""The one pipeline every workbook import goes through (households, assets and resources,
opening balances, member volumes): bounded, read by header name, every cell parsed strictly,
every problem located by sheet, row and column — including those found while saving.

1. **Bounded before parsing**: at most ``MAX_BYTES`` of upload and ``Sheet.max_rows`` rows per
   sheet; the zip itself is checked by :func:`coopledger.workbooks.open_workbook`.
2. **Columns by name**: the header row is matched to the template's headers by name (spaces,
   and half- or full-width brackets ignored), so a reordered sheet imports correctly; a missing
   required column, an unknown column or one given twice is refused — never a value stored in
   the wrong field.
3. **Cells strictly**: formula cells are refused with their cell reference (the stored result
   may be stale and is not what the user sees typed); money through :mod:`coopledger.money`
   (more than two decimals, NaN, Infinity and exponents refused, never rounded); numbers
   within the column's bounds; dates as real date cells or ``YYYY-MM-DD`` text only, within the
   plausible window (:mod:`coopledger.plausible`); text within the database column's length.
4. **Saving row by row** in a savepoint each (:meth:`Problems.saving`): what a service refuses
   (a second 户主, a bad phone number) is located at its row and the remaining rows are still
   checked; then, if anything was found, the whole import is refused (the job's transaction
   rolls back) with every problem: the first ``SHOWN`` in the message, all of them in a
   downloadable workbook with a 问题 column (:class:`ImportRefusedError.report`).

Pure of Flask; reads no database itself (the savepoints use the session it is given).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from openpyxl.utils import get_column_letter

from coopledger import plausible
from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_
from coopledger.money import MoneyInputError, parse_money
from coopledger.spreadsheets import add_sheet, append_row, new_sheet, workbook_bytes
from coopledger.workbooks import UnreadableWorkbookError, open_workbook

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
SHOWN = 50
"""Problems named in the message; all of them are in the report workbook."""


class CellError(CoopLedgerError):
    """Why one cell cannot be taken (raised by a parser, located by the pipeline, which puts
    the column's header before the reason)."""


class FieldError(CellError):
    """A cell refused by a domain rule whose sentence already names the field (面积必须大于零)."""


class ImportRefusedError(CoopLedgerError):
    """The workbook is refused and nothing was saved; ``report`` holds every problem."""

    message = N_("导入失败，未保存任何数据。发现 %(n)d 处问题：%(problems)s")

    def __init__(self, problems: list[Problem], *, downloadable: bool = True) -> None:
        shown = "\n" + "\n".join(p.sentence() for p in problems[:SHOWN])
        if len(problems) > SHOWN:
            rest = N_("……其余 %(n)d 处见“问题清单”工作簿（下载结果）。") if downloadable else \
                N_("……另有 %(n)d 处问题，请先改正以上各处后重新上传。")
            shown += "\n" + str(CoopLedgerError(rest, n=len(problems) - SHOWN))
        super().__init__(n=len(problems), problems=shown)
        self.problems = problems
        self.downloadable = downloadable

    @property
    def report(self) -> bytes | None:
        """Every problem as a workbook (表, 行, 列, 问题), when there are more than shown and
        the import runs as a job (whose failed result it becomes)."""
        if len(self.problems) <= SHOWN or not self.downloadable:
            return None
        headers = (N_("表"), N_("行"), N_("列"), N_("问题"))
        workbook, sheet = new_sheet(str(CoopLedgerError(N_("问题清单"))), [
            str(CoopLedgerError(title)) for title in headers])
        for problem in self.problems:
            append_row(sheet, [problem.sheet, problem.row or None, problem.column or None,
                               problem.reason])
        return workbook_bytes(workbook)

    report_name = "problems.xlsx"


@dataclass(frozen=True)
class Problem:
    """One problem: where (sheet, row, column letter; 0 and "" when not one cell) and why."""

    sheet: str
    row: int
    column: str
    reason: str

    def sentence(self) -> str:
        """“<sheet>”表第<row>行<column>列：<reason>, in the user's language."""
        if self.row and self.column:
            return str(CoopLedgerError(N_("“%(sheet)s”表第%(row)d行%(column)s列：%(reason)s"),
                                       sheet=self.sheet, row=self.row, column=self.column,
                                       reason=self.reason))
        if self.row:
            return str(CoopLedgerError(N_("“%(sheet)s”表第%(row)d行：%(reason)s"),
                                       sheet=self.sheet, row=self.row, reason=self.reason))
        return str(CoopLedgerError(N_("“%(sheet)s”表：%(reason)s"), sheet=self.sheet,
                                   reason=self.reason))


Parser = Callable[[Any], Any]
"""A raw cell value (str, int, float, datetime, bool or None) → the value, or CellError."""


@dataclass(frozen=True)
class Column:
    """A column of a template: its header, the key of its value, how a cell is read."""

    key: str
    header: str
    parse: Parser
    required: bool = False  # the header must be there (empty cells are the parser's matter)
    aliases: tuple[str, ...] = ()  # other names the header is known by (older templates)


@dataclass(frozen=True)
class Sheet:
    """A sheet of a template; ``title`` None means the workbook's first sheet, whatever its
    name (one-sheet templates such as the opening balances)."""

    title: str | None
    columns: tuple[Column, ...]
    max_rows: int = MAX_ROWS
    required: bool = True
    header_row: int = 1
    """The row the headers are on (a bank's statement has its title and account above)."""
    others_ignored: bool = False
    """Columns the template does not name are passed over, not refused (a file in someone
    else's layout, such as a bank statement, read through a mapping of its headers)."""

    @property
    def headers(self) -> list[str]:
        """The header row of the template."""
        return [column.header for column in self.columns]


@dataclass
class Row:
    """A data row read and parsed: values by column key, and where each came from."""

    sheet: str
    number: int
    values: dict[str, Any]
    letters: dict[str, str]
    refused: set[str] = field(default_factory=set)
    """Keys of the cells refused (their value is None, and the row is not saved)."""

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def letter(self, key: str | None) -> str:
        """The column letter of ``key`` in the uploaded sheet ("" for the whole row)."""
        return self.letters.get(key, "") if key else ""


@dataclass
class Problems:
    """Every problem found, in the order found."""

    items: list[Problem] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def add(self, sheet: str, row: int, column: str, template: str, **params: object) -> None:
        """Record a problem (``template`` is an untranslated message with its parameters)."""
        self.items.append(Problem(sheet, row, column, str(CoopLedgerError(template, **params))))

    def at(self, row: Row, column: str | None, template: str, **params: object) -> None:
        """Record a problem of ``row``'s column (by key; None: the whole row); a row with a
        problem is not saved."""
        self.add(row.sheet, row.number, row.letter(column), template, **params)
        row.refused.add(column or "")

    @contextlib.contextmanager
    def saving(self, session: Any, row: Row, column: str | None = None) -> Iterator[None]:
        """Save ``row`` in a savepoint; a refusal is recorded at the row (and ``column``, a
        key) and undone, and the import goes on checking the next rows."""
        savepoint = session.begin_nested()
        try:
            yield
            session.flush()
        except CoopLedgerError as err:
            savepoint.rollback()
            self.at(row, column, N_("%(reason)s"), reason=str(err))
        except (sa.exc.IntegrityError, sa.exc.DataError) as err:  # a bound no check caught
            savepoint.rollback()
            self.at(row, column, N_("这一行不能保存：%(reason)s"),
                    reason=str(err.orig).splitlines()[0][:200])
        else:
            savepoint.commit()

    def refuse_if_any(self, *, downloadable: bool = True) -> None:
        """Raise :class:`ImportRefusedError` with everything found, if anything was;
        ``downloadable`` when the import is a job whose result can carry the problem list (the
        opening balances and volumes are read in the request: their page lists the first 50)."""
        if self.items:
            raise ImportRefusedError(self.items, downloadable=downloadable)


# ----------------------------------------------------------------------------- parsers

_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "【", "]": "】"})


def _header_key(text: object) -> str:
    """A header as compared: NFKC (full-width letters and brackets to half-width), then
    brackets to the template's full-width ones, without any spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")).translate(_BRACKETS))


def _plain(value: Any) -> str:
    """A cell as typed: whole numbers without ".0", text stripped; dates are refused where
    text is expected only by the parsers that care."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def text(max_length: int, *, required: str | None = None) -> Parser:
    """Text of at most ``max_length`` characters; ``required`` is the sentence for an empty
    cell (None: may be empty)."""

    def parse(value: Any) -> str:
        got = _plain(value)
        if not got and required:
            raise FieldError(required)
        if len(got) > max_length:
            raise CellError(N_("不能超过 %(n)d 个字（现有 %(m)d 个）。"), n=max_length, m=len(got))
        return got

    return parse


def money(*, minimum: Decimal | None = Decimal("0"), empty: Decimal | None = None,
          required: str | None = None) -> Parser:
    """An amount in yuan through :func:`coopledger.money.parse_money`: a number cell is taken
    by its shortest exact text (100.005 stays 100.005 and is refused, never rounded)."""

    def parse(value: Any) -> Decimal | None:
        if value is None or _plain(value) == "":
            if required:
                raise FieldError(required)
            return empty
        raw = repr(value) if isinstance(value, float) else _plain(value)
        if isinstance(value, float) and ("e" in raw or "inf" in raw or "nan" in raw):
            raise CellError(N_("“%(text)s”不是有效的金额。"), text=raw)
        try:
            amount = parse_money(raw)
        except MoneyInputError as err:
            raise CellError(N_("%(reason)s"), reason=str(err)) from None
        if minimum is not None and amount < minimum:
            raise CellError(N_("金额不能小于 %(min)s。"), min=str(minimum))
        return amount

    return parse


_NUMBER = re.compile(r"[+-]?\d{1,15}(\.\d{1,12})?")


def number(*, places: int, minimum: Decimal, maximum: Decimal, strictly_above: bool = False,
           empty: Decimal | None = None, required: str | None = None,
           whole: bool = False) -> Parser:
    """A decimal number with at most ``places`` decimals within [minimum, maximum] (above
    ``minimum`` when ``strictly_above``); ``whole`` for counts (months, years)."""

    def parse(value: Any) -> Decimal | None:
        raw = repr(value) if isinstance(value, float) else _plain(value)
        if raw == "":
            if required:
                raise FieldError(required)
            return empty
        if isinstance(value, bool) or not _NUMBER.fullmatch(raw.replace(",", "")):
            raise CellError(N_("“%(text)s”不是有效的数字。"), text=raw)
        try:
            got = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            raise CellError(N_("“%(text)s”不是有效的数字。"), text=raw) from None
        too_low = got <= minimum if strictly_above else got < minimum
        if too_low or got > maximum:
            if strictly_above:
                raise CellError(N_("应大于 %(min)s 且不超过 %(max)s（现为 %(text)s）。"),
                                min=str(minimum), max=str(maximum), text=raw)
            raise CellError(N_("应在 %(min)s 至 %(max)s 之间（现为 %(text)s）。"),
                            min=str(minimum), max=str(maximum), text=raw)
        if whole and got != got.to_integral_value():
            raise CellError(N_("“%(text)s”应为整数。"), text=raw)
        step = Decimal(1).scaleb(-places)
        if got.quantize(step) != got:
            raise CellError(N_("“%(text)s”最多只能有 %(n)d 位小数。"), text=raw, n=places)
        return got.quantize(step)

    return parse


_DATE_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{4})/(\d{1,2})/(\d{1,2})")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_CLOCK = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?$")


def date(*, today: dt.date, what: str, required: str | None = None,
         bank: bool = False) -> Parser:
    """A date cell, or text exactly ``YYYY-MM-DD`` (or ``YYYY/M/D``) and nothing else, within
    1990 … today + 10 years. ``bank``: a bank statement's 交易时间 — a time of day after the
    date is dropped and ``YYYYMMDD`` is read too, as banks' exports write them."""

    def parse(value: Any) -> dt.date | None:
        if value is None or _plain(value) == "":
            if required:
                raise FieldError(required)
            return None
        if bank and isinstance(value, dt.datetime):
            value = value.date()
        elif bank:
            raw = _CLOCK.sub("", _plain(value))
            compact = _COMPACT_DATE.fullmatch(raw)
            value = "-".join(compact.groups()) if compact else raw
        if isinstance(value, dt.datetime):
            if value.time() != dt.time():
                raise CellError(N_("“%(text)s”带有时刻，请只填日期。"), text=_plain(value))
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        else:
            raw = _plain(value)
            match = _DATE_TEXT.fullmatch(raw)
            if match is None:
                raise CellError(N_("“%(text)s”不是 YYYY-MM-DD 格式的日期。"), text=raw)
            year, month, day_of = (int(g) for g in match.groups() if g is not None)
            try:
                day = dt.date(year, month, day_of)
            except ValueError:
                raise CellError(N_("“%(text)s”不是有效的日期。"), text=raw) from None
        try:
            plausible.check_date(day, today=today, what=what)
        except plausible.ImplausibleError as err:
            raise CellError(N_("%(reason)s"), reason=str(err)) from None
        return day

    return parse


def exact_text(value: Any) -> str:
    """A cell as exact text for a domain parser: a number cell by its shortest exact form
    (``repr``: 1.23456 stays 1.23456, never a rounded display)."""
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    return _plain(value)


def ruled(rule: Callable[[str], Any], *, empty: Any = None, default: str | None = None,
          required: str | None = None) -> Parser:
    """A domain rule (text → value, raising a CoopLedgerError that names its field) as a
    parser; an empty cell gives ``empty``, or is read as ``default`` when that is given."""

    def parse(value: Any) -> Any:
        raw = exact_text(value)
        if not raw:
            if required:
                raise FieldError(required)
            if default is None:
                return empty
            raw = default
        try:
            return rule(raw)
        except CoopLedgerError as err:
            raise FieldError(N_("%(reason)s"), reason=str(err)) from None

    return parse


def column_length(attribute: Any) -> int:
    """The length of a model's string column (``Household.head_name`` → 64)."""
    return int(attribute.property.columns[0].type.length)


def choice(options: Mapping[str, Any], *, sentence: str, empty: Any = None) -> Parser:
    """One of ``options`` by its name; an empty cell gives ``empty`` (None: refused)."""

    def parse(value: Any) -> Any:
        got = _plain(value)
        if not got:
            if empty is None:
                raise FieldError(sentence)
            return empty
        if got not in options:
            raise FieldError(sentence)
        return options[got]

    return parse


# ----------------------------------------------------------------------------- reading

def read(content: bytes, sheets: tuple[Sheet, ...], *, any_of: bool = False,
         ) -> tuple[dict[str | None, list[Row]], Problems]:
    """Read every sheet of the template from ``content``: the parsed rows per sheet title and
    every problem found. ``any_of``: at least one of the sheets must be there (not all)."""
    problems = Problems()
    rows: dict[str | None, list[Row]] = {}
    if len(content) > MAX_BYTES:
        problems.add(str(CoopLedgerError(N_("文件"))), 0, "",
                     N_("文件过大（%(size).1f MB），一次最多导入 %(max)d MB，请分批导入。"),
                     size=len(content) / 1024 / 1024, max=MAX_BYTES // 1024 // 1024)
        return rows, problems
    try:
        workbook = open_workbook(content)
    except UnreadableWorkbookError as err:
        problems.add(str(CoopLedgerError(N_("文件"))), 0, "", N_("%(reason)s"), reason=str(err))
        return rows, problems
    present = [s for s in sheets if s.title is None or s.title in workbook.sheetnames]
    if any_of and not present:
        problems.add(str(CoopLedgerError(N_("文件"))), 0, "", N_("工作簿里没有%(sheets)s表。"),
                     sheets="、".join(f"“{s.title}”" for s in sheets))
    for spec in sheets:
        if spec not in present:
            if spec.required and not any_of:
                problems.add(str(spec.title), 0, "", N_("缺少这张表。"))
            continue
        worksheet = workbook[spec.title] if spec.title is not None else workbook.worksheets[0]
        rows[spec.title] = _read_sheet(worksheet, spec, problems)
    return rows, problems


def _read_sheet(worksheet: Any, spec: Sheet, problems: Problems) -> list[Row]:
    title = str(worksheet.title)
    declared = worksheet.max_row or 0
    if declared > spec.max_rows + spec.header_row:
        problems.add(title, 0, "", N_("有 %(n)d 行，一次最多导入 %(max)d 行，请分批导入。"),
                     n=declared - spec.header_row, max=spec.max_rows)
        return []
    cells = worksheet.iter_rows(min_row=spec.header_row)
    header = next(cells, ())
    positions = _columns_by_name(title, [c.value for c in header], spec, problems)
    if positions is None:
        return []
    letters = {key: get_column_letter(index + 1) for key, index in positions.items()}
    found: list[Row] = []
    for number, row in enumerate(cells, start=spec.header_row + 1):
        if number > spec.max_rows + spec.header_row:
            problems.add(title, number, "", N_("一次最多导入 %(max)d 行，请分批导入。"),
                         max=spec.max_rows)
            break
        raw = [getattr(cell, "value", None) for cell in row]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
            continue
        values: dict[str, Any] = {}
        refused: set[str] = set()
        for column in spec.columns:
            index = positions.get(column.key)
            cell = row[index] if index is not None and index < len(row) else None
            value = getattr(cell, "value", None)
            letter = letters.get(column.key, "")
            if getattr(cell, "data_type", None) == "f":
                problems.add(title, number, letter,
                             N_("单元格 %(cell)s 是公式，请复制后“粘贴为数值”再导入。"),
                             cell=f"{letter}{number}")
                values[column.key] = None
                refused.add(column.key)
                continue
            try:
                values[column.key] = column.parse(value)
            except FieldError as err:
                problems.add(title, number, letter, N_("%(reason)s"), reason=str(err))
                values[column.key] = None
                refused.add(column.key)
            except CellError as err:
                problems.add(title, number, letter, N_("%(header)s：%(reason)s"),
                             header=column.header, reason=str(err))
                values[column.key] = None
                refused.add(column.key)
        found.append(Row(title, number, values, letters, refused))
    return found


def _columns_by_name(title: str, header: list[Any], spec: Sheet,
                     problems: Problems) -> dict[str, int] | None:
    """Column key → index in the uploaded sheet, matched by header name; None when refused."""
    wanted = {_header_key(name): column for column in spec.columns
              for name in (column.header, *column.aliases)}
    positions: dict[str, int] = {}
    refused = False
    for index, name in enumerate(header):
        key = _header_key(name)
        if not key:
            continue
        letter = get_column_letter(index + 1)
        column = wanted.get(key)
        if column is None and spec.others_ignored:
            continue
        if column is None:
            problems.add(title, spec.header_row, letter,
                         N_("不认识的列名“%(name)s”：请使用模板的列名（%(headers)s）。"),
                         name=str(name).strip(), headers="、".join(spec.headers))
            refused = True
        elif column.key in positions:
            problems.add(title, spec.header_row, letter, N_("“%(name)s”列出现了两次。"),
                         name=column.header)
            refused = True
        else:
            positions[column.key] = index
    for column in spec.columns:
        if column.required and column.key not in positions:
            problems.add(title, spec.header_row, "", N_("缺少“%(name)s”列。"),
                         name=column.header)
            refused = True
    return None if refused else positions


def template(sheets: tuple[Sheet, ...], rows: Mapping[str | None, list[list[Any]]] | None = None,
             *, extra: Mapping[str | None, tuple[str, ...]] | None = None) -> bytes:
    """The template workbook: each sheet with its header row (bold), and ``rows`` if given
    (an export in the import layout); ``extra`` headers follow the template's (export only)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = add_sheet(workbook, spec.title or "Sheet1",
                          [*spec.headers, *((extra or {}).get(spec.title, ()))])
        for row in (rows or {}).get(spec.title, []):
            append_row(sheet, row)
    return workbook_bytes(workbook)
