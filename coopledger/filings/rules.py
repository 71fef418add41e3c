"""The arithmetic of upward filings, pure: a form's rows from their formulas, its balance rules
(平衡关系) and ties to the statements checked on the exact and on the rounded figures, the
year-on-year changes a county asks to be explained, exact sums for a summary, and which step
of the filing workflow a user may take now.

The rules are those printed under each form (农村集体经济统计报表制度, 国统制〔2008〕27号:
"指标平衡关系：7=1+2+3-4-5；11=7+8+9-10 …", county-platforms.md §1.9 [N3]); the county's
逻辑检查 and the request to explain large changes from the year before are from the same
section [N5]. Figures are exact yuan; a 万元 figure is rounded once, where it is reported
(``money.to_wan``), so a rule can hold on the exact figures and miss by a 尾差 on the rounded
ones — both are shown, only the exact one can fail a filing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from coopledger.auth.actions import Action
from coopledger.i18n import N_
from coopledger.money import ZERO, to_wan
from coopledger.workflow import Reason, Step, Steps, decide

COUNT_UNITS = frozenset({"个", "宗"})
MONEY_UNITS = frozenset({"万元", "元"})


class FormulaError(ValueError):
    """A formula, condition or rule in a form's data file that cannot be read."""


@dataclass(frozen=True)
class Term:
    """One term of a row formula: ``sign × factor × value``. ``kind`` is ``row`` (another
    row), ``const`` (a number in ``ref``) or a source the caller reads (``is``, ``bs``,
    ``bs0``, ``cflow``, ``dflow``, ``bal``, ``res``, ``reg``)."""

    sign: int
    kind: str
    ref: str
    factor: Decimal = Decimal(1)


_SOURCE = re.compile(r"^(is|bs|bs0|cflow|dflow|bal|res|reg):(\S+)$")
_ROW = re.compile(r"^R([0-9A-Z]+)$")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def _term(word: str, sign: int, factor: Decimal = Decimal(1)) -> Term:
    if "*" in word:
        left, _star, right = word.partition("*")
        if not _NUMBER.match(left):
            raise FormulaError(f"bad factor in {word!r}")
        return _term(right, sign, factor * Decimal(left))
    if _NUMBER.match(word):
        return Term(sign, "const", word, factor)
    row = _ROW.match(word)
    if row:
        return Term(sign, "row", row[1], factor)
    source = _SOURCE.match(word)
    if source:
        return Term(sign, source[1], source[2], factor)
    raise FormulaError(f"bad term {word!r}")


def parse_formula(text: str) -> list[Term]:
    """``"is:1 - R2"`` → terms (operators stand between spaces; ``0.6*R7`` scales a term)."""
    terms: list[Term] = []
    sign = 1
    expect_term = True
    for word in text.split():
        if word in ("+", "-"):
            if expect_term and terms:
                raise FormulaError(f"two operators in a row in {text!r}")
            sign = 1 if word == "+" else -1
            expect_term = True
            continue
        if not expect_term:
            raise FormulaError(f"missing operator before {word!r} in {text!r}")
        terms.append(_term(word, sign))
        sign, expect_term = 1, False
    if not terms or expect_term:
        raise FormulaError(f"incomplete formula {text!r}")
    return terms


@dataclass(frozen=True)
class Condition:
    """``R7 > 50000``: a row compared with a number (in the row's exact unit)."""

    row: str
    op: str
    value: Decimal


_COMPARE = re.compile(r"^R([0-9A-Z]+)\s*(<=|>=|<|>|=)\s*(-?\d+(?:\.\d+)?)$")
_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "=": lambda a, b: a == b,
}


def parse_when(text: str) -> list[Condition]:
    """``"R7 > 0 and R7 < 50000"`` → the conditions that must all hold."""
    found = []
    for part in text.split(" and "):
        match = _COMPARE.match(part.strip())
        if match is None:
            raise FormulaError(f"bad condition {part!r}")
        found.append(Condition(match[1], match[2], Decimal(match[3])))
    return found


