"""Posting from many connections at once: 凭证号 stay continuous, each voucher posts once."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from coopledger import dates
from coopledger.auth.models import User
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.ledger.books import get_book
from coopledger.ledger.models import Voucher, VoucherState
from coopledger.ledger.vouchers import post_voucher
from coopledger.orgs.models import Organisation
from tests.conftest import Databases, dispose, make_app, migrate_and_seed
from tests.ledger_helpers import book_with_vouchers, make_voucher

VOUCHERS = 500
THREADS = 10


@pytest.fixture
def committed_app(databases: Databases, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(databases.fresh("concurrency"), tmp_path)
    migrate_and_seed(app)
    yield app
    dispose(app)


def _one(model: type, column: sa.ColumnElement[str], value: str) -> object:
    return db.session.scalars(sa.select(model).where(column == value)).one()


def test_concurrent_posting_numbers_without_gaps_or_duplicates(committed_app: Flask) -> None:
    threads = THREADS
    with committed_app.app_context():
        org = _one(Organisation, Organisation.code, "shian-tdgf")
        accountant = _one(User, User.username, "accountant")
        reviewer = _one(User, User.username, "reviewer")
        book_with_vouchers(org, accountant, reviewer)  # type: ignore[arg-type]
        # the vouchers' dates are spread over the month and posted in any order: numbering is
        # what is under test, so 序时控制 is off for this book
        get_book(org).in_date_order = False  # type: ignore[arg-type]
        ids = [make_voucher(org, accountant, reviewer, upto="reviewed",  # type: ignore[arg-type]
                            on=dt.date(2024, 5, 1 + i % 28), amount=f"{100 + i}.00").id
               for i in range(VOUCHERS)]
        db.session.commit()
        reviewer_id = reviewer.id  # type: ignore[attr-defined]

    refusals: list[str] = []
    errors: list[BaseException] = []
    # Every voucher is handed to two threads, so each post races against a second attempt.
    shares = [ids[i::threads] + ids[(i + 1) % threads::threads] for i in range(threads)]

    def worker(share: list[int]) -> None:
        try:
            with committed_app.app_context():
                poster = db.session.get(User, reviewer_id)
                assert poster is not None
                for voucher_id in share:
                    voucher = db.session.get(Voucher, voucher_id)
                    assert voucher is not None
                    try:
                        post_voucher(voucher, by=poster, today=dates.today())
                        db.session.commit()
                    except CoopLedgerError as err:
                        db.session.rollback()
                        refusals.append(str(err))
        except BaseException as err:  # reported by the main thread
            errors.append(err)

    workers = [threading.Thread(target=worker, args=(share,)) for share in shares]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=600)
    assert errors == []
    assert len(refusals) == VOUCHERS
    assert all("已经记账，不能重复记账" in message for message in refusals)
    with committed_app.app_context():
        rows = db.session.execute(sa.select(Voucher.number, Voucher.state).where(
            Voucher.year == 2024, Voucher.month == 5)).all()
        assert len(rows) == VOUCHERS
        assert {state for _n, state in rows} == {VoucherState.POSTED}
        assert sorted(n for n, _s in rows) == list(range(1, VOUCHERS + 1))
        seqs = db.session.scalars(sa.select(Voucher.post_seq).where(
            Voucher.post_seq.is_not(None))).all()
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
