"""The disclosure workflow on 石安村股份经济合作社's first quarter of 2024: refused while a month
is open or a voucher unposted; reviewed only by the 民主理财小组, blocked by a disagreement;
the township's opinion; publication freezing a chained snapshot; a correction as a new version;
months covered by a publication never reopened; copies verified, altered ones refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from coopledger import dates
from coopledger.disclosure import rules, services, verification
from coopledger.disclosure.models import Disclosure, DisclosureState
from coopledger.disclosure.services import DisclosureError
from coopledger.extensions import db
from coopledger.files import FolderStore
from coopledger.ledger import periods
from coopledger.ledger.books import find_period
from coopledger.ledger.periods import PeriodError
from tests.ledger_helpers import book_with_vouchers, make_voucher


def _pdf(disclosure: Disclosure, body: dict[str, Any]) -> tuple[bytes, bytes]:
    """Stand-in notices: these tests look at the chain, not the layout."""
    text = (f"%PDF-1.7 {disclosure.title} v{disclosure.version} {body['short_code']} "
            f"{len(json.dumps(body['contents']))}")
    return f"{text} A4".encode(), f"{text} A3".encode()


@pytest.fixture
def quarter(by_name: Any) -> Any:
    org = by_name.org("shian-jjhzs")
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 2, 5), amount="8000.00",
                 summary="收到鱼塘租金")
    for month in (1, 2):
        periods.close_month(org, 2024, month, by=accountant)
    db.session.flush()
    return org


def _close_march(org: Any, by_name: Any) -> None:
    periods.close_month(org, 2024, 3, by=by_name.user("accountant"))


def _through_review(disclosure: Disclosure, by_name: Any) -> None:
    services.submit(disclosure, by=by_name.user("accountant"))
    services.review(disclosure, agrees=True, comment="", by=by_name.user("supervisor"))
    services.township_review(disclosure, agrees=True, opinion="无异议",
                             by=by_name.user("auditor"))


def test_an_open_month_or_an_unposted_voucher_is_refused(quarter: Any, by_name: Any) -> None:
    accountant = by_name.user("accountant")
    with pytest.raises(DisclosureError, match="2024-03 还没有结账"):
        services.draft(quarter, "2024-Q1", by=accountant)
    make_voucher(quarter, accountant, by_name.user("reviewer"), on=dt.date(2024, 3, 8),
                 amount="50.00", upto="submitted")
    with pytest.raises(PeriodError):
        _close_march(quarter, by_name)
    with pytest.raises(DisclosureError, match="2024-03 还没有结账"):
        services.draft(quarter, "2024-Q1", by=accountant)
    assert db.session.query(Disclosure).count() == 0


def test_review_by_an_outsider_is_refused_and_a_disagreement_blocks(quarter: Any,
                                                                    by_name: Any) -> None:
    _close_march(quarter, by_name)
    disclosure = services.draft(quarter, "2024-Q1", by=by_name.user("accountant"))
    assert disclosure.title == "建平县塔山镇石安村股份经济合作社2024年第1季度财务公开"
    services.submit(disclosure, by=by_name.user("accountant"))
    for outsider in ("accountant", "reviewer", "auditor", "member"):
        with pytest.raises(DisclosureError, match="只有本组织民主理财小组成员可以审核"):
            services.review(disclosure, agrees=True, comment="", by=by_name.user(outsider))
    services.review(disclosure, agrees=False, comment="办公费请附明细",
                    by=by_name.user("supervisor"))
    assert disclosure.state is DisclosureState.DRAFT
    with pytest.raises(DisclosureError, match="须经民主理财小组和乡镇审核同意后才能公开"):
        services.publish(disclosure, render_pdf=_pdf, storage=FolderStore(Path("/nonexistent")),
                         by=by_name.user("accountant"), today=dates.today())
    services.explain(disclosure, "办公费明细见附件。", by=by_name.user("accountant"))
    services.submit(disclosure, by=by_name.user("accountant"))
    services.review(disclosure, agrees=True, comment="", by=by_name.user("supervisor"))
    assert disclosure.state is DisclosureState.TOWNSHIP
    with pytest.raises(DisclosureError, match="只有本乡镇的审计人员可以审核"):
        services.township_review(disclosure, agrees=True, opinion="同意",
                                 by=by_name.user("jinshi-kj"))


def test_publication_freezes_a_chained_snapshot_and_copies_are_verified(
        quarter: Any, by_name: Any, app: Flask, tmp_path: Path) -> None:
    _close_march(quarter, by_name)
    accountant = by_name.user("accountant")
    first = services.draft(quarter, "2024-Q1", by=accountant)
    _through_review(first, by_name)
    services.publish(first, render_pdf=_pdf, storage=FolderStore(tmp_path), by=accountant,
                     today=dates.today())
    assert first.state is DisclosureState.PUBLISHED
    assert first.previous_hash == rules.GENESIS
    frozen = json.loads(first.frozen or "")
    assert frozen["contents"]["cash_flow"]["receipts"] == "8000.00"
    assert frozen["township_opinion"] == "无异议"
    pdf = FolderStore(tmp_path).get(verification.notice_key(first)) or b""
    assert first.short_code is not None
    assert first.short_code.encode() in pdf
    assert verification.verify_pdf(pdf, FolderStore(tmp_path)).disclosure is first
    assert verification.verify_pdf(pdf, FolderStore(tmp_path)).matches
    a3 = FolderStore(tmp_path).get(verification.notice_key(first, "a3")) or b""
    assert verification.verify_pdf(a3, FolderStore(tmp_path)).matches
    assert verification.verify_code(first.short_code.lower(), FolderStore(tmp_path)).matches
    for altered in (pdf.replace(b"v1", b"v2"), pdf[:-5], b"%PDF-1.7 random", b""):
        assert not verification.verify_pdf(altered, FolderStore(tmp_path)).matches
    assert not verification.verify_code("AAAAAAAAAAAA", FolderStore(tmp_path)).matches
    # A correction is a new version naming the first; both stay published and chained.
    second = services.correct(first, reason="补录租金说明", by=accountant)
    assert (second.version, second.corrects) == (2, first)
    _through_review(second, by_name)
    services.publish(second, render_pdf=_pdf, storage=FolderStore(tmp_path), by=accountant,
                     today=dates.today())
    assert second.previous_hash == first.hash
    assert json.loads(second.frozen or "")["corrects"] == first.short_code
    assert verification.broken_link(quarter, FolderStore(tmp_path)) is None
    # A crafted change to the stored snapshot breaks the chain where it was made.
    first.frozen = (first.frozen or "").replace("8000.00", "800.00")
    assert verification.broken_link(quarter, FolderStore(tmp_path)) is first
    assert not verification.verify_pdf(pdf, FolderStore(tmp_path)).matches


def test_a_published_month_cannot_be_reopened(quarter: Any, by_name: Any, app: Flask,
                                              tmp_path: Path) -> None:
    _close_march(quarter, by_name)
    disclosure = services.draft(quarter, "2024-Q1", by=by_name.user("accountant"))
    _through_review(disclosure, by_name)
    services.publish(disclosure, render_pdf=_pdf, storage=FolderStore(tmp_path),
                     by=by_name.user("accountant"), today=dates.today())
    with pytest.raises(DisclosureError, match="2024年3月已由“建平县塔山镇石安村股份经济合作社"):
        periods.reopen_month(quarter, 2024, 3, reason="补记凭证", by=by_name.user("admin"))
    assert find_period(quarter.id, 2024, 3).is_closed  # type: ignore[union-attr]
