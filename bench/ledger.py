"""Ledger speed at county scale: posting, statutory reports, export and verification.

Usage:  .venv/bin/python bench/ledger.py [--vouchers 20000] [--database-url URL]

Builds an organisation with N posted vouchers (bulk-inserted — COPY on PostgreSQL — with the
same rendering and hash chain as the posting service, so verification must pass), then
measures in fresh processes: posting one voucher (p50/p95), each statutory report for a year
cold (first request after a posting) and warm, with the worker's peak memory; export and full
verification; and on the exported file beancount's own `bean-check` and a `bean-query`
balances query. Prints a table.
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

ORG = "shian-tdgf"
YEAR = 2025
STATUTORY = ("trial_balance", "balance_sheet", "income_statement", "equity_changes")
REPORTS = (*STATUTORY, "general_ledger", "detail_ledger", "cash_journal")
PAGED = ("detail_ledger", "cash_journal")
"""The line-by-line reports: their CSV export holds every line of the year, their screen a
page of 200 lines (queries.LEDGER_PAGE) between 承前页 and 本页合计."""


def _app(url: str):  # noqa: ANN202 - script helper
    from coopledger import create_app

    return create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                       "PASSWORD_HASH_COST": "test", "JOBS_IMMEDIATE": True})


BATCH = 10_000


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    with _app(url).app_context():
        upgrade()


def _bulk(table: object, rows: list[dict[str, object]]) -> None:
    """Insert rows as they are (ids given): COPY on PostgreSQL (the column types' own bind
    processing first, so money is fen and enums their values), executemany elsewhere."""
    import sqlalchemy as sa

    from coopledger.extensions import db

    connection = db.session.connection()
    dialect = connection.dialect
    assert isinstance(table, sa.Table)
    if dialect.name != "postgresql":
        connection.execute(sa.insert(table), rows)
        return
    columns = list(rows[0])
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                  for name in columns]
    quoted = ", ".join(f'"{name}"' for name in columns)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([value if process is None or value is None else process(value)
                            for process, value in zip(processors, row.values(), strict=True)])


def build(url: str, count: int) -> None:
    """Migrate, load the world without books, open the books and bulk-insert vouchers (rows
    rendered and chained as the posting service does, written in batches by :func:`_bulk`)."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from coopledger.auth.models import User
    from coopledger.dates import utcnow
    from coopledger.extensions import db
    from coopledger.ledger import beans, books, money_index, month_index
    from coopledger.ledger.models import (
        Book,
        Period,
        Voucher,
        VoucherKind,
        VoucherLine,
        VoucherState,
    )
    from coopledger.ledger.queries import bean_account_names
    from coopledger.ledger.vouchers import chain_hash
    from coopledger.orgs.models import Organisation
    from coopledger.sample import load_world
    from tests.ledger_helpers import book_with_vouchers

    app = _app(url)
    with app.app_context():
        upgrade()
        load_world(full=False)
        org = db.session.scalars(sa.select(Organisation).where(Organisation.code == ORG)).one()
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        accountant, reviewer = users["accountant"], users["reviewer"]
        book_with_vouchers(org, accountant, reviewer, on=dt.date(YEAR - 3, 1, 1))
        db.session.commit()
        accounts = books.accounts_by_code(org)
        names = bean_account_names(org)
        pairs = [("102", "501"), ("521", "102"), ("523", "101"), ("101", "102"),
                 ("102", "502"), ("151", "102"), ("114", "102"), ("102", "114")]
        rng = random.Random(7)  # noqa: S311
        book = db.session.get(Book, org.id)
        existing = {(p.year, p.month): p for p in db.session.scalars(
            sa.select(Period).where(Period.organisation_id == org.id))}
        counters = {key: period.last_number for key, period in existing.items()}
        seq, head = book.last_post_seq, book.chain_head
        voucher_id = db.session.scalar(sa.select(sa.func.max(Voucher.id))) or 0
        line_id = db.session.scalar(sa.select(sa.func.max(VoucherLine.id))) or 0
        start = dt.date(YEAR - 3, 1, 2)
        span = (dt.date(YEAR, 12, 31) - start).days
        days = sorted(start + dt.timedelta(days=rng.randrange(span)) for _ in range(count))
        now = utcnow()
        vouchers: list[dict[str, object]] = []
        lines: list[dict[str, object]] = []
        for index, on in enumerate(days):
            debit_code, credit_code = pairs[index % len(pairs)]
            amount = Decimal(rng.randrange(100, 5_000_000)) / 100
            key = (on.year, on.month)
            counters[key] = counters.get(key, 0) + 1
            seq += 1
            voucher_id += 1
            summary = f"批量凭证 {index}"
            postings = [(debit_code, amount, Decimal("0.00")),
                        (credit_code, Decimal("0.00"), amount)]
            txn = beans.BeanTransaction(
                on=on, narration=summary, voucher=f"记-{counters[key]}",
                link=f"v{on.year}-{on.month:02d}-{counters[key]:04d}",
                preparer=accountant.username, reviewer=reviewer.username, attachments=1,
                postings=tuple((names[accounts[code].id], d - c) for code, d, c in postings))
            text = beans.transaction_text(txn)
            head = chain_hash(head, text)
            vouchers.append({
                "id": voucher_id, "organisation_id": org.id, "on": on, "year": on.year,
                "month": on.month, "number": counters[key], "word": "记",
                "kind": VoucherKind.ORDINARY, "state": VoucherState.POSTED,
                "attachment_count": 1, "preparer_id": accountant.id,
                "reviewer_id": reviewer.id, "cashier_id": None, "poster_id": reviewer.id,
                "rejection_reason": "", "reverses_id": None, "created_at": now,
                "posted_at": now, "post_seq": seq, "chain_hash": head, "bean_text": text,
                "text_version": 1})
            for number, (code, debit, credit) in enumerate(postings, start=1):
                line_id += 1
                lines.append({
                    "id": line_id, "voucher_id": voucher_id, "organisation_id": org.id,
                    "line_no": number, "summary": summary, "account_id": accounts[code].id,
                    "debit": debit, "credit": credit, "on": on, "posted": True,
                    "closing": False, "opening": False})
            if len(vouchers) == BATCH or index == len(days) - 1:
                _bulk(Voucher.__table__, vouchers)
                _bulk(VoucherLine.__table__, lines)
                vouchers, lines = [], []
        if db.session.connection().dialect.name == "postgresql":
            for table in ("vouchers", "voucher_lines"):
                db.session.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"))
        for (year, month), last in counters.items():
            if (year, month) in existing:
                existing[(year, month)].last_number = last
            else:
                db.session.add(Period(organisation_id=org.id, year=year, month=month,
                                      last_number=last))
        book.last_post_seq, book.chain_head = seq, head
        db.session.flush()
        month_index.rebuild(org.id)  # bulk-inserted lines: the index is built as a migration would
        money_index.rebuild(org.id)
        db.session.commit()


