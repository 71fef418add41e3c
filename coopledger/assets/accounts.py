"""Which ledger accounts the asset register books to, per standard (codes from
``ledger.standards``): each asset class's cost and contra account, 固定资产清理, 待处理财产损溢,
其他收入 and 其他支出. The register books to these accounts themselves, so they must be leaves.
"""

from __future__ import annotations

from coopledger.assets.models import AssetClass
from coopledger.assets.rules import AssetRuleError
from coopledger.i18n import N_
from coopledger.ledger.books import accounts_by_code
from coopledger.ledger.models import Account
from coopledger.ledger.standards import STANDARDS
from coopledger.orgs.models import Organisation


def class_codes(org: Organisation, asset_class: AssetClass) -> tuple[str, str]:
    """(cost, contra) account codes of an asset class in the organisation's standard."""
    standard = STANDARDS[org.standard]
    return {AssetClass.FIXED: standard.fixed_asset, AssetClass.BIOLOGICAL: standard.biological,
            AssetClass.INTANGIBLE: standard.intangible}[asset_class]


def leaf(org: Organisation, code: str, accounts: dict[str, Account] | None = None) -> str:
    """``code`` itself, once it is an open leaf account of the organisation."""
    account = (accounts if accounts is not None else accounts_by_code(org)).get(code)
    if account is None:
        raise AssetRuleError(N_("账套里没有科目 %(code)s。"), code=code)
    if not account.is_leaf:
        raise AssetRuleError(N_("科目 %(label)s 设有明细科目；资产台账记到该科目本身，"
                                "请停用其明细科目或在凭证中手工记账。"), label=account.label)
    if account.is_closed:
        raise AssetRuleError(N_("科目 %(label)s 已停用。"), label=account.label)
    return code
