"""orgs/rules.py: codes, accounting standards by kind, who may lead whom."""

from __future__ import annotations

import pytest

from coopledger.orgs.models import AccountingStandard, OrgKind
from coopledger.orgs.rules import OrganisationRuleError, check_code, check_leader, check_standard


@pytest.mark.parametrize("code", ["shian", "shian-tdgf", "a1", "x" * 32])
def test_usable_codes(code: str) -> None:
    assert check_code(code) == code


@pytest.mark.parametrize("code", ["", "a", "Shian", "-shian", "石安", "sh an", "x" * 33])
def test_unusable_codes_are_refused(code: str) -> None:
    with pytest.raises(OrganisationRuleError):
        check_code(code)


@pytest.mark.parametrize(("kind", "standard", "ok"), [
    (OrgKind.VILLAGE_COLLECTIVE, AccountingStandard.VILLAGE_2023, True),
    (OrgKind.VILLAGE_COLLECTIVE, AccountingStandard.COOP_2021, False),
    (OrgKind.PROFESSIONAL_COOP, AccountingStandard.COOP_2021, True),
    (OrgKind.PROFESSIONAL_COOP, AccountingStandard.VILLAGE_2023, False),
    (OrgKind.LAND_SHARE_COOP, AccountingStandard.COOP_2021, True),
    (OrgKind.LAND_SHARE_COOP, AccountingStandard.VILLAGE_2023, True),
])
def test_standard_follows_the_kind(kind: OrgKind, standard: AccountingStandard, ok: bool) -> None:
    if ok:
        check_standard(kind, standard)
    else:
        with pytest.raises(OrganisationRuleError):
            check_standard(kind, standard)


def test_a_cooperative_may_be_led_by_a_collective_of_its_township() -> None:
    check_leader(OrgKind.LAND_SHARE_COOP, 1, leader_kind=OrgKind.VILLAGE_COLLECTIVE,
                 leader_township_id=1)


@pytest.mark.parametrize(("kind", "leader", "leader_township", "message"), [
    (OrgKind.VILLAGE_COLLECTIVE, OrgKind.VILLAGE_COLLECTIVE, 1, "不能由其他组织领办"),
    (OrgKind.LAND_SHARE_COOP, OrgKind.PROFESSIONAL_COOP, 1, "必须是村集体经济组织"),
    (OrgKind.LAND_SHARE_COOP, OrgKind.VILLAGE_COLLECTIVE, 2, "同一乡镇"),
])
def test_refused_leaders(kind: OrgKind, leader: OrgKind, leader_township: int,
                         message: str) -> None:
    with pytest.raises(OrganisationRuleError) as excinfo:
        check_leader(kind, 1, leader_kind=leader, leader_township_id=leader_township)
    assert message in str(excinfo.value)
