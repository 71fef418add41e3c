"""The ``coopledger`` command: init-db, load-sample (idempotent), orgs, create-user, worker."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from coopledger.assets import depreciation, resources
from coopledger.assets.models import AssetCard, AssetDisposal
from coopledger.assets.reconcile import reconcile
from coopledger.assets.resource_models import StockTake, StockTakeState
from coopledger.auth.models import User
from coopledger.disclosure import verification
from coopledger.disclosure.calendar import calendar as disclosure_calendar
from coopledger.distribution.models import Plan
from coopledger.extensions import db
from coopledger.files import FolderStore
from coopledger.jobs.models import Job, JobState
from coopledger.ledger.models import Account, VoucherLine, VoucherState
from coopledger.orgs.models import Organisation, Township
from coopledger.supervision import queries as supervision
from coopledger.supervision.models import FindingState
from coopledger.supervision.rules import Rule, Severity
from tests.conftest import Databases, dispose, make_app

COMMAND = Path(sys.executable).with_name("coopledger")


@pytest.fixture
def fresh(databases: Databases, tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    url = databases.fresh("cli")
    app = make_app(url, tmp_path)
    yield app, url
    dispose(app)


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(COMMAND), *args], env=env, capture_output=True, text=True,
                          timeout=400, check=False)


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "COOPLEDGER_DATABASE_URL": url,
            "COOPLEDGER_INSTANCE_PATH": str(tmp_path / "instance"),
            "COOPLEDGER_PASSWORD_HASH_COST": "test"}


@pytest.mark.sqlite_only
@pytest.mark.long
def test_console_script_sets_up_loads_twice_and_lists(fresh: tuple[Flask, str],
                                                      tmp_path: Path) -> None:
    _app, url = fresh
    env = _env(url, tmp_path)
    result = _run(["init-db"], env)
    assert result.returncode == 0, result.stderr
    first = _run(["load-sample", "--as-of", "2026-01-15"], env)
    assert first.returncode == 0, first.stderr
    assert "341 records created, 0 already there, 1379 vouchers in the demo books" in first.stdout
    for login in ("admin", "accountant", "reviewer", "cashier", "supervisor", "member",
                  "auditor", "head", "leader"):
        assert f"  {login} " in first.stdout
    assert "coop-demo-2026" in first.stdout
    _check_asset_sample(_app)
    _check_disclosure_sample(_app, tmp_path)
    _check_supervision_sample(_app)
    _check_distribution_sample(_app)
    _check_filing_sample(_app)
    _check_spending_sample(_app)
    _check_banking_sample(_app)
    second = _run(["load-sample", "--as-of", "2026-01-15"], env)
    assert "0 records created, 79 already there, 0 vouchers" in second.stdout
    for org in ("shian-jjhzs", "shian-tdgf"):
        verified = _run(["verify-ledger", org], env)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "OK: SQL and beancount agree for every account and month" in verified.stdout
        assert "posted vouchers" in verified.stdout
        exported = tmp_path / f"{org}.beancount"
        assert _run(["export-ledger", org, "--out", str(exported)], env).returncode == 0
        check = subprocess.run([str(COMMAND.with_name("bean-check")), str(exported)],
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr
    sheet = _run(["report", "balance_sheet", "--org", "shian-tdgf", "--period", "2025"], env)
    rows = {line.split(",")[0]: line.split(",") for line in sheet.stdout.splitlines()}
    assert rows["资产总计"][2] == rows["负债和所有者权益总计"][2]
    assert rows["资产总计"][3] == rows["负债和所有者权益总计"][3]
    # 成员权益变动表 of 建平藤椒 2025: 未分配盈余 grows by the year's 盈余 (not by every credit
    # to the income accounts) and falls by the year's distributions, item by item
    equity = {line.split(",")[0]: line.split(",") for line in _run(
        ["report", "equity_changes", "--org", "jianping-tj", "--period", "2025"],
        env).stdout.splitlines()}
    statement = {line.split(",")[0]: line.split(",") for line in _run(
        ["report", "income_statement", "--org", "jianping-tj", "--period", "2025"],
        env).stdout.splitlines()}
    assert equity["本年增加数"][5] == equity["其中：本年盈余"][5] == "246392.51"
    assert equity["其中：本年盈余"][5] == statement["四、本年盈余"][2]
    items = ("提取盈余公积", "盈余返还", "剩余盈余分配", "转为成员出资")
    assert sum(Decimal(equity[f"其中：{name}"][5]) for name in items) == \
        Decimal(equity["本年减少数"][5]) == Decimal("228119.50")
    listing = _run(["orgs"], env).stdout.splitlines()
    assert len(listing) == 5
    tdgf = next(line for line in listing if line.startswith("shian-tdgf"))
    assert "land_share_coop" in tdgf
    assert "coop_2021" in tdgf
    assert "led by shian-jjhzs" in tdgf
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0


def _check_asset_sample(app: Flask) -> None:
    """The demo register: 34 cards (two gone), two years of posted monthly depreciation, a
    scrapped printer and a projector missing at the 2025 stock-take, and it agrees with the
    ledger; the wasteland is idle and the machine-land lease has ended."""
    with app.app_context():
        org = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "shian-jjhzs")).one()
        runs = depreciation.runs_of(org)
        assert len(runs) == 24
        assert all(r.voucher is not None and r.voucher.state is VoucherState.POSTED
                   for r in runs)
        kinds = sorted(d.kind.value for d in db.session.scalars(sa.select(AssetDisposal)))
        assert kinds == ["scrap", "shortage"]
        assert db.session.scalar(sa.select(sa.func.count(AssetCard.id))) == 34
        for on in (dt.date(2024, 6, 30), dt.date(2025, 8, 31), dt.date(2025, 12, 31)):
            assert reconcile(org, on).balanced, on
        assert reconcile(org, dt.date(2025, 12, 31)).classes[0].cards == 32
        stock_take = db.session.scalars(sa.select(StockTake)).one()
        assert stock_take.state is StockTakeState.APPROVED
        day = dt.date(2026, 11, 29)
        # SA-ZY-10 is the 荒地 registered when the 2024 asset check was returned (filings)
        assert [r.number for r in resources.idle(org, day)] == ["SA-ZY-04", "SA-ZY-10"]
        assert [r.number for r in resources.contract_ended(org, day)] == ["SA-ZY-01"]
        db.session.remove()


def _check_distribution_sample(app: Flask) -> None:
    """The demo books agree with the demo plan: 保底 is paid only by the land-share cooperative,
    once a year to whoever held the land shares on each day (张福生户 January–July 2024, 1,443.28;
    his heir 张建华户 from August, 1,036.72: together 3.1 亩 × 800), and the plan's 已付保底 is
    what those posted payments say; no 保底 and no 应付工资 for casual labour anywhere."""
    with app.app_context():
        plan = db.session.scalars(sa.select(Plan).join(Organisation).where(
            Organisation.code == "shian-tdgf", Plan.year == 2024)).one()
        lines = {line.holder: line for line in plan.lines}
        assert all(line.guarantee_paid == line.guarantee_due for line in plan.lines)
        assert sum((line.guarantee_due for line in plan.lines), Decimal(0)) == Decimal("9376.00")
        dead, heir = lines["张福生户"], lines["张建华户"]
        assert (dead.guarantee_due, heir.guarantee_due) == (Decimal("1443.28"),
                                                             Decimal("1036.72"))
        assert (dead.payee, dead.payee_household) == ("张建华户", heir.household)
        summaries = db.session.execute(sa.select(Organisation.code, VoucherLine.summary,
                                                 VoucherLine.on, Account.code)
                                       .join(Account, Account.id == VoucherLine.account_id)
                                       .join(Organisation,
                                             Organisation.id == VoucherLine.organisation_id))
        for org, summary, on, code in summaries:
            assert org == "shian-tdgf" or "保底" not in summary, (org, summary)
            if summary.startswith("支付张福生户") and on > dt.date(2024, 7, 31):
                assert summary.endswith("（付继承人张建华户）"), summary   # never to the dead
            assert not code.startswith("212"), (org, summary)
        db.session.remove()


def _check_supervision_sample(app: Flask) -> None:
    """塔山镇 on today's dashboard: 塔山村 clean, 石安村 with cash over the limit and a missing
    disclosure, the land-share cooperative with its finding answered and not yet due."""
    with app.app_context():
        town = db.session.scalars(sa.select(Township).where(Township.code == "tashan")).one()
        lines = {line.org.code: line for line in supervision.dashboard(
            supervision.organisations_of([town]), on=dt.date(2026, 1, 15))}
        assert lines["tashan-jjhzs"].figures.colour is Severity.GREEN
        assert {Rule.CASH_OVER_LIMIT, Rule.DISCLOSURE_LATE} <= set(lines["shian-jjhzs"].fired)
        tdgf = lines["shian-tdgf"]
        assert tdgf.figures.open_findings == 1
        assert Rule.CORRECTION_OVERDUE not in tdgf.fired
        finding = supervision.findings_of(tdgf.org, open_only=True)[0]
        assert finding.state is FindingState.ANSWERED
        assert finding.records[0].kind == "voucher"
        assert [s.voucher_id for s in finding.audit.samples]   # seeded sample drawn


def _check_spending_sample(app: Flask) -> None:
    """石安村's spending requests. The year 2025 (issue 20, "Sample"): 23 requests paid — small
    ones in cash, larger ones by bank —, each approved along the chain its amount needs and
    paid by a posted voucher dated the day it was paid, with the request's scans; one refused
    and resubmitted; one above the resolution threshold with its resolution and the township
    leader's approval; the November transfers paid through one payment batch and the bank's
    result. The as-of month: one approved for the cashier, one waiting for the village head,
    one refused by the township and resubmitted (round 2 waiting for the township), a draft
    above the resolution threshold with its resolution."""
    from coopledger.auth.roles import Role
    from coopledger.banking.models import BatchState, ItemState
    from coopledger.ledger.models import VoucherState
    from coopledger.spending.models import (
        Method,
        PaymentBatch,
        RequestState,
        SpendingRequest,
        StepState,
    )

    with app.app_context():
        year = list(db.session.scalars(sa.select(SpendingRequest).where(
            SpendingRequest.year == 2025).order_by(SpendingRequest.number)))
        assert len(year) == 23
        assert {r.state for r in year} == {RequestState.PAID}
        assert sorted({r.paid_on.month for r in year if r.paid_on}) == list(range(1, 13))
        assert sum(1 for r in year if r.method is Method.CASH) == 8
        for request in year:
            voucher = request.voucher
            assert voucher is not None
            assert voucher.state is VoucherState.POSTED
            assert voucher.on == request.paid_on
            assert len(voucher.attachments) == len(request.scans) >= 1
            roles = [s.role for s in request.current_steps]
            assert len(roles) == (2 if request.amount < 2000 else 3 if request.amount < 10000
                                  else 4)
            assert {s.state for s in request.current_steps} == {StepState.APPROVED}
            assert request.submitted_at is not None
            assert request.submitted_at.date() <= request.paid_on   # dated as it happened
        resubmitted = [r for r in year if r.round == 2]
        assert [r.purpose for r in resubmitted] == ["村道排水沟清淤"]
        big = next(r for r in year if r.amount >= 50000)
        assert big.resolution_ref == "石安村成员代表大会决议〔2025〕1号"
        assert big.current_steps[-1].role is Role.TOWNSHIP_LEADER
        batch = db.session.scalars(sa.select(PaymentBatch)).one()
        assert batch.state is BatchState.SETTLED
        assert [(i.state, i.request.paid_on.month if i.request.paid_on else 0)
                for i in batch.items] == [(ItemState.PAID, 11), (ItemState.PAID, 11)]
        found = {r.number: r for r in db.session.scalars(sa.select(SpendingRequest).where(
            SpendingRequest.year == 2026))}
        assert [found[n].state for n in sorted(found)] == [
            RequestState.APPROVED, RequestState.SUBMITTED, RequestState.SUBMITTED,
            RequestState.DRAFT]
        assert [(s.round, s.state) for s in found[3].steps] == [
            (1, StepState.APPROVED), (1, StepState.APPROVED), (1, StepState.REFUSED),
            (1, StepState.SKIPPED), (2, StepState.APPROVED), (2, StepState.APPROVED),
            (2, StepState.PENDING), (2, StepState.PENDING)]
        assert found[4].resolution_ref == "石安村成员代表大会决议〔2026〕2号"
        assert all(r.scans for r in found.values())


def _check_banking_sample(app: Flask) -> None:
    """石安村's 农商行 account: a statement for each of the 23 months to November 2025, the 22
    closed months reconciled, November's 调节表 with an outstanding wage cheque on the books'
    side and the 12.00 account fee on the bank's, agreeing; a cash count at every month end,
    November's 10.00 short with its voucher drafted to 待处理财产损溢."""
    from coopledger.banking import queries as bank
    from coopledger.banking.models import CashCount

    with app.app_context():
        org = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "shian-jjhzs")).one()
        account = bank.bank_accounts(org)[0]
        assert len(bank.statements_of(account)) == 23
        assert len(bank.reconciled_months(account)) == 22
        assert (2025, 11) not in bank.reconciled_months(account)
        table = bank.reconciliation(account, 2025, 11)
        assert [i.text for i in table.book_out] == ["支付社员临时用工劳务费"]
        assert [(i.amount, i.text) for i in table.bank_out] == [
            (Decimal("12.00"), "银行账户管理费")]
        assert table.book_in == table.bank_in == []
        assert table.agrees
        counts = db.session.scalars(sa.select(CashCount).order_by(CashCount.on)).all()
        assert len(counts) == 23
        assert [c.difference for c in counts if c.difference] == [Decimal("-10.00")]
        assert counts[-1].voucher is not None
        assert counts[-1].voucher.state is VoucherState.DRAFT
        db.session.remove()


