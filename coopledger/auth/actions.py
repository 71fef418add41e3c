"""Everything a permission can be asked about: the names the permission rules
(:mod:`coopledger.auth.permissions`) answer for, kept free of Flask so that the pure workflow
rules of each domain (which step needs which permission) can name them."""

from __future__ import annotations

import enum


class Action(enum.StrEnum):
    """Everything a permission can be asked about."""

    ADMINISTER = "system.administer"  # townships, villages, organisations, users
    VIEW_ORG = "org.view"
    EDIT_ORG = "org.edit"
    VIEW_TOWNSHIP = "township.view"
    VIEW_AUDIT_LOG = "audit.view"
    VIEW_JOB = "job.view"
    VIEW_BOOKS = "books.view"
    PREPARE_VOUCHERS = "vouchers.prepare"
    REVIEW_VOUCHERS = "vouchers.review"
    CONFIRM_CASH = "vouchers.confirm_cash"
    POST_VOUCHERS = "vouchers.post"
    MANAGE_BOOKS = "books.manage"  # chart, opening balances, settings, month close, year end
    REOPEN_PERIODS = "books.reopen"        # admin only
    EXPORT_BOOKS = "books.export"          # beancount file and verification
    VIEW_MEMBERS = "members.view"
    MANAGE_MEMBERS = "members.manage"
    VIEW_PII = "members.pii"               # full ID and bank numbers
    VIEW_HOUSEHOLD = "household.view"
    VIEW_CONTRACTS = "contracts.view"      # partners and contracts
    MANAGE_CONTRACTS = "contracts.manage"
    VIEW_DISTRIBUTION = "distribution.view"   # plans, lines, payout lists
    MANAGE_DISTRIBUTION = "distribution.manage"
    VIEW_ASSETS = "assets.view"            # asset cards, resources, stock-takes
    MANAGE_ASSETS = "assets.manage"
    VIEW_DISCLOSURES = "disclosures.view"      # drafts, reviews, questions (members included)
    MANAGE_DISCLOSURES = "disclosures.manage"  # draft, explain, publish, answer questions
    REVIEW_DISCLOSURES = "disclosures.review"  # the 民主理财小组
    OPINE_DISCLOSURES = "disclosures.opine"    # the township's review opinion
    SUPERVISE = "supervision.dashboard"        # the township dashboard (None or a Township)
    CONFIGURE_SUPERVISION = "supervision.configure"  # a township's warning thresholds
    AUDIT_ORG = "supervision.audit"            # opinions, audits, findings, closing them
    VIEW_FINDINGS = "supervision.findings"     # audits and findings of an organisation
    RESPOND_FINDINGS = "supervision.respond"   # the organisation's answer (整改情况)
    VIEW_RETURNS = "filings.view"              # an organisation's upward filings
    FILE_RETURNS = "filings.file"              # explain changes and submit a year's tables
    REVIEW_RETURNS = "filings.review"          # the township accepts or returns them
    SUMMARISE_RETURNS = "filings.summarise"    # a township's summary (a Township)
    VIEW_SUMMARIES = "filings.summaries"       # a township's filings page (a Township)
    REVIEW_SUMMARIES = "filings.county"        # the county accepts a township's summary and
                                               # sums its townships (a Township, or None)
    VIEW_SPENDING = "spending.view"            # an organisation's spending requests
    FILE_SPENDING = "spending.file"            # file, change, resubmit a request (报账员)
    APPROVE_SPENDING = "spending.approve"      # take a step of the approval chain (by role)
    PAY_SPENDING = "spending.pay"              # pay an approved request (the cashier)
    CONFIGURE_SPENDING = "spending.configure"  # a township's approval chain and limits
    RECONCILE_BANK = "banking.reconcile"       # import bank statements, match, reconcile
    COUNT_CASH = "banking.count_cash"          # record a 现金盘点 (the cashier)
