"""Share register speed: 5,000 households and 50,000 register operations.

Usage:  .venv/bin/python bench/shares.py [--households 5000] [--operations 50000]

Imports a generated 5,000-household workbook through the real import (read + check + save),
bulk-inserts the register operations (subscriptions, then transfers, pledges, releases and
buy-backs that keep every holding non-negative), then times the holdings table for a date
(cold and warm) and one certificate PDF. Prints a table.
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
from decimal import Decimal
from pathlib import Path


def workbook(households: int) -> bytes:
    """A filled-in import workbook with valid, unique ID numbers."""
    from openpyxl import Workbook

    from coopledger.ids import resident_id_check_char
    from coopledger.members.imports import SHEETS

    rng = random.Random(11)  # noqa: S311
    book = Workbook(write_only=True)
    sheets = {spec.title: book.create_sheet(spec.title) for spec in SHEETS}
    for spec in SHEETS:
        sheets[spec.title].append(list(spec.headers))
    sequence = 0
    for number in range(1, households + 1):
        key = f"H{number:05d}"
        sheets["农户"].append([key, "jianping", f"户主{number}", f"建平村{number % 9}组", "",
                              f"139{number:08d}", "四川农信", f"62315901{number:011d}"])
        for relation in ("户主", "配偶", "子女"):
            sequence += 1
            year = 1940 + sequence % 60
            base = f"5116{sequence // 10**8 % 100:02d}{year}{sequence % 12 + 1:02d}" \
                   f"{sequence % 28 + 1:02d}{sequence % 1000:03d}"
            base = base[:17]
            sheets["家庭成员"].append([key, f"成员{sequence}", base + resident_id_check_char(base),
                                      relation])
        for parcel in range(1, 4):
            sheets["地块"].append([key, f"{key}-{parcel}", f"{rng.randint(30, 300) / 100:.2f}",
                                   "1", "水田", "建平村"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--operations", type=int, default=50000)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    workdir = Path(tempfile.mkdtemp(prefix="coopledger-bench-shares-"))
    os.environ["COOPLEDGER_INSTANCE_PATH"] = str(workdir)

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from coopledger import create_app
    from coopledger.dates import utcnow
    from coopledger.extensions import db
    from coopledger.members import imports
    from coopledger.members.models import Household, Membership, MembershipSource
    from coopledger.orgs.models import Organisation
    from coopledger.sample import load_world
    from coopledger.shares import queries, services
    from coopledger.shares.models import (
        OperationKind,
        OperationState,
        ShareAccount,
        ShareKind,
        ShareOperation,
    )


    app = create_app({"DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_COST": "test"})
    rows = []
    with app.app_context():
        upgrade()
        load_world(full=False)
        db.session.commit()
        content = workbook(args.households)
        start = time.perf_counter()
        parsed = imports.read(content)
        assert not parsed.problems, parsed.problems
        imports.save(parsed, by=None, now=utcnow())
        db.session.commit()
        import_s = time.perf_counter() - start
        rows.append((f"import {args.households} households (read+check+save)",
                     f"{import_s:.1f} s", "≤ 60 s"))
        org = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "shian-tdgf")).one()
        land = services.class_of(org, ShareKind.LAND)
        assert land is not None
        households = list(db.session.scalars(sa.select(Household.id).where(
            Household.head_name.like("户主%"))))
        joined = dt.date(2020, 1, 1)
        db.session.execute(sa.insert(Membership), [
            {"organisation_id": org.id, "household_id": h, "member_number": f"B{i:05d}",
             "joined_on": joined, "left_on": None, "source": MembershipSource.ORIGINAL}
            for i, h in enumerate(households)])
        db.session.execute(sa.insert(ShareAccount), [
            {"organisation_id": org.id, "household_id": h} for h in households])
        accounts = list(db.session.scalars(sa.select(ShareAccount.id).where(
            ShareAccount.household_id.in_(households))))
        rng = random.Random(5)  # noqa: S311
        held = {a: Decimal(0) for a in accounts}
        pledged = {a: Decimal(0) for a in accounts}
        ops = []
        number = 10_000
        day = dt.date(2020, 1, 1)
        for account in accounts:
            number += 1
            quantity = Decimal(rng.randint(100, 900)) / 100
            held[account] += quantity
            ops.append((number, OperationKind.SUBSCRIBE, None, account, quantity, day))
        while len(ops) < args.operations:
            number += 1
            day = dt.date(2020, 1, 2) + dt.timedelta(days=len(ops) // 40)
            a, b = rng.sample(accounts, 2)
            free = held[a] - pledged[a]
            choice = rng.random()
            if choice < 0.6 and free > Decimal("0.10"):
                quantity = (free * Decimal("0.1")).quantize(Decimal("0.0001"))
                held[a] -= quantity
                held[b] += quantity
                ops.append((number, OperationKind.TRANSFER, a, b, quantity, day))
            elif choice < 0.8 and free > 1:
                pledged[a] += 1
                ops.append((number, OperationKind.PLEDGE, a, None, Decimal(1), day))
            elif pledged[a] >= 1:
                pledged[a] -= 1
                ops.append((number, OperationKind.RELEASE, a, None, Decimal(1), day))
            else:
                ops.append((number, OperationKind.INCREASE, None, a, Decimal("0.5"), day))
                held[a] += Decimal("0.5")
        now = utcnow()
        db.session.execute(sa.insert(ShareOperation), [
            {"organisation_id": org.id, "number": n, "kind": k, "state": OperationState.DONE,
             "share_class_id": land.id, "from_account_id": s, "to_account_id": t,
             "quantity": q, "effective_on": d, "created_at": now}
            for n, k, s, t, q, d in ops])
        db.session.commit()
        last_day = ops[-1][5]
    with app.app_context():
        org = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "shian-tdgf")).one()
    client = app.test_client()
    client.post("/auth/login", data={"username": "accountant", "password": "coop-demo-2026"})
    page_ms = []
    for _ in range(4):
        start = time.perf_counter()
        page = client.get(f"/o/shian-tdgf/shares/holdings?on={last_day.isoformat()}")
        page_ms.append((time.perf_counter() - start) * 1000)
        assert page.status_code == 200
    with app.app_context():
        org = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "shian-tdgf")).one()
        timings = []
        for _ in range(5):
            start = time.perf_counter()
            _classes, table, totals = queries.holdings_table(org, last_day)
            timings.append((time.perf_counter() - start) * 1000)
        expected = sum(held.values())
        assert totals[0] == expected, (totals, expected)
        rows.append((f"holdings table on {last_day} ({len(table)} holders, {len(ops)} ops)",
                     f"{timings[0]:.0f} / {statistics.median(timings[1:]):.0f} ms",
                     "≤ 200 ms (first / median)"))
        rows.append(("holdings page (whole request, HTML)",
                     f"{page_ms[0]:.0f} / {statistics.median(page_ms[1:]):.0f} ms",
                     "(first / median)"))
        account = db.session.get(ShareAccount, accounts[0])
        assert account is not None
        certificate = services.reissue_certificate(account, on=last_day, by=None)
        db.session.commit()
        assert certificate is not None
        certificate_id = certificate.id
    pdf_ms = []
    for _ in range(3):
        start = time.perf_counter()
        response = client.get(f"/certificates/{certificate_id}.pdf")
        pdf_ms.append((time.perf_counter() - start) * 1000)
        assert response.data.startswith(b"%PDF-")
    rows.append(("one certificate PDF (first / median)",
                 f"{pdf_ms[0]:.0f} / {statistics.median(pdf_ms):.0f} ms", "≤ 1 s"))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>18}  target")
    for label, value, target in rows:
        print(f"{label:<{width}}  {value:>18}  {target}")


if __name__ == "__main__":
    main()
