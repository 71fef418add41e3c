"""Tampering that a consistent chain used to hide: verify-ledger checks the counters and every
published anchor, not only that each hash follows from the one before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Flask

from coopledger import dates
from coopledger.extensions import db
from coopledger.files import store
from coopledger.ledger import beans, periods
from coopledger.ledger.bookfile import verify_book
from coopledger.ledger.books import get_book
from coopledger.ledger.models import (
    Voucher,
    VoucherLine,
    VoucherMoney,
    VoucherPayment,
    VoucherState,
)
from coopledger.ledger.vouchers import chain_hash, voucher_transaction
from tests.ledger_helpers import book_with_vouchers, make_voucher


def _books(by_name: Any) -> Any:
    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    for day in (5, 6, 7):
        make_voucher(org, accountant, reviewer, on=dt.date(2024, 2, day))
    return org


def test_deleting_the_last_voucher_and_resetting_the_head_is_found(session: Any,
                                                                   by_name: Any) -> None:
    org = _books(by_name)
    assert verify_book(org).ok
    last = db.session.scalars(sa.select(Voucher).where(
        Voucher.organisation_id == org.id, Voucher.state == VoucherState.POSTED)
        .order_by(Voucher.post_seq.desc())).first()
    assert last is not None
    previous = db.session.scalar(sa.select(Voucher.chain_hash).where(
        Voucher.organisation_id == org.id, Voucher.post_seq == (last.post_seq or 0) - 1))
    for derived in (VoucherPayment, VoucherMoney, VoucherLine):   # the money index refers to it
        db.session.execute(sa.delete(derived).where(derived.voucher_id == last.id))
    db.session.execute(sa.delete(Voucher).where(Voucher.id == last.id))
    get_book(org).chain_head = previous or ""
    db.session.flush()
    db.session.expire_all()
    result = verify_book(org)
    assert not result.ok
    assert "book counter says 4 postings, 3 posted vouchers found" in result.chain_errors
    assert "2024-02: month counter says 3, 2 posted vouchers found" in result.chain_errors


def test_a_consistent_rewrite_after_publication_names_the_publication(
        session: Any, by_name: Any, app: Flask) -> None:
    from coopledger.disclosure import services as disclosures

    org = _books(by_name)
    accountant = by_name.user("accountant")
    for month in (1, 2, 3):
        periods.close_month(org, 2024, month, by=accountant)
    first = disclosures.draft(org, "2024-Q1", by=accountant)
    disclosures.submit(first, by=accountant)
    disclosures.review(first, agrees=True, comment="", by=by_name.user("supervisor"))
    disclosures.township_review(first, agrees=True, opinion="无异议", by=by_name.user("auditor"))
    disclosures.publish(first, render_pdf=lambda d, body: (b"%PDF a4", b"%PDF a3"),
                        storage=store(), by=accountant, today=dates.today())
    db.session.flush()
    assert verify_book(org).ok
    # Change the first February voucher's amount and recompute every hash from there on.
    posted = db.session.scalars(sa.select(Voucher).where(
        Voucher.organisation_id == org.id, Voucher.state == VoucherState.POSTED)
        .order_by(Voucher.post_seq)).all()
    target = next(v for v in posted if v.on == dt.date(2024, 2, 5))
    for line in target.lines:
        line.debit = Decimal("1.00") if line.debit else line.debit
        line.credit = Decimal("1.00") if line.credit else line.credit
    head = ""
    for voucher in posted:
        voucher.bean_text = beans.transaction_text(voucher_transaction(voucher))
        voucher.chain_hash = head = chain_hash(head, voucher.bean_text)
    get_book(org).chain_head = head
    db.session.flush()
    result = verify_book(org)
    assert not result.ok
    assert [e for e in result.chain_errors if "publication" in e] == [
        f"publication 2024-Q1 v1 ({first.short_code}) recorded the ledger head "
        f"{first.ledger_head[:12]}…, which is no longer in the voucher chain: posted vouchers "
        "were changed after it was published"]