def holds(conditions: Iterable[Condition], values: Mapping[str, Decimal]) -> bool:
    """Whether every condition holds on ``values``."""
    return all(_OPS[c.op](values.get(c.row, ZERO), c.value) for c in conditions)


@dataclass(frozen=True)
class RowRule:
    """How one row is computed: a formula, or an indicator condition (1 or 0)."""

    code: str
    formula: tuple[Term, ...] = ()
    when: tuple[Condition, ...] = ()


def evaluate(rows: Sequence[RowRule], source: Callable[[Term], Decimal]) -> dict[str, Decimal]:
    """Every row's exact value. A row may name rows above or below it; ``source`` gives the
    value of a term read from the books or registers. A cycle is a data error."""
    by_code = {row.code: row for row in rows}
    values: dict[str, Decimal] = {}
    busy: set[str] = set()

    def value_of(code: str) -> Decimal:
        if code in values:
            return values[code]
        if code not in by_code:
            raise FormulaError(f"no row {code}")
        if code in busy:
            raise FormulaError(f"row {code} depends on itself")
        busy.add(code)
        row = by_code[code]
        if row.when:
            needed = {c.row: value_of(c.row) for c in row.when}
            total = Decimal(1) if holds(row.when, needed) else ZERO
        else:
            total = ZERO
            for term in row.formula:
                total += term.sign * term.factor * _term_value(term, value_of, source)
        busy.discard(code)
        values[code] = total
        return total

    for row in rows:
        value_of(row.code)
    return {row.code: values[row.code] for row in rows}


def _term_value(term: Term, row_value: Callable[[str], Decimal],
                source: Callable[[Term], Decimal]) -> Decimal:
    if term.kind == "row":
        return row_value(term.ref)
    if term.kind == "const":
        return Decimal(term.ref)
    return source(term)


# --- balance rules and ties -------------------------------------------------------------------

@dataclass(frozen=True)
class BalanceRule:
    """A printed rule ``7=1+2+3-4-5`` (or ``<=``/``>=``), with an optional ``if`` clause
    (``8>=0.6*7 if 12>0``); a tie ``11=is:13`` compares a row with the statements."""

    text: str
    left: str
    op: str
    right: tuple[Term, ...]
    only_if: tuple[Condition, ...] = ()


_RULE = re.compile(r"^([0-9A-Z]+)\s*(<=|>=|=)\s*(.+)$")


def parse_rule(text: str) -> BalanceRule:
    """Read a rule as the form prints it: bare numbers on the right are row codes."""
    body, _sep, clause = text.partition(" if ")
    match = _RULE.match(body.strip())
    if match is None:
        raise FormulaError(f"bad rule {text!r}")
    spaced = re.sub(r"([+-])", r" \1 ", match[3])
    words = []
    for word in spaced.split():
        if word in ("+", "-") or ":" in word:
            words.append(word)
        elif "*" in word:
            factor, _star, code = word.partition("*")
            words.append(f"{factor}*R{code}")
        else:
            words.append(f"R{word}")
    only_if = tuple(parse_when(re.sub(r"(^|\s)(\d+)\s*(<=|>=|<|>|=)", r"\1R\2 \3",
                                      clause.strip()))) if clause else ()
    return BalanceRule(text, match[1], match[2], tuple(parse_formula(" ".join(words))),
                       only_if)


@dataclass(frozen=True)
class RuleResult:
    """A rule on one table: both sides exact and as reported, and whether each holds."""

    rule: str
    left: Decimal
    right: Decimal
    holds: bool
    left_reported: Decimal
    right_reported: Decimal
    holds_reported: bool
    applies: bool = True

    @property
    def difference(self) -> Decimal:
        """Left minus right, exact."""
        return self.left - self.right

    @property
    def rounding_difference(self) -> Decimal:
        """Left minus right on the reported (rounded) figures: the 尾差."""
        return self.left_reported - self.right_reported


def _side(terms: Iterable[Term], values: Mapping[str, Decimal],
          source: Callable[[Term], Decimal]) -> Decimal:
    total = ZERO
    for term in terms:
        total += term.sign * term.factor * _term_value(
            term, lambda code: values.get(code, ZERO), source)
    return total


