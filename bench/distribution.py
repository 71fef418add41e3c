"""Distribution speed: allocation, the roster PDF and the statements, against the plain way.

Usage:  .venv/bin/python bench/distribution.py [--households N] [--statements N] [--no-plain]

Builds an in-memory plan (no database) for N households (default 5,000) with a year of share
changes, then times: the share-days of the year and the exact-fen split of the pool; the
roster PDF of all lines; the statements of the first 1,000 households rendered the project's
way (batches of 50 per WeasyPrint document, two processes, joined) and the plain way (one
WeasyPrint document for all of them, in a child process). Peak memory is the largest resident
set of the process and of its children (ru_maxrss). Prints figures against the targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _plain_child(html: str, static: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from coopledger.pdf.render import html_to_pdf

    start = time.perf_counter()
    data = html_to_pdf(html, Path(static), frozenset())
    queue.put((time.perf_counter() - start, len(data), _peak_mb(resource.RUSAGE_SELF)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--statements", type=int, default=1000)
    parser.add_argument("--no-plain", action="store_true", help="skip the plain comparison")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("COOPLEDGER_INSTANCE_PATH", tempfile.mkdtemp(prefix="coopledger-"))

    from coopledger import create_app
    from coopledger.distribution import rules, statements
    from coopledger.distribution.models import Entitlement, Mode, Plan, PlanLine, PlanState
    from coopledger.money import allocate, amount_in_words
    from coopledger.orgs.models import AccountingStandard, Organisation, OrgKind
    from coopledger.pdf.render import static_root
    from coopledger.shares.models import OperationKind
    from coopledger.shares.rules import Op

    rng = random.Random(7)  # noqa: S311 - benchmark data
    n = args.households
    year = 2025
    ops = [Op(i, OperationKind.SUBSCRIBE, 1, None, i, Decimal(rng.randrange(50, 600)) / 100,
              dt.date(2024, 1, 1)) for i in range(1, n + 1)]
    for number in range(n + 1, n + n // 5):
        source, target = rng.randrange(1, n + 1), rng.randrange(1, n + 1)
        if source != target:
            ops.append(Op(number, OperationKind.TRANSFER, 1, source, target, Decimal("0.10"),
                          dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))))
    pool = Decimal("1234567.89")
    start = time.perf_counter()
    held = rules.share_days(ops, year)
    weights = {account: h.share_days for (account, _cls), h in held.items()}
    parts = allocate(pool, weights)
    took = time.perf_counter() - start
    assert sum(parts.values()) == pool
    print(f"{'households':<44} {n:>8,}")
    print(f"{'share-days + exact-fen split of the pool':<44} {took:>8.2f} s   ≤ 1 s")

    app = create_app({"SERVER_NAME": "coop.example", "PUBLIC_URL": "https://coop.example"})
    with app.app_context(), app.test_request_context():
        org = Organisation(id=1, code="bench", name="建平县石安土地股份合作社",
                           kind=OrgKind.LAND_SHARE_COOP, standard=AccountingStandard.COOP_2021)
        plan = Plan(id=1, organisation=org, year=year, version=1, mode=Mode.LAND_SHARE,
                    state=PlanState.APPROVED, entitlement=Entitlement.DAYS,
                    resolution_no="成员大会决议〔2026〕1号")
        lines = []
        for seq, (account, amount) in enumerate(sorted(parts.items()), start=1):
            h = held[(account, 1)]
            line = PlanLine(id=seq, plan_id=1, seq=seq, share_account_id=account,
                            household_id=account, holder=f"社员{account:05d}户",
                            payee=f"社员{account:05d}户",
                            shares=(h.share_days / 365).quantize(Decimal("0.0001")),
                            share_days=h.share_days, days_held=h.days,
                            weight=(h.share_days / 365).quantize(Decimal("0.0001")),
                            area=Decimal("2.5000"), guarantee_due=Decimal("2000.00"),
                            guarantee_paid=Decimal("2000.00"), by_volume=Decimal("0.00"),
                            dividend=amount, total=amount, paid=Decimal("0.00"), note="")
            lines.append(line)
        plan.lines = lines

        start = time.perf_counter()
        roster = statements.roster(plan, public=True, workers=2)
        print(f"{'roster PDF, all lines':<44} {time.perf_counter() - start:>8.2f} s   ≤ 20 s"
              f"   ({len(roster) // 1024:,} KB)")

        items = []
        for line in lines[:args.statements]:
            url = f"https://coop.example/d/{line.id}/{statements.check_code(line)}"
            import segno

            items.append(statements.Statement(
                line=line, parcels=[(f"SA-{line.seq:05d}-1", Decimal("1.5000"), None),
                                    (f"SA-{line.seq:05d}-2", Decimal("1.0000"), None)],
                holdings=[statements.Holding("土地股", line.shares, line.days_held,
                                             Decimal(1))],
                words=amount_in_words(line.total), check_url=url,
                qr=segno.make(url, error="m").svg_data_uri(scale=2)))
        start = time.perf_counter()
        pdf = statements.render(plan, items, workers=2)
        ours = time.perf_counter() - start
        split = time.perf_counter()
        pages = statements.per_household(pdf)
        split_took = time.perf_counter() - split
        peak = max(_peak_mb(resource.RUSAGE_SELF), _peak_mb(resource.RUSAGE_CHILDREN))
        print(f"{f'{len(items):,} statements, batches of 50, 2 processes':<44} {ours:>8.2f} s"
              f"   ≤ 60 s   peak {peak:,.0f} MB (≤ 1 GB)")
        print(f"{'  … split into one PDF per household':<44} {split_took:>8.2f} s"
              f"   ({len(pages):,} files)")
        if not args.no_plain:
            html = statements._html(plan, items)
            queue: multiprocessing.Queue = multiprocessing.get_context("fork").Queue()  # type: ignore[type-arg]
            child = multiprocessing.get_context("fork").Process(
                target=_plain_child, args=(html, str(static_root()), queue))
            child.start()
            plain, size, plain_peak = queue.get()
            child.join()
            print(f"{'plain: one WeasyPrint document, 1 process':<44} {plain:>8.2f} s"
                  f"            peak {plain_peak:,.0f} MB   ({size // 1024:,} KB)")
            print(f"{'ratio plain / ours':<44} {plain / ours:>8.1f} ×")


if __name__ == "__main__":
    main()
