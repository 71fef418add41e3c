"""Issue 15, back-dated register changes: once a year's plan is approved, a change of holdings
effective in that year (or before it, which reaches it too) is refused until the plan is
re-versioned with its reason; once the plan has started paying, only a change after its year is
accepted. Share requests (filed, approved, completed), parcels contributed or withdrawn and the
cooperative's transaction volumes are each checked."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from coopledger import dates
from coopledger.distribution import services, volumes
from coopledger.distribution.models import Mode, PlanState
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.files import FolderStore
from coopledger.members import services as members
from coopledger.members.models import Contribution, Household, Parcel
from coopledger.orgs.models import Organisation
from coopledger.shares import services as shares
from coopledger.shares.models import OperationKind, ShareKind, ShareOperation
from tests.distribution_helpers import approve_plan, close_2024

D = Decimal
TODAY = dt.date(2026, 6, 1)
DATA = services.PlanData(mode=Mode.LAND_SHARE, members_total=D("14540.00"),
                         reserve_percent=D(20), member_cap_percent=D(60),
                         guarantee_per_mu=D("800.00"))
RE_VERSION = "生效日期 %s 会改变已通过的分配方案（2024年度 v1）：请先在分配页为该方案另立新版本"


def _household(head: str) -> Household:
    return db.session.scalars(sa.select(Household).where(Household.head_name == head)).one()


def _transfer(org: Organisation, on: dt.date, quantity: str = "0.50") -> ShareOperation:
    land = shares.class_of(org, ShareKind.LAND)
    assert land is not None
    return shares.request(org, kind=OperationKind.TRANSFER, share_class=land,
                          source=shares.household_account(org, _household("陈大山")),
                          target=shares.household_account(org, _household("王德明")),
                          quantity=D(quantity), on=on, today=TODAY, by=None)


def _contribution(org: Organisation, head: str) -> Contribution:
    found = db.session.scalars(sa.select(Contribution).join(Parcel).join(Household).where(
        Contribution.organisation_id == org.id, Household.head_name == head)).first()
    assert found is not None
    return found


def test_an_approved_plan_fixes_the_register_of_its_year_until_it_is_re_versioned(
        by_name: Any, tmp_path: Path) -> None:
    org = close_2024(by_name)
    accountant = by_name.user("accountant")
    drafted = _transfer(org, dt.date(2024, 8, 1), "0.10")    # filed before the approval
    approved = _transfer(org, dt.date(2024, 8, 2), "0.10")   # and approved before it
    shares.approve(approved, today=TODAY, by=None)
    plan = approve_plan(services.create_plan(org, 2024, DATA, by=accountant, today=TODAY),
                        by=accountant, storage=FolderStore(tmp_path))
    assert plan.state is PlanState.APPROVED
    before = {line.holder: line.dividend for line in plan.lines}

    # Anywhere in the plan's year, its first day included: refused, nothing saved.
    for on in (dt.date(2024, 7, 16), dt.date(2024, 1, 1)):
        with pytest.raises(CoopLedgerError, match=re.escape(RE_VERSION % on.isoformat())):
            _transfer(org, on)
    # A request filed before the approval is stopped when it is approved or completed.
    for step, waiting in ((shares.approve, drafted), (shares.complete, approved)):
        with pytest.raises(CoopLedgerError, match=re.escape(
                RE_VERSION % waiting.effective_on.isoformat())):
            step(waiting, today=TODAY, by=None)
    contribution = _contribution(org, "陈大山")
    with pytest.raises(CoopLedgerError, match=re.escape(RE_VERSION % "2024-10-01")):
        members.withdraw(contribution, on=dt.date(2024, 10, 1), today=TODAY, by=accountant)
    assert contribution.withdrawn_on is None
    with pytest.raises(CoopLedgerError, match=re.escape(
            "2024年的交易额已用于已通过的分配方案（2024年度 v1）")):
        volumes.save_volumes(org, 2024, {}, by=accountant)
    # After the plan's year the register moves on.
    later = _transfer(org, dt.date(2025, 1, 5))
    assert later.effective_on == dt.date(2025, 1, 5)
    db.session.delete(later)
    db.session.flush()

    # Re-versioned with its reason: the change is taken and the new draft follows it.
    fresh = services.new_version(plan, reason="补登2024年7月的股权转让", by=accountant)
    assert (plan.state, fresh.state, fresh.version) == (PlanState.SUPERSEDED, PlanState.DRAFT, 2)
    moved = _transfer(org, dt.date(2024, 7, 16))
    shares.approve(moved, today=TODAY, by=None)
    shares.complete(moved, today=TODAY, by=None)
    fresh = services.update_plan(fresh, DATA, by=accountant)    # the draft, computed again
    after = {line.holder: line.dividend for line in fresh.lines}
    assert after["陈大山户"] < before["陈大山户"]
    assert after["王德明户"] > before["王德明户"]
    assert sum(after.values(), D(0)) == sum(before.values(), D(0))


def test_a_plan_that_has_started_paying_takes_changes_only_after_its_year(
        by_name: Any, tmp_path: Path) -> None:
    org = close_2024(by_name)
    accountant = by_name.user("accountant")
    plan = approve_plan(services.create_plan(org, 2024, DATA, by=accountant, today=TODAY),
                        by=accountant, storage=FolderStore(tmp_path))
    services.pay(plan, [plan.lines[0].id], on=dt.date(2025, 3, 1), cash_code="101",
                 by=accountant, today=dates.today())
    paid = ("2024年的分配已经开始兑付，生效日期 2024-07-16 会改变已兑付的分配：这项变更的生效日期"
            "须在 2024-12-31 以后。")
    with pytest.raises(CoopLedgerError, match=re.escape(paid)):
        _transfer(org, dt.date(2024, 7, 16))
    with pytest.raises(CoopLedgerError, match="已经开始兑付，不能再改版"):
        services.new_version(plan, reason="补登", by=accountant)
    contribution = _contribution(org, "王德明")
    with pytest.raises(CoopLedgerError, match="2024年的分配已经开始兑付"):
        members.withdraw(contribution, on=dt.date(2024, 12, 1), today=TODAY, by=accountant)
    members.withdraw(contribution, on=dt.date(2025, 1, 1), today=TODAY, by=accountant,
                     buy_back=True)
    assert contribution.withdrawn_on == dt.date(2025, 1, 1)
