"""The organisation's whole book as a beancount file, and its verification against SQL.

``export_book`` renders every posted voucher in posting order. ``verify_book`` loads that file
with beancount (as bean-check does), re-computes the SHA-256 chain from the rendered vouchers,
and compares every account's balance at the end of every month between SQL and beancount.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from coopledger.auth.models import User
from coopledger.dates import utcnow
from coopledger.db import snapshot
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.files import store
from coopledger.i18n import N_
from coopledger.jobs.registry import Progress
from coopledger.ledger import beans
from coopledger.ledger.attachments import scan_problems
from coopledger.ledger.books import get_book
from coopledger.ledger.models import (
    Attachment,
    LedgerCheck,
    Period,
    Voucher,
    VoucherKind,
    VoucherLine,
    VoucherState,
    voucher_preparers,
)
from coopledger.ledger.queries import accounts, bean_account_names, monthly_sql_changes
from coopledger.ledger.standards import STANDARDS
from coopledger.ledger.vouchers import Signatures, bean_transaction, chain_hash
from coopledger.orgs.models import Organisation

BATCH = 5000


def _noop(_percent: int, _message: str) -> None:
    return None


@dataclass(frozen=True)
class PostedVoucher:
    """A posted voucher as stored: the text and hash kept at posting, in posting order."""

    id: int
    label: str
    on: dt.date
    link: str
    stored_hash: str
    stored_text: str
    number: int = 0


def posted_vouchers(org: Organisation) -> list[PostedVoucher]:
    """Every posted voucher's stored text and hash, in posting order (one plain query)."""
    rows = db.session.execute(
        sa.select(Voucher.id, Voucher.on, Voucher.number, Voucher.chain_hash, Voucher.bean_text)
        .where(Voucher.organisation_id == org.id, Voucher.state == VoucherState.POSTED)
        .order_by(Voucher.post_seq)).all()
    return [PostedVoucher(voucher_id, f"{on} 记-{number}", on,
                          f"v{on.year}-{on.month:02d}-{(number or 0):04d}", stored or "",
                          text or "", number or 0)
            for voucher_id, on, number, stored, text in rows]


def rendered_from_lines(org: Organisation) -> dict[int, str]:
    """Each posted voucher rendered afresh from its SQL rows — lines, the people who handled it
    and its scans — in the text version it was posted with (plain queries, no ORM)."""
    names = bean_account_names(org)
    preparer, reviewer = sa.orm.aliased(User), sa.orm.aliased(User)
    cashier, poster = sa.orm.aliased(User), sa.orm.aliased(User)
    posted = (Voucher.organisation_id == org.id, Voucher.state == VoucherState.POSTED)
    heads = db.session.execute(
        sa.select(Voucher.id, Voucher.on, Voucher.number, Voucher.attachment_count,
                  Voucher.kind, preparer.username, sa.func.coalesce(reviewer.username, ""),
                  Voucher.text_version, sa.func.coalesce(cashier.username, ""),
                  sa.func.coalesce(poster.username, ""))
        .join(preparer, preparer.id == Voucher.preparer_id)
        .outerjoin(reviewer, reviewer.id == Voucher.reviewer_id)
        .outerjoin(cashier, cashier.id == Voucher.cashier_id)
        .outerjoin(poster, poster.id == Voucher.poster_id)
        .where(*posted)).all()
    columns = VoucherLine.__table__.c
    postings: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    summaries: dict[int, list[str]] = defaultdict(list)
    debit = sa.type_coerce(columns.debit, sa.BigInteger)
    credit = sa.type_coerce(columns.credit, sa.BigInteger)
    for voucher_id, _line_no, summary, account_id, dr, cr in db.session.execute(
            sa.select(columns.voucher_id, columns.line_no, columns.summary, columns.account_id,
                      debit, credit)
            .where(columns.organisation_id == org.id, columns.posted.is_(True))
            .order_by(columns.voucher_id, columns.line_no)):
        summaries[voucher_id].append(summary)
        postings[voucher_id].append((names[account_id], Decimal(int(dr) - int(cr)).scaleb(-2)))
    editors: dict[int, set[str]] = defaultdict(set)
    for voucher_id, username in db.session.execute(
            sa.select(voucher_preparers.c.voucher_id, User.username)
            .join(User, User.id == voucher_preparers.c.user_id)
            .join(Voucher, Voucher.id == voucher_preparers.c.voucher_id).where(*posted)):
        editors[voucher_id].add(username)
    scans: dict[int, list[str]] = defaultdict(list)
    for voucher_id, digest in db.session.execute(
            sa.select(Attachment.voucher_id, Attachment.sha256)
            .join(Voucher, Voucher.id == Attachment.voucher_id).where(*posted)):
        scans[voucher_id].append(digest)
    return {voucher_id: beans.transaction_text(bean_transaction(
                on=on, number=number or 0, narration=(summaries[voucher_id] or [""])[0],
                preparer=prep, reviewer=rev, attachments=attachments,
                closing=kind is VoucherKind.CLOSING, postings=tuple(postings[voucher_id]),
                version=version, signed=Signatures(
                    summaries=tuple(summaries[voucher_id]),
                    preparers=tuple(sorted({prep, *editors[voucher_id]})), cashier=cash,
                    poster=post, scans=tuple(sorted(scans[voucher_id])))))
            for voucher_id, on, number, attachments, kind, prep, rev, version, cash, post
            in heads}


