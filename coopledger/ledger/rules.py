"""Pure bookkeeping rules: voucher lines, sub-account codes, months, closing transfers.

A voucher (DESIGN §5) has at least two lines; each line has a 摘要 and one non-zero side;
debits equal credits. Only a red reversal (红字冲销) may carry negative amounts, and then all
of them are negative. Sub-account codes extend the parent's code by 2 to 4 digits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from coopledger.auth.actions import Action
from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_
from coopledger.money import ZERO, grouped
from coopledger.workflow import Reason, Step, Steps, decide


class VoucherRuleError(CoopLedgerError):
    """A voucher that breaks a bookkeeping rule."""

    message = N_("凭证不符合记账规则。")


class LineError(VoucherRuleError):
    """A rule one line of a voucher breaks: the sentence names the row the user sees
    (``row``), and ``cell`` says which of its cells to mark (summary, account or amount)."""

    def __init__(self, message: str, *, row: int, cell: str, **params: object) -> None:
        super().__init__(message, n=row, **params)
        self.row, self.cell = row, cell


@dataclass(frozen=True)
class Line:
    """A voucher line as entered: 摘要, account code, debit, credit; ``row`` is the row of
    the form it was typed in (rows left empty are not lines, so the n-th line may be a later
    row), 0 when the line has no form row."""

    summary: str
    account_code: str
    debit: Decimal
    credit: Decimal
    row: int = 0

    def shown_as(self, number: int) -> int:
        """The row number to name in a sentence about this line, the n-th."""
        return self.row or number

    @property
    def amount(self) -> Decimal:
        """Signed amount: debit positive, credit negative."""
        return self.debit - self.credit


def check_lines(lines: list[Line], *, reversal: bool = False) -> Decimal:
    """Check a voucher's lines and return its total; raise :class:`VoucherRuleError`."""
    if len(lines) < 2:
        raise VoucherRuleError(N_("一张凭证至少要有两行分录（一借一贷）。"))
    for number, line in enumerate(lines, start=1):
        row = line.shown_as(number)
        if not line.summary.strip():
            raise LineError(N_("第 %(n)d 行没有填写摘要。"), row=row, cell="summary")
        if not line.account_code:
            raise LineError(N_("第 %(n)d 行没有选择会计科目。"), row=row, cell="account")
        if (line.debit != 0) == (line.credit != 0):
            raise LineError(N_("第 %(n)d 行必须且只能在借方或贷方填写一个金额。"), row=row,
                            cell="amount")
        negative = line.debit < 0 or line.credit < 0
        if negative and not reversal:
            raise LineError(N_("第 %(n)d 行金额为负数：只有红字冲销凭证可以用负数。"), row=row,
                            cell="amount")
        if reversal and not negative:
            raise LineError(N_("红字冲销凭证的金额都应为负数（第 %(n)d 行）。"), row=row,
                            cell="amount")
    debit = sum((line.debit for line in lines), ZERO)
    credit = sum((line.credit for line in lines), ZERO)
    if debit != credit:
        raise VoucherRuleError(
            N_("借贷不平衡：借方合计 %(debit)s，贷方合计 %(credit)s，相差 %(diff)s。"),
            debit=grouped(debit), credit=grouped(credit), diff=grouped(debit - credit))
    return debit


SUBCODE = re.compile(r"^\d{2,4}$")


def check_subaccount_code(parent_code: str, code: str) -> None:
    """A sub-account's code is its parent's code followed by 2 to 4 digits."""
    if not code.startswith(parent_code) or not SUBCODE.match(code[len(parent_code):]):
        raise VoucherRuleError(
            N_("明细科目编码必须以上级科目编码 %(parent)s 开头，"
               "后接2至4位数字，例如 %(parent)s01。"),
            parent=parent_code)


def month_of(day: dt.date) -> tuple[int, int]:
    """(year, month) of a business date."""
    return day.year, day.month