def _compare(op: str, left: Decimal, right: Decimal) -> bool:
    return _OPS[op](left, right)


def check(rules: Iterable[BalanceRule], exact: Mapping[str, Decimal],
          reported: Mapping[str, Decimal], source: Callable[[Term], Decimal],
          report: Callable[[Decimal], Decimal]) -> list[RuleResult]:
    """Each rule on the exact figures and on the reported ones. ``source`` gives a tie's
    statement figure, ``report`` rounds it as the table's figures are rounded. A rule whose
    ``if`` clause does not hold applies to nothing and passes."""
    results = []
    for rule in rules:
        left, right = exact.get(rule.left, ZERO), _side(rule.right, exact, source)
        left_r = reported.get(rule.left, ZERO)
        right_r = _side(rule.right, reported, lambda term: report(source(term)))
        applies = holds(rule.only_if, exact)
        results.append(RuleResult(
            rule.text, left, right, not applies or _compare(rule.op, left, right),
            left_r, right_r, not applies or _compare(rule.op, left_r, right_r), applies))
    return results


def in_units(values: Mapping[str, Decimal], units: Mapping[str, str]) -> dict[str, Decimal]:
    """Counts (个, 宗) as whole numbers; every other figure as it is."""
    return {code: value.quantize(Decimal(1)) if units.get(code) in COUNT_UNITS else value
            for code, value in values.items()}


def reported(values: Mapping[str, Decimal], units: Mapping[str, str]) -> dict[str, Decimal]:
    """The figures as the form reports them: 万元 rows rounded once, others as they are."""
    return {code: to_wan(value) if units.get(code) == "万元" else value
            for code, value in values.items()}


# --- year-on-year changes ---------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """A row that moved by more than the threshold from the year before."""

    code: str
    last: Decimal
    this: Decimal

    @property
    def ratio(self) -> Decimal | None:
        """This year over last, minus one (None when last year was zero)."""
        if self.last == 0:
            return None
        return (self.this - self.last) / abs(self.last)


def changes(this: Mapping[str, Decimal], last: Mapping[str, Decimal], codes: Iterable[str], *,
            threshold: Decimal) -> list[Change]:
    """Rows among ``codes`` whose value moved by more than ``threshold`` (0.30 = ±30 %) from
    last year's, or appeared from zero; none when there is no last year to compare with."""
    if not last:
        return []
    found = []
    for code in codes:
        before, now = last.get(code, ZERO), this.get(code, ZERO)
        if before == 0:
            if now != 0:
                found.append(Change(code, before, now))
            continue
        if abs(now - before) > threshold * abs(before):
            found.append(Change(code, before, now))
    return found


def parse_threshold(text: str) -> Decimal:
    """A threshold from a data file or a setting (``"0.30"``)."""
    try:
        value = Decimal(text)
    except InvalidOperation as err:
        raise FormulaError(f"bad threshold {text!r}") from err
    if not value.is_finite() or value <= 0:
        raise FormulaError(f"bad threshold {text!r}")
    return value


# --- sums for a summary -----------------------------------------------------------------------

def summed(tables: Iterable[Mapping[str, Decimal]]) -> dict[str, Decimal]:
    """Row by row, the exact sum of several organisations' tables (counts add up to counts)."""
    total: dict[str, Decimal] = {}
    for table in tables:
        for code, value in table.items():
            total[code] = total.get(code, ZERO) + value
    return total


def rounding_gap(exact_total: Decimal, rounded_parts: Iterable[Decimal]) -> Decimal:
    """The summary's 万元 figure (the exact total rounded once) less the sum of the parts'
    rounded figures: shown beside the summary, never spread over its parts."""
    return to_wan(exact_total) - sum(rounded_parts, ZERO)


# --- the calendar: when a year's filing is due -----------------------------------------------

def deadline(year: int) -> dt.date:
    """The last day to file ``year``: 31 March of the next year (年度资产清查 results "次年3月31日
    前报送", 农经发〔2017〕11号, county-platforms.md §1.1 [N1])."""
    return dt.date(year + 1, 3, 31)