def _check_filing_sample(app: Flask) -> None:
    """塔山镇's 2024 filings: 石安村 returned once and accepted, the land-share cooperative
    accepted, the 藤椒 cooperative missing, the township summary accepted by the county."""
    from coopledger.filings import services as filings
    from coopledger.filings import tables as filing_tables
    from coopledger.filings.models import FilingState, SummaryState

    with app.app_context():
        orgs = {o.code: o for o in db.session.scalars(sa.select(Organisation))}
        assert [(f.version, f.state) for f in filing_tables.versions(orgs["shian-jjhzs"], 2024)
                ] == [(2, FilingState.ACCEPTED), (1, FilingState.RETURNED)]
        assert filings.state_of(orgs["shian-tdgf"], 2024) == "accepted"
        assert filings.state_of(orgs["jianping-tj"], 2024) == "none"
        town = db.session.scalars(sa.select(Township).where(Township.code == "tashan")).one()
        [summary] = filings.summaries(town, 2024)
        assert summary.state is SummaryState.ACCEPTED
        body = filings.summary_body(summary)
        assert [m["code"] for m in body["missing"]] == ["jianping-tj"]
        # 42 亩 坡顶荒山 + the 8.5 亩 registered after the return
        resources = filing_tables.year_tables(orgs["shian-jjhzs"], 2024, filing=filing_tables
                                              .versions(orgs["shian-jjhzs"], 2024)[0])
        assert resources.table("resources").exact["27"] == Decimal("50.50")  # type: ignore[union-attr]