def month_end(year: int, month: int) -> dt.date:
    """Last day of a month."""
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def next_month(year: int, month: int) -> tuple[int, int]:
    """(year, month) of the month after."""
    return (year + 1, 1) if month == 12 else (year, month + 1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    """(year, month) of the month before."""
    return (year - 1, 12) if month == 1 else (year, month - 1)


def months_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every (year, month) from ``first`` to ``last``, both included, in order."""
    found, current = [], first
    while current <= last:
        found.append(current)
        current = next_month(*current)
    return found


def reversal_lines(lines: list[Line], *, original_label: str, original_on: dt.date) -> list[Line]:
    """Red-ink reversal of posted lines: the same accounts and sides, negative amounts."""
    summary = f"冲销 {original_on.year}年{original_on.month}月{original_on.day}日 {original_label}"
    return [Line(summary=summary, account_code=line.account_code, debit=-line.debit,
                 credit=-line.credit) for line in lines]


def prior_year_correction_lines(lines: list[Line], *, original_label: str,
                                original_on: dt.date, pl_codes: set[str],
                                retained_code: str) -> list[Line]:
    """以前年度调整 of a voucher of a closed year (会计基础工作规范 §51(五); 村集体 2023 and
    合作社 2021 carry prior-year adjustments in 收益分配/盈余分配—未分配收益/未分配盈余): a blue
    voucher with the opposite entry, in which every income and expense line goes to the
    retained account instead (that year's result is already carried there), so this year's
    income and expense stay untouched. The accountant then enters the correct amounts."""
    summary = (f"更正 {original_on.year}年{original_on.month}月{original_on.day}日 "
               f"{original_label}（以前年度调整）")
    return [Line(summary=summary,
                 account_code=retained_code if line.account_code in pl_codes
                 else line.account_code, debit=line.credit, credit=line.debit)
            for line in lines]


def closing_lines(pl_balances: dict[str, tuple[str, Decimal]], *, year: int,
                  current_earnings: str) -> list[Line]:
    """结转: every income and expense balance to 本年收益/本年盈余 (zero balances skipped).

    ``pl_balances`` maps account code → (name, signed balance, debit positive).
    """
    lines: list[Line] = []
    net = ZERO
    for code, (_name, balance) in sorted(pl_balances.items()):
        if balance == 0:
            continue
        summary = f"结转{year}年损益"
        if balance > 0:   # debit balance (an expense): credit it
            lines.append(Line(summary, code, ZERO, balance))
        else:
            lines.append(Line(summary, code, -balance, ZERO))
        net += balance
    if not lines:
        return []
    if net > 0:
        lines.append(Line(f"结转{year}年损益", current_earnings, net, ZERO))
    elif net < 0:
        lines.append(Line(f"结转{year}年损益", current_earnings, ZERO, -net))
    return lines


def transfer_result_lines(result: Decimal, *, year: int, current_earnings: str,
                          retained: str, word: str = "收益") -> list[Line]:
    """结转 本年收益 to 收益分配—未分配 (a 合作社 says 盈余: ``word``); ``result`` is the
    year's profit (negative for a loss)."""
    summary = f"结转{year}年本年{word}至未分配"
    if result == 0:
        return []
    debit, credit = (current_earnings, retained) if result > 0 else (retained, current_earnings)
    return [Line(summary, debit, abs(result), ZERO), Line(summary, credit, ZERO, abs(result))]


class PeriodSpecError(CoopLedgerError):
    """A report period that cannot be read."""

    message = N_("期间“%(text)s”无法识别：请写 2024、2024-03、2024-Q2 或 2024-01-01..2024-06-30。")


_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """A year, month, quarter or inclusive date range → (first day, last day)."""
    text = text.strip()
    try:
        if match := _YEAR.match(text):
            year = int(match[1])
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if match := _MONTH.match(text):
            year, month = int(match[1]), int(match[2])
            return dt.date(year, month, 1), month_end(year, month)
        if match := _QUARTER.match(text):
            year, quarter = int(match[1]), int(match[2])
            return dt.date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter)
        if match := _RANGE.match(text):
            start, end = dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2])
            if start <= end:
                return start, end
    except ValueError:
        pass
    raise PeriodSpecError(text=text)


@dataclass(frozen=True)
class PeriodPicker:
    """The periods a report page offers beside the typed one (a year, month, quarter or
    range): the months and quarters of its year, the whole year, and the period of the same
    kind before and after it (none for a range)."""

    year: int
    months: tuple[str, ...]
    quarters: tuple[str, ...]
    previous: str | None
    following: str | None


