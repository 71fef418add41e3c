"""Township dashboard speed: 30 organisations with 5,000 posted vouchers each.

Usage:  .venv/bin/python bench/supervision.py [--orgs 30] [--vouchers 5000]
        [--database-url URL] [--rounds 5]

In a throwaway database (SQLite by default; pass a PostgreSQL URL to measure that) a township
of N organisations is built, each with its books opened on 2025-01-01 and V posted vouchers
spread from then to yesterday (bulk-inserted: rent into the bank, expenses paid in cash or by
bank — one in eight without a scanned original —, cash drawn from the bank, wages), the months
up to last quarter closed, a contract schedule with overdue rent, and an audit finding past its
deadline in every fifth organisation. Then, in a fresh process logged in as the township's
auditor, it times the dashboard with every warning computed: the first request (cold: a new
process, nothing cached by the application or the database connection) and the median of the
next ones (warm). Prints the figures against the targets (≤ 3 s cold, ≤ 500 ms warm).
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
START = dt.date(2025, 1, 1)


def _today() -> dt.date:
    """The day the bench runs (the business day, as a CLI command asks it)."""
    from coopledger.dates import today

    return today()


def _app(url: str, storage: str):  # noqa: ANN202 - script helper
    from coopledger import create_app

    return create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False, "STORAGE_DIR": storage,
                       "PASSWORD_HASH_COST": "test", "JOBS_IMMEDIATE": True})


def build(url: str, storage: str, orgs: int, count: int) -> None:
    """Migrate and build the township (see the module docstring)."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from coopledger.auth import services as accounts
    from coopledger.auth.roles import Role
    from coopledger.contracts.models import Contract, ContractKind, Partner, PartnerKind
    from coopledger.contracts.money_models import LineKind, ScheduleLine
    from coopledger.dates import today, utcnow
    from coopledger.extensions import db
    from coopledger.ids import credit_code_check_char
    from coopledger.ledger import books, money_index, month_index, periods, vouchers
    from coopledger.ledger.models import Attachment, Period, Voucher, VoucherLine, VoucherState
    from coopledger.ledger.rules import Line
    from coopledger.orgs import services as org_services
    from coopledger.orgs.models import AccountingStandard, OrgKind
    from coopledger.supervision import services as supervision
    from coopledger.supervision.models import FindingSeverity

    app = _app(url, storage)
    with app.app_context():
        upgrade()
        town = org_services.create_township(code="bench", name="基准镇", county="基准县", by=None)
        accountant, _ = accounts.create_user(username="bench-kj", display_name="会计",
                                             password=PASSWORD, by=None, min_password_length=8,
                                             must_change_password=False)
        reviewer, _ = accounts.create_user(username="bench-fh", display_name="复核",
                                           password=PASSWORD, by=None, min_password_length=8,
                                           must_change_password=False)
        auditor, _ = accounts.create_user(username="bench-sj", display_name="审计",
                                          password=PASSWORD, by=None, min_password_length=8,
                                          must_change_password=False)
        accounts.assign_role(auditor, Role.TOWNSHIP_AUDITOR, organisation=None, township=town,
                             by=None)
        end = today() - dt.timedelta(days=1)
        span = (end - START).days
        closed_until = (end.year, (end.month - 1) // 3 * 3) if end.month > 3 else \
            (end.year - 1, 12)
        rng = random.Random(11)  # noqa: S311
        zero = Decimal("0.00")
        for n in range(orgs):
            village = org_services.create_village(town, code=f"bench-{n:02d}",
                                                  name=f"第{n + 1}村", by=None)
            base = f"N25116{n:02d}MA6XC4A10"
            org = org_services.create_organisation(org_services.OrganisationData(
                code=f"bench-{n:02d}", name=f"基准镇第{n + 1}村股份经济合作社",
                kind=OrgKind.VILLAGE_COLLECTIVE, credit_code=base + credit_code_check_char(base),
                standard=AccountingStandard.VILLAGE_2023, village=village, leading_org=None),
                by=None)
            accounts.assign_role(accountant, Role.ACCOUNTANT, organisation=org, township=None,
                                 by=None)          # the steps rules ask who may take each step
            accounts.assign_role(reviewer, Role.REVIEWER, organisation=org, township=None,
                                 by=None)
            opening = periods.open_books(org, on=START, balances=[
                Line("期初余额", "101", Decimal("3000.00"), zero),
                Line("期初余额", "102", Decimal("500000.00"), zero),
                Line("期初余额", "301", zero, Decimal("503000.00"))], by=accountant, today=_today())
            vouchers.submit_voucher(opening, by=accountant)
            vouchers.review_voucher(opening, by=reviewer)
            vouchers.post_voucher(opening, by=reviewer, today=_today())
            accounts_of = {code: books.accounts_by_code(org)[code].id
                           for code in ("101", "102", "501", "511", "513", "212")}
            pairs = [("102", "501"), ("511", "102"), ("513", "101"), ("101", "102"),
                     ("212", "102"), ("513", "101"), ("102", "501"), ("511", "101")]
            days = sorted(START + dt.timedelta(days=1 + rng.randrange(span))
                          for _ in range(count))
            existing = {(p.year, p.month): p for p in db.session.scalars(
                sa.select(Period).where(Period.organisation_id == org.id))}
            counters = {key: period.last_number for key, period in existing.items()}
            rows: list[dict[str, object]] = []
            specs: list[tuple[dt.date, str, str, Decimal, bool]] = []
            for index, on in enumerate(days):
                debit, credit = pairs[index % len(pairs)]
                cash = "101" in (debit, credit)
                amount = Decimal(rng.randrange(5_000, 300_000 if not cash else 150_000)) / 100
                key = (on.year, on.month)
                counters[key] = counters.get(key, 0) + 1
                rows.append({"organisation_id": org.id, "on": on, "year": on.year,
                             "month": on.month, "number": counters[key], "word": "记",
                             "kind": "ordinary", "state": VoucherState.POSTED.value,
                             "attachment_count": 1, "preparer_id": accountant.id,
                             "reviewer_id": reviewer.id, "poster_id": reviewer.id,
                             "created_at": utcnow(), "posted_at": utcnow(),
                             "rejection_reason": ""})
                specs.append((on, debit, credit, amount,
                              debit in ("511", "513") and bool(index % 8)))
            ids = db.session.scalars(sa.insert(Voucher).returning(
                Voucher.id, sort_by_parameter_order=True), rows).all()
            first_id = ids[0]
            lines, scans = [], []
            for vid, (on, debit, credit, amount, scanned) in zip(ids, specs, strict=True):
                for line_no, (code, d, c) in enumerate(
                        ((debit, amount, zero), (credit, zero, amount)), start=1):
                    lines.append({"voucher_id": vid, "organisation_id": org.id,
                                  "line_no": line_no, "summary": f"基准凭证 {vid}",
                                  "account_id": accounts_of[code], "debit": d, "credit": c,
                                  "on": on, "posted": True, "closing": False})
                if scanned:
                    scans.append({"voucher_id": vid, "sha256": f"{vid:064x}",
                                  "filename": "scan.png", "content_type": "image/png",
                                  "size": 100, "uploaded_by_id": accountant.id,
                                  "uploaded_at": utcnow()})
            db.session.execute(sa.insert(VoucherLine), lines)
            db.session.execute(sa.insert(Attachment), scans)
            month_index.rebuild(org.id)  # bulk-inserted lines
            money_index.rebuild(org.id)
            for (year, month), last in counters.items():
                period = existing.get((year, month)) or Period(organisation_id=org.id,
                                                               year=year, month=month)
                period.last_number = max(period.last_number or 0, last)
                if (year, month) <= closed_until:
                    period.closed_at, period.closed_by_id = utcnow(), accountant.id
                db.session.add(period)
            partner = Partner(organisation=org, name=f"承租企业{n}", kind=PartnerKind.ENTERPRISE)
            contract = Contract(organisation=org, partner=partner, number=f"HT-{n}",
                                title="土地租赁", kind=ContractKind.LEASE,
                                starts_on=START, ends_on=dt.date(end.year + 1, 3, 31))
            db.session.add(contract)
            db.session.flush()
            for year in range(START.year, end.year + 1):
                db.session.add(ScheduleLine(organisation_id=org.id, contract_id=contract.id,
                                            seq=year - START.year + 1,
                                            period_start=dt.date(year, 1, 1),
                                            period_end=dt.date(year, 12, 31),
                                            due_on=dt.date(year, 3, 31),
                                            amount=Decimal("20000.00"),
                                            received=Decimal("20000.00") if year % 2 else zero,
                                            written_off=zero, kind=LineKind.RENT))
            if n % 5 == 0:
                audit = supervision.open_audit(org, scope="年度审计", period_from=START,
                                               period_to=end, sample_size=10, seed=n,
                                               by=auditor)
                supervision.add_finding(audit, severity=FindingSeverity.GENERAL,
                                        title="现金超限", detail="",
                                        records=f"voucher:{first_id}", deadline=START,
                                        on=START, by=auditor)
            db.session.commit()
            print(f"  built {org.code}: {count} vouchers", file=sys.stderr, flush=True)
        db.session.execute(sa.text("ANALYZE"))   # as autovacuum would after a bulk load
        db.session.commit()


def measure(url: str, storage: str, rounds: int) -> dict[str, object]:
    """In this (fresh) process: log in, time the first dashboard and then the warm ones."""
    app = _app(url, storage)
    client = app.test_client()
    response = client.post("/auth/login", data={"username": "bench-sj", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    start = time.perf_counter()
    first = client.get("/supervision/")
    cold = (time.perf_counter() - start) * 1000
    assert first.status_code == 200, first.status_code
    page = first.get_data(as_text=True)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        assert client.get("/supervision/").status_code == 200
        samples.append((time.perf_counter() - start) * 1000)
    with app.app_context():
        _post_one()
    start = time.perf_counter()
    assert client.get("/supervision/").status_code == 200
    after_posting = (time.perf_counter() - start) * 1000
    return {"cold_ms": cold, "warm_ms": statistics.median(samples), "posted_ms": after_posting,
            "rows": page.count("<tr data-org="), "red": page.count('data-colour="red"')}


def _post_one() -> None:
    """Post one voucher in the first organisation, through the real services."""
    import sqlalchemy as sa

    from coopledger.auth.models import User
    from coopledger.dates import today
    from coopledger.extensions import db
    from coopledger.ledger import vouchers
    from coopledger.ledger.rules import Line
    from coopledger.orgs.models import Organisation

    org = db.session.scalars(sa.select(Organisation).where(Organisation.code == "bench-00")).one()
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    amount, zero = Decimal("120.00"), Decimal("0.00")
    voucher = vouchers.save_voucher(org, voucher=None, on=today(), lines=[
        Line("零星支出", "513", amount, zero), Line("零星支出", "101", zero, amount)],
        attachment_count=1, by=users["bench-kj"], today=_today())
    vouchers.submit_voucher(voucher, by=users["bench-kj"])
    vouchers.review_voucher(voucher, by=users["bench-fh"])
    vouchers.post_voucher(voucher, by=users["bench-fh"], today=_today())
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=30)
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
        build(url, storage, args.orgs, args.vouchers)
        built = time.perf_counter() - started
        out = subprocess.run(
            [sys.executable, __file__, "--measure-only", "--database-url", url,
             "--storage", storage, "--rounds", str(args.rounds)],
            check=True, capture_output=True, text=True)
        figures = json.loads(out.stdout.strip().splitlines()[-1])
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"township dashboard, {args.orgs} organisations × {args.vouchers} posted vouchers "
          f"({database}; built in {built:.0f} s)")
    print(f"  organisations on the dashboard: {figures['rows']} ({figures['red']} red)")
    print(f"  cold (first request, new process): {figures['cold_ms']:8.0f} ms   target ≤ 3000")
    print(f"  warm (median of {args.rounds}):             {figures['warm_ms']:8.0f} ms   "
          "target ≤ 500")
    print(f"  after one posting in one organisation:  {figures['posted_ms']:6.0f} ms   "
          "(that organisation's vouchers re-read)")


if __name__ == "__main__":
    main()
