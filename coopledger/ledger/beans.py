"""The beancount rendering of the books: the only module that imports beancount (DESIGN §3).

Every posted voucher renders deterministically to one beancount transaction; an organisation's
whole book renders to one file that ``bean-check`` accepts and fava opens. Account names are
``Root:<code>-<name>`` at every level (a component must start with a digit or capital, so the
code goes first); metadata keys, tags and links are ASCII. beancount's equity options are
mapped onto the chart: current earnings → 本年收益/本年盈余, previous earnings →
收益分配/盈余分配:未分配. Year-end closing vouchers carry the ``#closing`` tag.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import multiprocessing
import multiprocessing.process
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")

from beancount import loader
from beancount.core import account as bc_account
from beancount.core import data

CURRENCY = "CNY"
ROOTS = {"asset": "Assets", "cost": "Assets", "liability": "Liabilities", "equity": "Equity",
         "income": "Income", "expense": "Expenses"}
_META_ORDER = ("voucher", "preparer", "reviewer", "attachments")


def component(code: str, name: str) -> str:
    """One account-name component: ``102-银行存款``; characters beancount refuses are dropped."""
    cleaned = "".join(c for c in name if c.isalnum() or c == "-")
    return f"{code}-{cleaned}" if cleaned else code


def account_name(category: str, path: Iterable[tuple[str, str]]) -> str:
    """Full beancount name for an account given its (code, name) path from the top."""
    name = ":".join([ROOTS[category], *(component(code, nm) for code, nm in path)])
    if not bc_account.is_valid(name):
        msg = f"not a valid beancount account name: {name}"
        raise ValueError(msg)
    return name


@dataclass(frozen=True)
class BeanAccount:
    """An account to open (and perhaps close) in the rendered book."""

    name: str
    opened: dt.date
    closed: dt.date | None = None


@dataclass(frozen=True)
class BeanTransaction:
    """A posted voucher, as beancount will see it."""

    on: dt.date
    narration: str
    voucher: str
    link: str
    preparer: str
    reviewer: str
    attachments: int
    postings: tuple[tuple[str, Decimal], ...]
    closing: bool = False
    # Text version 2 (every voucher posted since) covers the whole voucher: every line's 摘要,
    # everyone who prepared it, the cashier and the poster, and the SHA-256 of every scan.
    version: int = 1
    summaries: tuple[str, ...] = ()
    preparers: tuple[str, ...] = ()
    cashier: str = ""
    poster: str = ""
    scans: tuple[str, ...] = ()


@dataclass(frozen=True)
class BookSpec:
    """Everything needed to render an organisation's book."""

    title: str
    current_earnings: str      # option value, without the Equity root
    previous_earnings: str
    accounts: tuple[BeanAccount, ...]
    texts: tuple[str, ...] = field(default=())  # each voucher's transaction_text, in date order


def _quote(text: str) -> str:
    """A beancount string literal (newlines folded to spaces)."""
    flat = " ".join(text.split())
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


def transaction_text(txn: BeanTransaction) -> str:
    """The canonical beancount text of one voucher (what the hash chain covers).

    Written directly rather than through ``beancount.parser.printer`` (which is slow on large
    books); the test suite checks that beancount parses it back to the same entry.
    """
    head = f"{txn.on.isoformat()} * {_quote(txn.narration)}"
    if txn.closing:
        head += " #closing"
    head += f" ^{txn.link}"
    lines = [head,
             f"  voucher: {_quote(txn.voucher)}",
             f"  preparer: {_quote(txn.preparer)}",
             f"  reviewer: {_quote(txn.reviewer)}",
             f"  attachments: {txn.attachments}"]
    if txn.version >= 2:
        lines += [f"  preparers: {_quote(','.join(txn.preparers))}",
                  f"  cashier: {_quote(txn.cashier)}",
                  f"  poster: {_quote(txn.poster)}",
                  f"  scans: {_quote(' '.join(txn.scans))}"]
    width = max(len(account) for account, _amount in txn.postings)
    for n, (account, amount) in enumerate(txn.postings):
        lines.append(f"  {account:<{width}}  {amount.quantize(Decimal('0.01')):>14} {CURRENCY}")
        if txn.version >= 2:
            summary = txn.summaries[n] if n < len(txn.summaries) else ""
            lines.append(f"    summary: {_quote(summary)}")
    return "\n".join(lines) + "\n"


