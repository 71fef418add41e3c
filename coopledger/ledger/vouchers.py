"""The voucher workflow: save, submit, review, reject, cashier confirmation, post, reverse.

DESIGN §5: draft → submitted → reviewed → posted; a rejection returns it to draft with a
reason; the reviewer is never the preparer; posting assigns the next 凭证号 of the month under
a row lock (no gaps, no duplicates under concurrency) and extends the organisation's SHA-256
hash chain; posted vouchers never change, a red reversal corrects them. Nothing can be saved,
posted or reversed into a closed month. Services flush and audit; the view commits.

An error found in a year already closed (its December closed) is not red-reversed into the
current year's income and expense (会计基础工作规范 §51(五)): ``correct_prior_year`` drafts the
以前年度调整 instead, a blue voucher in the open year whose income and expense lines go to
收益分配—未分配收益 (村集体 2023, 财会〔2023〕14号) or 盈余分配—未分配盈余 (合作社 2021,
财会〔2021〕37号), the accounts that carry earlier years' results; red reversal inside the
open year stays as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from coopledger.audit.services import record
from coopledger.auth.permissions import permitted
from coopledger.dates import utcnow
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger import beans, money_index, month_index, origins, rules
from coopledger.ledger.books import (
    accounts_by_code,
    find_period,
    get_book,
    lock_book,
    period_for,
)
from coopledger.ledger.models import (
    Account,
    Book,
    Category,
    Voucher,
    VoucherKind,
    VoucherLine,
    VoucherState,
)
from coopledger.ledger.standards import STANDARDS
from coopledger.locking import lock
from coopledger.workflow import Steps

if TYPE_CHECKING:
    from coopledger.auth.models import User
    from coopledger.orgs.models import Organisation


class VoucherError(CoopLedgerError):
    """A voucher action that is not allowed now."""

    message = N_("凭证操作未能完成。")


class ClosedPeriodError(VoucherError):
    """A date in a month that is closed."""

    message = N_("%(year)d年%(month)d月已结账，不能再录入、记账或冲销到该月。"
                 "请把凭证日期改到未结账的月份；确需更正时请先请管理员反结账。")


EARLIEST = dt.date(1990, 1, 1)


class FutureDateError(VoucherError):
    """A voucher dated after today (or before any plausible book)."""

    message = N_("凭证日期 %(on)s 晚于今天（%(today)s）：不能录入或记账未来日期的凭证。")


def check_plausible_date(on: dt.date, *, today: dt.date) -> None:
    """Refuse a voucher date after ``today`` (the same sentence for saving and posting) or
    before 1990 (no collective's books in coopledger start earlier; a typo such as 0024)."""
    if on > today:
        raise FutureDateError(on=on.isoformat(), today=today.isoformat())
    if on < EARLIEST:
        raise VoucherError(N_("凭证日期 %(on)s 早于 1990 年，请检查年份。"), on=on.isoformat())


def check_open_month(org_id: int, on: dt.date) -> None:
    """Refuse a date in a closed month."""
    period = find_period(org_id, on.year, on.month)
    if period is not None and period.is_closed:
        raise ClosedPeriodError(year=on.year, month=on.month)


def _resolve(org: Organisation, lines: list[rules.Line]) -> list[Account]:
    """The lines' accounts by code (only those are read, with whether each has children)."""
    accounts = {a.code: a for a in db.session.scalars(sa.select(Account).where(
        Account.organisation_id == org.id,
        Account.code.in_({line.account_code for line in lines})))}
    parents = set(db.session.scalars(sa.select(Account.parent_id).where(
        Account.parent_id.in_([a.id for a in accounts.values()])).distinct()))
    resolved = []
    for number, line in enumerate(lines, start=1):
        account = accounts.get(line.account_code)
        row = line.shown_as(number)
        if account is None:
            raise rules.LineError(N_("第 %(n)d 行的科目 %(code)s 不存在。"), row=row,
                                  cell="account", code=line.account_code)
        if account.id in parents:
            raise rules.LineError(
                N_("第 %(n)d 行的科目 %(label)s 不是末级科目，请选择它的明细科目。"), row=row,
                cell="account", label=account.label)
        if account.is_closed:
            raise rules.LineError(N_("第 %(n)d 行的科目 %(label)s 已停用。"), row=row,
                                  cell="account", label=account.label)
        resolved.append(account)
    return resolved


def save_voucher(org: Organisation, *, voucher: Voucher | None, on: dt.date,
                 lines: list[rules.Line], attachment_count: int, by: User, today: dt.date,
                 kind: VoucherKind = VoucherKind.ORDINARY,
                 reverses: Voucher | None = None) -> Voucher:
    """Create a draft or replace a draft's content. Only drafts can be edited; none is dated
    after ``today``."""
    if voucher is not None:
        lock(voucher)
        steps_for(voucher, by).require("edit", VoucherError)
    book = get_book(org)
    kind = voucher.kind if voucher is not None else kind
    if kind is not VoucherKind.OPENING:
        if book.opened_on is None:
            raise VoucherError(N_("还没有建账：请先录入期初余额。"))
        if on < book.opened_on:
            raise VoucherError(N_("凭证日期 %(on)s 早于建账日期 %(opened)s。"), on=on.isoformat(),
                               opened=book.opened_on.isoformat())
    if attachment_count < 0:
        raise VoucherError(N_("附件张数不能为负数。"))
    check_plausible_date(on, today=today)
    check_open_month(org.id, on)
    rules.check_lines(lines, reversal=kind is VoucherKind.REVERSAL)
    accounts = _resolve(org, lines)
    before = _snapshot(voucher) if voucher is not None else None
    if voucher is None:
        voucher = Voucher(organisation=org, kind=kind, state=VoucherState.DRAFT, word="记",
                          preparer_id=by.id, created_at=utcnow(), reverses=reverses)
        db.session.add(voucher)
    if not any(p.id == by.id for p in voucher.preparers):
        voucher.preparers.append(by)
    voucher.on, voucher.year, voucher.month = on, on.year, on.month
    voucher.attachment_count = attachment_count
    voucher.lines = [
        VoucherLine(organisation_id=org.id, line_no=i, summary=line.summary.strip()[:200],
                    account=account, debit=line.debit, credit=line.credit, on=on, posted=False,
                    closing=kind is VoucherKind.CLOSING, opening=kind is VoucherKind.OPENING)
        for i, (line, account) in enumerate(zip(lines, accounts, strict=True), start=1)]
    period_for(org.id, on.year, on.month)
    db.session.flush()
    record("voucher.save", voucher, by=by, label=_label(voucher), before=before,
           after=_snapshot(voucher))
    return voucher


def voucher_facts(voucher: Voucher, user: User) -> rules.VoucherFacts:
    """What besides permissions decides the steps ``user`` may take on ``voucher``. Facts that
    only steps from other states read are not looked up (a draft's correction, a posted
    voucher's origin): ``rules.voucher_steps`` checks the state first."""
    state = voucher.state
    correction = db.session.scalar(sa.select(Voucher).where(
        Voucher.reverses_id == voucher.id)) if state is VoucherState.POSTED else None
    return rules.VoucherFacts(
        label=voucher.label, state=state.value, state_label=state.label,
        kind=voucher.kind.value, year=voucher.on.year, by_preparer=voucher.prepared_by(user),
        generated=state is VoucherState.DRAFT and origins.origin_of(voucher) is not None,
        needs_cashier=state is VoucherState.REVIEWED
        and needs_cashier(voucher, get_book(voucher.organisation)),
        cash_confirmed=voucher.cashier_id is not None,
        correction=correction.label if correction is not None else None,
        year_closed=state is VoucherState.POSTED
        and year_closed(voucher.organisation, voucher.on.year))


def steps_for(voucher: Voucher, user: User) -> Steps:
    """The steps ``user`` may take on ``voucher`` now (``rules.voucher_steps``): what the
    services allow, the voucher page offers and the permission matrix expects."""
    org = voucher.organisation
    return rules.voucher_steps(voucher_facts(voucher, user),
                               permitted(user, org))


def drafted(voucher: Voucher) -> tuple[str, str, str]:
    """What a record that drafted ``voucher`` needs to know to be withdrawn
    (``workflow.withdraw_steps``): its label, state and state label."""
    return voucher.label, voucher.state.value, voucher.state.label


def _label(voucher: Voucher) -> str:
    return f"{voucher.on.isoformat()} {voucher.label} {voucher.summary}"


def _snapshot(voucher: Voucher) -> dict[str, object]:
    return {"on": voucher.on.isoformat(), "state": voucher.state.value,
            "lines": [[line.summary, line.account.code if line.account else line.account_id,
                       str(line.debit), str(line.credit)] for line in voucher.lines]}


def delete_draft(voucher: Voucher, *, by: User) -> None:
    """Delete a draft that was never posted (it has no number, so no gap appears)."""
    lock(voucher)
    steps_for(voucher, by).require("delete", VoucherError)
    record("voucher.delete", voucher, by=by, label=_label(voucher), before=_snapshot(voucher))
    db.session.delete(voucher)
    db.session.flush()


def _transition(voucher: Voucher, step: str, target: VoucherState, action: str, by: User,
                apply: Callable[[Voucher], None] | None = None, **extra: object) -> Voucher:
    """Lock the voucher, re-check that ``by`` may take ``step`` now, apply the change and move
    it to ``target``."""
    lock(voucher)
    steps_for(voucher, by).require(step, VoucherError)
    check_open_month(voucher.organisation_id, voucher.on)
    if apply is not None:
        apply(voucher)
    before = voucher.state.value
    voucher.state = target
    db.session.flush()
    record(action, voucher, by=by, label=_label(voucher), before={"state": before},
           after={"state": target.value, **extra})
    return voucher


def submit_voucher(voucher: Voucher, *, by: User) -> Voucher:
    """The preparer hands the draft to the reviewer."""
    def apply(v: Voucher) -> None:
        v.rejection_reason = ""

    return _transition(voucher, "submit", VoucherState.SUBMITTED, "voucher.submit", by, apply)


def review_voucher(voucher: Voucher, *, by: User) -> Voucher:
    """A reviewer other than the preparer approves the voucher."""
    def apply(v: Voucher) -> None:
        v.reviewer_id = by.id

    return _transition(voucher, "review", VoucherState.REVIEWED, "voucher.review", by, apply)


def reject_voucher(voucher: Voucher, *, reason: str, by: User) -> Voucher:
    """Send a submitted or reviewed voucher back to draft with a reason."""
    text = reason.strip()[:500]
    if not text:
        raise VoucherError(N_("退回凭证时必须说明原因。"))

    def apply(v: Voucher) -> None:
        v.rejection_reason = text
        v.reviewer_id = None
        v.cashier_id = None

    return _transition(voucher, "reject", VoucherState.DRAFT, "voucher.reject", by, apply,
                       reason=text)


def needs_cashier(voucher: Voucher, book: Book) -> bool:
    """Whether the organisation wants the cashier's confirmation on this voucher."""
    if not book.cashier_confirms:
        return False
    std = STANDARDS[voucher.organisation.standard]
    return any(line.account.code.startswith((std.cash, std.bank)) for line in voucher.lines)


def confirm_cash(voucher: Voucher, *, by: User) -> Voucher:
    """The cashier confirms the cash or bank movement of a reviewed voucher."""
    lock(voucher)
    steps_for(voucher, by).require("confirm_cash", VoucherError)
    voucher.cashier_id = by.id
    db.session.flush()
    record("voucher.confirm_cash", voucher, by=by, label=_label(voucher))
    return voucher


TEXT_VERSION = 2   # the voucher text posted now (beans.BeanTransaction.version)


@dataclass(frozen=True)
class Signatures:
    """Who handled a voucher and what was attached, as its version-2 text records them."""

    summaries: tuple[str, ...] = ()
    preparers: tuple[str, ...] = ()
    cashier: str = ""
    poster: str = ""
    scans: tuple[str, ...] = ()


def bean_transaction(*, on: dt.date, number: int, narration: str, preparer: str,
                     reviewer: str, attachments: int, closing: bool,
                     postings: tuple[tuple[str, Decimal], ...], version: int = 1,
                     signed: Signatures = Signatures()) -> beans.BeanTransaction:
    """The beancount view of a posted voucher: one definition for posting, export and checks."""
    return beans.BeanTransaction(
        on=on, narration=narration, voucher=f"记-{number}",
        link=f"v{on.year}-{on.month:02d}-{number:04d}", preparer=preparer, reviewer=reviewer,
        attachments=attachments, postings=postings, closing=closing, version=version,
        summaries=signed.summaries, preparers=signed.preparers, cashier=signed.cashier,
        poster=signed.poster, scans=signed.scans)


def voucher_transaction(voucher: Voucher, *, chart: list[Any] | None = None,
                        ) -> beans.BeanTransaction:
    """The beancount view of one posted voucher object (``chart``: ``queries.chart_rows``
    when the caller has read it)."""
    from coopledger.ledger.queries import bean_account_names

    names = bean_account_names(voucher.organisation,
                               only=[line.account_id for line in voucher.lines], chart=chart)
    lines = sorted(voucher.lines, key=lambda line: line.line_no)
    return bean_transaction(
        on=voucher.on, number=voucher.number or 0, narration=voucher.summary,
        preparer=voucher.preparer.username,
        reviewer=voucher.reviewer.username if voucher.reviewer else "",
        attachments=voucher.attachment_count, closing=voucher.kind is VoucherKind.CLOSING,
        postings=tuple((names[line.account_id], line.debit - line.credit) for line in lines),
        version=voucher.text_version,
        signed=Signatures(
            summaries=tuple(line.summary for line in lines),
            preparers=tuple(sorted({voucher.preparer.username,
                                    *(p.username for p in voucher.preparers)})),
            cashier=voucher.cashier.username if voucher.cashier else "",
            poster=voucher.poster.username if voucher.poster else "",
            scans=tuple(sorted(a.sha256 for a in voucher.attachments))))


def chain_hash(previous: str, text: str) -> str:
    """SHA-256 of the previous head followed by this voucher's beancount text."""
    return hashlib.sha256((previous + text).encode("utf-8")).hexdigest()


def _check_date_order(voucher: Voucher) -> None:
    """序时控制: the month's posted vouchers are in date order, so a voucher dated before the
    last one posted in its month is refused (checked under the book and period locks)."""
    last = db.session.execute(sa.select(Voucher.on, Voucher.number).where(
        Voucher.organisation_id == voucher.organisation_id, Voucher.year == voucher.year,
        Voucher.month == voucher.month, Voucher.state == VoucherState.POSTED)
        .order_by(Voucher.on.desc(), Voucher.number.desc()).limit(1)).first()
    if last is not None and voucher.on < last[0]:
        raise VoucherError(
            N_("序时控制：%(month)s 已记账到 %(last)s（记-%(number)d），不能再记账日期更早的凭证"
               "（%(on)s）。请把凭证日期改为 %(last)s 或以后，或在账簿设置中关闭序时控制。"),
            month=f"{voucher.year}-{voucher.month:02d}", last=last[0].isoformat(),
            number=last[1] or 0, on=voucher.on.isoformat())


def post_voucher(voucher: Voucher, *, by: User, today: dt.date) -> Voucher:
    """Post (记账): number the voucher in its month and add it to the hash chain.

    The book row, the voucher row and the period row are locked in that order, so concurrent
    posters wait for each other and numbers stay continuous.
    """
    book = lock_book(voucher.organisation_id)
    lock(voucher)
    steps_for(voucher, by).require("post", VoucherError)
    check_plausible_date(voucher.on, today=today)
    period = period_for(voucher.organisation_id, voucher.year, voucher.month, lock=True)
    if period.is_closed:
        raise ClosedPeriodError(year=voucher.year, month=voucher.month)
    if book.in_date_order and voucher.kind is not VoucherKind.CLOSING:
        _check_date_order(voucher)
    period.last_number += 1
    voucher.number = period.last_number
    voucher.state = VoucherState.POSTED
    voucher.poster = by
    voucher.posted_at = utcnow()
    book.last_post_seq += 1
    voucher.post_seq = book.last_post_seq
    voucher.text_version = TEXT_VERSION
    with db.session.no_autoflush:   # the text is read from the objects: one flush of it all
        from coopledger.ledger.queries import chart_rows

        chart = chart_rows(voucher.organisation)      # one read: the names and the money index
        voucher.bean_text = beans.transaction_text(voucher_transaction(voucher, chart=chart))
    voucher.chain_hash = chain_hash(book.chain_head, voucher.bean_text)
    book.chain_head = voucher.chain_hash
    db.session.execute(sa.update(VoucherLine).where(VoucherLine.voucher_id == voucher.id)
                       .values(posted=True).execution_options(synchronize_session=False))
    for line in voucher.lines:    # the loaded lines say what the statement above wrote
        set_committed_value(line, "posted", True)
    if voucher.kind is VoucherKind.OPENING and book.opened_on is None:
        book.opened_on = voucher.on
    db.session.flush()
    month_index.add_posted(voucher)
    money_index.add_posted(voucher, chart=chart)
    record("voucher.post", voucher, by=by, label=_label(voucher),
           after={"number": voucher.label, "hash": voucher.chain_hash})
    return voucher


def reverse_voucher(original: Voucher, *, on: dt.date, by: User, today: dt.date) -> Voucher:
    """Draft a red reversal of a posted voucher ("冲销 2025年3月5日 记-12").

    The original is locked first, so two reversals at once give one draft and one sentence.
    """
    lock(original)
    steps_for(original, by).require("reverse", VoucherError)
    if year_closed(original.organisation, original.on.year) and on.year > original.on.year:
        raise VoucherError(N_("凭证 %(label)s 属于已结账的 %(year)d 年度，不能红字冲销到本年损益。"
                              "请用“以前年度调整”：生成蓝字更正凭证，损益部分记入未分配收益"
                              "（盈余），再录入正确的凭证。"), label=original.label,
                           year=original.on.year)
    lines = rules.reversal_lines(
        [rules.Line(line.summary, line.account.code, line.debit, line.credit)
         for line in original.lines],
        original_label=original.label, original_on=original.on)
    return save_voucher(original.organisation, voucher=None, on=on, lines=lines,
                        attachment_count=0, by=by, kind=VoucherKind.REVERSAL, reverses=original,
                        today=today)


def year_closed(org: Organisation, year: int) -> bool:
    """Whether ``year`` is closed: its December is closed (its year-end vouchers posted)."""
    december = find_period(org.id, year, 12)
    return december is not None and december.is_closed


def correct_prior_year(original: Voucher, *, on: dt.date, by: User,
                       today: dt.date) -> Voucher:
    """Draft the 以前年度调整 of a posted voucher of a closed year
    (``rules.prior_year_correction_lines``): a blue voucher dated in the open year whose
    income and expense lines go to 未分配收益/未分配盈余. Locked like a reversal."""
    lock(original)
    steps_for(original, by).require("correct_prior_year", VoucherError)
    org = original.organisation
    if on.year <= original.on.year:
        raise VoucherError(
            N_("%(year)d 年度尚未结账，或调整日期不在以后年度：请在本年度内红字冲销。"),
            year=original.on.year)
    standard = STANDARDS[org.standard]
    chart = accounts_by_code(org)
    pl_codes = {a.code for a in chart.values()
                if a.category in (Category.INCOME, Category.EXPENSE)}
    lines = rules.prior_year_correction_lines(
        [rules.Line(line.summary, line.account.code, line.debit, line.credit)
         for line in original.lines], original_label=original.label,
        original_on=original.on, pl_codes=pl_codes, retained_code=standard.retained[0])
    return save_voucher(org, voucher=None, on=on, lines=lines, attachment_count=0, by=by,
                        reverses=original, today=today)