def _check_disclosure_sample(app: Flask, tmp_path: Path) -> None:
    """Six quarters, the 2024 year and a special disclosure of the leases published (2024 Q2
    corrected), chained and intact, a question answered, 2025 Q3 missing on the calendar."""
    with app.app_context():
        org = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "shian-jjhzs")).one()
        published = verification.published(org)
        assert [(d.period_key, d.version, d.topic) for d in published] == [
            ("2024-Q1", 1, ""), ("2024-Q1", 1, "leases_investments"), ("2024-Q2", 1, ""),
            ("2024-Q2", 2, ""), ("2024-Q3", 1, ""), ("2024-Q4", 1, ""), ("2024", 1, ""),
            ("2025-Q1", 1, ""), ("2025-Q2", 1, "")]
        assert published[3].corrects is published[2]
        storage = FolderStore(tmp_path / "instance" / "storage")   # the command line kept them
        assert verification.broken_link(org, storage) is None
        assert [q.answer != "" for q in published[0].questions] == [True]
        states = {row.period.key: row.state.value
                  for row in disclosure_calendar(org, dt.date(2026, 11, 29))}
        assert states["2025-Q3"] == "missing"
        assert states["2024-Q1"] == "published"
        tdgf = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "shian-tdgf")).one()
        annual = next(d for d in verification.published(tdgf) if d.period_key == "2024")
        roster = json.loads(annual.frozen or "{}")["contents"]["distribution"]["lines"]
        assert roster
        assert all("*" in line["holder"] for line in roster if line["household_id"])
        assert verification.broken_link(tdgf, storage) is None
        db.session.remove()