CALENDAR_LABELS = {
    "not_due": N_("未到报送期"),
    "due": N_("待报送"),
    "overdue": N_("逾期未报"),
    "submitted": N_("已报送，待审核"),
    "returned": N_("已退回"),
    "accepted": N_("审核通过"),
}


def calendar_state(state: str, year: int, *, today: dt.date) -> str:
    """Where the year's filing stands on ``today``: the workflow state once something was
    submitted; before that not due (the year is not over), due, or overdue after the
    deadline."""
    if state != "none":
        return state
    if today <= dt.date(year, 12, 31):
        return "not_due"
    return "overdue" if today > deadline(year) else "due"


# --- the workflow: submit → accepted, or returned → corrected and submitted again ------------

FILING_STEPS: dict[str, Step] = {
    "submit": Step(Action.FILE_RETURNS, frozenset({"none", "returned"})),
    "explain": Step(Action.FILE_RETURNS, frozenset({"none", "returned"})),
    "accept": Step(Action.REVIEW_RETURNS, frozenset({"submitted"})),
    "return": Step(Action.REVIEW_RETURNS, frozenset({"submitted"})),
}
"""Each step of a year's filing (报送 → 乡镇审核: 通过 or 退回 → 更正后再报送) with the permission
it needs and the states it starts from ("none": nothing submitted yet)."""

_STATE_REASONS = {
    "submit": N_("这一年度的报表已经报送，正在审核或已通过，不能再次报送。"),
    "explain": N_("报表已经报送，变动说明不能再修改。"),
    "accept": N_("只有已报送、待审核的报表才能通过。"),
    "return": N_("只有已报送、待审核的报表才能退回。"),
}


def filing_steps(state: str, *, may: Callable[[Action], bool], closed: bool,
                 failing_rules: int, unexplained: int, filed_by: int | None,
                 user_id: int | None) -> Steps:
    """Which steps of a filing the user may take now. A year is submitted only when it is
    closed, every balance rule holds and every large change is explained; the person who
    submitted it does not review it."""
    submit: Reason | None = None
    if not closed:
        submit = Reason(N_("这一年度尚未结账（12 月未结账或还有未记账凭证），结账后才能报送。"))
    elif failing_rules:
        submit = Reason(N_("有 %(n)d 条平衡关系不成立，核对账簿后才能报送。"), {"n": failing_rules})
    elif unexplained:
        submit = Reason(N_("有 %(n)d 项同比变动较大的指标还没有说明，填写说明后才能报送。"),
                        {"n": unexplained})
    own = filed_by is not None and filed_by == user_id
    own_reason = Reason(N_("报送人不能审核自己报送的报表。")) if own else None
    return decide(FILING_STEPS, state=state, may=may,
                  state_reason=lambda step: Reason(_STATE_REASONS[step]),
                  conditions={"submit": submit, "accept": own_reason, "return": own_reason})


SUMMARY_STEPS: dict[str, Step] = {
    "accept": Step(Action.REVIEW_SUMMARIES, frozenset({"produced"})),
    "return": Step(Action.REVIEW_SUMMARIES, frozenset({"produced"})),
}
"""The county's review of a township's summary (逐级审核上报): accept it, or return it with a
reason (the township produces a new version)."""

_SUMMARY_REASONS = {
    "accept": N_("只有待县级审核的汇总表才能通过。"),
    "return": N_("只有待县级审核的汇总表才能退回。"),
}


def summary_steps(state: str, *, may: Callable[[Action], bool], latest: bool,
                  produced_by: int, user_id: int | None) -> Steps:
    """Which county steps the user may take on a township summary now: only on its latest
    version, and not by whoever produced it."""
    reason: Reason | None = None
    if not latest:
        reason = Reason(N_("这不是最新版本的汇总表，请审核最新版本。"))
    elif produced_by == user_id:
        reason = Reason(N_("生成汇总表的人不能审核自己生成的汇总表。"))
    return decide(SUMMARY_STEPS, state=state, may=may,
                  state_reason=lambda step: Reason(_SUMMARY_REASONS[step]),
                  conditions={"accept": reason, "return": reason})

