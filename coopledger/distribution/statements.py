"""Dividend statements (分红明细单): what each holder receives under a plan and why, as one
printable page per household, plus the public check each statement's QR code opens.

A statement shows the organisation, year and plan version, the household with its contributed
parcels, shares per class with the days held, the 保底 due and paid, the dividend per share,
every amount, deductions, the total in figures and in 大写, whether it has been paid, and a QR
code with a check code (an HMAC of the line under the app's secret, so it cannot be guessed).
Many statements render as one WeasyPrint document (the layout and fonts are prepared once);
``per_household`` splits it into one PDF per page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import segno
import sqlalchemy as sa
from flask import current_app, render_template
from pypdf import PdfReader, PdfWriter

from coopledger.distribution import figures, rules
from coopledger.distribution.models import Entitlement, Mode, Plan, PlanLine
from coopledger.extensions import db
from coopledger.members.models import Contribution, Parcel
from coopledger.money import amount_in_words
from coopledger.pdf import batch
from coopledger.shares.models import ShareClass


def check_code(line: PlanLine) -> str:
    """12 hex characters binding the line, its plan and its total to the app's secret."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"{line.plan_id}:{line.id}:{line.total}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:12]


def find_line(line_id: int, code: str) -> PlanLine | None:
    """The line a check code was printed for, if the code matches."""
    line = db.session.get(PlanLine, line_id)
    if line is None or not hmac.compare_digest(check_code(line), code.lower()):
        return None
    return line


@dataclass
class Holding:
    """Shares of one class on the statement."""

    name: str
    shares: Decimal
    days: int
    weight: Decimal


@dataclass
class Statement:
    """Everything one statement page shows."""

    line: PlanLine
    parcels: list[tuple[str, Decimal, dt.date | None]] = field(default_factory=list)  # withdrawn
    holdings: list[Holding] = field(default_factory=list)
    words: str = ""
    check_url: str = ""
    qr: str = ""


def check_url(line: PlanLine) -> str:
    """The public check of a statement, under PUBLIC_URL (the same on screen and in a worker,
    never the request's Host header)."""
    base = str(current_app.config["PUBLIC_URL"]).rstrip("/")
    return f"{base}/d/{line.id}/{check_code(line)}"


def statements(plan: Plan, lines: list[PlanLine] | None = None) -> list[Statement]:
    """The statements of these lines (all households of the plan by default)."""
    chosen = lines if lines is not None else [ln for ln in plan.lines if ln.household_id]
    held = rules.share_days(figures.register_ops(plan.organisation), plan.year,
                            record_date=plan.record_date)
    names = {c.id: c.name for c in db.session.scalars(sa.select(ShareClass).where(
        ShareClass.organisation_id == plan.organisation_id))}
    weights = {w.share_class_id: w.weight for w in plan.weights}
    household_ids = [ln.household_id for ln in chosen if ln.household_id]
    parcels: dict[int, list[tuple[str, Decimal, dt.date | None]]] = {}
    for household_id, code, area, withdrawn_on in db.session.execute(
            sa.select(Parcel.household_id, Parcel.code, Parcel.area,
                      Contribution.withdrawn_on).join(Contribution).where(
                Contribution.organisation_id == plan.organisation_id,
                Parcel.household_id.in_(household_ids),
                Contribution.contributed_on <= dt.date(plan.year, 12, 31),
                sa.or_(Contribution.withdrawn_on.is_(None),
                       Contribution.withdrawn_on >= dt.date(plan.year, 1, 1)))
            .order_by(Parcel.code)):
        parcels.setdefault(household_id, []).append((code, area, withdrawn_on))
    found = []
    for line in chosen:
        holdings = [
            Holding(names.get(class_id, "?"),
                    h.on_record_date if plan.entitlement is Entitlement.RECORD_DATE
                    else h.share_days / rules.days_in_year(plan.year), h.days,
                    weights.get(class_id, Decimal(1)))
            for (account_id, class_id), h in sorted(held.items())
            if account_id == line.share_account_id]
        url = check_url(line)
        found.append(Statement(line=line, parcels=parcels.get(line.household_id or 0, []),
                               holdings=holdings, words=amount_in_words(line.total),
                               check_url=url,
                               qr=segno.make(url, error="m").svg_data_uri(scale=2)))
    return found


BATCH = 50  # statements per WeasyPrint document: layout and fonts shared, memory bounded


def _html(plan: Plan, items: list[Statement]) -> str:
    return render_template("distribution/statement_pdf.html", plan=plan, statements=items,
                           per_share=plan.per_share, land=plan.mode is Mode.LAND_SHARE,
                           cooperative=plan.mode is Mode.COOPERATIVE,
                           year_days=rules.days_in_year(plan.year))


def render(plan: Plan, items: list[Statement], *, workers: int = 1,
           progress: Callable[[int], None] | None = None) -> bytes:
    """One PDF with a page per statement, laid out in batches of ``BATCH`` by ``workers``
    processes (pdf.batch) and joined in order."""
    parts = [_html(plan, items[at:at + BATCH]) for at in range(0, len(items), BATCH)]
    return batch.layout(parts, workers=workers, progress=progress)


ROSTER_PART = 1250  # rows per laid-out part of the roster (two parts per core for 5,000)


def roster(plan: Plan, *, public: bool, workers: int = 1, show_names: bool = False) -> bytes:
    """The roster of all holders, numbered across its parts; the public copy masks names
    unless the organisation shows names on public pages (``show_names``)."""
    lines = list(plan.lines)
    parts = [render_template("distribution/roster_pdf.html", plan=plan, public=public,
                             masked=public and not show_names,
                             rows=lines[at:at + ROSTER_PART], first=at == 0,
                             last=at + ROSTER_PART >= len(lines), per_share=plan.per_share)
             for at in range(0, max(len(lines), 1), ROSTER_PART)]
    return batch.number_pages(batch.layout(parts, workers=workers), landscape=True)


def per_household(pdf: bytes) -> list[bytes]:
    """Split a multi-page statements PDF into one PDF per page."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        writer = PdfWriter()
        writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
        pages.append(out.getvalue())
    return pages