def _texts(org: Organisation, vouchers: list[PostedVoucher]) -> list[str]:
    """The stored texts in date order (then 凭证号); any voucher without one is rendered from
    its lines."""
    missing = any(not v.stored_text for v in vouchers)
    fresh = rendered_from_lines(org) if missing else {}
    ordered = sorted(vouchers, key=lambda v: (v.on, v.number))
    return [v.stored_text or fresh[v.id] for v in ordered]


def book_spec(org: Organisation, texts: list[str], first: dt.date | None) -> beans.BookSpec:
    """What to render: options mapped onto the chart, every account, the voucher texts."""
    std = STANDARDS[org.standard]
    names = bean_account_names(org)
    all_accounts = accounts(org)
    by_code = {a.code: a for a in all_accounts}
    book = get_book(org)
    starts = [d for d in (first, book.opened_on) if d is not None]
    opened = dt.date(min(starts).year, 1, 1) if starts else dt.date(2000, 1, 1)
    bean_accounts = tuple(beans.BeanAccount(names[a.id], opened, a.closed_on)
                          for a in all_accounts)

    def option(code: str) -> str:
        return names[by_code[code].id].split(":", 1)[1]

    return beans.BookSpec(title=org.code, current_earnings=option(std.current_earnings),
                          previous_earnings=option(std.retained[0]), accounts=bean_accounts,
                          texts=tuple(texts))


def _render(org: Organisation, vouchers: list[PostedVoucher]) -> str:
    first = min((v.on for v in vouchers), default=None)
    return beans.render_book(book_spec(org, _texts(org, vouchers), first))


def export_book(org: Organisation, progress: Progress = _noop) -> str:
    """The whole book as beancount text."""
    progress(10, N_("正在读取凭证"))
    text = _render(org, posted_vouchers(org))
    progress(100, N_("已生成账簿文件"))
    return text


def streamed_book(org: Organisation) -> Iterator[str]:
    """:func:`export_book` in pieces, for a download sent after its request: the accounts and
    options are read now, with the book's posting counter; the voucher texts are read in one
    snapshot (``db.snapshot``) :data:`BATCH` at a time, those posted up to that counter only
    — so every text's accounts are among those opened — in the same order and bytes as
    :func:`export_book`. A book with a voucher posted before texts were stored is rendered
    whole (its missing texts come from its lines)."""
    posted = (Voucher.organisation_id == org.id, Voucher.state == VoucherState.POSTED)
    untexted = db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(
        *posted, sa.func.coalesce(Voucher.bean_text, "") == ""))
    if untexted:
        return iter([export_book(org)])
    first = db.session.scalar(sa.select(sa.func.min(Voucher.on)).where(*posted))
    spec = book_spec(org, [], first)
    head = get_book(org).last_post_seq
    query = (sa.select(Voucher.bean_text).where(*posted, Voucher.post_seq <= head)
             .order_by(Voucher.on, Voucher.number).execution_options(yield_per=BATCH))
    return _streamed_texts(spec, query)


def _streamed_texts(spec: beans.BookSpec, query: sa.Select[Any]) -> Iterator[str]:
    with snapshot(db.session.get_bind()) as reader:
        yield from beans.book_pieces(spec, (text for (text,) in reader.execute(query)))


# Further checks of a book that other packages own (the disclosure package checks that every
# published anchor is still in the chain); each returns its problems as sentences.
BOOK_CHECKS: list[Callable[[Organisation], list[str]]] = []


def counter_problems(org: Organisation) -> list[str]:
    """The counters must agree with the vouchers: posting sequence 1..N with the book's counter
    at N, and in every month 记-1..记-n with the period's counter at n (deleting the last posted
    voucher and resetting the chain head used to pass)."""
    problems = []
    rows = db.session.execute(sa.select(Voucher.post_seq, Voucher.year, Voucher.month,
                                        Voucher.number).where(
        Voucher.organisation_id == org.id, Voucher.state == VoucherState.POSTED)).all()
    seqs = sorted(seq or 0 for seq, _y, _m, _n in rows)
    if seqs != list(range(1, len(seqs) + 1)):
        problems.append(f"post sequence is not 1..{len(seqs)} without gaps")
    counted = get_book(org).last_post_seq
    if counted != len(seqs):
        problems.append(f"book counter says {counted} postings, {len(seqs)} posted vouchers found")
    by_month: dict[tuple[int, int], list[int]] = defaultdict(list)
    for _seq, year, month, number in rows:
        by_month[(year, month)].append(number or 0)
    counters = {(p.year, p.month): p.last_number for p in db.session.scalars(
        sa.select(Period).where(Period.organisation_id == org.id))}
    for key in sorted(set(by_month) | {k for k, v in counters.items() if v}):
        numbers = sorted(by_month.get(key, []))
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(f"{key[0]}-{key[1]:02d}: voucher numbers are not 1..{len(numbers)}")
        if counters.get(key, 0) != len(numbers):
            problems.append(f"{key[0]}-{key[1]:02d}: month counter says {counters.get(key, 0)}"
                            f", {len(numbers)} posted vouchers found")
    return problems


