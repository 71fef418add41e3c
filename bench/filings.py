"""Upward filings at county scale (issue 21): a county of 3 townships × 100 organisations, each
with a closed year of 5,000 posted vouchers.

Usage:  .venv/bin/python bench/filings.py [--townships 3] [--orgs 100] [--vouchers 5000]
        [--database-url URL]

In a throwaway database (SQLite by default; pass a PostgreSQL URL, as the targets are for it)
the county is bulk-built as ``bench/supervision.py`` builds a township: every organisation's
books opened on 1 January of last year with V posted vouchers through that year, its twelve
months closed, and a small resource register. Every organisation's year is then submitted and
accepted through the real services (not timed). In a fresh process it times:

- one organisation's year page (every table computed from the books, every rule checked):
  cold and warm, target ≤ 500 ms;
- a township summary of its organisations (target ≤ 5 s for 100) and, once each township's
  summary is accepted, the county summary (target ≤ 10 s);
- the township dashboard with the filing column and warnings: cold (first request of a new
  process) ≤ 2 s and warm ≤ 100 ms;
- one organisation's yearly archive as a job (target ≤ 60 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

PASSWORD = "bench-password-2026"  # noqa: S105 - a throwaway database


def _app(url: str, storage: str):  # noqa: ANN202 - script helper
    from coopledger import create_app

    return create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False, "STORAGE_DIR": storage,
                       "PASSWORD_HASH_COST": "test", "JOBS_IMMEDIATE": True})


def _year() -> int:
    from coopledger.dates import today

    return today().year - 1


def build(url: str, storage: str, townships: int, orgs: int, count: int) -> None:
    """Migrate and build the county (see the module docstring)."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from coopledger.assets.resource_models import ResourceKind, ResourceStatus
    from coopledger.assets.resources import ResourceData, create_resource
    from coopledger.auth import services as accounts
    from coopledger.auth.roles import Role
    from coopledger.dates import today, utcnow
    from coopledger.extensions import db
    from coopledger.filings import services as filings
    from coopledger.ids import credit_code_check_char
    from coopledger.ledger import books, money_index, month_index, periods, vouchers
    from coopledger.ledger.models import Period, Voucher, VoucherLine, VoucherState
    from coopledger.ledger.rules import Line
    from coopledger.orgs import services as org_services
    from coopledger.orgs.models import AccountingStandard, OrgKind

    year = _year()
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    app = _app(url, storage)
    with app.app_context():
        upgrade()

        def user(name: str) -> object:
            made, _ = accounts.create_user(username=name, display_name=name, password=PASSWORD,
                                           by=None, min_password_length=8,
                                           must_change_password=False)
            return made

        accountant, reviewer = user("bench-kj"), user("bench-fh")
        county = user("bench-xj")
        rng = random.Random(21)  # noqa: S311
        zero = Decimal("0.00")
        for t in range(townships):
            town = org_services.create_township(code=f"bench-{t}", name=f"基准{t + 1}镇",
                                                county="基准县", by=None)
            auditor = user(f"bench-sj{t}")
            accounts.assign_role(auditor, Role.TOWNSHIP_AUDITOR, organisation=None,  # type: ignore[arg-type]
                                 township=town, by=None)
            accounts.assign_role(county, Role.COUNTY_REVIEWER, organisation=None,  # type: ignore[arg-type]
                                 township=town, by=None)
            for n in range(orgs):
                code = f"b{t}-{n:03d}"
                village = org_services.create_village(town, code=code, name=f"第{n + 1}村",
                                                      by=None)
                base = f"N2511{t}{n:03d}MA6XC4A1"
                org = org_services.create_organisation(org_services.OrganisationData(
                    code=code, name=f"{town.name}第{n + 1}村股份经济合作社",
                    kind=OrgKind.VILLAGE_COLLECTIVE,
                    credit_code=base + credit_code_check_char(base),
                    standard=AccountingStandard.VILLAGE_2023, village=village,
                    leading_org=None), by=None)
                for role, who in ((Role.ACCOUNTANT, accountant), (Role.REVIEWER, reviewer)):
                    accounts.assign_role(who, role, organisation=org, township=None,  # type: ignore[arg-type]
                                         by=None)
                opening = periods.open_books(org, on=start, balances=[
                    Line("期初余额", "101", Decimal("3000.00"), zero),
                    Line("期初余额", "102", Decimal("500000.00"), zero),
                    Line("期初余额", "301", zero, Decimal("503000.00"))], by=accountant,  # type: ignore[arg-type]
                    today=today())
                vouchers.submit_voucher(opening, by=accountant)  # type: ignore[arg-type]
                vouchers.review_voucher(opening, by=reviewer)  # type: ignore[arg-type]
                vouchers.post_voucher(opening, by=reviewer, today=today())  # type: ignore[arg-type]
                chart = books.accounts_by_code(org)
                ids_of = {c: chart[c].id for c in ("101", "102", "501", "503", "511", "513",
                                                   "212", "151")}
                pairs = [("102", "501"), ("511", "102"), ("513", "101"), ("101", "102"),
                         ("212", "102"), ("102", "503"), ("102", "501"), ("151", "102")]
                days = sorted(start + dt.timedelta(days=rng.randrange(365)) for _ in range(count))
                counters: dict[int, int] = {1: 1}
                rows, specs = [], []
                for index, on in enumerate(days):
                    debit, credit = pairs[index % len(pairs)]
                    counters[on.month] = counters.get(on.month, 0) + 1
                    rows.append({"organisation_id": org.id, "on": on, "year": on.year,
                                 "month": on.month, "number": counters[on.month], "word": "记",
                                 "kind": "ordinary", "state": VoucherState.POSTED.value,
                                 "attachment_count": 0, "preparer_id": accountant.id,  # type: ignore[attr-defined]
                                 "reviewer_id": reviewer.id, "poster_id": reviewer.id,  # type: ignore[attr-defined]
                                 "created_at": utcnow(), "posted_at": utcnow(),
                                 "rejection_reason": ""})
                    specs.append((on, debit, credit,
                                  Decimal(rng.randrange(5_000, 200_000)) / 100))
                ids = db.session.scalars(sa.insert(Voucher).returning(
                    Voucher.id, sort_by_parameter_order=True), rows).all()
                lines = []
                for vid, (on, debit, credit, amount) in zip(ids, specs, strict=True):
                    for line_no, (account, d, c) in enumerate(
                            ((debit, amount, zero), (credit, zero, amount)), start=1):
                        lines.append({"voucher_id": vid, "organisation_id": org.id,
                                      "line_no": line_no, "summary": f"基准凭证 {vid}",
                                      "account_id": ids_of[account], "debit": d, "credit": c,
                                      "on": on, "posted": True, "closing": False})
                db.session.execute(sa.insert(VoucherLine), lines)
                month_index.rebuild(org.id)
                money_index.rebuild(org.id)
                existing = {p.month: p for p in db.session.scalars(sa.select(Period).where(
                    Period.organisation_id == org.id, Period.year == year))}
                for month in range(1, 13):
                    period = existing.get(month) or Period(organisation_id=org.id, year=year,
                                                           month=month, last_number=0)
                    period.last_number = max(period.last_number or 0, counters.get(month, 0))
                    period.closed_at, period.closed_by_id = utcnow(), accountant.id  # type: ignore[attr-defined]
                    db.session.add(period)
                for k, (kind, area) in enumerate(((ResourceKind.ARABLE, "35.20"),
                                                  (ResourceKind.FOREST, "120.00"))):
                    create_resource(org, ResourceData(
                        number=f"ZY-{k}", name=f"资源{k}", kind=kind, area_mu=Decimal(area),
                        status=ResourceStatus.CONTRACTED_OUT), by=None)
                db.session.flush()
                filing = filings.submit(org, year, by=accountant)  # type: ignore[arg-type]
                filings.accept(filing, by=auditor)  # type: ignore[arg-type]
                db.session.commit()
                print(f"  built {code}: {count} vouchers", file=sys.stderr, flush=True)
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    del end


