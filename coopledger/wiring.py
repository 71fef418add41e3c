"""The one place where the domains are connected through the interfaces the lower ones offer
(README "Layout", the import contracts in pyproject.toml): a lower package never imports a
higher one, so the app factory fills its registries here. Idempotent, because tests and
workers create several apps in one process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _add(registry: list[Any], *items: Callable[..., Any]) -> None:
    for item in items:
        if item not in registry:
            registry.append(item)


def wire_domains() -> None:
    """Register every cross-domain interface and every kind of background job."""
    from coopledger.assets.depreciation import month_end_check as depreciation_check
    from coopledger.assets.origin import voucher_origin as asset_voucher_origin
    from coopledger.assets.resources import resources_of_contract
    from coopledger.auth.permissions import OBJECT_RULES
    from coopledger.banking.queries import month_end_check as bank_check
    from coopledger.contracts import coverage
    from coopledger.contracts.payments import month_end_check as advance_rent_check
    from coopledger.contracts.payments import voucher_origin as contract_voucher_origin
    from coopledger.contracts.queries import leases_of_parcels
    from coopledger.disclosure.services import refuse_reopening_published, shows_names
    from coopledger.disclosure.verification import anchor_problems, chain_problems
    from coopledger.distribution import public_names
    from coopledger.distribution.guarantees import voucher_origin as guarantee_voucher_origin
    from coopledger.distribution.queries import household_income, member_lines
    from coopledger.distribution.settled import refuse_change_of_settled_years
    from coopledger.ledger import month_end, origins
    from coopledger.ledger.bookfile import BOOK_CHECKS
    from coopledger.ledger.books import install_chart
    from coopledger.ledger.money_index import differences as money_index_differences
    from coopledger.ledger.month_index import differences as index_differences
    from coopledger.ledger.periods import REOPEN_GUARDS
    from coopledger.members import settled
    from coopledger.members.access import household_rule
    from coopledger.members.facts import PROVIDERS
    from coopledger.members.services import ON_CONTRIBUTE, ON_LEAVE, ON_WITHDRAW
    from coopledger.orgs.services import SET_UP
    from coopledger.shares.queries import household_shares
    from coopledger.shares.services import (
        end_holdings,
        end_land_shares,
        request_land_shares,
        set_up_classes,
    )
    from coopledger.spending.services import voucher_origin as spending_voucher_origin

    _register_job_kinds()
    # the core: a new organisation's chart and share classes; who may see a household
    _add(SET_UP, install_chart, set_up_classes)
    _add(OBJECT_RULES, household_rule)
    # the ledger: where a voucher came from, what may stop a month reopening, book checks
    for finder in (contract_voucher_origin, asset_voucher_origin, guarantee_voucher_origin,
                   spending_voucher_origin):
        origins.register(finder)
    _add(REOPEN_GUARDS, refuse_reopening_published)
    _add(BOOK_CHECKS, anchor_problems, chain_problems, index_differences,
         money_index_differences)
    # 期末检查's warnings
    _add(month_end.CHECKS, depreciation_check, advance_rent_check, bank_check)
    # members: the 入股 request of a contributed parcel; the household pages' facts
    _add(ON_CONTRIBUTE, request_land_shares)
    _add(ON_WITHDRAW, end_land_shares)   # and its land shares end with a withdrawal
    _add(ON_LEAVE, end_holdings)         # a household's shares end when it leaves
    PROVIDERS.shares, PROVIDERS.leases = household_shares, leases_of_parcels
    PROVIDERS.income, PROVIDERS.distributions = household_income, member_lines
    # members and shares: no change of holdings reaches a year whose plan is approved
    _add(settled.CHECKS, refuse_change_of_settled_years)
    # contracts: the collective resources a lease covers (the resource register owns the link)
    _add(coverage.READERS, resources_of_contract)
    # distribution: whether the public roster shows names (a disclosure setting)
    _add(public_names.READERS, shows_names)


def _register_job_kinds() -> None:
    """Each background job kind by its name, with the function that does its work."""
    from coopledger.assets import workbook as asset_workbook
    from coopledger.audit import exports
    from coopledger.disclosure import publish_job
    from coopledger.distribution import statement_job
    from coopledger.filings import archive
    from coopledger.jobs.registry import register
    from coopledger.ledger import book_prints, bookfile, voucher_prints
    from coopledger.members import imports as member_imports

    register(asset_workbook.IMPORT_KIND, asset_workbook.import_job)
    register(exports.EXPORT_KIND, exports.export_audit_log)
    register(publish_job.PUBLISH_KIND, publish_job.publish_job)
    register(statement_job.STATEMENTS_KIND, statement_job.generate_statements)
    register(archive.ARCHIVE_KIND, archive.archive_job)
    register(bookfile.VERIFY_KIND, bookfile.verify_job)
    register(voucher_prints.MONTH_KIND, voucher_prints.month_job)
    register(book_prints.BOOK_KIND, book_prints.book_job)
    register(member_imports.IMPORT_KIND, member_imports.import_job)