def test_create_user_assigns_the_role_and_refuses_unknown_scopes(
        fresh: tuple[Flask, str]) -> None:
    app, _url = fresh
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["load-sample", "--small", "--as-of", "2026-01-15"]).exit_code == 0
    result = runner.invoke(args=["create-user", "--username", "zhoujie", "--name", "周杰",
                                 "--role", "cashier", "--org", "shian-tdgf"])
    assert result.exit_code == 0, result.output
    assert "initial password:" in result.output
    with app.app_context():
        user = db.session.scalars(sa.select(User).where(User.username == "zhoujie")).one()
        assert user.must_change_password
        assert [(a.role.value, a.organisation.code if a.organisation else None)
                for a in user.assignments] == [("cashier", "shian-tdgf")]
    bad = runner.invoke(args=["create-user", "--username", "x1", "--name", "某", "--role",
                              "township_auditor", "--township", "nowhere"])
    assert bad.exit_code != 0
    assert "no township with code nowhere" in bad.output
    missing = runner.invoke(args=["create-user", "--username", "x2", "--name", "某",
                                  "--role", "accountant"])
    assert missing.exit_code != 0
    assert "该角色必须指定所属组织" in missing.output


def test_worker_process_runs_a_queued_job(fresh: tuple[Flask, str], tmp_path: Path) -> None:
    """The worker that `coopledger run` starts picks jobs from the SQLite queue."""
    _app, url = fresh
    env = _env(url, tmp_path)
    assert _run(["init-db"], env).returncode == 0
    assert _run(["load-sample", "--small", "--as-of", "2026-01-15"], env).returncode == 0
    web = make_app(url, tmp_path / "storage", JOBS_IMMEDIATE=False,
                   HUEY_SQLITE_PATH=str(tmp_path / "instance" / "jobs.db"),
                   STORAGE_DIR=str(tmp_path / "instance" / "storage"))
    from coopledger.jobs import services
    from coopledger.jobs.queue import huey

    try:
        with web.app_context():
            admin = db.session.scalars(sa.select(User).where(User.username == "admin")).one()
            job = services.start_job("audit.export", title="导出", params={}, by=admin)
            db.session.commit()
            services.enqueue(job)
            job_id = job.id
        worker = subprocess.Popen([str(COMMAND), "worker", "--workers", "1"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            state = None
            for _ in range(100):
                with web.app_context():
                    found = db.session.get(Job, job_id)
                    assert found is not None
                    state = found.state
                    result = found.result_path
                if state.finished:
                    break
                time.sleep(0.2)
            assert state is JobState.DONE
            assert result is not None
            assert (tmp_path / "instance" / "storage" / result).is_file()
        finally:
            worker.terminate()
            worker.wait(timeout=10)
    finally:
        huey.immediate = True
        dispose(web)


def test_an_unmigrated_or_unreachable_database_is_one_sentence(tmp_path: Path) -> None:
    """Not a traceback: what is wrong and what to run or check."""
    env = _env(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path)
    empty = _run(["orgs"], env)
    assert empty.returncode == 1
    assert "Traceback" not in empty.stderr
    assert "has no coopledger tables yet: run `coopledger init-db` first." in empty.stderr
    unreachable = _run(["orgs"], env | {
        "COOPLEDGER_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/test"})
    assert unreachable.returncode == 1
    assert "Traceback" not in unreachable.stderr
    assert "cannot use the database at postgresql+psycopg://postgres@127.0.0.1:1/test" \
        in unreachable.stderr
    assert "Check COOPLEDGER_DATABASE_URL" in unreachable.stderr


def test_run_serves_with_waitress_gzip_and_request_logs(fresh: tuple[Flask, str],
                                                         tmp_path: Path) -> None:
    """`coopledger run` is a production server: no development-server warning, HTML and CSS
    gzipped for a browser that accepts it, one log line per request."""
    import gzip
    import socket
    import urllib.request

    _app, url = fresh
    env = _env(url, tmp_path)
    assert _run(["init-db"], env).returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(COMMAND), "run", "--no-worker", "--port", str(port),
                                   "--threads", "4"], env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        body = b""
        for _ in range(150):
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/auth/login",
                                                 headers={"Accept-Encoding": "gzip"})
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    assert response.headers["Content-Encoding"] == "gzip"
                    body = gzip.decompress(response.read())
                break
            except OSError:
                time.sleep(0.2)
        assert "登录".encode() in body
        request = urllib.request.Request(f"http://127.0.0.1:{port}/static/css/app.css",
                                         headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            assert response.headers["Content-Encoding"] == "gzip"
            assert b"{" in gzip.decompress(response.read())
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = log.read_text(encoding="utf-8")
    assert "development server" not in text
    assert "waitress, 4 threads" in text
    assert "GET /auth/login 200" in text


@pytest.mark.sqlite_only
@pytest.mark.long
def test_the_demo_is_dated_to_the_day_it_is_loaded(fresh: tuple[Flask, str],
                                                   tmp_path: Path) -> None:
    """Loaded on 2026-12-01 the demo looks alive that day (issue 17): the books end in
    November 2026 (its last weeks still drafts, October and November open), 2025 is closed
    with its year-end vouchers and its distribution approved, the cooperative's third quarter
    is published on time and the fourth is not due yet; nothing is dated after the day."""
    from coopledger.distribution.models import PlanState
    from coopledger.ledger.models import Period, Voucher, VoucherKind

    app, url = fresh
    env = _env(url, tmp_path)
    assert _run(["init-db"], env).returncode == 0
    loaded = _run(["load-sample", "--as-of", "2026-12-01"], env)
    assert loaded.returncode == 0, loaded.stderr
    day = dt.date(2026, 12, 1)
    with app.app_context():
        tdgf = db.session.scalars(sa.select(Organisation).where(
            Organisation.code == "shian-tdgf")).one()
        dated = db.session.scalars(sa.select(Voucher).where(
            Voucher.organisation_id == tdgf.id)).all()
        assert min(v.on for v in dated) == dt.date(2025, 1, 1)          # the opening
        assert max(v.on for v in dated) <= dt.date(2026, 11, 30)
        assert max(v.on for v in dated if v.state is VoucherState.POSTED) >= \
            dt.date(2026, 11, 1)
        assert any(v.state is not VoucherState.POSTED and v.on.month == 11 for v in dated)
        closings = {v.on.year for v in dated if v.kind is VoucherKind.CLOSING
                    and v.state is VoucherState.POSTED}
        assert 2025 in closings
        assert 2026 not in closings
        closed = {(p.year, p.month) for p in db.session.scalars(sa.select(Period).where(
            Period.organisation_id == tdgf.id, Period.closed_at.is_not(None)))}
        assert (2026, 9) in closed
        assert (2026, 10) not in closed
        assert (2026, 11) not in closed
        plan = db.session.scalars(sa.select(Plan).where(Plan.organisation_id == tdgf.id,
                                                        Plan.year == 2025)).one()
        assert plan.state in (PlanState.APPROVED, PlanState.POSTED, PlanState.FILED,
                              PlanState.PAID)
        assert plan.resolution_on is not None
        assert plan.resolution_on <= day
        states = {row.period.key: row.state.value for row in disclosure_calendar(tdgf, day)}
        assert states["2026-Q3"] == "published"
        assert states["2026-Q2"] == "published"
        assert states["2026-Q4"] == "not_due"
        assert "missing" not in {states[key] for key in states if key.startswith("2026")}
        db.session.remove()
    for org in ("shian-jjhzs", "shian-tdgf", "jianping-tj"):
        verified = _run(["verify-ledger", org], env)
        assert verified.returncode == 0, verified.stdout + verified.stderr
