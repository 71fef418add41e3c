"""Pure rules of the disclosure calendar and of published snapshots.

- Financial disclosures (财务公开) cover every month or every quarter of a year (农经发〔2011〕13号:
  at least quarterly, monthly where there are many transactions), plus the annual one.
- Each is due by a deadline: the configured day of the month after the period ends (e.g. the
  15th after the quarter). A period not yet ended is not due; ended and before its deadline it
  is due; past its deadline and unpublished it is missing; published after it, it was late.
- A publication freezes its contents (canonical JSON), its PDF and the ledger chain head of the
  period; its hash is SHA-256 over the previous publication's hash and the three, so every
  publication of an organisation chains to the one before. The short code printed on the
  notice is the first 12 characters, in upper-case base 32, of the same hash taken with an
  empty PDF (the PDF cannot carry a code computed over itself).
- Public text never shows an 18-digit ID number or any run of 12 or more digits (bank
  accounts); :func:`unmasked` finds them.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from coopledger.auth.actions import Action
from coopledger.i18n import N_
from coopledger.ids import unmasked
from coopledger.money import figure
from coopledger.textnum import whole_number
from coopledger.workflow import Reason, Step, Steps, decide

GENESIS = "0" * 64
SHORT_CODE_LENGTH = 12


ITEMISE_FROM = Decimal("1000.00")  # board notice: items of at least 1,000 元 one by one


class Frequency(enum.StrEnum):
    """How often the finances are disclosed."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {Frequency.MONTHLY: N_("按月公开"), Frequency.QUARTERLY: N_("按季公开")}[self]


class CalendarState(enum.StrEnum):
    """Where a period stands against its deadline."""

    NOT_DUE = "not_due"
    DUE = "due"
    MISSING = "missing"
    PUBLISHED = "published"
    LATE = "late"

    @property
    def label(self) -> str:
        """Untranslated display name."""
        return {CalendarState.NOT_DUE: N_("未到期"), CalendarState.DUE: N_("待公开"),
                CalendarState.MISSING: N_("逾期未公开"), CalendarState.PUBLISHED: N_("已按时公开"),
                CalendarState.LATE: N_("逾期后公开")}[self]


@dataclass(frozen=True)
class Period:
    """A span the finances are disclosed for."""

    start: dt.date
    end: dt.date
    key: str          # "2025-Q1", "2025-03", "2025"

    @property
    def annual(self) -> bool:
        """Whether the period is a whole year."""
        return len(self.key) == 4


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def periods(frequency: Frequency, year: int, *, opened: dt.date | None = None) -> list[Period]:
    """The year's periods in order, then the annual one; with ``opened``, only those that had
    not ended before the books opened (nothing before can be disclosed from them)."""
    if frequency is Frequency.MONTHLY:
        spans = [(dt.date(year, m, 1), _month_end(year, m), f"{year}-{m:02d}")
                 for m in range(1, 13)]
    else:
        spans = [(dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q), f"{year}-Q{q}")
                 for q in range(1, 5)]
    every = [*(Period(*span) for span in spans),
             Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))]
    return [p for p in every if opened is None or p.end >= opened]


def period_of(key: str) -> Period:
    """The period a key names ("2025", "2025-Q2", "2025-07"); ValueError if it names none."""
    match = re.fullmatch(r"(\d{4})(?:-(Q[1-4]|\d{2}))?", key)
    if match is None:
        raise ValueError(key)
    year, part = int(match.group(1)), match.group(2)
    if part is None:
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), key)
    if part.startswith("Q"):
        quarter = int(part[1])
        return Period(dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter), key)
    month = int(part)
    if not 1 <= month <= 12:
        raise ValueError(key)
    return Period(dt.date(year, month, 1), _month_end(year, month), key)


def deadline(period: Period, *, day: int) -> dt.date:
    """The ``day`` of the month after the period (clamped to that month's last day)."""
    following = period.end + dt.timedelta(days=1)
    return min(following.replace(day=1) + dt.timedelta(days=day - 1),
               _month_end(following.year, following.month))


def calendar_state(period: Period, *, due_by: dt.date, published_on: dt.date | None,
                   today: dt.date) -> CalendarState:
    """Computed, never typed: see the module rules."""
    if published_on is not None:
        return CalendarState.LATE if published_on > due_by else CalendarState.PUBLISHED
    if today <= period.end:
        return CalendarState.NOT_DUE
    return CalendarState.MISSING if today > due_by else CalendarState.DUE


def canonical_json(contents: dict[str, Any]) -> bytes:
    """The one byte form of the contents that is hashed (sorted keys, no spaces, UTF-8)."""
    return json.dumps(contents, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=_plain).encode("utf-8")


def _plain(value: object) -> str:
    if isinstance(value, Decimal):
        return figure(value) if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def publication_hash(previous: str, contents: bytes, pdf: bytes, ledger_head: str) -> str:
    """SHA-256 over the previous hash and the digests of contents, PDF and ledger head."""
    parts = [previous, hashlib.sha256(contents).hexdigest(), hashlib.sha256(pdf).hexdigest(),
             ledger_head or GENESIS]
    return hashlib.sha256("\n".join(parts).encode("ascii")).hexdigest()


def short_code(digest: str) -> str:
    """The code printed on the notice: 12 characters of base 32, easy to type."""
    return base64.b32encode(bytes.fromhex(digest)).decode("ascii")[:SHORT_CODE_LENGTH]


