"""Contract warnings on the accountant's home page: contracts about to expire, contributed land
in no running lease, and a running lease over land that has left the cooperative."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from coopledger.contracts.models import Contract
from coopledger.contracts.warnings import contract_warnings
from coopledger.dates import today
from coopledger.extensions import db
from coopledger.members.models import Contribution, Parcel
from coopledger.orgs.models import Organisation
from tests.conftest import Auth

ON = dt.date(2026, 11, 29)


def _org() -> Organisation:
    return db.session.scalars(sa.select(Organisation).where(
        Organisation.code == "shian-tdgf")).one()


def _lease() -> Contract:
    return db.session.scalars(sa.select(Contract).where(
        Contract.number == "SATG-2024-001")).one()


def test_idle_land_is_the_contributed_parcels_outside_running_leases(session: Any) -> None:
    warn = contract_warnings(_org(), ON, expiry_days=90)
    assert [p.code for p in warn.idle_sample] == ["SA-02-010", "SA-03-005", "SA-03-014"]
    assert (warn.idle_count, warn.expiring, warn.withdrawn) == (3, [], [])
    before_the_lease = contract_warnings(_org(), dt.date(2023, 12, 31), expiry_days=90)
    assert before_the_lease.idle_count == 0  # nothing contributed yet


def test_a_lease_ending_within_the_window_is_expiring_and_not_after_it_ends(
        session: Any) -> None:
    lease = _lease()
    lease.ends_on = ON + dt.timedelta(days=90)
    db.session.flush()
    assert contract_warnings(_org(), ON, expiry_days=90).expiring == [lease]
    assert contract_warnings(_org(), ON, expiry_days=89).expiring == []
    after = contract_warnings(_org(), ON + dt.timedelta(days=91), expiry_days=90)
    assert after.expiring == []
    assert after.idle_count == 7  # the lease no longer runs: all contributed land is idle


def test_a_running_lease_over_a_withdrawn_parcel_is_flagged(session: Any) -> None:
    contribution = db.session.scalars(sa.select(Contribution).join(Parcel).where(
        Parcel.code == "SA-01-013")).one()
    contribution.withdrawn_on = dt.date(2026, 6, 30)
    db.session.flush()
    warn = contract_warnings(_org(), ON, expiry_days=90)
    assert [(c.number, p.code) for c, p in warn.withdrawn] == [("SATG-2024-001", "SA-01-013")]
    assert contract_warnings(_org(), dt.date(2026, 6, 30), expiry_days=90).withdrawn == []


def test_the_accountant_home_shows_the_warnings_and_the_reviewer_home_does_not(
        client: FlaskClient, auth: Auth) -> None:
    lease = _lease()
    lease.ends_on = today() + dt.timedelta(days=30)
    db.session.commit()
    auth.login("accountant")
    page = client.get("/").get_data(as_text=True)
    ends = lease.ends_on.isoformat()
    assert f"SATG-2024-001</a> 建平县宏达生猪养殖有限公司：将于 {ends} 到期" in page
    assert "3 块入股地块没有在租合同：" in page
    assert '<span class="tag">SA-02-010</span>' in page
    auth.login("reviewer")
    assert "合同提醒" not in client.get("/").get_data(as_text=True)


def test_receipts_due_before_the_day_and_not_fully_received_are_overdue(session: Any) -> None:
    warn = contract_warnings(_org(), ON, expiry_days=90)
    assert (warn.overdue_count, warn.overdue_amount) == (3, Decimal("15975.96"))
    assert [line.due_on for line in warn.overdue_sample] == [
        dt.date(2024, 3, 31), dt.date(2025, 4, 1), dt.date(2026, 4, 1)]
    on_the_due_day = contract_warnings(_org(), dt.date(2024, 3, 31), expiry_days=90)
    assert on_the_due_day.overdue_count == 0
    first = warn.overdue_sample[0]
    first.received = first.amount - Decimal("0.01")
    db.session.flush()
    warn = contract_warnings(_org(), ON, expiry_days=90)
    assert (warn.overdue_count, warn.overdue_amount) == (3, Decimal("10701.61"))
    first.received = first.amount
    db.session.flush()
    assert contract_warnings(_org(), ON, expiry_days=90).overdue_count == 2
