"""Contract schedule speed (the schedule rules; the contract register is still to come).

Usage:  .venv/bin/python bench/contracts.py

Times generating a 30-year lease schedule (cash with a step increase, and grain-indexed,
annual and half-yearly) and 1,000 such schedules; prints a table.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path


def main() -> None:
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


if __name__ == "__main__":
    main()