def measure(url: str, storage: str, rounds: int) -> dict[str, object]:
    """In this (fresh) process: the year page, the summaries, the dashboard, an archive."""
    import sqlalchemy as sa

    from coopledger.auth.models import User
    from coopledger.extensions import db
    from coopledger.filings import services as filings
    from coopledger.filings.archive import archive_job
    from coopledger.orgs.models import Organisation, Township

    app = _app(url, storage)
    year = _year()
    figures: dict[str, object] = {}
    accountant = app.test_client()
    accountant.post("/auth/login", data={"username": "bench-kj", "password": PASSWORD})
    timings = []
    for _ in range(rounds + 1):
        started = time.perf_counter()
        page = accountant.get(f"/o/b0-000/filings/{year}/")
        timings.append((time.perf_counter() - started) * 1000)
        assert page.status_code == 200, page.status_code
    figures["page_cold_ms"], figures["page_warm_ms"] = timings[0], statistics.median(timings[1:])
    auditor = app.test_client()
    auditor.post("/auth/login", data={"username": "bench-sj0", "password": PASSWORD})
    started = time.perf_counter()
    first = auditor.get("/supervision/")
    figures["dashboard_cold_ms"] = (time.perf_counter() - started) * 1000
    figures["rows"] = first.get_data(as_text=True).count("<tr data-org=")
    warm = []
    for _ in range(rounds):
        started = time.perf_counter()
        assert auditor.get("/supervision/").status_code == 200
        warm.append((time.perf_counter() - started) * 1000)
    figures["dashboard_warm_ms"] = statistics.median(warm)
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        townships = list(db.session.scalars(sa.select(Township).order_by(Township.code)))
        summary_ms = []
        for index, town in enumerate(townships):
            started = time.perf_counter()
            summary = filings.summarise(town, year, by=users[f"bench-sj{index}"])
            summary_ms.append((time.perf_counter() - started) * 1000)
            filings.accept_summary(summary, by=users["bench-xj"])
            db.session.commit()
        figures["township_summary_ms"] = max(summary_ms)
        started = time.perf_counter()
        county = filings.summarise_county("基准县", year, by=users["bench-xj"])
        db.session.commit()
        figures["county_summary_ms"] = (time.perf_counter() - started) * 1000
        body = filings.summary_body(county)
        figures["county_villages"] = body["forms"]["income_distribution"]["22"]
        org = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "b0-000")).one()
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            archive_job({"organisation_id": org.id, "year": year,
                         "user_id": users["bench-kj"].id}, lambda p, m: None, Path(folder))
            db.session.commit()
            figures["archive_s"] = time.perf_counter() - started
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", type=int, default=3)
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--vouchers", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--storage", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if args.measure_only:
        print(json.dumps(measure(args.database_url, args.storage, args.rounds)))
        return
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        storage = os.path.join(folder, "storage")
        started = time.perf_counter()
        build(url, storage, args.townships, args.orgs, args.vouchers)
        built = time.perf_counter() - started
        out = subprocess.run(
            [sys.executable, __file__, "--measure-only", "--database-url", url,
             "--storage", storage, "--rounds", str(args.rounds)],
            check=True, capture_output=True, text=True)
        figures = json.loads(out.stdout.strip().splitlines()[-1])
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"filings: {args.townships} townships × {args.orgs} organisations × {args.vouchers} "
          f"posted vouchers ({database}; built and filed in {built:.0f} s)")
    print(f"  one organisation's year page, cold / warm: {figures['page_cold_ms']:7.0f} / "
          f"{figures['page_warm_ms']:5.0f} ms   target ≤ 500")
    print(f"  township summary of {args.orgs} (slowest of {args.townships}): "
          f"{figures['township_summary_ms']:7.0f} ms   target ≤ 5000")
    print(f"  county summary ({figures['county_villages']} villages): "
          f"{figures['county_summary_ms']:7.0f} ms   target ≤ 10000")
    print(f"  township dashboard ({figures['rows']} organisations), cold / warm: "
          f"{figures['dashboard_cold_ms']:7.0f} / {figures['dashboard_warm_ms']:5.0f} ms   "
          "target ≤ 2000 / ≤ 100")
    print(f"  one organisation's yearly archive ({args.vouchers} vouchers): "
          f"{figures['archive_s']:6.1f} s   target ≤ 60")


if __name__ == "__main__":
    main()
