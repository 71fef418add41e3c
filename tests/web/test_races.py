"""Races on PostgreSQL: every workflow transition and every balance check under its row lock.

Each test commits a starting state, then lets several threads — each with its own app context,
session and connection — attempt the same step at the same moment (a barrier releases them
together). Exactly one wins; the others are told why in a sentence (a ``CoopLedgerError``),
never an exception that would be a 500; and the invariant of the records holds afterwards.
These run only in the PostgreSQL run (``--db=postgresql``): SQLite serialises all writers.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from coopledger import dates
from coopledger.auth.models import User
from coopledger.contracts import schedules
from coopledger.contracts.models import Contract
from coopledger.contracts.money_models import Allocation, Purpose
from coopledger.contracts.payments import record_payment
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.files import FolderStore
from coopledger.ledger import vouchers
from coopledger.ledger.models import Voucher, VoucherState
from coopledger.members.models import Household
from coopledger.orgs.models import Organisation
from coopledger.shares import services as shares
from coopledger.shares.models import (
    Certificate,
    OperationKind,
    OperationState,
    ShareKind,
    ShareOperation,
)
from coopledger.shares.queries import holdings
from tests.conftest import Databases, dispose, make_app, migrate_and_seed
from tests.ledger_helpers import book_with_vouchers, make_voucher

pytestmark = pytest.mark.postgresql_only
ROUNDS = 5


@pytest.fixture(scope="module")
def pg_app(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = make_app(databases.fresh("races"), tmp_path_factory.mktemp("races"))
    migrate_and_seed(app)
    with app.app_context():
        org = _org("shian-jjhzs")
        book_with_vouchers(org, _user("accountant"), _user("reviewer"))
        book_with_vouchers(_org("shian-tdgf"), _user("accountant"), _user("reviewer"))
        db.session.commit()
    yield app
    dispose(app)


def _org(code: str) -> Organisation:
    return db.session.scalars(sa.select(Organisation).where(Organisation.code == code)).one()


def _user(name: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == name)).one()


def race(app: Flask, *attempts: Callable[[], object]) -> tuple[list[object], list[str]]:
    """Run the attempts at once, each in its own app context (own session and connection),
    committing on success; return (results, refusal sentences). Any other exception fails."""
    barrier = threading.Barrier(len(attempts))
    won: list[object] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def run(attempt: Callable[[], object]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                result = attempt()
                db.session.commit()
                won.append(result)
            except CoopLedgerError as err:
                db.session.rollback()
                refused.append(str(err))
            except BaseException as err:  # reported below: would be a 500 in a request
                db.session.rollback()
                errors.append(err)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [], errors
    return won, refused


def _voucher(app: Flask, upto: str, on: dt.date = dt.date(2025, 4, 3)) -> int:
    with app.app_context():
        voucher = make_voucher(_org("shian-jjhzs"), _user("accountant"), _user("reviewer"),
                               upto=upto, on=on)
        db.session.commit()
        return voucher.id


def _get(voucher_id: int) -> Voucher:
    found = db.session.get(Voucher, voucher_id)
    assert found is not None
    return found


def test_reject_racing_post_never_unposts(pg_app: Flask) -> None:
    for _ in range(ROUNDS):
        voucher_id = _voucher(pg_app, "reviewed")
        won, refused = race(
            pg_app,
            lambda vid=voucher_id: vouchers.post_voucher(_get(vid), by=_user("reviewer"),
                                                         today=dates.today()),
            lambda vid=voucher_id: vouchers.reject_voucher(_get(vid), reason="金额有误",
                                            by=_user("cashier")))
        assert len(won) == 1, refused
        assert len(refused) == 1, refused
        with pg_app.app_context():
            voucher = _get(voucher_id)
            if voucher.state is VoucherState.POSTED:
                assert voucher.number is not None
                assert voucher.chain_hash
                assert all(line.posted for line in voucher.lines)
            else:
                assert voucher.state is VoucherState.DRAFT
                assert voucher.number is None
                assert not voucher.chain_hash
                assert not any(line.posted for line in voucher.lines)
            db.session.remove()


def test_two_reviewers_approve_once(pg_app: Flask) -> None:
    for _ in range(ROUNDS):
        voucher_id = _voucher(pg_app, "submitted")
        won, refused = race(
            pg_app,
            lambda vid=voucher_id: vouchers.review_voucher(_get(vid), by=_user("reviewer")),
            lambda vid=voucher_id: vouchers.review_voucher(_get(vid), by=_user("admin")))
        assert len(won) == 1
        assert refused == [f"凭证 {_label(pg_app, voucher_id)} 当前为“已审核”，不能执行此操作。"]
        with pg_app.app_context():
            from coopledger.audit.models import AuditEvent

            reviews = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.action == "voucher.review",
                AuditEvent.object_id == str(voucher_id)))
            assert reviews == 1
            db.session.remove()


def _label(app: Flask, voucher_id: int) -> str:
    with app.app_context():
        label = _get(voucher_id).label
        db.session.remove()
        return label


def test_a_draft_being_submitted_is_not_deleted(pg_app: Flask) -> None:
    for _ in range(ROUNDS):
        voucher_id = _voucher(pg_app, "draft")
        won, refused = race(
            pg_app,
            lambda vid=voucher_id: vouchers.submit_voucher(_get(vid), by=_user("accountant")),
            lambda vid=voucher_id: vouchers.delete_draft(_get(vid), by=_user("accountant")))
        assert len(won) == 1
        assert len(refused) == 1
        with pg_app.app_context():
            voucher = db.session.get(Voucher, voucher_id)
            # Either it was deleted while a draft, or it was submitted and still exists.
            assert voucher is None or voucher.state is VoucherState.SUBMITTED
            db.session.remove()


def test_a_double_reversal_drafts_one_and_refuses_the_other(pg_app: Flask) -> None:
    for _ in range(ROUNDS):
        voucher_id = _voucher(pg_app, "posted")
        won, refused = race(
            pg_app, *[lambda vid=voucher_id: vouchers.reverse_voucher(
                _get(vid), on=dt.date(2025, 4, 20), by=_user("accountant"),
                today=dates.today())] * 3)
        assert len(won) == 1
        assert len(refused) == 2
        assert all("已有冲销凭证" in message for message in refused)
        with pg_app.app_context():
            count = db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(
                Voucher.reverses_id == voucher_id))
            assert count == 1
            db.session.remove()


def test_two_receipts_of_the_whole_rent_allocate_it_once(pg_app: Flask) -> None:
    with pg_app.app_context():
        lease = db.session.scalars(sa.select(Contract).where(
            Contract.number == "SATG-2024-001")).one()
        lease_id = lease.id
        owed = sum((line.outstanding for line in schedules.schedule_of(lease)), Decimal(0))
        db.session.remove()

    def receive() -> object:
        contract = db.session.get(Contract, lease_id)
        assert contract is not None
        return record_payment(contract, purpose=Purpose.RENT, on=dt.date(2025, 5, 6),
                              amount=owed, cash_code="102", by=_user("accountant"),
                              today=dates.today())

    won, refused = race(pg_app, receive, receive, receive)
    assert len(won) == 1
    assert len(refused) == 2
    assert all("超过未收金额" in message for message in refused)
    with pg_app.app_context():
        contract = db.session.get(Contract, lease_id)
        assert contract is not None
        for line in schedules.schedule_of(contract):
            allocated = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(
                sa.type_coerce(Allocation.__table__.c.amount, sa.BigInteger)), 0)).where(
                Allocation.line_id == line.id))
            assert Decimal(allocated) / 100 == line.received <= line.amount
        db.session.remove()


def test_a_transfer_completed_twice_reissues_certificates_once(pg_app: Flask) -> None:
    with pg_app.app_context():
        org = _org("shian-tdgf")
        land = shares.class_of(org, ShareKind.LAND)
        assert land is not None

        def household(head: str) -> Household:
            return db.session.scalars(sa.select(Household).where(
                Household.head_name == head)).one()

        giver = shares.household_account(org, household("刘秀珍"))
        receiver = shares.household_account(org, household("张福生"))
        held = holdings(org, dt.date(2026, 6, 1))
        today = dt.date(2026, 6, 1)
        op = shares.request(org, kind=OperationKind.TRANSFER, share_class=land, source=giver,
                            target=receiver, quantity=Decimal("0.50"), on=dt.date(2026, 6, 1),
                            today=today, by=None)
        shares.approve(op, today=today, by=None)
        db.session.commit()
        op_id, giver_id = op.id, giver.id
        before = db.session.scalar(sa.select(sa.func.count(Certificate.id))) or 0
        assert held
        db.session.remove()

    def complete() -> object:
        found = db.session.get(ShareOperation, op_id)
        assert found is not None
        return shares.complete(found, today=dt.date(2026, 6, 1), by=None)

    won, refused = race(pg_app, complete, complete, complete)
    assert len(won) == 1
    assert len(refused) == 2
    assert all("已经登记，不能重复登记" in message for message in refused)
    with pg_app.app_context():
        op = db.session.get(ShareOperation, op_id)
        assert op is not None
        assert op.state is OperationState.DONE
        after = db.session.scalar(sa.select(sa.func.count(Certificate.id))) or 0
        assert after == before + 2              # one new version for each of the two households
        versions = db.session.execute(sa.select(Certificate.account_id, Certificate.version)
                                      .where(Certificate.status == "issued")).all()
        assert len({a for a, _v in versions}) == len(versions)   # one current per account
        table = holdings(_org("shian-tdgf"), dt.date(2026, 6, 2))
        assert all(held >= 0 for held, _locked in table.values())
        assert giver_id
        db.session.remove()


def test_two_publications_at_once_make_one_chain(pg_app: Flask, tmp_path: Path) -> None:
    from coopledger.disclosure import services as disclosures
    from coopledger.disclosure.models import Disclosure
    from coopledger.ledger import periods

    with pg_app.app_context():
        org = _org("shian-jjhzs")
        accountant = _user("accountant")
        make_voucher(org, accountant, _user("reviewer"), on=dt.date(2024, 2, 5))
        for month in range(1, 7):
            periods.close_month(org, 2024, month, by=accountant)
        ids = []
        for key in ("2024-Q1", "2024-Q2"):
            disclosure = disclosures.draft(org, key, by=accountant)
            disclosures.submit(disclosure, by=accountant)
            disclosures.review(disclosure, agrees=True, comment="", by=_user("supervisor"))
            disclosures.township_review(disclosure, agrees=True, opinion="无异议",
                                        by=_user("auditor"))
            ids.append(disclosure.id)
        db.session.commit()
        db.session.remove()

    from coopledger.disclosure import publish_job
    from coopledger.jobs import services as jobs
    from coopledger.jobs.models import Job, JobState

    def slow_render(_disclosure: Disclosure, _body: dict[str, Any]) -> tuple[bytes, bytes]:
        threading.Event().wait(0.3)        # the window in which progress used to commit
        return b"%PDF a4", b"%PDF a3"

    with pg_app.app_context():
        job_ids = [jobs.start_job(publish_job.PUBLISH_KIND, title="公开", params={
            "disclosure_id": disclosure_id, "user_id": _user("accountant").id},
            by=_user("accountant")).id for disclosure_id in ids]
        db.session.commit()
        db.session.remove()
    original = publish_job.notice.render_both
    publish_job.notice.render_both = slow_render  # type: ignore[assignment]
    try:
        won, refused = race(pg_app, *[lambda job_id=job_id: jobs.execute_job(job_id)
                                      for job_id in job_ids])
    finally:
        publish_job.notice.render_both = original  # type: ignore[assignment]
    assert len(won) == 2
    assert refused == []
    with pg_app.app_context():
        states = db.session.scalars(sa.select(Job.state).where(Job.id.in_(job_ids))).all()
        assert set(states) == {JobState.DONE}
        published = db.session.scalars(sa.select(Disclosure).where(
            Disclosure.id.in_(ids)).order_by(Disclosure.published_at)).all()
        first, second = published
        assert second.previous_hash == first.hash      # one chain, not two from one parent
        db.session.remove()


def test_a_plan_paid_twice_at_once_pays_once(pg_app: Flask) -> None:
    from coopledger.distribution import services as distribution
    from coopledger.distribution.models import Mode, Plan
    from coopledger.ledger.sample_books import PLACEHOLDER_PNG
    from tests.conftest import Lookup
    from tests.distribution_helpers import close_2024

    with pg_app.app_context():
        tdgf = close_2024(Lookup())
        accountant = _user("accountant")
        plan = distribution.create_plan(tdgf, 2024, distribution.PlanData(
            mode=Mode.LAND_SHARE, members_total=Decimal("14540.00"),
            guarantee_per_mu=Decimal("800.00")), by=accountant, today=dates.today())
        distribution.propose(plan, on=dt.date(2025, 1, 10), by=accountant, today=dates.today())
        distribution.review(plan, on=dt.date(2025, 1, 20), by=accountant, today=dates.today())
        db.session.commit()
        plan_id = plan.id
        storage = FolderStore(Path(pg_app.config["STORAGE_DIR"]))
        db.session.remove()

    def approve() -> object:
        found = db.session.get(Plan, plan_id)
        assert found is not None
        return distribution.approve(found, resolution_no="决议", on=dt.date(2025, 2, 1),
                                    content=PLACEHOLDER_PNG, filename="r.png",
                                    storage=storage, by=_user("accountant"), today=dates.today())

    won, refused = race(pg_app, approve, approve)
    assert len(won) == 1
    assert len(refused) == 1
    with pg_app.app_context():
        found = db.session.get(Plan, plan_id)
        assert found is not None
        line_ids = [line.id for line in found.lines if line.total]
        db.session.remove()

    def pay() -> object:
        found = db.session.get(Plan, plan_id)
        assert found is not None
        return distribution.pay(found, line_ids, on=dt.date(2025, 3, 1), cash_code="102",
                                by=_user("accountant"),
                                today=dates.today())   # paying out is the accountant's step

    won, refused = race(pg_app, pay, pay)
    assert len(won) == 1
    assert len(refused) == 1
    assert "不能重复兑付" in refused[0]
    with pg_app.app_context():
        found = db.session.get(Plan, plan_id)
        assert found is not None
        paid_by = {line.payment_voucher_id for line in found.lines if line.total}
        assert len(paid_by) == 1
        assert None not in paid_by
        assert all(line.paid == line.total for line in found.lines)
        approvals = db.session.scalar(sa.select(sa.func.count(sa.distinct(Plan.voucher_id)))
                                      .where(Plan.id == plan_id))
        assert approvals == 1
        db.session.remove()


def test_a_year_submitted_at_once_makes_one_version_and_one_verdict(pg_app: Flask) -> None:
    """Three submissions of the same year at once: one version; then the township's accept and
    return at once: one verdict (the book row and the version row are the locks)."""
    from coopledger.auth.models import RoleAssignment
    from coopledger.auth.roles import Role
    from coopledger.filings import services as filings
    from coopledger.filings.models import Filing, FilingState
    from tests.distribution_helpers import close_year

    with pg_app.app_context():
        org, accountant, reviewer = _org("tashan-jjhzs"), _user("accountant"), _user("reviewer")
        for user, role in ((accountant, Role.ACCOUNTANT), (reviewer, Role.REVIEWER)):
            db.session.add(RoleAssignment(user=user, role=role, organisation_id=org.id))
        db.session.flush()
        book_with_vouchers(org, accountant, reviewer)
        make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 5))
        close_year(org, 2024, accountant=accountant, reviewer=reviewer)
        db.session.commit()
        db.session.remove()

    def submit() -> object:
        return filings.submit(_org("tashan-jjhzs"), 2024, by=_user("accountant")).id

    won, refused = race(pg_app, submit, submit, submit)
    assert len(won) == 1
    assert refused == ["这一年度的报表已经报送，正在审核或已通过，不能再次报送。"] * 2
    filing_id = won[0]

    def decide(step: str, who: str) -> Callable[[], object]:
        def attempt() -> object:
            filing = db.session.get(Filing, filing_id)
            assert filing is not None
            if step == "accept":
                return filings.accept(filing, by=_user(who)).state
            return filings.return_filing(filing, reason="请核对", by=_user(who)).state
        return attempt

    won, refused = race(pg_app, decide("accept", "auditor"), decide("return", "admin"))
    assert len(won) == 1
    assert len(refused) == 1
    with pg_app.app_context():
        versions = list(db.session.scalars(sa.select(Filing).where(
            Filing.organisation_id == _org("tashan-jjhzs").id)))
        assert [(f.version, f.state) for f in versions] == [(1, won[0])]
        assert (versions[0].review_note == "请核对") is (won[0] is FilingState.RETURNED)
        db.session.remove()


def test_a_spending_request_is_paid_once(pg_app: Flask) -> None:
    """Two payments of one approved request at once (a double click, two cashiers' tabs): one
    voucher, the request paid once; and the village head's approval sent twice at once takes
    one step, not two."""
    from coopledger.spending import services as spending
    from coopledger.spending.models import RequestState, SpendingRequest, StepState
    from tests.conftest import Lookup
    from tests.spending_helpers import approved, file_request

    with pg_app.app_context():
        request_id = approved(Lookup(), "900.00").id
        waiting_id = file_request(Lookup(), "1200.00").id
        spending.submit(db.session.get(SpendingRequest, waiting_id), by=_user("accountant"))
        db.session.commit()
        db.session.remove()

    def pay() -> object:
        found = db.session.get(SpendingRequest, request_id)
        assert found is not None
        return spending.pay(found, on=dt.date(2025, 4, 17), cash_code="102",
                            bank_reference="NX20250403001", by=_user("cashier"),
                            today=dates.today())

    won, refused = race(pg_app, pay, pay)
    assert len(won) == 1
    assert refused == ["只有已批准的申请可以支付。"]
    with pg_app.app_context():
        found = db.session.get(SpendingRequest, request_id)
        assert found is not None
        assert found.state is RequestState.PAID
        drafted = db.session.scalars(sa.select(Voucher.id).where(
            Voucher.organisation_id == found.organisation_id,
            Voucher.on == dt.date(2025, 4, 17), Voucher.state == VoucherState.DRAFT)).all()
        assert drafted == [found.voucher_id]        # the loser left no voucher behind
        db.session.remove()

    def approve() -> object:
        found = db.session.get(SpendingRequest, waiting_id)
        assert found is not None
        return spending.approve(found, by=_user("head"))

    won, refused = race(pg_app, approve, approve)
    assert len(won) == 1
    assert len(refused) == 1
    with pg_app.app_context():
        found = db.session.get(SpendingRequest, waiting_id)
        assert found is not None
        assert [s.state for s in found.current_steps] == [StepState.APPROVED, StepState.PENDING]
        db.session.remove()


def test_a_statement_is_imported_once_and_a_book_line_matched_once(pg_app: Flask) -> None:
    """The same statement imported from two tabs at once: one import, the other told the days
    are taken; two statement lines of 500.00 matched by hand to the one book line of 500.00 at
    once: one match, the other refused, never two."""
    from coopledger.banking import queries
    from coopledger.banking import services as banking
    from coopledger.banking.models import StatementLine
    from coopledger.files import store
    from coopledger.ledger.models import VoucherLine
    from tests.banking_helpers import MAPPING, statement_xlsx

    rows = [("2025-09-10", "转账存入", "", "R1", "500.00", "", "95,500.00"),
            ("2025-09-12", "转账存入", "", "R2", "500.00", "", "96,000.00")]
    with pg_app.app_context():
        org = _org("shian-jjhzs")
        account = queries.bank_accounts(org)[0]
        banking.save_mapping(org, account, MAPPING, by=_user("accountant"))
        voucher = make_voucher(org, _user("accountant"), _user("reviewer"),
                               on=dt.date(2025, 9, 10), amount="500.00", summary="收到租金")
        book_line_id = db.session.scalars(sa.select(VoucherLine.id).where(
            VoucherLine.voucher_id == voucher.id, VoucherLine.account_id == account.id)).one()
        account_id = account.id
        db.session.commit()
        db.session.remove()
    content = statement_xlsx(rows)

    def import_it() -> object:
        org = _org("shian-jjhzs")
        bank = next(a for a in queries.bank_accounts(org) if a.id == account_id)
        return banking.import_statement(org, bank, content=content, filename="9.xlsx",
                                        opening=Decimal("95000.00"), by=_user("cashier"),
                                        storage=store(), today=dates.today()).id

    won, refused = race(pg_app, import_it, import_it)
    assert len(won) == 1
    assert len(refused) == 1
    assert "重叠" in refused[0]

    with pg_app.app_context():
        line_ids = list(db.session.scalars(sa.select(StatementLine.id).where(
            StatementLine.account_id == account_id).order_by(StatementLine.row)))
        db.session.remove()
    assert len(line_ids) == 2

    def match(line_id: int) -> Callable[[], object]:
        def attempt() -> object:
            line = db.session.get(StatementLine, line_id)
            book_line = db.session.get(VoucherLine, book_line_id)
            assert line is not None
            assert book_line is not None
            return banking.match_lines(line, book_line, by=_user("accountant")).id
        return attempt

    won, refused = race(pg_app, match(line_ids[0]), match(line_ids[1]))
    assert len(won) == 1
    assert refused == ["这笔账面分录已经与另一行对账单勾对。"]
    with pg_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(StatementLine.id)).where(
            StatementLine.voucher_line_id == book_line_id)) == 1


def test_a_bank_result_imported_twice_at_once_pays_once(pg_app: Flask) -> None:
    """The cashier's result file sent from two tabs at once: the request is paid once, one
    voucher drafted; the second import, after the lock, finds the batch answered and is
    refused."""
    import csv
    import io

    from coopledger.spending import batches
    from coopledger.spending.models import PaymentBatch, RequestState, SpendingRequest
    from tests.conftest import Lookup
    from tests.spending_helpers import open_batch

    with pg_app.app_context():
        batch = open_batch(Lookup())
        batch_id, request_id, reference = batch.id, batch.items[0].request_id, \
            batch.items[0].reference
        db.session.commit()
        db.session.remove()
    out = io.StringIO()
    csv.writer(out).writerows([["业务参考号", "处理结果", "银行流水号", "失败原因"],
                               [reference, "成功", "NX0418", ""]])
    content = out.getvalue().encode("utf-8")

    def apply() -> object:
        found = db.session.get(PaymentBatch, batch_id)
        assert found is not None
        return batches.apply_result(found, content=content, filename="r.csv",
                                    on=dt.date(2025, 4, 18), by=_user("cashier"),
                                    today=dates.today())

    won, refused = race(pg_app, apply, apply)
    assert won == [(1, 0)]                       # the first paid it; the second found it done
    assert refused == ["这批付款的每一笔银行都已处理完毕，结果不必再导入。"]
    with pg_app.app_context():
        request = db.session.get(SpendingRequest, request_id)
        assert request is not None
        assert request.state is RequestState.PAID
        assert db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(
            Voucher.id == request.voucher_id)) == 1


def test_guarantee_sent_to_the_bank_twice_at_once_is_sent_once(pg_app: Flask) -> None:
    """Two accountants put the same household's whole 保底 in a bank file at once: the
    organisation's lock lets one batch take it; the other sees it 银行处理中 and is refused."""
    from coopledger.distribution import guarantees
    from coopledger.distribution.models import GuaranteeBatchItem

    rate = Decimal("800.00")
    with pg_app.app_context():
        tdgf = _org("shian-tdgf")
        row = next(r for r in guarantees.owed(tdgf, 2025, rate) if r.outstanding)
        household_id, amount = row.household.id, row.outstanding
        db.session.remove()

    def send() -> object:
        return guarantees.send_to_bank(_org("shian-tdgf"), 2025, {household_id: amount},
                                       rate=rate, account_code="102", layout="generic",
                                       today=dates.today(), by=_user("accountant")).id

    won, refused = race(pg_app, send, send)
    assert len(won) == 1
    assert len(refused) == 1
    assert "本次最多还能付 0.00 元" in refused[0]
    with pg_app.app_context():
        assert db.session.scalars(sa.select(GuaranteeBatchItem.amount).where(
            GuaranteeBatchItem.household_id == household_id)).all() == [amount]