def code_of(previous: str, contents: bytes, head: str) -> str:
    """The short code printed on a publication's notice: taken over its previous hash, frozen
    contents and ledger head before the notices exist, so a snapshot changed afterwards no
    longer yields the code on the paper even if its own hash is recomputed."""
    return short_code(publication_hash(previous, contents, b"", head))


def verify_chain(links: list[tuple[str, str, bytes, bytes, str]]) -> int | None:
    """Check (previous, hash, contents, pdf, ledger head) links in order; the index of the first
    broken one, or None when the whole chain holds."""
    expected_previous = GENESIS
    for index, (previous, digest, contents, pdf, head) in enumerate(links):
        if previous != expected_previous or publication_hash(previous, contents, pdf,
                                                             head) != digest:
            return index
        expected_previous = digest
    return None


def personal_numbers(body: dict[str, Any], attached: Sequence[tuple[str, str]] = (),
                     ) -> list[tuple[str, str]]:
    """Where the parts of a disclosure that people wrote for it carry a personal number
    (``unmasked``): (the place, the number shown as its first and last four digits) — the
    explanation, the correction's reason, the posts, review comments, the township's opinion
    and the text of attached PDFs (``attached``: place, text). Text taken from the books is
    masked when the contents are generated."""
    places: list[tuple[str, str]] = [*attached, ("说明", str(body.get("explanation", ""))),
                                     ("更正原因", str(body.get("correction_reason", "")))]
    for post in body.get("posts", []):
        places.append((f"公开事项“{post['title']}”", f"{post['title']} {post['body']}"))
    for review in body.get("reviews", []):
        places.append(("民主理财小组意见", str(review.get("comment", ""))))
    places.append(("乡镇审核意见", str(body.get("township_opinion", ""))))
    return [(place, f"{number[:4]}…{number[-4:]}")
            for place, text in places for number in unmasked(text)]


LINES_PER_PAGE = 100


def page_of(lines: list[Any], requested: str) -> tuple[list[Any], int, int]:
    """One screen of income-expense lines: (lines, page number, page count)."""
    pages = max(1, -(-len(lines) // LINES_PER_PAGE))
    page = whole_number(requested, 1)
    page = min(max(page, 1), pages)
    return lines[(page - 1) * LINES_PER_PAGE:page * LINES_PER_PAGE], page, pages


def listed_items(contents: dict[str, Any]) -> list[Any]:
    """The items of 收支明细 a page lists: the receipts and payments of the contents, or the
    posted lines of a snapshot frozen before receipts and payments were shown apart."""
    if "cash_flow" in contents:
        return list(contents["cash_flow"]["items"])
    return list(contents.get("income_expense", {}).get("lines", []))


# --- The disclosure workflow: which steps a user may take now (coopledger.workflow) ----------

DISCLOSURE_STEPS: dict[str, Step] = {
    "explain": Step(Action.MANAGE_DISCLOSURES, frozenset({"draft"})),
    "add_post": Step(Action.MANAGE_DISCLOSURES, frozenset({"draft"})),
    "submit": Step(Action.MANAGE_DISCLOSURES, frozenset({"draft"})),
    "review": Step(Action.REVIEW_DISCLOSURES, frozenset({"reviewing"})),
    "township": Step(Action.OPINE_DISCLOSURES, frozenset({"township"})),
    "publish": Step(Action.MANAGE_DISCLOSURES, frozenset({"township"})),
    "correct": Step(Action.MANAGE_DISCLOSURES, frozenset({"published"})),
}
"""A disclosure: drafted (说明, 党务/村务事项) → 民主理财小组 审核 → 乡镇审核 → 公开, and a
correcting version of a published one."""


@dataclass(frozen=True)
class DisclosureFacts:
    """What decides the steps of one disclosure for one user, besides the permissions."""

    state: str                   # DisclosureState value
    state_label: str
    township_agreed: bool        # the township's opinion was to agree
    in_committee: bool           # the user is on the organisation's 民主理财小组
    audits_township: bool        # the user audits the organisation's township
    pending_version: bool        # the period already has an unpublished version


def disclosure_steps(facts: DisclosureFacts, may: Callable[[Action], bool]) -> Steps:
    """The steps a user may take on a disclosure now, and why not the others (the contents —
    personal numbers, the period's books — are checked when a step is taken)."""

    def state_reason(step: str) -> Reason:
        if step in ("explain", "add_post", "submit"):
            return Reason(N_("只有草稿可以修改（现为“%(state)s”）。"), {"state": facts.state_label})
        if step == "review":
            return Reason(N_("该公开不在民主理财小组审核阶段。"))
        if step == "township":
            return Reason(N_("该公开不在乡镇审核阶段。"))
        if step == "publish":
            return Reason(N_("须经民主理财小组和乡镇审核同意后才能公开。"))
        return Reason(N_("只有已公开的版本可以更正；草稿请直接修改说明。"))

    return decide(DISCLOSURE_STEPS, state=facts.state, may=may, state_reason=state_reason,
                  conditions={
                      "review": None if facts.in_committee else Reason(
                          N_("只有本组织民主理财小组成员可以审核公开内容。")),
                      "township": Reason(N_("乡镇已经审核同意，等待公开。"))
                      if facts.township_agreed else None if facts.audits_township
                      else Reason(N_("只有本乡镇的审计人员可以审核。")),
                      "publish": None if facts.township_agreed
                      else Reason(N_("须经民主理财小组和乡镇审核同意后才能公开。")),
                      "correct": Reason(N_("该期间已有一个未公开的更正版本。"))
                      if facts.pending_version else None})
