"""What each accounting standard fixes: its chart file and the accounts the rules name.

The charts themselves are data (``ledger/data/chart_*.csv``, from ../shared/data); this module
only says which codes play which part, per standard. Codes are never mapped between
standards, because several were reused with new meanings (domain.md §1.3).
"""

from __future__ import annotations

from dataclasses import dataclass

from coopledger.orgs.models import AccountingStandard


@dataclass(frozen=True)
class StandardAccounts:
    """The accounts a standard's rules refer to by code."""

    chart_file: str
    cash: str
    bank: str
    member_parent: str          # 内部往来 (village) or 成员往来 (cooperative)
    current_earnings: str       # 本年收益 / 本年盈余
    distribution: str           # 收益分配 / 盈余分配 (parent)
    appropriations: tuple[str, str]   # 各项分配 sub-account (code, name)
    appropriation_items: tuple[tuple[str, str], ...]  # its leaves, in the order of the report
    retained: tuple[str, str]         # 未分配收益 / 未分配盈余 sub-account (code, name)
    receivable: str             # 应收款 (outsiders)
    payable: str                # 应付款: deposits held and rent received in advance
    operating_income: str       # 经营收入: rent of land and assets
    investment: str             # 对外投资 / 长期投资
    investment_income: str      # 投资收益: dividends and joint-venture profit
    fixed_asset: tuple[str, str]        # 固定资产, 累计折旧
    biological: tuple[str, str]         # 生产性生物资产 and its 累计折旧
    intangible: tuple[str, str]         # 无形资产, 累计摊销
    disposal: str               # 固定资产清理
    pending_loss: str           # 待处理财产损溢
    operating_expense: str      # 经营支出
    admin_expense: str          # 管理费用
    other_income: str           # 其他收入: gains on disposal
    other_expense: str          # 其他支出: losses on disposal and stock-take shortages
    special_fund: str = ""      # 专项基金 (合作社): property formed from subsidies and donations


STANDARDS: dict[AccountingStandard, StandardAccounts] = {
    AccountingStandard.VILLAGE_2023: StandardAccounts(
        chart_file="chart_village_2023.csv", cash="101", bank="102", member_parent="113",
        current_earnings="321", distribution="322",
        appropriations=("32201", "各项分配"),
        # No 提取福利费 (3220102): the 2023 system removed 应付福利费; books that have it keep it.
        appropriation_items=(("3220101", "提取公积公益金"), ("3220103", "向成员分配"),
                             ("3220104", "其他分配")),
        retained=("32202", "未分配收益"), receivable="112", payable="211",
        operating_income="501", investment="141", investment_income="502",
        fixed_asset=("151", "152"), biological=("132", "133"), intangible=("161", "162"),
        disposal="154", pending_loss="181", operating_expense="511", admin_expense="513",
        other_income="504", other_expense="515"),
    AccountingStandard.COOP_2021: StandardAccounts(
        chart_file="chart_coop_2021.csv", cash="101", bank="102", member_parent="114",
        current_earnings="331", distribution="332",
        appropriations=("33201", "各项分配"),
        appropriation_items=(("3320101", "提取盈余公积"), ("3320102", "盈余返还"),
                             ("3320103", "剩余盈余分配"), ("3320104", "转为成员出资")),
        retained=("33202", "未分配盈余"), receivable="113", payable="211",
        operating_income="501", investment="131", investment_income="511",
        fixed_asset=("151", "152"), biological=("142", "143"), intangible=("161", "162"),
        disposal="154", pending_loss="181", operating_expense="521", admin_expense="523",
        other_income="502", other_expense="529", special_fund="311"),
}
