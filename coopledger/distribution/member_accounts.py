"""成员账户 of a professional cooperative (农民专业合作社法 §43; 农民专业合作社会计制度 (2021)
第五十七条 成员账户): for each member and each year with an effective plan, the capital (出资额,
the member's capital shares at the year end × their unit value, a share of no stated value
counting 1 元), the 公积金 quantified to the member that year and in all (by the plan's stored
method, ``QuantifyBy``), the member's equal share of the property formed from state subsidies
and donations (§44), the year's transaction volume and what was returned to the member: the
return by volume, the remainder by capital and shares, and what was turned into capital.

Read from the plans' lines, which are computed once (``compute._member_accounts``) — the page,
the PDF and the workbook show the same figures as the plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from coopledger.distribution.figures import EFFECTIVE, register_ops
from coopledger.distribution.models import Plan, PlanLine, PlanState
from coopledger.extensions import db
from coopledger.members.models import Household
from coopledger.members.queries import member_numbers
from coopledger.money import ZERO, round_money
from coopledger.orgs.models import Organisation
from coopledger.shares import rules as share_rules
from coopledger.shares.models import ShareClass, ShareKind
from coopledger.spreadsheets import append_row, new_sheet, workbook_bytes

HEADERS = ("年度", "成员编号", "成员", "出资额", "公积金份额（年初）", "本年量化公积金",
           "公积金份额（年末）", "补助和捐赠财产量化份额", "交易额", "按交易量返还", "按股分配",
           "转为出资")


@dataclass(frozen=True)
class AccountYear:
    """One year of one member's account."""

    year: int
    plan_label: str
    capital: Decimal
    reserve_before: Decimal
    reserve_share: Decimal
    subsidy_share: Decimal
    volume: Decimal
    by_volume: Decimal
    dividend: Decimal
    to_capital: Decimal

    @property
    def reserve_after(self) -> Decimal:
        """公积金份额 at the year end."""
        return self.reserve_before + self.reserve_share


def _capital_at(org: Organisation, years: set[int]) -> dict[tuple[int, int], Decimal]:
    """(share account, year) → capital (元) at the end of each of ``years``."""
    capital_class = db.session.scalar(sa.select(ShareClass).where(
        ShareClass.organisation_id == org.id, ShareClass.kind == ShareKind.CAPITAL))
    if capital_class is None:
        return {}
    unit = capital_class.unit_value or Decimal(1)
    ops = register_ops(org)
    found: dict[tuple[int, int], Decimal] = {}
    for year in sorted(years):
        holdings, _pledged = share_rules.fold(ops, as_of=dt.date(year, 12, 31))
        for (account, share_class), quantity in holdings.items():
            if share_class == capital_class.id:
                found[(account, year)] = round_money(quantity * unit)
    return found


def accounts_of(org: Organisation, household_ids: list[int] | None = None,
                ) -> dict[int, list[AccountYear]]:
    """Per household: its account, year by year (oldest first), from the effective plans."""
    query = sa.select(PlanLine).join(Plan).where(
        Plan.organisation_id == org.id, Plan.state.in_([PlanState(s) for s in EFFECTIVE]),
        PlanLine.household_id.is_not(None)).order_by(Plan.year, PlanLine.seq)
    if household_ids is not None:
        query = query.where(PlanLine.household_id.in_(household_ids))
    lines = list(db.session.scalars(query))
    capital = _capital_at(org, {line.plan.year for line in lines})
    found: dict[int, list[AccountYear]] = {}
    for line in lines:
        plan = line.plan
        found.setdefault(line.household_id or 0, []).append(AccountYear(
            year=plan.year, plan_label=plan.label,
            capital=capital.get((line.share_account_id, plan.year), ZERO),
            reserve_before=line.reserve_before, reserve_share=line.reserve_share,
            subsidy_share=line.subsidy_share, volume=line.volume, by_volume=line.by_volume,
            dividend=line.dividend, to_capital=line.to_capital))
    return found


def accounts_xlsx(org: Organisation) -> bytes:
    """Every member's account, one row per member and year."""
    numbers = member_numbers(org)
    workbook, sheet = new_sheet("成员账户", HEADERS)
    rows = accounts_of(org)
    households = {h.id: h for h in db.session.scalars(
        sa.select(Household).where(Household.id.in_(list(rows))))}
    for household_id in sorted(rows, key=lambda h: (numbers.get(h, ""), h)):
        for year in rows[household_id]:
            append_row(sheet, [year.year, numbers.get(household_id, ""),
                               str(households[household_id]), year.capital,
                               year.reserve_before, year.reserve_share, year.reserve_after,
                               year.subsidy_share, year.volume, year.by_volume, year.dividend,
                               year.to_capital])
    return workbook_bytes(workbook)