def period_picker(text: str) -> PeriodPicker:
    """The picker around period ``text``; raises :class:`PeriodSpecError` on a bad period."""
    start, end = parse_period(text)
    year, text = end.year, text.strip()
    previous = following = None
    if _YEAR.match(text):
        previous, following = str(year - 1), str(year + 1)
    elif _MONTH.match(text):
        before = start - dt.timedelta(days=1)
        after = end + dt.timedelta(days=1)
        previous, following = f"{before.year}-{before.month:02d}", f"{after.year}-{after.month:02d}"
    elif match := _QUARTER.match(text):
        quarter = int(match[2])
        previous = f"{year}-Q{quarter - 1}" if quarter > 1 else f"{year - 1}-Q4"
        following = f"{year}-Q{quarter + 1}" if quarter < 4 else f"{year + 1}-Q1"
    return PeriodPicker(year=year, months=tuple(f"{year}-{m:02d}" for m in range(1, 13)),
                        quarters=tuple(f"{year}-Q{q}" for q in range(1, 5)),
                        previous=previous, following=following)


_TERM = re.compile(r"^(bal|dbal|cbal|flow|dflow|open):(\d+)$|^pl$|^L(\d+)$")


@dataclass(frozen=True)
class Term:
    """One term of a report-line formula, with its sign."""

    sign: int
    kind: str      # bal, dbal, cbal, flow, dflow, open, pl or line
    ref: str       # account code or line number ("" for pl)


def parse_formula(formula: str) -> list[Term]:
    """``"bal:101 + bal:102 - L3"`` → terms; raises ValueError on a malformed formula."""
    terms: list[Term] = []
    sign = 1
    for word in formula.replace("+", " + ").replace("-", " - ").split():
        if word in "+-":
            sign = 1 if word == "+" else -1
            continue
        match = _TERM.match(word)
        if match is None:
            msg = f"bad term {word!r} in formula {formula!r}"
            raise ValueError(msg)
        if word == "pl":
            terms.append(Term(sign, "pl", ""))
        elif match[3]:
            terms.append(Term(sign, "line", match[3]))
        else:
            terms.append(Term(sign, match[1], match[2]))
        sign = 1
    return terms


# --- The voucher workflow: which steps a user may take now (coopledger.workflow) -------------

VOUCHER_STEPS: dict[str, Step] = {
    "edit": Step(Action.PREPARE_VOUCHERS, frozenset({"draft"})),
    "delete": Step(Action.PREPARE_VOUCHERS, frozenset({"draft"})),
    "attach": Step(Action.PREPARE_VOUCHERS, frozenset({"draft", "submitted", "reviewed"})),
    "submit": Step(Action.PREPARE_VOUCHERS, frozenset({"draft"})),
    "review": Step(Action.REVIEW_VOUCHERS, frozenset({"submitted"})),
    "reject": Step(Action.REVIEW_VOUCHERS, frozenset({"submitted", "reviewed"})),
    "confirm_cash": Step(Action.CONFIRM_CASH, frozenset({"reviewed"})),
    "post": Step(Action.POST_VOUCHERS, frozenset({"reviewed"})),
    "reverse": Step(Action.PREPARE_VOUCHERS, frozenset({"posted"})),
    "correct_prior_year": Step(Action.PREPARE_VOUCHERS, frozenset({"posted"})),
}
"""Each step of a voucher (制单 → 审核 → 出纳确认 → 记账, 退回, 红字冲销, 以前年度调整) with
the permission it needs and the states it starts from."""

GENERATED = N_("这张凭证由业务记录自动生成，不能直接修改或删除："
               "请在生成它的记录（见凭证页的“来源”）上撤销后重新登记。")


@dataclass(frozen=True)
class VoucherFacts:
    """What decides the steps of one voucher for one user, besides the user's permissions."""

    label: str
    state: str                 # VoucherState value
    state_label: str
    kind: str                  # VoucherKind value
    year: int
    by_preparer: bool          # the user saved its lines (制单人, DESIGN maker ≠ checker)
    generated: bool            # drafted by another record (a receipt, a plan …)
    needs_cashier: bool        # the book wants the cashier's confirmation of cash and bank
    cash_confirmed: bool
    correction: str | None     # the label of the voucher that reverses or corrects it
    year_closed: bool          # its year's December is closed


