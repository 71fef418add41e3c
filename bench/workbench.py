"""The accountant's workbench at a month's scale: batch posting and the month's voucher print.

Usage:  .venv/bin/python bench/workbench.py [--batch 200] [--month 500] [--database-url URL]

Builds the small sample world on a fresh database (SQLite in a temporary file unless a URL is
given), opens 石安村股份经济合作社's books, then measures:

- posting ``--batch`` reviewed vouchers in one batch action (the voucher list's 批量记账:
  one request, each voucher through ``vouchers.post_voucher`` in its own transaction) beside
  the same number posted one request each, the way the voucher page posts;
- the month's voucher PDF for ``--month`` posted vouchers as the job the books page starts
  (the 凭证封面 first, parts laid out on two cores, ``ledger.voucher_prints``) beside the plain
  way: one WeasyPrint document of the same HTML in one process.

The keystrokes and page loads of a three-line voucher are printed by the browser test
``tests/browser/test_voucher_keyboard.py``. Prints figures against the targets of issue 19.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ORG = "shian-jjhzs"
PASSWORD = "coop-demo-2026"  # noqa: S105 - the demo password of the sample world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--month", type=int, default=500)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    work = Path(tempfile.mkdtemp(prefix="coopledger-bench-"))
    os.environ.setdefault("COOPLEDGER_INSTANCE_PATH", str(work))
    url = args.database_url or f"sqlite:///{work / 'bench.db'}"

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from coopledger import create_app, dates
    from coopledger.auth.models import User
    from coopledger.extensions import db
    from coopledger.jobs.models import Job, JobState
    from coopledger.ledger import periods, print_rules, rules, voucher_prints, vouchers
    from coopledger.ledger.models import Voucher, VoucherState
    from coopledger.ledger.queries import posted_vouchers
    from coopledger.orgs.models import Organisation
    from coopledger.pdf.render import allowed_hosts, html_to_pdf, static_root
    from coopledger.sample import load_world

    app = create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_COST": "test", "STORAGE_DIR": str(work / "files"),
                      "JOBS_IMMEDIATE": True})
    with app.app_context():
        if url.startswith("postgresql"):
            db.drop_all()
        upgrade()
        load_world(full=False)
        db.session.commit()
        org = db.session.scalars(sa.select(Organisation).where(Organisation.code == ORG)).one()
        accountant, reviewer = (db.session.scalars(sa.select(User).where(
            User.username == name)).one() for name in ("accountant", "reviewer"))
        today = dates.today()

        def line(summary: str, code: str, debit: str = "0", credit: str = "0") -> rules.Line:
            return rules.Line(summary, code, Decimal(debit), Decimal(credit))

        opening = periods.open_books(org, on=dt.date(2024, 1, 1), balances=[
            line("期初余额", "101", "5000.00"), line("期初余额", "102", "950000.00"),
            line("期初余额", "301", credit="955000.00")], by=accountant, today=today)
        vouchers.submit_voucher(opening, by=accountant)
        vouchers.review_voucher(opening, by=reviewer)
        vouchers.post_voucher(opening, by=reviewer, today=today)
        db.session.commit()

        ids = (org.id, accountant.id, reviewer.id)

    def reviewed(count: int, month: int) -> list[int]:
        """``count`` vouchers of ``month`` 2024 saved, submitted and reviewed (one commit each)."""
        made = []
        with app.app_context():
            org, accountant, reviewer = (db.session.get(Organisation, ids[0]),
                                         db.session.get(User, ids[1]), db.session.get(User, ids[2]))
            for n in range(count):
                amount, summary = f"{100 + n}.{n % 100:02d}", f"支付第{n + 1}笔办公费"
                on = dt.date(2024, month, 1 + n * 28 // count)    # in date order (序时控制)
                voucher = vouchers.save_voucher(
                    org, voucher=None, on=on, lines=[line(summary, "513", amount),
                                                     line(summary, "211", credit=amount)],
                    attachment_count=1, by=accountant, today=today)
                vouchers.submit_voucher(voucher, by=accountant)
                vouchers.review_voucher(voucher, by=reviewer)
                db.session.commit()
                made.append(voucher.id)
        return made

    print(f"{'database':<52} {url.split(':')[0]}")
    batch_ids = reviewed(args.batch, 5)
    single_ids = reviewed(args.batch, 6)

    client = app.test_client()
    client.post("/auth/login", data={"username": "reviewer", "password": PASSWORD})
    client.get(f"/o/{ORG}/vouchers/?state=reviewed")      # templates compiled before timing
    start = time.perf_counter()
    answer = client.post(f"/o/{ORG}/vouchers/batch", data={
        "step": "post", "voucher": [str(i) for i in batch_ids]})
    batch_took = time.perf_counter() - start
    assert answer.status_code == 200, answer.status_code
    start = time.perf_counter()
    for voucher_id in single_ids:
        assert client.post(f"/o/{ORG}/vouchers/{voucher_id}/post").status_code == 302
    single_took = time.perf_counter() - start
    with app.app_context():
        posted = db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(
            Voucher.id.in_(batch_ids + single_ids), Voucher.state == VoucherState.POSTED))
    assert posted == 2 * args.batch, posted
    print(f"{f'batch posting of {args.batch} reviewed vouchers, one action':<52} "
          f"{batch_took:>7.2f} s   ≤ 10 s")
    print(f"{f'  beside: {args.batch} posted one request each':<52} {single_took:>7.2f} s")

    month_ids = reviewed(args.month, 4)
    with app.app_context():
        reviewer = db.session.get(User, ids[2])
        for voucher_id in month_ids:
            vouchers.post_voucher(db.session.get(Voucher, voucher_id), by=reviewer, today=today)
            db.session.commit()
    start = time.perf_counter()
    answer = client.post(f"/o/{ORG}/books/print-vouchers", data={
        "year": "2024", "month": "4", "paper": "voucher"})
    assert answer.status_code == 302, answer.status_code
    job_took = time.perf_counter() - start
    with app.app_context():
        job = db.session.scalars(sa.select(Job).order_by(Job.id.desc())).first()
        assert job is not None
        assert job.state is JobState.DONE, job.message
        print(f"{f'month of {args.month} vouchers on 凭证纸 behind the cover, job':<52} "
              f"{job_took:>7.2f} s   ≤ 60 s")
        org = db.session.get(Organisation, ids[0])
        found = posted_vouchers(org, 2024, 4)
        with app.test_request_context():
            html = voucher_prints.vouchers_html(
                org, found, paper=print_rules.paper_of("voucher"), grid=False, title="2024-04",
                cover=print_rules.cover_of(found), year=2024, month=4)
            start = time.perf_counter()
            html_to_pdf(html, static_root(), allowed_hosts())
            plain = time.perf_counter() - start
        print(f"{'  beside: one WeasyPrint document, 1 process':<52} {plain:>7.2f} s")


if __name__ == "__main__":
    main()