def render_book(spec: BookSpec) -> str:
    """The whole book as one beancount file, byte-for-byte deterministic."""
    return "".join(book_pieces(spec, spec.texts))


def book_pieces(spec: BookSpec, texts: Iterable[str]) -> Iterator[str]:
    """:func:`render_book` in pieces, the voucher texts taken from ``texts`` as they come
    (a streamed export reads them from the database while the file is sent)."""
    head = [
        f'option "title" "{spec.title}"',
        f'option "operating_currency" "{CURRENCY}"',
        f'option "account_current_earnings" "{spec.current_earnings}"',
        f'option "account_previous_earnings" "{spec.previous_earnings}"',
        'option "account_previous_balances" "300-期初结转"',
        'option "account_current_conversions" "300-汇兑:1-本期"',
        'option "account_previous_conversions" "300-汇兑:2-上期"',
        'plugin "beancount.plugins.leafonly"',
        "",
    ]
    first = min((a.opened for a in spec.accounts), default=dt.date(2000, 1, 1))
    head.append(f'{first} custom "fava-option" "language" "zh"')
    head += [f"{acc.opened} open {acc.name} {CURRENCY}"
             for acc in sorted(spec.accounts, key=lambda a: a.name)]
    yield "\n".join(head)
    for text in texts:
        yield "\n\n" + text.rstrip("\n")
    for acc in sorted(spec.accounts, key=lambda a: a.name):
        if acc.closed is not None:
            yield f"\n{acc.closed} close {acc.name}"
    yield "\n"


@dataclass(frozen=True)
class Loaded:
    """What beancount made of a rendered book: its errors and each account's monthly change."""

    errors: tuple[str, ...]
    monthly_changes: dict[tuple[str, int, int], Decimal]


def load(text: str) -> Loaded:
    """Parse, book, run plugins and validate, exactly as bean-check does."""
    entries, errors, _options = loader.load_string(text)
    messages = []
    for error in errors:
        entry = getattr(error, "entry", None)
        voucher = entry.meta.get("voucher", "") if entry is not None else ""
        lineno = error.source.get("lineno", "") if error.source else ""
        messages.append(f"{voucher or 'line ' + str(lineno)}: {error.message}")
    changes: dict[tuple[str, int, int], Decimal] = defaultdict(Decimal)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.units is not None and posting.units.number is not None:
                    key = (posting.account, entry.date.year, entry.date.month)
                    changes[key] += posting.units.number
    return Loaded(tuple(messages), dict(changes))


class PendingLoad:
    """A beancount load running in a child process (or already done, where fork is missing)."""

    def __init__(self, text: str) -> None:
        self._done: Loaded | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        if "fork" not in multiprocessing.get_all_start_methods():
            self._done = load(text)
            return
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_load_and_send, args=(text, sender), daemon=True)
        self._process.start()
        sender.close()

    def result(self) -> Loaded:
        """Wait for the child and return what it found."""
        if self._done is None:
            outcome = self._receiver.recv()
            if isinstance(outcome, BaseException):
                raise outcome
            self._done = outcome
        return self._done

    def close(self) -> None:
        """Reap the child."""
        if self._process is not None:
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.kill()


def _load_and_send(text: str, sender: Any) -> None:
    # The child is short-lived: the cyclic collector would only walk the parent's inherited heap
    # and beancount's many small objects, so it is switched off for the load.
    gc.freeze()
    gc.disable()
    try:
        sender.send(load(text))
    except BaseException as err:  # the parent re-raises it
        sender.send(err)
    finally:
        sender.close()


@contextlib.contextmanager
def load_in_background(text: str) -> Iterator[PendingLoad]:
    """Start beancount's load of ``text`` on the other core; ``.result()`` waits for it."""
    pending = PendingLoad(text)
    try:
        yield pending
    finally:
        pending.close()
