"""Contract speed: schedule generation and the overdue list.

Usage:  .venv/bin/python bench/contracts.py [--database-url URL] [--rounds N]

Times generating a 30-year lease schedule (cash with a step increase, and grain-indexed,
annual and half-yearly) and 1,000 such schedules; then, in a throwaway database (SQLite by
default) with the sample world plus 1,000 signed leases holding 20,000 schedule lines (a third
of the due ones unpaid or part-paid), the overdue count and total, the whole overdue list, and
the overdue page as the accountant sees it. Prints medians against the targets.
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


def today_() -> dt.date:
    """The app's today (the benchmark data is laid out around it)."""
    from coopledger.dates import today

    return today()


def _median_ms(action: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _fill(contracts: int, lines_each: int) -> int:
    """Insert signed leases with schedule lines straight into the tables; returns lines."""
    import sqlalchemy as sa

    from coopledger.contracts.models import Contract, ContractKind, ContractStatus, Partner
    from coopledger.contracts.money_models import LineKind, ScheduleLine
    from coopledger.extensions import db
    from coopledger.orgs.models import Organisation

    org = db.session.scalars(sa.select(Organisation).where(
        Organisation.code == "shian-tdgf")).one()
    partner = db.session.scalars(sa.select(Partner).where(
        Partner.organisation_id == org.id)).first()
    assert partner is not None
    rng = random.Random(5)  # noqa: S311 - benchmark data
    today = today_()
    rows = []
    for n in range(contracts):
        start = dt.date(today.year - lines_each // 2, 1 + n % 12, 1)
        contract = Contract(organisation_id=org.id, partner_id=partner.id, number=f"B-{n:05d}",
                            title=f"基准租赁合同 {n}", kind=ContractKind.LEASE,
                            status=ContractStatus.ACTIVE, starts_on=start,
                            ends_on=start.replace(year=start.year + lines_each) -
                            dt.timedelta(days=1), approval_ref="基准", approved_on=start,
                            signed_on=start, price_per_mu=Decimal("800.00"))
        db.session.add(contract)
        db.session.flush()
        for seq in range(lines_each):
            first = start.replace(year=start.year + seq)
            amount = Decimal(rng.randrange(100_000, 1_000_000)) / 100
            due = first + dt.timedelta(days=30)
            paid = amount if due >= today or rng.random() > 0.33 else \
                (amount / 2).quantize(Decimal("0.01")) if rng.random() < 0.5 else Decimal("0.00")
            rows.append({"organisation_id": org.id, "contract_id": contract.id, "seq": seq + 1,
                         "kind": LineKind.RENT, "period_start": first,
                         "period_end": first.replace(year=first.year + 1) -
                         dt.timedelta(days=1), "due_on": due, "amount": amount,
                         "received": paid if due < today else Decimal("0.00"),
                         "written_off": Decimal("0.00"), "estimated": False, "note": ""})
    db.session.execute(sa.insert(ScheduleLine), rows)
    db.session.commit()
    return len(rows)


def overdue_bench(database_url: str | None, rounds: int) -> None:
    """The overdue list over 1,000 contracts with 20,000 schedule lines."""
    instance = tempfile.mkdtemp(prefix="coopledger-bench-")
    os.environ["COOPLEDGER_INSTANCE_PATH"] = instance
    if database_url:
        os.environ["COOPLEDGER_DATABASE_URL"] = database_url
    from flask_migrate import upgrade

    from coopledger import create_app
    from coopledger.contracts.queries import overdue_query, overdue_total
    from coopledger.extensions import db
    from coopledger.orgs.models import Organisation
    from coopledger.sample import load_world

    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        load_world(full=False)
        db.session.commit()
        lines = _fill(1000, 20)
        org = db.session.scalars(db.select(Organisation).where(
            Organisation.code == "shian-tdgf")).one()
        on = today_()
        count, owed = overdue_total(org, on)
        print(f"\n1,000 contracts, {lines:,} schedule lines: {count:,} overdue, "
              f"{owed:,.2f} yuan outstanding ({db.engine.dialect.name})")
        totals = _median_ms(lambda: overdue_total(org, on), rounds)
        print(f"{'overdue count and total':<36} {totals:>8.2f} ms  ≤ 200 ms")
        whole = _median_ms(lambda: db.session.scalars(overdue_query(org, on)).all(), rounds)
        print(f"{'whole overdue list (ORM rows)':<36} {whole:>8.2f} ms  ≤ 200 ms")
    client = app.test_client()
    client.post("/auth/login", data={"username": "accountant", "password": "coop-demo-2026"})
    page = _median_ms(lambda: client.get("/o/shian-tdgf/contracts/overdue"), rounds)
    print(f"{'overdue page (50 a page, rendered)':<36} {page:>8.2f} ms  ≤ 200 ms")
    home = _median_ms(lambda: client.get("/"), rounds)
    print(f"{'accountant home with the warnings':<36} {home:>8.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: a throwaway SQLite file")
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from coopledger.contracts.rules import LeaseTerms, lease_schedule

    prices = {year: Decimal("1.30") + Decimal(year - 2020) / 100 for year in range(2020, 2040)}
    cases = {
        "cash, +10 % every 5 years, annual": LeaseTerms(
            dt.date(2024, 3, 1), dt.date(2054, 2, 28), Decimal("120.5"),
            price_per_mu=Decimal("800"), step_percent=Decimal("10"), step_years=5),
        "grain 600 斤/亩, half-yearly": LeaseTerms(
            dt.date(2024, 3, 1), dt.date(2054, 2, 28), Decimal("120.5"),
            grain_jin_per_mu=Decimal("600"), half_yearly=True),
    }
    print(f"{'30-year schedule':<36} {'lines':>6} {'median':>10}  target")
    for label, terms in cases.items():
        timings = []
        for _ in range(21):
            start = time.perf_counter()
            lines = lease_schedule(terms, grain_prices=prices)
            timings.append((time.perf_counter() - start) * 1000)
        print(f"{label:<36} {len(lines):>6} {statistics.median(timings):>8.2f} ms  ≤ 50 ms")
    start = time.perf_counter()
    count = sum(len(lease_schedule(cases["cash, +10 % every 5 years, annual"]))
                for _ in range(1000))
    print(f"{'1,000 schedules':<36} {count:>6} {time.perf_counter() - start:>8.2f} s")
    overdue_bench(args.database_url, args.rounds)


if __name__ == "__main__":
    main()
