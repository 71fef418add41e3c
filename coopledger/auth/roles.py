"""The roles of DESIGN §10 and the scope each is assigned on."""

from __future__ import annotations

import enum

from coopledger.i18n import N_


class Role(enum.StrEnum):
    """A role a user holds; every role but admin is scoped to an organisation or a township."""

    ADMIN = "admin"
    ACCOUNTANT = "accountant"
    REVIEWER = "reviewer"
    CASHIER = "cashier"
    SUPERVISOR = "supervisor"
    MEMBER = "member"
    TOWNSHIP_AUDITOR = "township_auditor"
    COUNTY_REVIEWER = "county_reviewer"   # the county 农经站: reviews its townships' summaries
    VILLAGE_HEAD = "village_head"         # 村主要负责人 / 理事长: approves the village's spending
    TOWNSHIP_LEADER = "township_leader"   # 镇分管领导: approves large spending of its villages

    @property
    def label(self) -> str:
        """Untranslated display name (translate with ``_()``)."""
        return ROLE_LABELS[self]

    @property
    def scope(self) -> Scope:
        """What an assignment of this role is scoped to."""
        if self is Role.ADMIN:
            return Scope.SYSTEM
        if self in TOWNSHIP_ROLES:
            return Scope.TOWNSHIP
        return Scope.ORGANISATION


class Scope(enum.StrEnum):
    """What a role assignment covers."""

    SYSTEM = "system"
    TOWNSHIP = "township"
    ORGANISATION = "organisation"


ROLE_LABELS = {
    Role.ADMIN: N_("系统管理员"),
    Role.ACCOUNTANT: N_("会计（制单）"),
    Role.REVIEWER: N_("审核"),
    Role.CASHIER: N_("出纳"),
    Role.SUPERVISOR: N_("民主理财小组/监事会"),
    Role.MEMBER: N_("社员"),
    Role.TOWNSHIP_AUDITOR: N_("乡镇审计"),
    Role.COUNTY_REVIEWER: N_("县级农经统计审核"),
    Role.VILLAGE_HEAD: N_("村主要负责人/理事长"),
    Role.TOWNSHIP_LEADER: N_("乡镇分管领导"),
}

TOWNSHIP_ROLES = frozenset({Role.TOWNSHIP_AUDITOR, Role.COUNTY_REVIEWER, Role.TOWNSHIP_LEADER})
"""The roles held on a township (every other role but admin is held on an organisation)."""

ORG_ROLES = tuple(r for r in Role if r.scope is Scope.ORGANISATION)
