"""Disclosure speed: a quarter of 2,000 posted vouchers drafted, published and verified.

Usage:  .venv/bin/python bench/disclosure.py [--vouchers 2000] [--database-url URL]
        [--rounds N]

In a throwaway database (SQLite by default) with the sample world, 石安村股份经济合作社 opens
its books on 2025-01-01 and gets N posted vouchers in the first quarter (bulk-inserted with the
posting service's rendering and hash chain), months closed. Then it times generating the draft
from the ledger, publishing (frozen JSON, the A4 and A3 board notices, chained hash) as the
background job does, the full notice with every receipt and payment, the public page of the
publication, and verifying the downloaded notice. Prints figures against the targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader

ORG = "shian-jjhzs"


def _today() -> dt.date:
    """The day the bench runs (the business day, as a CLI command asks it)."""
    from coopledger.dates import today

    return today()


def _median_ms(action: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _fill(org: object, count: int, accountant: object, reviewer: object) -> None:
    """Bulk-insert ``count`` posted vouchers dated in 2025-Q1, chained like posting does."""
    import sqlalchemy as sa

    from coopledger.dates import utcnow
    from coopledger.extensions import db
    from coopledger.ledger import beans, books, money_index, month_index
    from coopledger.ledger.models import Book, Period, Voucher, VoucherLine, VoucherState
    from coopledger.ledger.queries import bean_account_names
    from coopledger.ledger.vouchers import chain_hash

    accounts = books.accounts_by_code(org)  # type: ignore[arg-type]
    names = bean_account_names(org)  # type: ignore[arg-type]
    pairs = [("102", "501"), ("511", "102"), ("513", "101"), ("101", "102"), ("102", "504"),
             ("113", "102"), ("102", "113")]
    rng = random.Random(11)  # noqa: S311 - benchmark data
    book = db.session.get(Book, org.id)  # type: ignore[attr-defined]
    assert book is not None
    counters: dict[tuple[int, int], int] = {}
    for period in db.session.scalars(sa.select(Period).where(
            Period.organisation_id == org.id)):  # type: ignore[attr-defined]
        counters[(period.year, period.month)] = period.last_number
    seq, head = book.last_post_seq, book.chain_head
    days = sorted(dt.date(2025, 1, 2) + dt.timedelta(days=rng.randrange(88))
                  for _ in range(count))
    for index, on in enumerate(days):
        debit_code, credit_code = pairs[index % len(pairs)]
        amount = Decimal(rng.randrange(100, 2_000_000)) / 100
        key = (on.year, on.month)
        counters[key] = counters.get(key, 0) + 1
        seq += 1
        summary = f"基准凭证 {index}"
        voucher = Voucher(organisation_id=book.organisation_id, on=on, year=on.year,
                          month=on.month, number=counters[key], word="记",
                          state=VoucherState.POSTED, attachment_count=1,
                          preparer_id=accountant.id, reviewer_id=reviewer.id,  # type: ignore[attr-defined]
                          poster_id=reviewer.id, created_at=utcnow(),  # type: ignore[attr-defined]
                          posted_at=utcnow(), post_seq=seq)
        lines = [(debit_code, amount, Decimal("0.00")), (credit_code, Decimal("0.00"), amount)]
        voucher.lines = [VoucherLine(organisation_id=book.organisation_id, line_no=i,
                                     summary=summary, account_id=accounts[code].id, debit=d,
                                     credit=c, on=on, posted=True, closing=False)
                         for i, (code, d, c) in enumerate(lines, start=1)]
        txn = beans.BeanTransaction(
            on=on, narration=summary, voucher=f"记-{counters[key]}",
            link=f"v{on.year}-{on.month:02d}-{counters[key]:04d}",
            preparer="accountant", reviewer="reviewer", attachments=1,
            postings=tuple((names[accounts[code].id], d - c) for code, d, c in lines))
        voucher.bean_text = beans.transaction_text(txn)
        head = chain_hash(head, voucher.bean_text)
        voucher.chain_hash = head
        db.session.add(voucher)
    for (year, month), last in counters.items():
        found = db.session.scalar(sa.select(Period).where(
            Period.organisation_id == book.organisation_id, Period.year == year,
            Period.month == month))
        if found is None:
            db.session.add(Period(organisation_id=book.organisation_id, year=year, month=month,
                                  last_number=last))
        else:
            found.last_number = last
    book.last_post_seq, book.chain_head = seq, head
    db.session.flush()
    month_index.rebuild(book.organisation_id)  # bulk-inserted lines
    money_index.rebuild(book.organisation_id)
    db.session.commit()


def bench(database_url: str | None, count: int, rounds: int) -> None:
    instance = tempfile.mkdtemp(prefix="coopledger-bench-")
    os.environ["COOPLEDGER_INSTANCE_PATH"] = instance
    os.environ["COOPLEDGER_STORAGE_DIR"] = str(Path(instance) / "storage")
    if database_url:
        os.environ["COOPLEDGER_DATABASE_URL"] = database_url
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from coopledger import create_app
    from coopledger.auth.models import User
    from coopledger.disclosure import notice, services, verification
    from coopledger.extensions import db
    from coopledger.files import store
    from coopledger.ledger import periods
    from coopledger.orgs.queries import get_org
    from coopledger.sample import load_world
    from tests.ledger_helpers import book_with_vouchers

    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.test_request_context():
        storage = store()
        upgrade()
        load_world(full=False)
        db.session.commit()
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        org = get_org(ORG)
        book_with_vouchers(org, users["accountant"], users["reviewer"], on=dt.date(2025, 1, 1))
        db.session.commit()
        _fill(org, count, users["accountant"], users["reviewer"])
        for month in (1, 2, 3):
            periods.close_month(org, 2025, month, by=users["accountant"])
        db.session.commit()
        print(f"\n{count:,} posted vouchers in 2025-Q1 ({db.engine.dialect.name})")
        start = time.perf_counter()
        disclosure = services.draft(org, "2025-Q1", by=users["accountant"])
        db.session.commit()
        drafted = time.perf_counter() - start
        items = len(__import__("json").loads(disclosure.contents)["cash_flow"]["items"])
        print(f"{'generate the draft':<36} {drafted:>8.2f} s   ≤ 5 s   ({items:,} receipts "
              "and payments)")
        services.submit(disclosure, by=users["accountant"])
        services.review(disclosure, agrees=True, comment="", by=users["supervisor"])
        services.township_review(disclosure, agrees=True, opinion="无异议",
                                 by=users["auditor"])
        db.session.commit()
        steps: list[str] = []
        start = time.perf_counter()
        services.publish(disclosure, render_pdf=notice.render_both, storage=storage,
                         by=users["accountant"],
                         progress=lambda percent, message: steps.append(f"{percent}%"),
                         today=_today())
        db.session.commit()
        published = time.perf_counter() - start
        a4 = storage.get(verification.notice_key(disclosure)) or b""
        a3 = storage.get(verification.notice_key(disclosure, "a3")) or b""
        pages = len(PdfReader(io.BytesIO(a4)).pages)
        print(f"{'publish (snapshot + board A4 + A3)':<36} {published:>8.2f} s   ≤ 3 s   "
              f"({pages} A4 pages; A4 {len(a4) // 1024:,} KB, A3 {len(a3) // 1024:,} KB; "
              f"progress {' '.join(steps)})")
        start = time.perf_counter()
        full = storage.get(notice.full_notice(disclosure, storage)) or b""
        rendered = time.perf_counter() - start
        print(f"{'full notice (every item)':<36} {rendered:>8.2f} s   ≤ 20 s  "
              f"({len(PdfReader(io.BytesIO(full)).pages)} A4 pages, {len(full) // 1024:,} KB)")
        disclosure_id = disclosure.id
        verify = _median_ms(lambda: verification.verify_pdf(a4, storage), rounds)
        print(f"{'verify a notice (service)':<36} {verify:>8.1f} ms  ≤ 1 s")
    client = app.test_client()
    page = _median_ms(lambda: client.get(f"/p/{ORG}/{disclosure_id}"), rounds)
    print(f"{'public page of the publication':<36} {page:>8.1f} ms  ≤ 100 ms")
    listing = _median_ms(lambda: client.get(f"/p/{ORG}"), rounds)
    print(f"{'public list of publications':<36} {listing:>8.1f} ms")
    upload = _median_ms(lambda: client.post("/verify", data={
        "file": (io.BytesIO(a4), "notice.pdf")}, content_type="multipart/form-data"), rounds)
    print(f"{'verify page, uploaded A4 notice':<36} {upload:>8.1f} ms  ≤ 1 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: a throwaway SQLite file")
    parser.add_argument("--vouchers", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    bench(args.database_url, args.vouchers, args.rounds)


if __name__ == "__main__":
    main()
