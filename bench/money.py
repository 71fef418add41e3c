"""Money control at a township's scale (issue 20, "Bench").

Usage:  .venv/bin/python bench/money.py [--requests 10000] [--lines 2000] [--database-url URL]

Builds the small sample world on a fresh database (SQLite in a temporary file unless a URL is
given), then measures against the issue's bars:

- the approver's queue (``spending.queries.waiting_for``, what the home page shows) with
  ``--requests`` spending requests across 塔山镇's organisations in every state, for the
  village head, the supervisor, the township auditor, the township leader and the cashier
  (bar ≤ 100 ms each);
- matching a ``--lines``-line bank statement against a year of posted bank lines
  (``banking.services.auto_match``; bar ≤ 2 s), and reading and importing that statement
  (XLSX, through the workbook pipeline) beside it;
- the month's 银行存款余额调节表 (``banking.queries.reconciliation``; bar ≤ 200 ms);

and beside them, in the same run, the peer on the same books exported to beancount:
``bean-query`` listing the year's bank postings (what matching reads) and the bank account's
balance at the month end (what the 调节表 starts from).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ORG = "shian-jjhzs"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    work = Path(tempfile.mkdtemp(prefix="coopledger-bench-"))
    os.environ.setdefault("COOPLEDGER_INSTANCE_PATH", str(work))
    url = args.database_url or f"sqlite:///{work / 'bench.db'}"

    import sqlalchemy as sa
    from flask_migrate import upgrade
    from openpyxl import Workbook

    from coopledger import create_app, dates
    from coopledger.auth.models import User
    from coopledger.banking import queries as bank
    from coopledger.banking import services as banking
    from coopledger.extensions import db
    from coopledger.files import store
    from coopledger.ledger import periods, rules, vouchers
    from coopledger.ledger.bookfile import export_book
    from coopledger.orgs.models import Organisation, Village
    from coopledger.sample import load_world
    from coopledger.spending.models import (
        Method,
        RequestState,
        RequestStep,
        SpendingRequest,
        StepState,
    )
    from coopledger.spending.queries import waiting_for
    from coopledger.spending.rules import applicable
    from coopledger.spending.services import chain_of

    app = create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_COST": "test", "STORAGE_DIR": str(work / "files"),
                      "JOBS_IMMEDIATE": True})
    rng = random.Random(20)  # noqa: S311 - bench data, not security
    figures: list[tuple[str, str, str]] = []
    with app.app_context():
        if url.startswith("postgresql"):
            db.drop_all()
        upgrade()
        load_world(full=False)
        db.session.commit()
        org = db.session.scalars(sa.select(Organisation).where(Organisation.code == ORG)).one()
        users = {u.username: u for u in db.session.scalars(sa.select(User))}
        accountant, reviewer = users["accountant"], users["reviewer"]
        today = dates.today()

        # ---- 10,000 requests across the township's organisations, in every state
        started = time.perf_counter()
        town_orgs = list(db.session.scalars(sa.select(Organisation).join(
            Village, Village.id == Organisation.village_id).where(
            Village.township_id == org.township_id)))
        chain = chain_of(org.township_id)
        now = dates.utcnow()
        request_rows, numbers = [], {o.id: 0 for o in town_orgs}
        plans: list[tuple[int, list[Any], str, int]] = []
        for index in range(args.requests):
            owner = town_orgs[index % len(town_orgs)]
            numbers[owner.id] += 1
            amount = Decimal(rng.choice((300, 1500, 4800, 12000, 68000)))
            state = rng.choices(("paid", "draft", "submitted", "approved", "returned"),
                                (40, 10, 30, 10, 10))[0]
            steps = applicable(chain, amount)
            done = rng.randrange(len(steps)) if state == "submitted" else len(steps)
            plans.append((index, steps, state, done))
            request_rows.append({
                "organisation_id": owner.id, "year": 2025 + index // 5000,
                "number": numbers[owner.id], "state": RequestState(state),
                "amount": amount, "payee": f"收款人{index}", "payee_bank": "",
                "payee_account": "", "purpose": "采购", "account_code": "513",
                "method": Method.BANK, "resolution_ref": "", "round": 1,
                "created_by_id": accountant.id, "created_at": now,
                "submitted_at": now if state != "draft" else None, "bank_reference": ""})
        table = SpendingRequest.__table__
        db.session.execute(table.insert(), request_rows)
        ids = list(db.session.scalars(sa.select(SpendingRequest.id).order_by(
            SpendingRequest.id)))
        step_rows = []
        for request_id, (_index, steps, state, done) in zip(ids, plans, strict=True):
            if state == "draft":
                continue
            for position, rule in enumerate(steps, start=1):
                decided = position <= done and state != "returned"
                step_state = StepState.APPROVED if decided else StepState.PENDING
                if state == "returned" and position == 1:
                    step_state = StepState.REFUSED
                elif state == "returned":
                    step_state = StepState.SKIPPED
                step_rows.append({"request_id": request_id, "round": 1, "position": position,
                                  "role": rule.role, "state": step_state,
                                  "reason": ""})
        db.session.execute(RequestStep.__table__.insert(), step_rows)
        db.session.commit()
        print(f"filed {len(ids)} requests with {len(step_rows)} steps in "
              f"{time.perf_counter() - started:.1f} s")
        for name in ("head", "supervisor", "auditor", "leader", "cashier"):
            user = db.session.get(User, users[name].id)
            waiting_for(user)                                  # warm
            db.session.expire_all()
            runs = []
            for _ in range(5):
                began = time.perf_counter()
                found = waiting_for(user)
                runs.append(time.perf_counter() - began)
                db.session.expire_all()
            runs.sort()
            figures.append((f"queue of {name} ({len(found.to_approve)} to approve, "
                            f"{len(found.to_pay)} to pay)", _ms(runs[2]), "≤ 100 ms"))

        # ---- a year of bank lines, and the bank's statement of them
        def line(summary: str, code: str, debit: str = "0", credit: str = "0") -> rules.Line:
            return rules.Line(summary, code, Decimal(debit), Decimal(credit))

        opening = periods.open_books(org, on=dt.date(2025, 1, 1), balances=[
            line("期初余额", "101", "5000.00"), line("期初余额", "102", "950000.00"),
            line("期初余额", "301", credit="955000.00")], by=accountant, today=today)
        for step in (vouchers.submit_voucher, vouchers.review_voucher):
            step(opening, by=accountant if step is vouchers.submit_voucher else reviewer)
        vouchers.post_voucher(opening, by=reviewer, today=today)
        db.session.commit()
        started = time.perf_counter()
        moves = sorted((dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365)),
                        Decimal(rng.randrange(1000, 900000)) / 100, rng.random() < 0.4)
                       for _ in range(args.lines))
        for on, amount, money_in in moves:
            lines = [line("收到租金", "102", f"{amount}"), line("收到租金", "501",
                                                           credit=f"{amount}")] \
                if money_in else [line("支付费用", "513", f"{amount}"),
                                  line("支付费用", "102", credit=f"{amount}")]
            voucher = vouchers.save_voucher(org, voucher=None, on=on, lines=lines,
                                            attachment_count=1, by=accountant, today=today)
            vouchers.submit_voucher(voucher, by=accountant)
            vouchers.review_voucher(voucher, by=reviewer)
            vouchers.post_voucher(voucher, by=reviewer, today=today)
        db.session.commit()
        print(f"posted {len(moves)} bank vouchers of 2025 in "
              f"{time.perf_counter() - started:.1f} s")
        account = bank.bank_accounts(org)[0]
        banking.save_mapping(org, account, banking.MappingData(
            header_row=1, date_column="交易日期", amount_column="金额", balance_column="余额",
            reference_column="流水号", summary_column="摘要", window_days=5), by=accountant)
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["交易日期", "摘要", "流水号", "金额", "余额"])
        balance = Decimal("950000.00")
        for number, (on, amount, money_in) in enumerate(moves, start=1):
            signed = amount if money_in else -amount
            balance += signed
            shifted = min(on + dt.timedelta(days=rng.randrange(3)), dt.date(2025, 12, 31))
            sheet.append([shifted.isoformat(), "转账", f"T{number:06d}", f"{signed:.2f}",
                          f"{balance:.2f}"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        db.session.commit()
        began = time.perf_counter()
        banking.import_statement(org, account, content=buffer.getvalue(),
                                 filename="2025.xlsx", opening=None, by=accountant,
                                 storage=store(), today=today)
        db.session.flush()
        read_s = time.perf_counter() - began
        began = time.perf_counter()
        pairs = banking.auto_match(account, by=accountant)
        db.session.flush()
        match_s = time.perf_counter() - began
        db.session.commit()
        figures.append((f"read and import a {len(moves)}-line statement (XLSX)",
                        f"{read_s:.2f} s", ""))
        figures.append((f"match it against {len(moves)} bank lines of 2025 "
                        f"({pairs} pairs)", f"{match_s:.2f} s", "≤ 2 s"))
        runs = []
        for _ in range(5):
            db.session.expire_all()
            began = time.perf_counter()
            result = bank.reconciliation(account, 2025, 12)
            runs.append(time.perf_counter() - began)
        runs.sort()
        figures.append((f"调节表 of 2025-12 ({len(result.book_out) + len(result.book_in)} + "
                        f"{len(result.bank_out) + len(result.bank_in)} items, "
                        f"{'agrees' if result.agrees else 'differs'})", _ms(runs[2]),
                        "≤ 200 ms"))
        ledger_file = work / "book.beancount"
        ledger_file.write_text(export_book(org), encoding="utf-8")

    bean_query = str(Path(sys.executable).with_name("bean-query"))
    for label, query in (
            ("peer: bean-query, the year's bank postings",
             "SELECT date, narration, position WHERE account ~ '10201|102' AND year = 2025"),
            ("peer: bean-query, the bank balance at 2025-12-31",
             "SELECT sum(position) WHERE account ~ ':102' AND date <= 2025-12-31")):
        began = time.perf_counter()
        done = subprocess.run([bean_query, str(ledger_file), query], capture_output=True,
                              text=True, check=False,
                              env={**os.environ, "BEANCOUNT_DISABLE_LOAD_CACHE": "1"})
        figures.append((label, f"{time.perf_counter() - began:.2f} s (exit {done.returncode})",
                        ""))
    width = max(len(name) for name, _value, _bar in figures)
    print(f"\n{'measure':<{width}}  {'figure':>22}  bar")
    for name, value, bar in figures:
        print(f"{name:<{width}}  {value:>22}  {bar}")


if __name__ == "__main__":
    main()
