"""Pure rules about organisations: codes, accounting standards and who may lead whom.

- A short code is 2–32 lowercase letters, digits or hyphens, starting with a letter or digit
  (it appears in URLs and on printed notices).
- A village collective keeps the 2023 village-collective standard; a farmers' professional
  cooperative keeps the 2021 cooperative standard; a land-share cooperative keeps either,
  depending on how it is registered (domain.md §1.1).
- Only a cooperative may be led, only by a village collective, and only one of the same
  township.
"""

from __future__ import annotations

import re

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_
from coopledger.orgs.models import AccountingStandard, OrgKind

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")

ALLOWED_STANDARDS: dict[OrgKind, tuple[AccountingStandard, ...]] = {
    OrgKind.VILLAGE_COLLECTIVE: (AccountingStandard.VILLAGE_2023,),
    OrgKind.LAND_SHARE_COOP: (AccountingStandard.COOP_2021, AccountingStandard.VILLAGE_2023),
    OrgKind.PROFESSIONAL_COOP: (AccountingStandard.COOP_2021,),
}


class OrganisationRuleError(CoopLedgerError):
    """An organisation's settings that break a rule."""

    message = N_("组织设置不符合规定。")


def check_code(code: str) -> str:
    """Return the code if it is usable in URLs, else raise."""
    if not CODE_PATTERN.match(code):
        raise OrganisationRuleError(
            N_("简码“%(code)s”无效：只能用小写字母、数字和连字符，2至32位。"), code=code)
    return code


def check_standard(kind: OrgKind, standard: AccountingStandard) -> None:
    """Refuse a standard that the organisation's kind may not keep its books under."""
    if standard not in ALLOWED_STANDARDS[kind]:
        raise OrganisationRuleError(N_("这一类组织不能采用所选的会计制度。"))


def check_leader(kind: OrgKind, township_id: int, *, leader_kind: OrgKind | None,
                 leader_township_id: int | None, is_self: bool = False) -> None:
    """Refuse a leading organisation that is not a village collective of the same township."""
    if leader_kind is None:
        return
    if is_self:
        raise OrganisationRuleError(N_("组织不能领办自己。"))
    if not kind.is_cooperative:
        raise OrganisationRuleError(N_("村集体经济组织不能由其他组织领办。"))
    if leader_kind is not OrgKind.VILLAGE_COLLECTIVE:
        raise OrganisationRuleError(N_("领办组织必须是村集体经济组织。"))
    if leader_township_id != township_id:
        raise OrganisationRuleError(N_("领办的村集体经济组织必须在同一乡镇。"))