def worker(url: str) -> dict[str, object]:
    """The 'web worker': post vouchers and request reports through the app, as users do."""
    import sqlalchemy as sa

    from coopledger.auth.models import User
    from coopledger.extensions import db
    from coopledger.ledger.models import Voucher
    from coopledger.orgs.models import Organisation
    from tests.ledger_helpers import make_voucher

    app = _app(url)
    client = app.test_client()
    client.post("/auth/login", data={"username": "reviewer", "password": "coop-demo-2026"})
    with app.app_context():
        org = db.session.scalars(sa.select(Organisation).where(Organisation.code == ORG)).one()
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        ids = [make_voucher(org, users["accountant"], users["reviewer"], upto="reviewed",
                            on=dt.date(YEAR, 12, 30), amount=f"{100 + i}.00").id
               for i in range(120)]
        org_id = org.id
        db.session.commit()
    post_ms = []
    for voucher_id in ids[:100]:
        start = time.perf_counter()
        response = client.post(f"/o/{ORG}/vouchers/{voucher_id}/post")
        post_ms.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302
    with app.app_context():
        posted = db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(
            Voucher.organisation_id == org_id, Voucher.number.is_not(None)))
    reports: dict[str, tuple[float, float]] = {}
    asked = [(name, f"/o/{ORG}/books/reports/{name}?period={YEAR}&account=102&format=csv")
             for name in REPORTS]
    asked += [(f"{name} screen page {page}",
               f"/o/{ORG}/books/reports/{name}?period={YEAR}&account=102&page={page}")
              for name in PAGED for page in (1, 9999)]   # 9999: the last page
    for offset, (name, url_) in enumerate(asked):
        client.post(f"/o/{ORG}/vouchers/{ids[100 + offset]}/post")  # the report is cold again
        start = time.perf_counter()
        answer = client.get(url_)
        assert answer.status_code == 200
        assert answer.get_data()
        cold = (time.perf_counter() - start) * 1000
        warm = []
        for _ in range(3):
            start = time.perf_counter()
            client.get(url_).get_data()
            warm.append((time.perf_counter() - start) * 1000)
        reports[name] = (cold, statistics.median(warm))
    rss = _peak_mb()
    post_ms.sort()
    return {"posted": posted, "post_p50": statistics.median(post_ms),
            "post_p95": post_ms[int(len(post_ms) * 0.95) - 1], "reports": reports, "rss": rss}