def voucher_steps(facts: VoucherFacts, may: Callable[[Action], bool]) -> Steps:
    """The steps ``facts``' user may take on the voucher now, and why not the others."""
    label, state = facts.label, facts.state_label

    def state_reason(step: str) -> Reason:
        if step == "edit":
            return Reason(N_("凭证 %(label)s 已%(state)s，不能修改。"),
                          {"label": label, "state": state})
        if step == "delete":
            return Reason(N_("只能删除草稿凭证。"))
        if step == "attach":
            return Reason(N_("凭证已记账，不能再增加附件。"))
        if step == "confirm_cash":
            return Reason(N_("出纳只能确认已审核的凭证。"))
        if step == "post" and facts.state == "posted":
            return Reason(N_("凭证 %(label)s 已经记账，不能重复记账。"), {"label": label})
        if step == "post":
            return Reason(N_("凭证须先经审核才能记账（当前为“%(state)s”）。"), {"state": state})
        if step == "reverse":
            return Reason(N_("只有已记账的凭证才需要红字冲销；未记账的凭证可以直接修改或退回。"))
        if step == "correct_prior_year":
            return Reason(N_("只有已记账的普通凭证才能做以前年度调整。"))
        return Reason(N_("凭证 %(label)s 当前为“%(state)s”，不能执行此操作。"),
                      {"label": label, "state": state})

    generated = Reason(GENERATED) if facts.generated else None
    corrected = {"label": label, "other": facts.correction}
    if facts.kind == "reversal":
        reverse: Reason | None = Reason(N_("不能冲销一张冲销凭证；请重新录入正确的凭证。"))
    elif facts.correction is not None:
        reverse = Reason(N_("凭证 %(label)s 已有冲销凭证 %(other)s。"), corrected)
    elif facts.year_closed and facts.kind != "closing":
        reverse = Reason(N_("凭证 %(label)s 属于已结账的 %(year)d 年度，不能红字冲销到本年损益。"
                            "请用“以前年度调整”：生成蓝字更正凭证，损益部分记入未分配收益"
                            "（盈余），再录入正确的凭证。"), {"label": label, "year": facts.year})
    else:
        reverse = None
    if facts.kind in ("closing", "reversal"):
        correct: Reason | None = Reason(N_("只有已记账的普通凭证才能做以前年度调整。"))
    elif not facts.year_closed:
        correct = Reason(N_("%(year)d 年度尚未结账，或调整日期不在以后年度："
                            "请在本年度内红字冲销。"), {"year": facts.year})
    elif facts.correction is not None:
        correct = Reason(N_("凭证 %(label)s 已有更正凭证 %(other)s。"), corrected)
    else:
        correct = None
    if not facts.needs_cashier:
        confirm: Reason | None = Reason(N_("这张凭证不涉及现金或银行存款，无需出纳确认。"))
    elif facts.cash_confirmed:
        confirm = Reason(N_("出纳已经确认过这张凭证。"))
    else:
        confirm = None
    if facts.needs_cashier and not facts.cash_confirmed:
        post: Reason | None = Reason(N_("这张凭证涉及现金或银行存款，须出纳确认后才能记账。"))
    elif facts.by_preparer:
        post = Reason(N_("记账人不能是这张凭证的制单人（包括修改过分录的人）："
                         "请由另一位人员记账。"))
    else:
        post = None
    return decide(VOUCHER_STEPS, state=facts.state, may=may, state_reason=state_reason,
                  conditions={
                      "edit": generated, "delete": generated,
                      "review": Reason(N_("审核人不能是制单人本人：请由另一位审核人员审核。"))
                      if facts.by_preparer else None,
                      "reject": Reason(N_("制单人不能退回自己的凭证；草稿可以直接修改。"))
                      if facts.by_preparer else None,
                      "confirm_cash": confirm, "post": post, "reverse": reverse,
                      "correct_prior_year": correct})
