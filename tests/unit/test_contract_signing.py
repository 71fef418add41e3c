"""Contract period and signing rules."""

from __future__ import annotations

import datetime as dt

import pytest

from coopledger.contracts.models import Contract, ContractKind, ContractStatus
from coopledger.contracts.signing import (
    ContractError,
    check_parcel_contributed,
    check_parcel_free,
    check_period,
    check_signing,
)

D = dt.date


def test_the_end_is_on_or_after_the_start_and_only_investments_are_open_ended() -> None:
    check_period(ContractKind.LEASE, D(2024, 1, 1), D(2024, 1, 1))
    check_period(ContractKind.INVESTMENT, D(2024, 1, 1), None)
    with pytest.raises(ContractError, match="结束日期 2023-12-31 早于开始日期 2024-01-01"):
        check_period(ContractKind.LEASE, D(2024, 1, 1), D(2023, 12, 31))
    with pytest.raises(ContractError, match="只有投资入股可以不定期限"):
        check_period(ContractKind.EMPLOYMENT, D(2024, 1, 1), None)


@pytest.mark.parametrize(("ref", "approved", "signed", "reason"), [
    ("", D(2023, 11, 1), D(2023, 12, 1), "请填写决议文号和决议日期"),
    ("决议〔2023〕3号", None, D(2023, 12, 1), "请填写决议文号和决议日期"),
    ("决议〔2023〕3号", D(2023, 12, 2), D(2023, 12, 1), "须先决议后签订"),
    ("决议〔2023〕3号", D(2023, 11, 1), D(2024, 1, 2), "晚于合同开始日期 2024-01-01"),
    ("决议〔2023〕3号", D(2023, 11, 1), D(2026, 12, 1), "在今天之后"),
])
def test_signing_needs_the_approval_first(ref: str, approved: dt.date | None,
                                          signed: dt.date, reason: str) -> None:
    with pytest.raises(ContractError, match=reason):
        check_signing(approval_ref=ref, approved_on=approved, signed_on=signed,
                      starts_on=D(2024, 1, 1), today=D(2026, 11, 29))


def test_signing_on_the_approval_day_and_the_start_day_is_fine() -> None:
    check_signing(approval_ref="决议", approved_on=D(2024, 1, 1), signed_on=D(2024, 1, 1),
                  starts_on=D(2024, 1, 1), today=D(2024, 1, 1))


def test_an_active_contract_past_its_end_shows_as_expired() -> None:
    contract = Contract(status=ContractStatus.ACTIVE, ends_on=D(2025, 12, 31))
    assert contract.status_on(D(2025, 12, 31)) is ContractStatus.ACTIVE
    assert contract.status_on(D(2026, 1, 1)) is ContractStatus.EXPIRED
    contract.status = ContractStatus.DRAFT
    assert contract.status_on(D(2026, 1, 1)) is ContractStatus.DRAFT
    assert Contract(status=ContractStatus.ACTIVE, ends_on=None).status_on(
        D(2099, 1, 1)) is ContractStatus.ACTIVE


def test_a_parcel_is_in_one_live_lease_at_a_time() -> None:
    leases = [("SATG-2024-001", D(2024, 1, 1), D(2028, 12, 31))]
    check_parcel_free(leases, parcel="SA-01-012", starts_on=D(2029, 1, 1), ends_on=None)
    check_parcel_free(leases, parcel="SA-01-012", starts_on=D(2020, 1, 1),
                      ends_on=D(2023, 12, 31))
    with pytest.raises(ContractError,
                       match="已由合同 SATG-2024-001 租出（2024-01-01 至 2028-12-31）"):
        check_parcel_free(leases, parcel="SA-01-012", starts_on=D(2028, 12, 31),
                          ends_on=D(2030, 1, 1))
    with pytest.raises(ContractError, match="SATG-2020-009"):
        check_parcel_free([("SATG-2020-009", D(2020, 1, 1), None)], parcel="SA-01-012",
                          starts_on=D(2030, 1, 1), ends_on=D(2031, 1, 1))


def test_a_lease_covers_only_land_contributed_on_its_first_day() -> None:
    periods = [(D(2024, 1, 1), D(2025, 6, 30))]
    check_parcel_contributed(periods, parcel="SA-01-012", starts_on=D(2025, 6, 30))
    for start in (D(2023, 12, 31), D(2025, 7, 1)):
        with pytest.raises(ContractError, match=f"在 {start.isoformat()} 没有入股本社"):
            check_parcel_contributed(periods, parcel="SA-01-012", starts_on=start)