@dataclass
class Verification:
    """What verify-ledger found."""

    vouchers: int = 0
    beancount_errors: list[str] = field(default_factory=list)
    chain_errors: list[str] = field(default_factory=list)
    balance_differences: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Every problem found, beancount's first."""
        return self.beancount_errors + self.chain_errors + self.balance_differences

    @property
    def ok(self) -> bool:
        """No error and no difference."""
        return not self.problems


def record_check(org: Organisation, result: Verification) -> LedgerCheck:
    """Keep the outcome of a verification, for the township's warnings; flushes."""
    check = LedgerCheck(organisation_id=org.id, checked_at=utcnow(), vouchers=result.vouchers,
                        problems=len(result.problems),
                        summary="; ".join(result.problems[:5])[:1000])
    db.session.add(check)
    db.session.flush()
    return check


def verify_book(org: Organisation, progress: Progress = _noop) -> Verification:
    """Load the book with beancount, re-check the hash chain, re-render every voucher from its
    SQL lines, and compare every account's monthly balance between SQL and beancount.

    beancount's load (as slow as bean-check) runs in a second process while this one does the
    SQL-side checks, so the whole verification costs about one bean-check.
    """
    result = Verification()
    vouchers = posted_vouchers(org)
    result.vouchers = len(vouchers)
    progress(10, N_("正在用 beancount 检查账簿"))
    with beans.load_in_background(_render(org, vouchers)) as pending:
        head = ""
        fresh = rendered_from_lines(org)
        for voucher in vouchers:
            if voucher.stored_text and fresh.get(voucher.id) != voucher.stored_text:
                result.chain_errors.append(f"{voucher.label}: lines differ from the posted text")
            head = chain_hash(head, voucher.stored_text or fresh.get(voucher.id, ""))
            if head != voucher.stored_hash:
                result.chain_errors.append(f"{voucher.label}: hash mismatch")
                head = voucher.stored_hash
        if head != get_book(org).chain_head:
            result.chain_errors.append("book chain head does not match the last voucher")
        result.chain_errors.extend(counter_problems(org))
        result.chain_errors.extend(scan_problems(org.id, store()))
        for check in BOOK_CHECKS:
            result.chain_errors.extend(check(org))
        sql_changes = monthly_sql_changes(org)
        progress(60, N_("正在用 beancount 检查账簿"))
        loaded = pending.result()
    result.beancount_errors.extend(loaded.errors)
    progress(85, N_("正在核对各科目每月余额"))
    result.balance_differences = compare_balances(org, loaded.monthly_changes, sql_changes)
    progress(100, N_("核对完成"))
    return result


def compare_balances(org: Organisation,
                     bean_changes: dict[tuple[str, int, int], Decimal],
                     sql_changes: dict[tuple[int, int, int], Decimal]) -> list[str]:
    """Every account's month-end balance in SQL against beancount's; differences as text."""
    names = bean_account_names(org)
    sql: dict[str, dict[tuple[int, int], Decimal]] = defaultdict(dict)
    for (account_id, sql_year, sql_month), amount in sql_changes.items():
        sql[names[account_id]][(sql_year, sql_month)] = amount
    bean: dict[str, dict[tuple[int, int], Decimal]] = defaultdict(dict)
    for (bean_name, bean_year, bean_month), amount in bean_changes.items():
        bean[bean_name][(bean_year, bean_month)] = amount
    months = sorted({m for series in (*sql.values(), *bean.values()) for m in series})
    differences = []
    for name in sorted(set(sql) | set(bean)):
        running_sql = running_bean = Decimal("0.00")
        for year_month in months:
            running_sql += sql[name].get(year_month, Decimal(0))
            running_bean += bean[name].get(year_month, Decimal(0))
            if running_sql != running_bean:
                differences.append(f"{name} {year_month[0]}-{year_month[1]:02d}: "
                                   f"SQL {running_sql} ≠ beancount {running_bean}")
    return differences


VERIFY_KIND = "ledger.verify"


def verify_job(params: dict[str, object], progress: Progress, out_dir: object) -> None:
    """Background verification from the books page; the report is the job's message."""
    org = db.session.get(Organisation, int(str(params["organisation_id"])))
    if org is None:
        return
    outcome = verify_book(org, progress)
    problems = outcome.problems
    record_check(org, outcome)
    db.session.commit()
    if not outcome.ok:
        raise CoopLedgerError(N_("核对发现 %(n)d 处问题：%(first)s"), n=len(problems),
                              first="; ".join(problems[:5]))
    progress(100, N_("核对通过：beancount 无错误，哈希链完整，各科目每月余额一致。"))


