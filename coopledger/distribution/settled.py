"""Which approved plans a back-dated change of the register would change, and the refusal.

Rule (issue 15, "back-dated register changes"; 农民专业合作社法 §44 and the village 章程: the
distribution is what the 成员(代表)大会 resolved): a change of holdings effective on a date in
year Y changes the entitlements of Y and of every later year, so it is refused while a plan of
year Y or later is approved (approved, posted, filed or paid). When nothing of those plans is
paid yet, the sentence says to re-version the plan first (另立新版本, with the reason): the new
draft is computed from the register as changed. A plan that has started paying cannot be
re-versioned, so the change must take effect after that plan's year.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from coopledger.distribution.models import Plan, PlanLine, PlanState
from coopledger.distribution.rules import DistributionError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.orgs.models import Organisation

SETTLED = (PlanState.APPROVED, PlanState.POSTED, PlanState.FILED, PlanState.PAID)


def settled_plans(org: Organisation, on: dt.date) -> list[Plan]:
    """The organisation's approved plans whose entitlements a change effective ``on`` reaches
    (years from ``on``'s on), oldest year first."""
    return list(db.session.scalars(sa.select(Plan).where(
        Plan.organisation_id == org.id, Plan.year >= on.year, Plan.state.in_(SETTLED))
        .order_by(Plan.year, Plan.version)))


def refuse_change_of_settled_years(org: Organisation, on: dt.date) -> None:
    """Refuse a change of holdings effective ``on`` that an approved plan has fixed."""
    plans = settled_plans(org, on)
    if not plans:
        return
    paying = db.session.scalars(sa.select(Plan.year).join(PlanLine).where(
        Plan.id.in_([plan.id for plan in plans]), PlanLine.paid_on.is_not(None))
        .order_by(Plan.year.desc()).limit(1)).first()
    if paying is not None:
        raise DistributionError(
            N_("%(year)d年的分配已经开始兑付，生效日期 %(on)s 会改变已兑付的分配：这项变更的生效"
               "日期须在 %(after)s 以后。"),
            year=paying, on=on.isoformat(), after=dt.date(paying, 12, 31).isoformat())
    raise DistributionError(
        N_("生效日期 %(on)s 会改变已通过的分配方案（%(plans)s）：请先在分配页为该方案另立新"
           "版本并说明原因，再办理这项变更。"), on=on.isoformat(), plans=named(plans))


def named(plans: list[Plan]) -> str:
    """The plans as a refusal names them: 2024年度 v1、2025年度 v1."""
    return "、".join(f"{plan.year}年度 v{plan.version}" for plan in plans)
