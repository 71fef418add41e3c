"""The beancount rendering of the books: the only module that imports beancount (DESIGN §3).

Every posted voucher renders deterministically to one beancount transaction; an organisation's
whole book renders to one file that ``bean-check`` accepts and fava opens. Account names are
``Root:<code>-<name>`` at every level (a component must start with a digit or capital, so the
code goes first); metadata keys, tags and links are ASCII. beancount's equity options are
mapped onto the chart: current earnings → 本年收益/本年盈余, previous earnings →
收益分配/盈余分配:未分配. Year-end closing vouchers carry the ``#closing`` tag.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")

from beancount import loader
from beancount.core import account as bc_account
from beancount.core import data
from beancount.core.amount import Amount
from beancount.parser import printer

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


@dataclass(frozen=True)
class BookSpec:
    """Everything needed to render an organisation's book."""

    title: str
    current_earnings: str      # option value, without the Equity root
    previous_earnings: str
    accounts: tuple[BeanAccount, ...]
    transactions: tuple[BeanTransaction, ...] = field(default=())


def _meta(**values: object) -> dict[str, object]:
    return {"filename": "<coopledger>", "lineno": 0, **values}


def _entry(txn: BeanTransaction) -> data.Transaction:
    meta = _meta(voucher=txn.voucher, preparer=txn.preparer, reviewer=txn.reviewer,
                 attachments=Decimal(txn.attachments))
    postings = [data.Posting(account, Amount(amount.quantize(Decimal("0.01")), CURRENCY),
                             None, None, None, None) for account, amount in txn.postings]
    tags = frozenset({"closing"}) if txn.closing else frozenset()
    narration = " ".join(txn.narration.split())
    return data.Transaction(meta, txn.on, "*", None, narration, tags, frozenset({txn.link}),
                            postings)


def transaction_text(txn: BeanTransaction) -> str:
    """The canonical beancount text of one voucher (what the hash chain covers)."""
    return str(printer.format_entry(_entry(txn)))


def render_book(spec: BookSpec) -> str:
    """The whole book as one beancount file, byte-for-byte deterministic."""
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
    body: list[str] = []
    first = min((a.opened for a in spec.accounts), default=dt.date(2000, 1, 1))
    body.append(f'{first} custom "fava-option" "language" "zh"')
    for acc in sorted(spec.accounts, key=lambda a: a.name):
        body.append(f"{acc.opened} open {acc.name} {CURRENCY}")
    for txn in spec.transactions:
        body.append("")
        body.append(transaction_text(txn).rstrip("\n"))
    for acc in sorted(spec.accounts, key=lambda a: a.name):
        if acc.closed is not None:
            body.append(f"{acc.closed} close {acc.name}")
    return "\n".join(head + body) + "\n"


@dataclass(frozen=True)
class Loaded:
    """What beancount made of a rendered book."""

    transactions: tuple[tuple[dt.date, tuple[tuple[str, Decimal], ...]], ...]
    errors: tuple[str, ...]


def load(text: str) -> Loaded:
    """Parse, book, run plugins and validate, exactly as bean-check does."""
    entries, errors, _options = loader.load_string(text)
    messages = []
    for error in errors:
        entry = getattr(error, "entry", None)
        voucher = entry.meta.get("voucher", "") if entry is not None else ""
        lineno = error.source.get("lineno", "") if error.source else ""
        messages.append(f"{voucher or 'line ' + str(lineno)}: {error.message}")
    txns = tuple((e.date, tuple((p.account, Decimal(str(p.units.number))) for p in e.postings
                              if p.units is not None))
                 for e in entries if isinstance(e, data.Transaction))
    return Loaded(txns, tuple(messages))


def monthly_changes(loaded: Loaded) -> dict[tuple[str, int, int], Decimal]:
    """Net change of each account in each month, debit positive, from beancount's entries."""
    changes: dict[tuple[str, int, int], Decimal] = defaultdict(Decimal)
    for on, postings in loaded.transactions:
        for account, number in postings:
            changes[(account, on.year, on.month)] += number
    return dict(changes)
