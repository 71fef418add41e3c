"""Asset register speed: a month's depreciation of 5,000 cards, and the reconciliation page.

Usage:  .venv/bin/python bench/assets.py [--database-url URL] [--cards N] [--months N]
        [--rounds N]

In a throwaway database (SQLite by default) with the sample world, 石安村股份经济合作社 opens
its books on 2024-01-01 with 5,000 cards (bought during 2023, straight-line and units of
production, all categories) whose original values are its opening 固定资产. Then, month by
month, it times computing and drafting the depreciation voucher (every card's amount from the
lines drafted before, one voucher, 5,000 lines stored), posting each voucher; and finally the
reconciliation page (register against 固定资产/累计折旧) as the accountant opens it, once
balanced and once with the last month still unposted. Prints figures against the targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any


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


def _fill(org: Any, count: int) -> Decimal:
    """Insert ``count`` cards straight into the table; returns their total original value."""
    import sqlalchemy as sa

    from coopledger.assets.models import AssetCard, AssetStatus, Category
    from coopledger.assets.rules import Method
    from coopledger.dates import utcnow
    from coopledger.extensions import db

    rng = random.Random(9)  # noqa: S311 - benchmark data
    categories = [c for c in Category if c.asset_class.value == "fixed"]
    rows, total = [], Decimal("0.00")
    for n in range(count):
        original = Decimal(rng.randrange(50_000, 20_000_000)) / 100
        units = n % 10 == 0
        total += original
        rows.append({
            "organisation_id": org.id, "number": f"B-{n:05d}", "name": f"基准资产 {n}",
            "category": categories[n % len(categories)], "location": f"{n % 7 + 1}组",
            "acquired_on": dt.date(2023, 1 + n % 12, 1 + n % 28), "original": original,
            "residual_percent": Decimal(rng.choice((0, 3, 5))),
            "life_months": rng.choice((36, 60, 96, 120, 240)),
            "method": Method.UNITS if units else Method.STRAIGHT_LINE,
            "total_units": Decimal(2000) if units else None, "status": AssetStatus.IN_USE,
            "expense_code": "511" if n % 3 else "513", "opening_accumulated": Decimal("0.00"),
            "opening_units": Decimal(0), "note": "", "created_at": utcnow()})
    db.session.execute(sa.insert(AssetCard), rows)
    return total


def _usage(org: Any, year: int, month: int) -> None:
    import sqlalchemy as sa

    from coopledger.assets.models import AssetCard, UsageEntry
    from coopledger.assets.rules import Method
    from coopledger.extensions import db

    ids = db.session.scalars(sa.select(AssetCard.id).where(
        AssetCard.organisation_id == org.id, AssetCard.method == Method.UNITS)).all()
    db.session.execute(sa.insert(UsageEntry), [
        {"card_id": card_id, "year": year, "month": month, "units": Decimal(25 + card_id % 30)}
        for card_id in ids])


def bench(database_url: str | None, cards: int, months: int, rounds: int) -> None:
    instance = tempfile.mkdtemp(prefix="coopledger-bench-")
    os.environ["COOPLEDGER_INSTANCE_PATH"] = instance
    os.environ["COOPLEDGER_STORAGE_DIR"] = str(Path(instance) / "storage")
    if database_url:
        os.environ["COOPLEDGER_DATABASE_URL"] = database_url
    from flask_migrate import upgrade

    from coopledger import create_app
    from coopledger.assets import depreciation
    from coopledger.assets.reconcile import reconcile
    from coopledger.extensions import db
    from coopledger.ledger import periods, rules, vouchers
    from coopledger.orgs.queries import get_org
    from coopledger.sample import load_world

    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.test_request_context():
        upgrade()
        load_world(full=False)
        db.session.commit()
        from coopledger.auth.models import User

        accountant = db.session.scalars(db.select(User).where(User.username == "accountant")).one()
        reviewer = db.session.scalars(db.select(User).where(User.username == "reviewer")).one()
        org = get_org("shian-jjhzs")
        total = _fill(org, cards)
        zero = Decimal("0.00")
        opening = periods.open_books(org, on=dt.date(2024, 1, 1), balances=[
            rules.Line("期初余额", "151", total, zero),
            rules.Line("期初余额", "301", zero, total)], by=accountant, today=_today())

        def post(voucher: Any) -> None:
            vouchers.submit_voucher(voucher, by=accountant)
            vouchers.review_voucher(voucher, by=reviewer)
            vouchers.post_voucher(voucher, by=reviewer, today=_today())

        post(opening)
        db.session.commit()
        print(f"\n{cards:,} cards, {total:,.2f} yuan ({db.engine.dialect.name})")
        timings = []
        run = None
        for month in range(1, months + 1):
            _usage(org, 2024, month)
            db.session.commit()
            start = time.perf_counter()
            run = depreciation.draft_run(org, 2024, month, by=accountant, today=_today())
            db.session.commit()
            timings.append(time.perf_counter() - start)
            if month < months:
                assert run.voucher is not None
                post(run.voucher)
                db.session.commit()
        assert run is not None
        median = statistics.median(timings)
        print(f"{'draft a month (compute + voucher)':<40} median {median:.2f} s,"
              f" slowest {max(timings):.2f} s over {months} months  ≤ 5 s")
        print(f"{'  last month':<40} {len(depreciation.lines_of(run)):,} cards, "
              f"{run.total:,.2f} yuan")
        on = dt.date(2024, months, 28)
        print(f"{'  register agrees on ' + on.isoformat():<40} {reconcile(org, on).balanced}")
        end = dt.date(2024, months, 28) + dt.timedelta(days=10)
        unbalanced = reconcile(org, end)
        print(f"{'  last month unposted: agrees':<40} {unbalanced.balanced} "
              f"({len(unbalanced.unposted)} voucher listed)")
    client = app.test_client()
    client.post("/auth/login", data={"username": "accountant", "password": "coop-demo-2026"})
    balanced = _median_ms(lambda: client.get(f"/o/shian-jjhzs/assets/reconcile?on={on}"),
                          rounds)
    print(f"{'reconciliation page, balanced':<40} {balanced:>8.1f} ms  ≤ 500 ms")
    broken = _median_ms(lambda: client.get(f"/o/shian-jjhzs/assets/reconcile?on={end}"),
                        rounds)
    print(f"{'reconciliation page, with differences':<40} {broken:>8.1f} ms  ≤ 500 ms")
    listing = _median_ms(lambda: client.get("/o/shian-jjhzs/assets/"), rounds)
    print(f"{'card register page (100 a page)':<40} {listing:>8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: a throwaway SQLite file")
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    bench(args.database_url, args.cards, args.months, args.rounds)


if __name__ == "__main__":
    main()