def books_job(url: str, out: str) -> dict[str, object]:
    """Export the book to a file and run the full verification."""
    import sqlalchemy as sa

    from coopledger.extensions import db
    from coopledger.ledger.bookfile import export_book, verify_book
    from coopledger.orgs.models import Organisation

    app = _app(url)
    with app.app_context():
        org = db.session.scalars(sa.select(Organisation).where(Organisation.code == ORG)).one()
        start = time.perf_counter()
        Path(out).write_text(export_book(org), encoding="utf-8")
        export_s = time.perf_counter() - start
        start = time.perf_counter()
        result = verify_book(org)
        verify_s = time.perf_counter() - start
    return {"export_s": export_s, "verify_s": verify_s, "ok": result.ok,
            "problems": (result.beancount_errors + result.chain_errors
                         + result.balance_differences)[:5],
            "rss": _peak_mb()}


def _timed(command: list[str]) -> tuple[float, int]:
    env = {**os.environ, "BEANCOUNT_DISABLE_LOAD_CACHE": "1"}
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    return time.perf_counter() - start, done.returncode


def _peak_mb() -> float:
    """This process's own peak resident memory in MB: the high-water mark of its memory map
    (``VmHWM``). ``ru_maxrss`` is not used: on Linux a child started by a parent that built a
    large book inherits the parent's peak at the fork, so it would report the builder's."""
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(kind: str, url: str, extra: str = "") -> dict[str, object]:
    output = subprocess.run([sys.executable, __file__, "--child", kind, "--database-url", url,
                             "--out", extra], capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def _fava_rows(fava: str, ledger_file: str) -> list[tuple[str, str, str]]:
    """fava on the same file: time to its first income statement, then warm API answers."""
    if not fava:
        return [("fava", "not measured (pass --fava PATH)", "")]
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start = time.perf_counter()
    server = subprocess.Popen([fava, "--port", str(port), ledger_file],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = ""
    try:
        first = None
        while first is None and time.perf_counter() - start < 600:
            try:  # the root redirects to /<the book's slug>/income_statement/
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/",
                                            timeout=600) as answer:
                    answer.read()
                    base = answer.geturl().rsplit("/", 2)[0]
                first = time.perf_counter() - start
            except OSError:
                time.sleep(0.2)
        rows = [("fava: start to first income statement",
                 f"{first:.1f} s" if first is not None else "no answer", "")]
        for api in ("income_statement", "balance_sheet"):
            times = []
            for _ in range(3):
                began = time.perf_counter()
                with urllib.request.urlopen(f"{base}/api/{api}?time={YEAR}",  # noqa: S310
                                            timeout=600) as answer:
                    answer.read()
                times.append((time.perf_counter() - began) * 1000)
            rows.append((f"fava /api/{api} warm", f"{statistics.median(times):.0f} ms", ""))
        return rows
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vouchers", type=int, default=20000)
    parser.add_argument("--database-url")
    parser.add_argument("--child")
    parser.add_argument("--out", default="")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the book an earlier run built in --database-url (its "
                             "migrations brought up to date) instead of building it again")
    parser.add_argument("--fava", default="",
                        help="a fava executable (e.g. from a throw-away virtualenv) to time on "
                             "the same exported file")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    if args.child:
        os.environ.setdefault("COOPLEDGER_INSTANCE_PATH", tempfile.mkdtemp())
        result = worker(args.database_url) if args.child == "worker" else books_job(
            args.database_url, args.out)
        print(json.dumps(result))
        return
    workdir = Path(tempfile.mkdtemp(prefix="coopledger-bench-"))
    os.environ["COOPLEDGER_INSTANCE_PATH"] = str(workdir)
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    start = time.perf_counter()
    backend = url.split(":")[0]
    if args.reuse:
        _migrate(url)
        print(f"measuring the book already in the database ({backend})")
    else:
        build(url, args.vouchers)
        print(f"built {args.vouchers} vouchers in {time.perf_counter() - start:.1f} s ({backend})")
    web = _child("worker", url)
    ledger_file = str(workdir / "book.beancount")
    job = _child("books", url, ledger_file)
    bin_dir = Path(sys.executable).parent
    check_s, check_rc = _timed([str(bin_dir / "bean-check"), ledger_file])
    query_s, query_rc = _timed([str(bin_dir / "bean-query"), ledger_file,
                                "SELECT account, sum(position) GROUP BY account"])
    postgres = backend.startswith("postgresql")
    rows = [("posted vouchers in the book", f"{web['posted']}", ""),
            ("post one voucher p50", f"{web['post_p50']:.1f} ms",
             "≤ 20 ms (PostgreSQL, 1,000,000 vouchers)" if postgres else "≤ 50 ms"),
            ("post one voucher p95", f"{web['post_p95']:.1f} ms", "")]
    for name, (cold, warm) in web["reports"].items():  # type: ignore[union-attr]
        statutory = ("≤ 300 ms cold (PostgreSQL, 1,000,000 vouchers)" if postgres
                     else "≤ 150 ms cold, ≤ 50 ms warm (SQLite, 100,000 vouchers)")
        target = (statutory if name in STATUTORY
                  else "≤ 50 ms warm" if name.startswith("detail_ledger screen") else "")
        label = f"{name} {YEAR}" if "screen" not in name else f"{name} ({YEAR})"
        what = "CSV, whole year" if name in PAGED else ""
        rows.append((f"{label} cold / warm{' — ' + what if what else ''}",
                     f"{cold:.0f} / {warm:.0f} ms", target))
    rows += [("web worker peak RSS", f"{web['rss']:.0f} MB", "≤ 200 MB"),
             ("export (beancount file)", f"{job['export_s']:.2f} s", ""),
             ("verify-ledger (full, with the index)", f"{job['verify_s']:.2f} s",
              f"≤ 1.0 × bean-check = {check_s:.2f} s"),
             ("verification result", "OK" if job["ok"] else f"FAILED {job['problems']}", ""),
             ("bean-check on the export", f"{check_s:.2f} s (exit {check_rc})", ""),
             ("bean-query balances", f"{query_s:.2f} s (exit {query_rc})", ""),
             ("verify / bean-check", f"{job['verify_s'] / check_s:.2f}×", "≤ 1.0×")]
    rows += _fava_rows(args.fava, ledger_file)
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>22}  target")
    for label, value, target in rows:
        print(f"{label:<{width}}  {value:>22}  {target}")


if __name__ == "__main__":
    main()
