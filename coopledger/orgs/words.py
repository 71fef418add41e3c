"""The words of a distribution under each accounting standard: a village collective speaks of
收益 (村集体经济组织会计制度, 财会〔2023〕14号: 本年收益, 可分配收益, 提取公积公益金, 收益及收益
分配表), a professional cooperative of 盈余 (农民专业合作社会计制度, 财会〔2021〕37号: 本年盈余,
可分配盈余, 提取盈余公积, 盈余及盈余分配表). Pure: services pass them to the rules' sentences and
views to the pages, so one standard's page never uses the other's words.
"""

from __future__ import annotations

from dataclasses import dataclass

from coopledger.errors import Term
from coopledger.i18n import N_
from coopledger.orgs.models import AccountingStandard


@dataclass(frozen=True)
class Words:
    """One standard's names for the figures of a distribution."""

    result: Term           # 本年收益 / 本年盈余
    distributable: Term    # 可分配收益 / 可分配盈余
    reserve: Term          # 提取公积公益金 / 提取盈余公积
    retained: Term         # 年末未分配收益 / 年末未分配盈余
    statement: Term        # 收益及收益分配表 / 盈余及盈余分配表
    distribution: Term     # 收益分配 / 盈余分配


VILLAGE = Words(Term(N_("本年收益")), Term(N_("可分配收益")), Term(N_("提取公积公益金")),
                Term(N_("年末未分配收益")), Term(N_("收益及收益分配表")), Term(N_("收益分配")))
COOPERATIVE = Words(Term(N_("本年盈余")), Term(N_("可分配盈余")), Term(N_("提取盈余公积")),
                    Term(N_("年末未分配盈余")), Term(N_("盈余及盈余分配表")),
                    Term(N_("盈余分配")))
WORDS = {AccountingStandard.VILLAGE_2023: VILLAGE, AccountingStandard.COOP_2021: COOPERATIVE}


def words_of(standard: AccountingStandard) -> Words:
    """The words of ``standard``."""
    return WORDS[standard]
