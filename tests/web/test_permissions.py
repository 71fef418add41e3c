"""The permission matrix: every endpoint × every role × own and foreign objects.

A new endpoint fails ``test_every_endpoint_is_in_the_matrix`` until it is added here, so the
matrix keeps covering the whole app as later issues extend it.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from coopledger import dates
from coopledger.assets import cards, depreciation, disposals, resources, stocktake
from coopledger.assets.models import Category, DisposalKind
from coopledger.assets.resource_models import ResourceKind
from coopledger.contracts.files import add_file
from coopledger.contracts.models import Contract, ContractKind, LeasedParcel, Partner, PartnerKind
from coopledger.contracts.money_models import Purpose
from coopledger.contracts.payments import record_payment
from coopledger.disclosure import services as disclosures
from coopledger.disclosure.models import PostCategory
from coopledger.distribution import services as distribution
from coopledger.distribution.models import (
    GuaranteeBatch,
    GuaranteeBatchItem,
    GuaranteePayment,
    Mode,
)
from coopledger.distribution.statements import check_code
from coopledger.extensions import db
from coopledger.files import store
from coopledger.jobs import services as jobs
from coopledger.ledger import periods
from coopledger.ledger.attachments import add_attachment
from coopledger.ledger.books import accounts_by_code, add_subaccount
from coopledger.ledger.models import Voucher
from coopledger.ledger.sample_books import PLACEHOLDER_PNG
from coopledger.members.models import Household
from coopledger.shares.models import Certificate, ShareOperation
from tests.conftest import (
    Auth,
    Lookup,
    bound_session,
    rolled_back_connection,
    savepoint_session,
)
from tests.distribution_helpers import close_2024
from tests.ledger_helpers import book_with_vouchers, make_voucher

ANON = "anonymous"
USERS = (ANON, "admin", "accountant", "reviewer", "cashier", "supervisor", "member", "auditor",
         "jinshi-kj", "county")
EVERYONE = frozenset(USERS) - {ANON}


@dataclass(frozen=True)
class Case:
    """One request and who may make it."""

    name: str
    endpoint: str
    method: str
    path: Callable[[Any], str]
    allowed: frozenset[str]
    public: bool = False  # anonymous users get the page instead of the login redirect
    not_found_for: frozenset[str] = frozenset()  # may open the page, but the object is not there
    step: str = ""  # a workflow step: who may take it is derived from its rule (_step_allowed)
    workflow: str = "voucher"


def voucher_step(name: str, endpoint: str, path: Callable[[Any], str], step: str) -> Case:
    """A voucher-workflow endpoint: expected open to whoever ``rules.VOUCHER_STEPS`` gives the
    step's permission to (the view's check), refused (403) to everyone else."""
    return Case(name, endpoint, "POST", path, frozenset(), step=step)


def only(*users: str) -> frozenset[str]:
    return frozenset(users)


SHIAN_JJHZS = only("admin", "accountant", "reviewer", "cashier", "supervisor", "auditor")
SHIAN_TDGF = only("admin", "accountant", "reviewer", "member", "auditor")
ADMIN = only("admin")

CASES = [
    Case("home", "home.index", "GET", lambda w: "/", EVERYONE, public=True),
    Case("home", "home.favicon", "GET", lambda w: "/favicon.ico", EVERYONE, public=True),
    Case("language", "home.set_language", "POST", lambda w: "/language", EVERYONE, public=True),
    Case("login page", "auth.login", "GET", lambda w: "/auth/login", EVERYONE, public=True),
    Case("logout", "auth.logout", "POST", lambda w: "/auth/logout", EVERYONE),
    Case("own password", "auth.change_password", "GET", lambda w: "/auth/password", EVERYONE),
    Case("org: village collective", "orgs.org", "GET", lambda w: "/o/shian-jjhzs/", SHIAN_JJHZS),
    Case("org: land-share coop", "orgs.org", "GET", lambda w: "/o/shian-tdgf/", SHIAN_TDGF),
    Case("org: other township", "orgs.org", "GET", lambda w: "/o/jinshi-jjhzs/",
         only("admin", "jinshi-kj")),
    Case("township: own", "orgs.township", "GET", lambda w: "/t/tashan/",
         only("admin", "auditor")),
    Case("township: other", "orgs.township", "GET", lambda w: "/t/jinshi/", ADMIN),
    Case("register pdf: own", "orgs.township_register_pdf", "GET",
         lambda w: "/t/tashan/register.pdf", only("admin", "auditor")),
    Case("register pdf: other", "orgs.township_register_pdf", "GET",
         lambda w: "/t/jinshi/register.pdf", ADMIN),
    Case("townships", "orgs.townships", "GET", lambda w: "/admin/townships", ADMIN),
    Case("add township", "orgs.townships", "POST", lambda w: "/admin/townships", ADMIN),
    Case("edit township", "orgs.edit_township", "GET",
         lambda w: f"/admin/townships/{w.township('tashan').id}/edit", ADMIN),
    Case("add village", "orgs.create_village", "GET", lambda w: "/admin/villages/new", ADMIN),
    Case("edit village", "orgs.edit_village", "GET",
         lambda w: f"/admin/villages/{w.village('shian').id}/edit", ADMIN),
    Case("organisations", "orgs.organisations", "GET", lambda w: "/admin/orgs", ADMIN),
    Case("register org", "orgs.create_organisation", "GET", lambda w: "/admin/orgs/new", ADMIN),
    Case("edit own org", "orgs.edit_organisation", "GET",
         lambda w: "/admin/orgs/shian-tdgf/edit", ADMIN),
    Case("edit own org (post)", "orgs.edit_organisation", "POST",
         lambda w: "/admin/orgs/shian-jjhzs/edit", ADMIN),
    Case("users", "users.index", "GET", lambda w: "/admin/users/", ADMIN),
    Case("create user", "users.create", "GET", lambda w: "/admin/users/new", ADMIN),
    Case("edit user", "users.edit", "GET", lambda w: f"/admin/users/{w.user('member').id}",
         ADMIN),
    Case("add role", "users.add_role", "POST",
         lambda w: f"/admin/users/{w.user('member').id}/roles", ADMIN),
    Case("revoke role", "users.revoke_role", "POST",
         lambda w: (f"/admin/users/{w.user('member').id}/roles/"
                    f"{w.user('member').assignments[0].id}/revoke"), ADMIN),
    Case("reset password", "users.reset_password", "POST",
         lambda w: f"/admin/users/{w.user('member').id}/reset-password", ADMIN),
    Case("audit log", "audit.index", "GET", lambda w: "/audit/", only("admin", "auditor")),
    Case("audit export", "audit.export", "POST", lambda w: "/audit/export",
         only("admin", "auditor")),
    Case("auditor's job", "jobs.show", "GET", lambda w: f"/jobs/{w.job_id}",
         only("admin", "auditor")),
    Case("auditor's job status", "jobs.status", "GET", lambda w: f"/jobs/{w.job_id}.json",
         only("admin", "auditor")),
    Case("retry auditor's job", "jobs.retry", "POST", lambda w: f"/jobs/{w.job_id}/retry",
         only("admin", "auditor")),
    Case("auditor's job result", "jobs.download", "GET", lambda w: f"/jobs/{w.job_id}/download",
         only("admin", "auditor")),
]

BOOKS = "/o/shian-jjhzs/books"
VOUCHERS = "/o/shian-jjhzs/vouchers"
VIEW_BOOKS = only("admin", "accountant", "reviewer", "cashier", "supervisor", "auditor")
MANAGE = only("admin", "accountant")
EXPORT = only("admin", "accountant", "auditor")
REVIEW = only("admin", "reviewer")
CASES += [
    Case("books", "books.index", "GET", lambda w: f"{BOOKS}/", VIEW_BOOKS),
    Case("books: other township", "books.index", "GET", lambda w: "/o/jinshi-jjhzs/books/",
         only("admin", "jinshi-kj")),
    Case("books: member's own cooperative", "books.index", "GET",
         lambda w: "/o/shian-tdgf/books/", only("admin", "accountant", "reviewer", "auditor")),
    Case("book settings", "books.settings", "POST", lambda w: f"{BOOKS}/settings", MANAGE),
    Case("month-end checklist", "books.month_end", "GET",
         lambda w: f"{BOOKS}/periods/2024/3/check", VIEW_BOOKS),
    Case("close month", "books.close_month", "POST", lambda w: f"{BOOKS}/periods/2024/3/close",
         MANAGE),
    Case("reopen month", "books.reopen_month", "POST",
         lambda w: f"{BOOKS}/periods/2024/1/reopen", ADMIN),
    Case("year end", "books.year_end", "POST", lambda w: f"{BOOKS}/year-end", MANAGE),
    Case("chart", "books.chart", "GET", lambda w: f"{BOOKS}/accounts", VIEW_BOOKS),
    Case("add sub-account", "books.chart", "POST", lambda w: f"{BOOKS}/accounts", VIEW_BOOKS),
    Case("rename account", "books.rename_account", "POST",
         lambda w: f"{BOOKS}/accounts/{w.spare_account_id}/rename", MANAGE),
    Case("account mnemonic", "books.set_mnemonic", "POST",
         lambda w: f"{BOOKS}/accounts/{w.spare_account_id}/mnemonic", MANAGE),
    Case("delete account", "books.delete_account", "POST",
         lambda w: f"{BOOKS}/accounts/{w.spare_account_id}/delete", MANAGE),
    Case("close account", "books.close_account", "POST",
         lambda w: f"{BOOKS}/accounts/{w.spare_account_id}/close", MANAGE),
    Case("opening balances", "books.opening_balances", "GET", lambda w: f"{BOOKS}/opening",
         MANAGE),
    Case("opening template", "books.opening_template", "GET",
         lambda w: f"{BOOKS}/opening/template.xlsx", MANAGE),
    Case("report", "books.report", "GET",
         lambda w: f"{BOOKS}/reports/trial_balance?period=2024", VIEW_BOOKS),
    Case("report: other township", "books.report", "GET",
         lambda w: "/o/jinshi-jjhzs/books/reports/balance_sheet?period=2024",
         only("admin", "jinshi-kj")),
    Case("export", "books.export", "GET", lambda w: f"{BOOKS}/export.beancount", EXPORT),
    Case("verify", "books.verify", "POST", lambda w: f"{BOOKS}/verify", EXPORT),
    Case("print a month's vouchers", "books.print_vouchers", "POST",
         lambda w: f"{BOOKS}/print-vouchers", VIEW_BOOKS),
    Case("print a year's ledgers", "books.print_ledger", "POST",
         lambda w: f"{BOOKS}/print-ledger", VIEW_BOOKS),
    Case("vouchers", "vouchers.index", "GET", lambda w: f"{VOUCHERS}/", VIEW_BOOKS),
    Case("new voucher", "vouchers.create", "GET", lambda w: f"{VOUCHERS}/new", MANAGE),
    Case("edit draft", "vouchers.edit", "GET", lambda w: f"{VOUCHERS}/{w.draft_id}/edit",
         frozenset(), step="edit"),
    Case("voucher", "vouchers.show", "GET", lambda w: f"{VOUCHERS}/{w.posted_id}", VIEW_BOOKS),
    Case("voucher: other township", "vouchers.show", "GET",
         lambda w: f"/o/jinshi-jjhzs/vouchers/{w.foreign_id}", only("admin", "jinshi-kj")),
    Case("voucher of another org via this org's URL", "vouchers.show", "GET",
         lambda w: f"{VOUCHERS}/{w.foreign_id}", frozenset(), not_found_for=VIEW_BOOKS),
    voucher_step("submit", "vouchers.submit", lambda w: f"{VOUCHERS}/{w.draft_id}/submit",
                 "submit"),
    voucher_step("review", "vouchers.review", lambda w: f"{VOUCHERS}/{w.submitted_id}/review",
                 "review"),
    voucher_step("confirm cash", "vouchers.confirm_cash",
                 lambda w: f"{VOUCHERS}/{w.submitted_id}/confirm-cash", "confirm_cash"),
    voucher_step("post", "vouchers.post", lambda w: f"{VOUCHERS}/{w.submitted_id}/post", "post"),
    voucher_step("batch post", "vouchers.batch", lambda w: f"{VOUCHERS}/batch?step=post",
                 "post"),
    voucher_step("batch review", "vouchers.batch", lambda w: f"{VOUCHERS}/batch?step=review",
                 "review"),
    voucher_step("reject", "vouchers.reject", lambda w: f"{VOUCHERS}/{w.submitted_id}/reject",
                 "reject"),
    voucher_step("reverse", "vouchers.reverse", lambda w: f"{VOUCHERS}/{w.posted_id}/reverse",
                 "reverse"),
    voucher_step("prior-year correction", "vouchers.correct_prior_year",
                 lambda w: f"{VOUCHERS}/{w.posted_id}/correct-prior-year", "correct_prior_year"),
    voucher_step("delete draft", "vouchers.delete", lambda w: f"{VOUCHERS}/{w.draft_id}/delete",
                 "delete"),
    voucher_step("attach", "vouchers.attach", lambda w: f"{VOUCHERS}/{w.draft_id}/attachments",
                 "attach"),
    Case("attachment", "vouchers.attachment", "GET",
         lambda w: f"{VOUCHERS}/{w.draft_id}/attachments/{w.attachment_id}", VIEW_BOOKS),
    Case("voucher pdf", "vouchers.pdf", "GET", lambda w: f"{VOUCHERS}/{w.posted_id}.pdf",
         VIEW_BOOKS),
    Case("save as template", "vouchers.save_template", "POST",
         lambda w: f"{VOUCHERS}/{w.posted_id}/template", MANAGE),
    Case("new from template", "vouchers.create", "GET",
         lambda w: f"{VOUCHERS}/new?template={w.template_id}", MANAGE),
    Case("delete template", "vouchers.delete_template", "POST",
         lambda w: f"{VOUCHERS}/templates/{w.template_id}/delete", MANAGE),
]

HOUSEHOLDS = "/o/shian-tdgf/households"
VIEW_MEMBERS_TDGF = only("admin", "accountant", "reviewer", "auditor")
MANAGE_TDGF = only("admin", "accountant")
CASES += [
    Case("households", "members.index", "GET", lambda w: f"{HOUSEHOLDS}/", VIEW_MEMBERS_TDGF),
    Case("households: other township", "members.index", "GET",
         lambda w: "/o/jinshi-jjhzs/households/", only("admin", "jinshi-kj")),
    Case("new household", "members.create", "GET", lambda w: f"{HOUSEHOLDS}/new", MANAGE_TDGF),
    Case("household", "members.show", "GET", lambda w: f"{HOUSEHOLDS}/{w.household_id}",
         VIEW_MEMBERS_TDGF),
    Case("edit household", "members.edit", "GET",
         lambda w: f"{HOUSEHOLDS}/{w.household_id}/edit", MANAGE_TDGF),
    Case("add person", "members.add_person", "POST",
         lambda w: f"{HOUSEHOLDS}/{w.household_id}/persons", MANAGE_TDGF),
    Case("add parcel", "members.add_parcel", "POST",
         lambda w: f"{HOUSEHOLDS}/{w.household_id}/parcels", MANAGE_TDGF),
    Case("admit", "members.admit", "POST",
         lambda w: f"{HOUSEHOLDS}/{w.household_id}/membership", MANAGE_TDGF),
    Case("leave", "members.leave", "POST",
         lambda w: f"{HOUSEHOLDS}/{w.household_id}/leave", MANAGE_TDGF),
    Case("contribute", "members.contribute", "POST",
         lambda w: f"/o/shian-tdgf/parcels/{w.parcel_id}/contribute", MANAGE_TDGF),
    Case("withdraw", "members.withdraw", "POST",
         lambda w: f"/o/shian-tdgf/contributions/{w.contribution_id}/withdraw", MANAGE_TDGF),
    Case("open member login", "members.open_login", "POST",
         lambda w: f"{HOUSEHOLDS}/{w.household_id}/open-login", MANAGE_TDGF),
    Case("payout account", "members.payout_account", "POST",
         lambda w: f"{HOUSEHOLDS}/{w.household_id}/payout-account", MANAGE_TDGF),
    Case("household login", "members.link_user", "POST",
         lambda w: f"{HOUSEHOLDS}/{w.household_id}/login", MANAGE_TDGF),
    Case("my household", "members.mine", "GET", lambda w: "/my/household", EVERYONE),
]

SHARES = "/o/shian-tdgf/shares"
CASES += [
    Case("share register", "shares.index", "GET", lambda w: f"{SHARES}/", VIEW_MEMBERS_TDGF),
    Case("share register: other township", "shares.index", "GET",
         lambda w: "/o/jinshi-jjhzs/shares/", only("admin", "jinshi-kj")),
    Case("holdings", "shares.holdings", "GET", lambda w: f"{SHARES}/holdings",
         VIEW_MEMBERS_TDGF),
    Case("new share request", "shares.create", "GET", lambda w: f"{SHARES}/new", MANAGE_TDGF),
    Case("share request", "shares.show", "GET", lambda w: f"{SHARES}/{w.operation_id}",
         VIEW_MEMBERS_TDGF),
    Case("share request document", "shares.document", "GET",
         lambda w: f"{SHARES}/{w.operation_id}/document", frozenset(),
         not_found_for=VIEW_MEMBERS_TDGF),
    Case("approve share request", "shares.approve", "POST",
         lambda w: f"{SHARES}/{w.operation_id}/approve", frozenset(), step="approve",
         workflow="share"),
    Case("register share request", "shares.complete", "POST",
         lambda w: f"{SHARES}/{w.operation_id}/complete", frozenset(), step="complete",
         workflow="share"),
    Case("refuse share request", "shares.refuse", "POST",
         lambda w: f"{SHARES}/{w.operation_id}/refuse", frozenset(), step="refuse",
         workflow="share"),
    Case("share settings", "shares.settings", "GET", lambda w: f"{SHARES}/settings",
         VIEW_MEMBERS_TDGF),
    Case("another household's certificate", "shares.certificate_pdf", "GET",
         lambda w: f"/certificates/{w.foreign_certificate_id}.pdf", VIEW_MEMBERS_TDGF),
    Case("own certificate", "shares.certificate_pdf", "GET",
         lambda w: f"/certificates/{w.member_certificate_id}.pdf",
         VIEW_MEMBERS_TDGF | {"member"}),
    Case("share class value", "shares.update_class", "POST",
         lambda w: f"{SHARES}/classes/{w.share_class_id}", MANAGE_TDGF),
    Case("holdings xlsx", "shares.holdings_xlsx", "GET", lambda w: f"{SHARES}/holdings.xlsx",
         VIEW_MEMBERS_TDGF),
    Case("import households", "members.import_households", "GET",
         lambda w: f"{HOUSEHOLDS}/import", MANAGE_TDGF),
    Case("import template", "members.import_template", "GET",
         lambda w: f"{HOUSEHOLDS}/import/template.xlsx", MANAGE_TDGF),
    Case("roster export", "members.export_roster", "GET",
         lambda w: f"{HOUSEHOLDS}/export.xlsx", VIEW_MEMBERS_TDGF),
    Case("public certificate check", "shares.check", "GET",
         lambda w: f"/c/SHIAN-TDGF-00001/1/{w.certificate_token}", EVERYONE, public=True),
]

PARTNERS = "/o/shian-tdgf/partners"
CASES += [
    Case("partners", "partners.index", "GET", lambda w: f"{PARTNERS}/", VIEW_MEMBERS_TDGF),
    Case("partners: other township", "partners.index", "GET",
         lambda w: "/o/jinshi-jjhzs/partners/", only("admin", "jinshi-kj")),
    Case("new partner", "partners.create", "GET", lambda w: f"{PARTNERS}/new", MANAGE_TDGF),
    Case("partner", "partners.show", "GET", lambda w: f"{PARTNERS}/{w.partner_id}",
         VIEW_MEMBERS_TDGF),
    Case("edit partner", "partners.edit", "GET", lambda w: f"{PARTNERS}/{w.partner_id}/edit",
         MANAGE_TDGF),
    Case("contracts", "contracts.index", "GET", lambda w: "/o/shian-tdgf/contracts/",
         VIEW_MEMBERS_TDGF),
    Case("new contract", "contracts.create", "GET", lambda w: "/o/shian-tdgf/contracts/new",
         MANAGE_TDGF),
    Case("contract", "contracts.show", "GET",
         lambda w: f"/o/shian-tdgf/contracts/{w.contract_id}", VIEW_MEMBERS_TDGF),
    Case("edit contract", "contracts.edit", "GET",
         lambda w: f"/o/shian-tdgf/contracts/{w.contract_id}/edit", frozenset(),
         step="edit", workflow="contract"),
    Case("sign contract", "contracts.sign", "POST",
         lambda w: f"/o/shian-tdgf/contracts/{w.contract_id}/sign", frozenset(),
         step="sign", workflow="contract"),
    Case("add leased parcel", "contracts.add_parcel", "POST",
         lambda w: f"/o/shian-tdgf/contracts/{w.contract_id}/parcels", frozenset(),
         step="lease_parcels", workflow="contract"),
    Case("remove leased parcel", "contracts.remove_parcel", "POST",
         lambda w: f"/o/shian-tdgf/contracts/{w.contract_id}/parcels/{w.leased_id}/remove",
         frozenset(), step="lease_parcels", workflow="contract"),
    Case("contract terms", "contract_money.terms", "POST",
         lambda w: f"/o/shian-tdgf/contracts/{w.contract_id}/terms", frozenset(),
         step="edit", workflow="contract"),
    Case("record payment", "contract_money.record_payment", "POST",
         lambda w: f"/o/shian-tdgf/contracts/{w.contract_id}/payments", frozenset(),
         step="record_payment", workflow="contract"),
    Case("cancel payment", "contract_money.cancel_payment", "POST",
         lambda w: f"/o/shian-tdgf/contracts/{w.contract_id}/payments/{w.payment_id}/cancel",
         frozenset(), step="withdraw", workflow="payment"),
    Case("release advance rent", "contract_money.release", "POST",
         lambda w: f"/o/shian-tdgf/contracts/{w.contract_id}/deferrals/2025", MANAGE_TDGF),
    Case("terminate contract", "contract_money.terminate", "POST",
         lambda w: f"/o/shian-tdgf/contracts/{w.contract_id}/terminate", frozenset(),
         step="terminate", workflow="contract"),
    Case("venture settlement", "contract_money.settle", "POST",
         lambda w: f"/o/shian-tdgf/contracts/{w.contract_id}/settlements", frozenset(),
         step="settle_year", workflow="contract"),
    Case("member employment", "contract_money.add_employment", "POST",
         lambda w: f"/o/shian-tdgf/contracts/{w.contract_id}/employments", frozenset(),
         step="record_work", workflow="contract"),
    Case("upload contract scan", "contract_money.upload", "POST",
         lambda w: f"/o/shian-tdgf/contracts/{w.contract_id}/files", MANAGE_TDGF),
    Case("contract scan", "contract_money.scan", "GET",
         lambda w: f"/o/shian-tdgf/contracts/{w.contract_id}/files/{w.file_id}",
         VIEW_MEMBERS_TDGF),
    Case("contract scan of another organisation", "contract_money.scan", "GET",
         lambda w: f"/o/shian-jjhzs/contracts/{w.contract_id}/files/{w.file_id}", frozenset(),
         not_found_for=SHIAN_JJHZS),
    Case("overdue receipts", "contract_money.overdue", "GET",
         lambda w: "/o/shian-tdgf/contracts/overdue", VIEW_MEMBERS_TDGF),
    Case("overdue receipts: other township", "contract_money.overdue", "GET",
         lambda w: "/o/jinshi-jjhzs/contracts/overdue", only("admin", "jinshi-kj")),
    Case("idle land", "contract_money.idle_land", "GET",
         lambda w: "/o/shian-tdgf/contracts/idle-land", VIEW_MEMBERS_TDGF),
    Case("grain prices", "contract_money.grain_prices", "GET",
         lambda w: "/o/shian-tdgf/grain-prices", VIEW_MEMBERS_TDGF),
    Case("enter grain price", "contract_money.grain_prices", "POST",
         lambda w: "/o/shian-tdgf/grain-prices", MANAGE_TDGF),
    Case("distribution plans", "distribution.index", "GET",
         lambda w: "/o/shian-tdgf/distribution/", VIEW_MEMBERS_TDGF),
    Case("distribution plans: other township", "distribution.index", "GET",
         lambda w: "/o/jinshi-jjhzs/distribution/", only("admin", "jinshi-kj")),
    Case("new distribution plan", "distribution.create", "GET",
         lambda w: "/o/shian-tdgf/distribution/new", MANAGE_TDGF),
    Case("distribution plan", "distribution.show", "GET",
         lambda w: f"/o/shian-tdgf/distribution/{w.plan_id}", VIEW_MEMBERS_TDGF),
    Case("distribution plan of another organisation", "distribution.show", "GET",
         lambda w: f"/o/shian-jjhzs/distribution/{w.plan_id}", frozenset(),
         not_found_for=SHIAN_JJHZS),
    Case("edit distribution plan", "distribution.edit", "GET",
         lambda w: f"/o/shian-tdgf/distribution/{w.plan_id}/edit", frozenset(), step="edit",
         workflow="plan"),
    *(Case(f"distribution {path}", f"distribution.{endpoint}", "POST",
           lambda w, path=path: f"/o/shian-tdgf/distribution/{w.plan_id}/{path}", frozenset(),
           step=step, workflow="plan")
      for path, endpoint, step in (
          ("propose", "propose", "propose"), ("review", "review", "review"),
          ("approve", "approve", "approve"), ("post", "post", "post"),
          ("file", "file_plan", "file"), ("pay", "pay", "pay"),
          ("version", "new_version", "new_version"))),
    Case("payout list", "distribution.payout", "GET",
         lambda w: f"/o/shian-tdgf/distribution/{w.plan_id}/payout.xlsx", VIEW_MEMBERS_TDGF),
    Case("bank batch file", "distribution.bank_file", "GET",
         lambda w: f"/o/shian-tdgf/distribution/{w.plan_id}/bank-file", MANAGE_TDGF),
    Case("bank result of a payout", "distribution.bank_result", "POST",
         lambda w: f"/o/shian-tdgf/distribution/{w.plan_id}/bank-result", frozenset(),
         step="pay", workflow="plan"),
    Case("distribution resolution", "distribution.resolution", "GET",
         lambda w: f"/o/shian-tdgf/distribution/{w.plan_id}/resolution", VIEW_MEMBERS_TDGF),
    Case("own household's statement", "distribution.statement_pdf", "GET",
         lambda w: f"/o/shian-tdgf/distribution/{w.plan_id}/statements/{w.member_line_id}.pdf",
         VIEW_MEMBERS_TDGF | {"member"}),
    Case("another household's statement", "distribution.statement_pdf", "GET",
         lambda w: f"/o/shian-tdgf/distribution/{w.plan_id}/statements/{w.other_line_id}.pdf",
         VIEW_MEMBERS_TDGF),
    Case("all statements job", "distribution.all_statements", "POST",
         lambda w: f"/o/shian-tdgf/distribution/{w.plan_id}/statements", MANAGE_TDGF),
    Case("distribution roster", "distribution.roster_pdf", "GET",
         lambda w: f"/o/shian-tdgf/distribution/{w.plan_id}/roster.pdf?public=1",
         VIEW_MEMBERS_TDGF),
    Case("member volumes", "distribution.volumes", "GET",
         lambda w: "/o/shian-tdgf/distribution/volumes/2024", VIEW_MEMBERS_TDGF),
    Case("enter member volumes", "distribution.volumes", "POST",
         lambda w: "/o/shian-tdgf/distribution/volumes/2024", MANAGE_TDGF),
    Case("member account (成员账户)", "distribution.member_account", "GET",
         lambda w: f"/o/jianping-tj/distribution/members/{w.coop_member_id}/account",
         only("admin", "auditor", "member")),
    Case("member account PDF", "distribution.member_account_pdf", "GET",
         lambda w: f"/o/jianping-tj/distribution/members/{w.coop_member_id}/account.pdf",
         only("admin", "auditor", "member")),
    Case("member account of a land-share coop", "distribution.member_account", "GET",
         lambda w: f"/o/shian-tdgf/distribution/members/{w.coop_member_id}/account",
         frozenset(), not_found_for=EVERYONE),
    Case("member accounts workbook", "distribution.member_accounts_xlsx", "GET",
         lambda w: "/o/jianping-tj/distribution/member-accounts.xlsx", only("admin", "auditor")),
    Case("保底 of a year", "distribution.guarantees_page", "GET",
         lambda w: "/o/shian-tdgf/distribution/guarantee/2024", VIEW_MEMBERS_TDGF),
    Case("pay 保底", "distribution.guarantees_page", "POST",
         lambda w: "/o/shian-tdgf/distribution/guarantee/2024", MANAGE_TDGF),
    Case("保底 payment file (account numbers)", "distribution.guarantee_batch_file", "GET",
         lambda w: f"/o/shian-tdgf/distribution/guarantee/2024/batches/"
                   f"{w.guarantee_batch_id}/file", MANAGE_TDGF),
    Case("保底 bank result", "distribution.guarantee_batch_result", "POST",
         lambda w: f"/o/shian-tdgf/distribution/guarantee/2024/batches/"
                   f"{w.guarantee_batch_id}/result", frozenset(), step="result",
         workflow="guarantee_batch"),
    Case("withdraw a 保底 payment", "distribution.withdraw_guarantee", "POST",
         lambda w: f"/o/shian-tdgf/distribution/guarantee/2024/withdraw/"
                   f"{w.guarantee_voucher_id}", frozenset(), step="withdraw",
         workflow="guarantee"),
    Case("explain an overpaid 保底", "distribution.explain", "POST",
         lambda w: f"/o/shian-tdgf/distribution/{w.plan_id}/lines/{w.other_line_id}/explain",
         frozenset(), step="explain", workflow="plan"),
    Case("public statement check", "distribution_public.check", "GET",
         lambda w: w.statement_check, EVERYONE, public=True),
    Case("contract of another organisation", "contracts.show", "GET",
         lambda w: f"/o/shian-jjhzs/contracts/{w.contract_id}", frozenset(),
         not_found_for=SHIAN_JJHZS),
    Case("partner of another organisation", "partners.show", "GET",
         lambda w: f"/o/shian-jjhzs/partners/{w.partner_id}", frozenset(),
         not_found_for=SHIAN_JJHZS),
]


ASSETS = "/o/shian-jjhzs/assets"
RESOURCES = "/o/shian-jjhzs/resources"
STOCKTAKES = "/o/shian-jjhzs/stocktakes"
ASSET_CASES = [
    *(Case(name, endpoint, "GET", lambda w, path=path: path, VIEW_BOOKS)
      for name, endpoint, path in (
          ("asset register", "assets.index", f"{ASSETS}/"),
          ("asset register xlsx", "assets.export_xlsx", f"{ASSETS}/export.xlsx"),
          ("asset register pdf", "assets.register_pdf", f"{ASSETS}/register.pdf"),
          ("asset labels", "assets.labels", f"{ASSETS}/labels.pdf"),
          ("depreciation runs", "assets.runs", f"{ASSETS}/depreciation"),
          ("reconciliation", "assets.reconciliation", f"{ASSETS}/reconcile?on=2024-06-30"),
          ("resource register", "assets.resource_index", f"{RESOURCES}/"),
          ("resource register pdf", "assets.resource_pdf", f"{RESOURCES}/register.pdf"),
          ("stock-takes", "assets.stocktakes", f"{STOCKTAKES}/"))),
    *(Case(name, endpoint, method, lambda w, path=path: path, MANAGE)
      for name, endpoint, method, path in (
          ("new asset card", "assets.create", "GET", f"{ASSETS}/new"),
          ("asset import", "assets.import_workbook", "GET", f"{ASSETS}/import"),
          ("asset import template", "assets.import_template", "GET",
           f"{ASSETS}/import/template.xlsx"),
          ("draft depreciation", "assets.runs", "POST", f"{ASSETS}/depreciation"),
          ("new resource", "assets.resource_create", "GET", f"{RESOURCES}/new"),
          ("start stock-take", "assets.stocktakes", "POST", f"{STOCKTAKES}/"))),
    Case("asset card", "assets.show", "GET", lambda w: f"{ASSETS}/{w.card_id}", VIEW_BOOKS),
    Case("asset card of another organisation", "assets.show", "GET",
         lambda w: f"/o/shian-tdgf/assets/{w.card_id}", frozenset(),
         not_found_for=VIEW_MEMBERS_TDGF),
    Case("edit asset card", "assets.edit", "GET", lambda w: f"{ASSETS}/{w.card_id}/edit",
         MANAGE),
    Case("asset photo", "assets.photo", "GET",
         lambda w: f"{ASSETS}/{w.card_id}/photos/{w.photo_id}", VIEW_BOOKS),
    Case("asset photo of another organisation", "assets.photo", "GET",
         lambda w: f"/o/shian-tdgf/assets/{w.card_id}/photos/{w.photo_id}", frozenset(),
         not_found_for=VIEW_MEMBERS_TDGF),
    *(Case(name, endpoint, "POST", lambda w, tail=tail: f"{ASSETS}/{w.card_id}/{tail}", MANAGE)
      for name, endpoint, tail in (
          ("upload asset photo", "assets.add_photo", "photos"),
          ("asset work units", "assets.usage", "usage"),
          ("dispose of asset", "assets.dispose", "dispose"))),
    Case("withdraw disposal", "assets.withdraw_disposal", "POST",
         lambda w: f"{ASSETS}/{w.disposed_card_id}/disposal/withdraw", frozenset(),
         step="withdraw", workflow="disposal"),
    Case("depreciation run", "assets.run", "GET", lambda w: f"{ASSETS}/depreciation/{w.run_id}",
         VIEW_BOOKS),
    Case("withdraw depreciation run", "assets.withdraw_run", "POST",
         lambda w: f"{ASSETS}/depreciation/{w.run_id}/withdraw", frozenset(),
         step="withdraw", workflow="run"),
    Case("resource", "assets.resource", "GET", lambda w: f"{RESOURCES}/{w.resource_id}",
         VIEW_BOOKS),
    Case("resource of another organisation", "assets.resource", "GET",
         lambda w: f"/o/shian-tdgf/resources/{w.resource_id}", frozenset(),
         not_found_for=VIEW_MEMBERS_TDGF),
    Case("edit resource", "assets.resource_edit", "GET",
         lambda w: f"{RESOURCES}/{w.resource_id}/edit", MANAGE),
    Case("link resource contract", "assets.resource_link", "POST",
         lambda w: f"{RESOURCES}/{w.resource_id}/contracts", MANAGE),
    Case("unlink resource contract", "assets.resource_unlink", "POST",
         lambda w: f"{RESOURCES}/{w.resource_id}/contracts/{w.jj_contract_id}/unlink", MANAGE),
    Case("upload ownership document", "assets.resource_add_file", "POST",
         lambda w: f"{RESOURCES}/{w.resource_id}/files", MANAGE),
    Case("ownership document", "assets.resource_file", "GET",
         lambda w: f"{RESOURCES}/{w.resource_id}/files/{w.resource_file_id}", VIEW_BOOKS),
    Case("stock-take sheet", "assets.stocktake", "GET",
         lambda w: f"{STOCKTAKES}/{w.stock_take_id}", VIEW_BOOKS),
    Case("stock-take count", "assets.count", "POST",
         lambda w: f"{STOCKTAKES}/{w.stock_take_id}/items/{w.stock_item_id}", frozenset(),
         step="count", workflow="stocktake"),
    Case("approve stock-take", "assets.approve_stocktake", "POST",
         lambda w: f"{STOCKTAKES}/{w.stock_take_id}/approve", frozenset(), step="approve",
         workflow="stocktake"),
]

DISCLOSURES = "/o/shian-jjhzs/disclosures"
DISCLOSURE_CASES = [
    Case("disclosure calendar", "disclosure.index", "GET", lambda w: f"{DISCLOSURES}/",
         SHIAN_JJHZS),
    Case("disclosure calendar: other township", "disclosure.index", "GET",
         lambda w: "/o/jinshi-jjhzs/disclosures/", only("admin", "jinshi-kj")),
    Case("disclosure settings", "disclosure.save_settings", "POST",
         lambda w: f"{DISCLOSURES}/settings", MANAGE),
    Case("draft disclosure", "disclosure.draft", "POST", lambda w: f"{DISCLOSURES}/draft",
         MANAGE),
    Case("draft special disclosure", "disclosure.draft_special", "POST",
         lambda w: f"{DISCLOSURES}/special", MANAGE),
    Case("disclosure", "disclosure.show", "GET",
         lambda w: f"{DISCLOSURES}/{w.disclosure_id}", SHIAN_JJHZS),
    Case("disclosure of another organisation", "disclosure.show", "GET",
         lambda w: f"/o/shian-tdgf/disclosures/{w.disclosure_id}", frozenset(),
         not_found_for=SHIAN_TDGF),
    *(Case(name, endpoint, "POST",
           lambda w, tail=tail: f"{DISCLOSURES}/{w.draft_disclosure_id}/{tail}", frozenset(),
           step=step, workflow="disclosure")
      for name, endpoint, tail, step in (
          ("explain disclosure", "disclosure.explain", "explain", "explain"),
          ("disclosure post", "disclosure.add_post", "posts", "add_post"),
          ("submit disclosure", "disclosure.submit", "submit", "submit"),
          ("publish disclosure", "disclosure.publish", "publish", "publish"),
          ("review disclosure", "disclosure.review", "review", "review"),
          ("township opinion", "disclosure.opinion", "opinion", "township"))),
    Case("correct disclosure", "disclosure.correct", "POST",
         lambda w: f"{DISCLOSURES}/{w.disclosure_id}/correct", frozenset(), step="correct",
         workflow="disclosure"),
    Case("disclosure post attachment", "disclosure.post_attachment", "GET",
         lambda w: f"{DISCLOSURES}/{w.disclosure_id}/posts/{w.post_id}/attachment",
         SHIAN_JJHZS),
    Case("disclosure notice", "disclosure.notice_pdf", "GET",
         lambda w: f"{DISCLOSURES}/{w.disclosure_id}/notice.pdf?size=a3", SHIAN_JJHZS),
    Case("ask a question", "disclosure.ask", "POST",
         lambda w: f"{DISCLOSURES}/{w.disclosure_id}/questions", SHIAN_JJHZS),
    Case("answer a question", "disclosure.answer", "POST",
         lambda w: f"{DISCLOSURES}/{w.disclosure_id}/questions/{w.question_id}/answer", MANAGE),
    Case("public disclosures", "disclosure_public.organisation", "GET",
         lambda w: "/p/shian-jjhzs", EVERYONE, public=True),
    Case("public disclosure", "disclosure_public.publication", "GET",
         lambda w: f"/p/shian-jjhzs/{w.disclosure_id}", EVERYONE, public=True),
    Case("public notice", "disclosure_public.publication_pdf", "GET",
         lambda w: f"/p/shian-jjhzs/{w.disclosure_id}/notice.pdf", EVERYONE, public=True),
    Case("verify a notice", "disclosure_public.verify", "GET", lambda w: "/verify", EVERYONE,
         public=True),
    Case("verify a notice of an organisation", "disclosure_public.verify", "POST",
         lambda w: "/p/shian-jjhzs/verify", EVERYONE, public=True),
]


AUDITORS = only("admin", "auditor")
SUPERVISION = "/o/shian-jjhzs/supervision"
SUPERVISION_CASES = [
    Case("township dashboard", "supervision.dashboard", "GET", lambda w: "/supervision/",
         AUDITORS),
    Case("township dashboard of one township", "supervision.dashboard", "GET",
         lambda w: "/supervision/?t=tashan", AUDITORS),
    Case("township dashboard of another township", "supervision.dashboard", "GET",
         lambda w: "/supervision/?t=jinshi", ADMIN),
    Case("warning thresholds", "supervision.thresholds", "GET",
         lambda w: "/supervision/t/tashan/thresholds", AUDITORS),
    Case("save warning thresholds", "supervision.thresholds", "POST",
         lambda w: "/supervision/t/tashan/thresholds", AUDITORS),
    Case("organisation's warnings and audits", "org_supervision.org", "GET",
         lambda w: f"{SUPERVISION}/", SHIAN_JJHZS),
    Case("organisation's warnings: other township", "org_supervision.org", "GET",
         lambda w: "/o/jinshi-jjhzs/supervision/", only("admin", "jinshi-kj")),
    Case("township opinion", "org_supervision.opinion", "POST",
         lambda w: f"{SUPERVISION}/opinions", AUDITORS),
    Case("start an audit", "org_supervision.new_audit", "GET",
         lambda w: f"{SUPERVISION}/audits/new", AUDITORS),
    Case("start an audit: save", "org_supervision.new_audit", "POST",
         lambda w: f"{SUPERVISION}/audits/new", AUDITORS),
    Case("audit", "org_supervision.audit", "GET",
         lambda w: f"{SUPERVISION}/audits/{w.audit_id}", SHIAN_JJHZS),
    Case("audit of another organisation", "org_supervision.audit", "GET",
         lambda w: f"/o/shian-tdgf/supervision/audits/{w.audit_id}",
         only("admin", "accountant", "reviewer", "auditor"),
         not_found_for=only("admin", "accountant", "reviewer", "auditor")),
    Case("audit checklist item", "org_supervision.check", "POST",
         lambda w: f"{SUPERVISION}/audits/{w.audit_id}/checks/{w.check_id}", frozenset(),
         step="check", workflow="audit"),
    Case("close an audit", "org_supervision.close_audit", "POST",
         lambda w: f"{SUPERVISION}/audits/{w.audit_id}/close", frozenset(), step="close",
         workflow="audit"),
    Case("audit report PDF", "org_supervision.report_pdf", "GET",
         lambda w: f"{SUPERVISION}/audits/{w.audit_id}/report.pdf", SHIAN_JJHZS),
    Case("record a finding", "org_supervision.new_finding", "GET",
         lambda w: f"{SUPERVISION}/audits/{w.audit_id}/findings/new", AUDITORS),
    Case("record a finding: save", "org_supervision.new_finding", "POST",
         lambda w: f"{SUPERVISION}/audits/{w.audit_id}/findings/new", frozenset(),
         step="add_finding", workflow="audit"),
    Case("finding", "org_supervision.finding", "GET",
         lambda w: f"{SUPERVISION}/findings/{w.finding_id}", SHIAN_JJHZS),
    Case("answer a finding", "org_supervision.respond", "POST",
         lambda w: f"{SUPERVISION}/findings/{w.finding_id}/respond", frozenset(),
         step="respond", workflow="finding"),
    Case("close a finding", "org_supervision.close_finding", "POST",
         lambda w: f"{SUPERVISION}/findings/{w.finding_id}/close", frozenset(), step="close",
         workflow="finding"),
]


FILINGS = "/o/shian-jjhzs/filings"
FILERS = only("admin", "accountant", "reviewer", "supervisor", "auditor")
FILING_CASES = [
    Case("filings", "filings.index", "GET", lambda w: f"{FILINGS}/", FILERS),
    Case("filings: other township", "filings.index", "GET",
         lambda w: "/o/jinshi-jjhzs/filings/", only("admin", "jinshi-kj")),
    Case("filing year", "filings.year_page", "GET", lambda w: f"{FILINGS}/2024/", FILERS),
    Case("filing version", "filings.year_page", "GET",
         lambda w: f"{FILINGS}/2024/?version=1", FILERS),
    Case("filing table xlsx", "filings.table_file", "GET",
         lambda w: f"{FILINGS}/2024/income_distribution.xlsx", FILERS),
    Case("filing table pdf", "filings.table_file", "GET",
         lambda w: f"{FILINGS}/2024/asset_check.pdf?version=1", FILERS),
    Case("explain a change", "filings.explain", "POST", lambda w: f"{FILINGS}/2024/explain",
         frozenset(), step="explain", workflow="filing"),
    Case("submit a year", "filings.submit", "POST", lambda w: f"{FILINGS}/2024/submit",
         frozenset(), step="submit", workflow="filing"),
    Case("accept a filing", "filings.accept", "POST",
         lambda w: f"{FILINGS}/versions/{w.filing_id}/accept", frozenset(), step="accept",
         workflow="filing"),
    Case("return a filing", "filings.return_filing", "POST",
         lambda w: f"{FILINGS}/versions/{w.filing_id}/return", frozenset(), step="return",
         workflow="filing"),
    Case("township filings", "filings.township", "GET", lambda w: "/t/tashan/filings/2024/",
         only("admin", "auditor", "county")),
    Case("township filings: other", "filings.township", "GET",
         lambda w: "/t/jinshi/filings/2024/", only("admin", "county")),
    Case("township summary", "filings.summarise", "POST",
         lambda w: "/t/tashan/filings/2024/summarise", AUDITORS),
    Case("accept a township summary", "filings.accept_summary", "POST",
         lambda w: f"/t/tashan/filings/summaries/{w.summary_id}/accept",
         only("admin", "county")),
    Case("return a township summary", "filings.return_summary", "POST",
         lambda w: f"/t/tashan/filings/summaries/{w.summary_id}/return",
         only("admin", "county")),
    Case("a summary of another township", "filings.accept_summary", "POST",
         lambda w: f"/t/jinshi/filings/summaries/{w.summary_id}/accept",
         frozenset(), not_found_for=only("admin", "county", "auditor", "accountant", "reviewer",
                                         "cashier", "supervisor", "member", "jinshi-kj")),
    Case("build an archive", "filings.archive", "POST", lambda w: f"{FILINGS}/2024/archive",
         only("admin", "accountant", "auditor")),
    Case("download an archive", "filings.archive_file", "GET",
         lambda w: f"{FILINGS}/archives/{w.archive_id}.zip",
         only("admin", "accountant", "auditor")),
    Case("an archive of another organisation", "filings.archive_file", "GET",
         lambda w: f"/o/shian-tdgf/filings/archives/{w.archive_id}.zip",
         only("admin", "accountant"), not_found_for=only("admin", "accountant", "auditor")),
    Case("township summary xlsx", "filings.township_file", "GET",
         lambda w: "/t/tashan/filings/2024/summary/income_distribution.xlsx",
         only("admin", "auditor", "county")),
    Case("county summary pdf", "filings.county_file", "GET",
         lambda w: "/c/建平县/filings/2024/summary/income_distribution.pdf",
         frozenset(), not_found_for=only("admin", "county")),
    Case("accept a filing of another organisation", "filings.accept", "POST",
         lambda w: f"/o/jinshi-jjhzs/filings/versions/{w.filing_id}/accept", frozenset(),
         not_found_for=only("admin", "jinshi-kj")),
    Case("county filings", "filings.county", "GET", lambda w: "/c/建平县/filings/2024/",
         only("admin", "county")),
    Case("county summary", "filings.summarise_county", "POST",
         lambda w: "/c/建平县/filings/2024/summarise", only("admin", "county")),
]


def build_filing_world(by_name: Any, app: Flask) -> Any:
    """石安村股份经济合作社's 2024 closed with its year-end vouchers, submitted and accepted,
    and 塔山镇's summary of it."""
    from coopledger.filings import services as filings
    from tests.distribution_helpers import close_year

    org, accountant = by_name.org("shian-jjhzs"), by_name.user("accountant")
    reviewer = by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 5))
    close_year(org, 2024, accountant=accountant, reviewer=reviewer)
    filing = filings.submit(org, 2024, by=accountant)
    by_name.filing_id = filing.id
    filings.accept(filing, by=by_name.user("auditor"))
    by_name.summary_id = filings.summarise(by_name.township("tashan"), 2024,
                                           by=by_name.user("auditor")).id
    from coopledger.filings.archive import archive_job
    from coopledger.filings.models import Archive

    with tempfile.TemporaryDirectory() as folder:
        archive_job({"organisation_id": org.id, "year": 2024, "user_id": accountant.id},
                    lambda percent, message: None, Path(folder))
    by_name.archive_id = db.session.scalars(sa.select(Archive.id)).one()
    db.session.commit()
    return by_name


SPENDING = "/o/shian-jjhzs/spending"
SPENDERS = only("admin", "accountant", "reviewer", "cashier", "supervisor", "auditor")


def spending_step(name: str, endpoint: str, state: str, action: str, step: str) -> Case:
    """A spending-request endpoint on the world's request in ``state``: expected open to
    whoever ``rules.REQUEST_STEPS`` gives the step's permission to (the view's check; the
    service then refuses with a sentence what the record's state rules out), 403 for the
    rest."""
    return Case(name, endpoint, "POST", lambda w: f"{SPENDING}/{w.spending[state]}/{action}",
                frozenset(), step=step, workflow="spending")


SPENDING_CASES = [
    Case("spending requests", "spending.index", "GET", lambda w: f"{SPENDING}/", SPENDERS),
    Case("spending: other township", "spending.index", "GET",
         lambda w: "/o/jinshi-jjhzs/spending/", only("admin", "jinshi-kj")),
    Case("new spending request", "spending.create", "GET", lambda w: f"{SPENDING}/new",
         only("admin", "accountant", "cashier")),
    Case("spending request", "spending.show", "GET",
         lambda w: f"{SPENDING}/{w.spending['submitted']}", SPENDERS),
    Case("spending request: other organisation", "spending.show", "GET",
         lambda w: f"/o/shian-tdgf/spending/{w.spending['submitted']}",
         frozenset(), not_found_for=only("admin", "accountant", "reviewer", "auditor")),
    Case("spending scan", "spending.scan", "GET",
         lambda w: f"{SPENDING}/{w.spending['draft']}/scans/{w.spending_scan}",
         SPENDERS),
    Case("edit spending draft", "spending.edit", "GET",
         lambda w: f"{SPENDING}/{w.spending['draft']}/edit", frozenset(),
         step="edit", workflow="spending"),
    spending_step("add spending scans", "spending.add_scans", "draft", "scans", "edit"),
    spending_step("submit spending", "spending.submit", "draft", "submit", "submit"),
    spending_step("delete spending draft", "spending.delete", "draft", "delete", "delete"),
    spending_step("approve spending", "spending.approve", "submitted", "approve", "approve"),
    spending_step("refuse spending", "spending.refuse", "submitted", "refuse", "refuse"),
    spending_step("pay spending", "spending.pay", "approved", "pay", "pay"),
    spending_step("take back a payment", "spending.unpay", "paid", "unpay", "unpay"),
    Case("payment batches", "spending.batches", "GET", lambda w: f"{SPENDING}/batches/",
         SPENDERS),
    Case("new payment batch", "spending.batches", "POST", lambda w: f"{SPENDING}/batches/",
         only("admin", "cashier")),
    Case("payment batch", "spending.batch", "GET",
         lambda w: f"{SPENDING}/batches/{w.batch['id']}", SPENDERS),
    Case("payment batch of another organisation", "spending.batch", "GET",
         lambda w: f"/o/shian-tdgf/spending/batches/{w.batch['id']}", frozenset(),
         not_found_for=only("admin", "accountant", "reviewer", "auditor")),
    Case("payment file", "spending.batch_file", "GET",
         lambda w: f"{SPENDING}/batches/{w.batch['id']}/file", only("admin", "cashier")),
    Case("bank result of a batch", "spending.batch_result", "POST",
         lambda w: f"{SPENDING}/batches/{w.batch['id']}/result", only("admin", "cashier")),
    Case("answer a batch item", "spending.batch_item", "POST",
         lambda w: f"{SPENDING}/batches/{w.batch['id']}/items/{w.batch['item']}",
         only("admin", "cashier")),
    Case("spending chain", "spending.chain", "GET", lambda w: "/t/tashan/spending/chain",
         only("admin", "auditor")),
    Case("save spending chain", "spending.chain", "POST", lambda w: "/t/tashan/spending/chain",
         only("admin", "auditor")),
    Case("spending chain: other township", "spending.chain", "GET",
         lambda w: "/t/jinshi/spending/chain", ADMIN),
]


BANK = "/o/shian-jjhzs/bank"
BOOK_READERS = only("admin", "accountant", "reviewer", "cashier", "supervisor", "auditor")
RECONCILERS = only("admin", "accountant", "cashier")


def _bank(path: str) -> Callable[[Any], str]:
    return lambda w: f"{BANK}/{w.bank['account']}/{path.format(**w.bank)}"


BANK_CASES = [
    Case("bank accounts", "banking.index", "GET", lambda w: f"{BANK}/", BOOK_READERS),
    Case("bank accounts: other township", "banking.index", "GET",
         lambda w: "/o/jinshi-jjhzs/bank/", only("admin", "jinshi-kj")),
    Case("bank account", "banking.account", "GET", _bank(""), BOOK_READERS),
    Case("bank account of another organisation", "banking.account", "GET",
         lambda w: f"/o/shian-tdgf/bank/{w.bank['account']}/", frozenset(),
         not_found_for=only("admin", "accountant", "reviewer", "auditor")),
    Case("save statement columns", "banking.account", "POST", _bank(""), RECONCILERS),
    Case("import a statement", "banking.import_statement", "POST", _bank("statements"),
         RECONCILERS),
    Case("statement file", "banking.statement_file", "GET", _bank("statements/{statement}"),
         BOOK_READERS),
    Case("match automatically", "banking.auto_match", "POST", _bank("match"), RECONCILERS),
    Case("reconciliation month", "banking.month", "GET", _bank("2024/3"), BOOK_READERS),
    Case("reconciliation table PDF", "banking.table_pdf", "GET", _bank("2024/3/table.pdf"),
         BOOK_READERS),
    Case("match by hand", "banking.match", "POST", _bank("2024/3/match"), RECONCILERS),
    Case("unmatch", "banking.unmatch", "POST", _bank("2024/3/unmatch/{rent_line}"),
         RECONCILERS),
    Case("voucher from a statement line", "banking.draft", "POST", _bank("2024/3/draft"),
         RECONCILERS),
    Case("mark reconciled", "banking.reconcile", "POST", _bank("2024/3/reconcile"),
         RECONCILERS),
    Case("undo reconciled", "banking.unreconcile", "POST", _bank("2024/3/unreconcile"),
         RECONCILERS),
    Case("cash counts", "banking.cash_counts", "GET", lambda w: "/o/shian-jjhzs/cash/counts",
         BOOK_READERS),
    Case("record a cash count", "banking.cash_counts", "POST",
         lambda w: "/o/shian-jjhzs/cash/counts", only("admin", "cashier")),
    Case("cash counts: other township", "banking.cash_counts", "GET",
         lambda w: "/o/jinshi-jjhzs/cash/counts", only("admin", "jinshi-kj")),
]


def build_bank_world(by_name: Any, app: Flask) -> Any:
    """石安村股份经济合作社's March 2024 books and bank statement, matched
    (tests/banking_helpers.py)."""
    from tests.banking_helpers import build_bank

    found = build_bank(by_name)
    by_name.bank = {key: value for key, value in found.items() if isinstance(value, int)}
    db.session.commit()
    return by_name


def build_spending_world(by_name: Any, app: Flask) -> Any:
    """石安村股份经济合作社's books open and a spending request in each state."""
    from tests.spending_helpers import build_requests

    book_with_vouchers(by_name.org("shian-jjhzs"), by_name.user("accountant"),
                       by_name.user("reviewer"))
    requests = build_requests(by_name)
    by_name.spending = {state: request.id for state, request in requests.items()}
    by_name.spending_scan = requests["draft"].scans[0].id
    from tests.spending_helpers import open_batch

    batch = open_batch(by_name)
    by_name.batch = {"id": batch.id, "item": batch.items[0].id}
    db.session.commit()
    return by_name


def build_supervision_world(by_name: Any, app: Flask) -> Any:
    """石安村股份经济合作社's books with an open audit (a sampled voucher) and a finding."""
    from coopledger.supervision import services as supervision
    from coopledger.supervision.models import FindingSeverity

    org, accountant = by_name.org("shian-jjhzs"), by_name.user("accountant")
    book_with_vouchers(org, accountant, by_name.user("reviewer"))
    voucher = make_voucher(org, accountant, by_name.user("reviewer"))
    audit = supervision.open_audit(org, scope="2024年财务收支", period_from=dt.date(2024, 1, 1),
                                   period_to=dt.date(2024, 12, 31), sample_size=1, seed=1,
                                   by=by_name.user("auditor"))
    by_name.audit_id, by_name.check_id = audit.id, audit.checks[0].id
    by_name.finding_id = supervision.add_finding(
        audit, severity=FindingSeverity.MINOR, title="摘要不清", detail="",
        records=f"voucher:{voucher.id}", deadline=dt.date(2024, 12, 31),
        on=dt.date(2024, 12, 1), by=by_name.user("auditor")).id
    db.session.commit()
    return by_name


def build_disclosure_world(by_name: Any, app: Flask) -> Any:
    """石安村股份经济合作社 with its first quarter of 2024 published (a post, a question) and
    the second in draft."""
    org, accountant = by_name.org("shian-jjhzs"), by_name.user("accountant")
    reviewer = by_name.user("reviewer")
    book_with_vouchers(org, accountant, reviewer)
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 2, 5))
    make_voucher(org, accountant, reviewer, on=dt.date(2024, 5, 5))
    for month in range(1, 7):
        periods.close_month(org, 2024, month, by=accountant)
    storage = store()
    first = disclosures.draft(org, "2024-Q1", by=accountant)
    by_name.post_id = disclosures.add_post(
        first, category=PostCategory.VILLAGE, title="决议", body="", by=accountant,
        attachment=(PLACEHOLDER_PNG, "r.png"), storage=storage).id
    disclosures.submit(first, by=accountant)
    disclosures.review(first, agrees=True, comment="", by=by_name.user("supervisor"))
    disclosures.township_review(first, agrees=True, opinion="无异议",
                                by=by_name.user("auditor"))
    disclosures.publish(first, render_pdf=lambda d, body: (b"%PDF a4", b"%PDF a3"),
                        storage=storage, by=accountant, today=dates.today())
    by_name.disclosure_id = first.id
    by_name.question_id = disclosures.ask(first, "为什么？", by=accountant).id
    by_name.draft_disclosure_id = disclosures.draft(org, "2024-Q2", by=accountant).id
    db.session.commit()
    return by_name


def build_world(by_name: Any, app: Flask) -> Any:
    """Sample-world lookups, an export job of the township auditor, and books with vouchers
    in each state for 石安村 (and one voucher in the other township)."""
    job = jobs.start_job("audit.export", title="导出", params={"township_ids": [
        by_name.township("tashan").id]}, by=by_name.user("auditor"))
    db.session.commit()
    jobs.execute_job(job.id)
    by_name.job_id = job.id
    accountant, reviewer = by_name.user("accountant"), by_name.user("reviewer")
    org = by_name.org("shian-jjhzs")
    book_with_vouchers(org, accountant, reviewer)
    by_name.draft_id = make_voucher(org, accountant, reviewer, upto="draft").id
    by_name.submitted_id = make_voucher(org, accountant, reviewer, upto="submitted").id
    by_name.posted_id = make_voucher(org, accountant, reviewer, upto="posted").id
    draft = db.session.get(Voucher, by_name.draft_id)
    by_name.attachment_id = add_attachment(
        draft, content=PLACEHOLDER_PNG, filename="r.png",
        storage=store(), by=accountant).id
    from coopledger.ledger.voucher_templates import save_template

    by_name.template_id = save_template(db.session.get(Voucher, by_name.posted_id),
                                        name="收到租金", by=accountant).id
    by_name.spare_account_id = add_subaccount(
        accounts_by_code(org)["112"], code="11201", name="应收龙头企业", by=accountant).id
    foreign = by_name.org("jinshi-jjhzs")
    book_with_vouchers(foreign, by_name.user("jinshi-kj"), by_name.user("admin"))
    by_name.foreign_id = make_voucher(foreign, by_name.user("jinshi-kj"), by_name.user("admin"),
                                      upto="posted").id
    household = db.session.scalars(sa.select(Household).where(
        Household.head_name == "王德明")).one()
    by_name.household_id = household.id
    by_name.parcel_id = household.parcels[0].id
    by_name.contribution_id = household.parcels[0].contributions[0].id
    by_name.operation_id = db.session.scalars(sa.select(ShareOperation.id).order_by(
        ShareOperation.id)).first()
    member = db.session.scalars(sa.select(Household).where(
        Household.head_name == "陈大山")).one()
    from coopledger.members import services as member_services
    from coopledger.members.models import MembershipSource

    member_services.admit(by_name.org("jianping-tj"), member, member_number="TJ001",
                          joined_on=dt.date(2024, 1, 1), source=MembershipSource.ORIGINAL,
                          today=dt.date(2026, 6, 1), by=None)
    by_name.coop_member_id = member.id
    certificates = {c.account.household_id: c.id for c in db.session.scalars(
        sa.select(Certificate))}
    by_name.member_certificate_id = certificates[member.id]
    by_name.certificate_token = db.session.scalars(sa.select(Certificate.token).where(
        Certificate.serial == "SHIAN-TDGF-00001", Certificate.version == 1)).one()
    by_name.share_class_id = db.session.scalars(sa.select(ShareOperation.share_class_id)).first()
    by_name.foreign_certificate_id = certificates[household.id]
    by_name.partner_id = db.session.scalars(sa.select(Partner.id)).first()
    by_name.contract_id = db.session.scalars(sa.select(Contract.id).order_by(Contract.id)).first()
    by_name.leased_id = db.session.scalars(sa.select(LeasedParcel.id).where(
        LeasedParcel.contract_id == by_name.contract_id)).first()
    tdgf = close_2024(by_name)
    plan = distribution.create_plan(tdgf, 2024, distribution.PlanData(
        mode=Mode.LAND_SHARE, members_total=Decimal("14540.00"),
        guarantee_per_mu=Decimal("800.00")), by=accountant, today=dates.today())
    distribution.propose(plan, on=dt.date(2025, 1, 10), by=accountant, today=dates.today())
    distribution.review(plan, on=dt.date(2025, 1, 20), by=accountant, today=dates.today())
    distribution.approve(plan, resolution_no="决议", on=dt.date(2025, 2, 1),
                         content=PLACEHOLDER_PNG, filename="r.png",
                         storage=store(), by=accountant, today=dates.today())
    by_name.plan_id = plan.id
    by_name.member_line_id = next(ln.id for ln in plan.lines if ln.holder == "陈大山户")
    other = next(ln for ln in plan.lines if ln.holder == "王德明户")
    by_name.other_line_id = other.id
    by_name.statement_check = f"/d/{other.id}/{check_code(other)}"
    by_name.guarantee_voucher_id = db.session.scalars(
        sa.select(GuaranteePayment.voucher_id)).first()
    batch = GuaranteeBatch(organisation_id=tdgf.id, year=2024, rate=Decimal("800.00"),
                           account_code="102", layout="generic", created_by_id=accountant.id,
                           created_at=dates.utcnow())
    db.session.add(batch)
    db.session.flush()
    db.session.add(GuaranteeBatchItem(batch_id=batch.id, household_id=member.id, number=1,
                                      reference=f"BD{batch.id:06d}0001", payee="陈大山",
                                      account="6228480000000000001", amount=Decimal("1.00")))
    by_name.guarantee_batch_id = batch.id
    lease = db.session.get(Contract, by_name.contract_id)
    by_name.payment_id = record_payment(lease, purpose=Purpose.RENT, on=dt.date(2025, 3, 25),
                                        amount=Decimal("1000.00"), cash_code="102",
                                        by=accountant, today=dates.today()).id
    by_name.file_id = add_file(lease, content=PLACEHOLDER_PNG, filename="contract.png",
                               storage=store(), by=accountant).id
    db.session.commit()
    return by_name


def build_asset_world(by_name: Any, app: Flask) -> Any:
    """石安村股份经济合作社's books with a card (a photo, a drafted month), a disposed card, a
    resource with a document and a linked contract, and an open stock-take (kept apart from
    ``world``, which the other cases build and these do not need)."""
    org, accountant = by_name.org("shian-jjhzs"), by_name.user("accountant")
    book_with_vouchers(org, accountant, by_name.user("reviewer"))
    storage = store()
    card = cards.create_card(org, cards.CardData(
        number="A-001", name="办公电脑", category=Category.OFFICE,
        acquired_on=dt.date(2023, 12, 1), original=Decimal("6000.00"),
        residual_percent=Decimal(0), life_months=60, expense_code="513"), by=accountant,
        today=dates.today())
    by_name.card_id = card.id
    by_name.photo_id = cards.add_photo(card, content=PLACEHOLDER_PNG, filename="pc.png",
                                       storage=storage, by=accountant).id
    by_name.run_id = depreciation.draft_run(org, 2024, 1, by=accountant, today=dates.today()).id
    scrapped = cards.create_card(org, cards.CardData(
        number="A-002", name="打印机", category=Category.OFFICE,
        acquired_on=dt.date(2024, 1, 10), original=Decimal("1500.00"),
        residual_percent=Decimal(0), life_months=36, expense_code="513"), by=accountant,
        today=dates.today())
    disposals.dispose(scrapped, kind=DisposalKind.SCRAP, on=dt.date(2024, 1, 20),
                      proceeds=Decimal(0), costs=Decimal(0), cash_code=None, reason="损坏",
                      by=accountant, today=dates.today())
    by_name.disposed_card_id = scrapped.id
    resource = resources.create_resource(org, resources.ResourceData(
        number="R-01", name="南塘", kind=ResourceKind.WATER, area_mu=Decimal("8.5")),
        by=accountant)
    by_name.resource_id = resource.id
    by_name.resource_file_id = resources.add_file(resource, content=PLACEHOLDER_PNG,
                                                  filename="cert.png", storage=storage,
                                                  by=accountant).id
    partner = Partner(organisation=org, name="渔业大户", kind=PartnerKind.LARGE_GROWER,
                      credit_code="91511623MA6XH2K599")
    contract = Contract(organisation=org, partner=partner, number="JJ-01", title="鱼塘承包",
                        kind=ContractKind.LEASE, starts_on=dt.date(2024, 1, 1))
    db.session.add(contract)
    db.session.flush()
    by_name.jj_contract_id = contract.id
    resources.link_contract(resource, contract, by=accountant)
    stock_take = stocktake.start(org, year=2024, counted_on=dt.date(2024, 6, 30), by=accountant,
                                 today=dates.today())
    by_name.stock_take_id = stock_take.id
    by_name.stock_item_id = stock_take.items[0].id
    db.session.commit()
    return by_name


BUILDERS: dict[str, Callable[[Any, Flask], Any]] = {
    "world": build_world, "asset_world": build_asset_world,
    "disclosure_world": build_disclosure_world, "supervision_world": build_supervision_world,
    "filing_world": build_filing_world, "spending_world": build_spending_world,
    "bank_world": build_bank_world,
}


class Worlds:
    """The world the current test needs, built once on the module's connection.

    Building a world takes about a second; the matrix has ~1,300 cases. Each world is built in
    a savepoint of the module's transaction and kept while consecutive tests need it; each test
    then runs in a savepoint of its own on top, rolled back afterwards. Moving to a test that
    needs another world rolls the first one back (SQLite has one writer, so worlds are built
    one at a time on one connection).
    """

    def __init__(self, app: Flask, connection: sa.Connection) -> None:
        self.app, self.connection = app, connection
        self.current: str | None = None
        self.savepoint: sa.NestedTransaction | None = None
        self.lookup: Any = None

    def ensure(self, name: str | None) -> Any:
        if name == self.current:
            return self.lookup
        if self.savepoint is not None and self.savepoint.is_active:
            self.savepoint.rollback()
        self.current, self.savepoint, self.lookup = None, None, None
        if name is None:
            return None
        self.savepoint = self.connection.begin_nested()
        with self.app.app_context(), bound_session(self.connection):
            self.lookup = BUILDERS[name](Lookup(), self.app)
            db.session.commit()
        self.current = name
        return self.lookup


@pytest.fixture(scope="module")
def db_connection(app: Flask) -> Iterator[sa.Connection]:
    """One connection (and transaction) for the whole module: the worlds live in it."""
    with rolled_back_connection(app) as connection:
        yield connection


@pytest.fixture(scope="module")
def worlds(app: Flask, db_connection: sa.Connection) -> Worlds:
    return Worlds(app, db_connection)


@pytest.fixture
def session(request: pytest.FixtureRequest, app: Flask, db_connection: sa.Connection,
            worlds: Worlds) -> Iterator[Any]:
    """The test's savepoint, on top of the world it asks for (or of none)."""
    worlds.ensure(next((name for name in BUILDERS if name in request.fixturenames), None))
    with savepoint_session(app, db_connection) as bound:
        yield bound


@pytest.fixture
def world(session: Any, worlds: Worlds) -> Any:
    """Sample-world lookups, an export job of the township auditor, and books with vouchers
    in each state for 石安村 (and one voucher in the other township)."""
    return worlds.lookup


@pytest.fixture
def asset_world(session: Any, worlds: Worlds) -> Any:
    """Cards, a disposal, a resource and a stock-take of 石安村股份经济合作社."""
    return worlds.lookup


@pytest.fixture
def disclosure_world(session: Any, worlds: Worlds) -> Any:
    """石安村股份经济合作社 with 2024-Q1 published and 2024-Q2 in draft."""
    return worlds.lookup


@pytest.fixture
def supervision_world(session: Any, worlds: Worlds) -> Any:
    """石安村股份经济合作社 with an open audit and a finding."""
    return worlds.lookup


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_matrix(client: FlaskClient, auth: Auth, world: Any, case: Case, user: str) -> None:
    _check(client, auth, world, case, user)


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("case", ASSET_CASES, ids=lambda c: c.name)
def test_asset_matrix(client: FlaskClient, auth: Auth, asset_world: Any, case: Case,
                      user: str) -> None:
    _check(client, auth, asset_world, case, user)


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("case", DISCLOSURE_CASES, ids=lambda c: c.name)
def test_disclosure_matrix(client: FlaskClient, auth: Auth, disclosure_world: Any, case: Case,
                           user: str) -> None:
    _check(client, auth, disclosure_world, case, user)


@pytest.fixture
def filing_world(session: Any, worlds: Worlds) -> Any:
    """石安村股份经济合作社 with 2024 filed and accepted, and 塔山镇's summary."""
    return worlds.lookup


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("case", FILING_CASES, ids=lambda c: c.name)
def test_filing_matrix(client: FlaskClient, auth: Auth, filing_world: Any, case: Case,
                       user: str) -> None:
    _check(client, auth, filing_world, case, user)


@pytest.fixture
def spending_world(session: Any, worlds: Worlds) -> Any:
    """石安村股份经济合作社 with a spending request in each state."""
    return worlds.lookup


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("case", SPENDING_CASES, ids=lambda c: c.name)
def test_spending_matrix(client: FlaskClient, auth: Auth, spending_world: Any, case: Case,
                         user: str) -> None:
    _check(client, auth, spending_world, case, user)


@pytest.fixture
def bank_world(session: Any, worlds: Worlds) -> Any:
    """石安村股份经济合作社 with March 2024's statement imported and matched."""
    return worlds.lookup


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("case", BANK_CASES, ids=lambda c: c.name)
def test_bank_matrix(client: FlaskClient, auth: Auth, bank_world: Any, case: Case,
                     user: str) -> None:
    _check(client, auth, bank_world, case, user)


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("case", SUPERVISION_CASES, ids=lambda c: c.name)
def test_supervision_matrix(client: FlaskClient, auth: Auth, supervision_world: Any,
                            case: Case, user: str) -> None:
    _check(client, auth, supervision_world, case, user)


EXPONENT = re.compile(r"(?<![0-9A-Za-z])[0-9]+(?:\.[0-9]+)?E[+-][0-9]+(?![0-9A-Za-z])")
UNFORMATTED = re.compile(r"Decimal\(|<td class=\"num\">-?[0-9]{5,}\.[0-9]{2}</td>")
"""A Decimal's repr, or an amount of 10,000 or more in a figures column without thousands
separators: numbers that did not go through the one numbers layer (money.py filters)."""


def _check(client: FlaskClient, auth: Auth, world: Any, case: Case, user: str) -> None:
    if user != ANON:
        auth.sign_in(user)
    path = case.path(world)
    # who may, read before the request: a step taken changes the record's state
    allowed = _step_allowed(world, case.step, case.workflow) if case.step else case.allowed
    response = client.open(path, method=case.method)
    status = response.status_code
    if status == 200 and response.mimetype == "text/html":
        # one numbers layer (issue 18): no page shows a number in exponent form ("2E+1%")
        text = response.get_data(as_text=True)
        shown = EXPONENT.findall(text) + UNFORMATTED.findall(text)
        assert shown == [], f"{user} {case.method} {path} shows {shown[:3]}"
    response.close()
    if user in case.not_found_for:
        assert status == 404, f"{user} must get 404 for {case.method} {path}, got {status}"
    elif user == ANON and not case.public:
        assert status == 302
        assert response.headers["Location"].startswith("/auth/login")
    elif user in allowed or (user == ANON and case.public):
        assert status in (200, 302), f"{user} should reach {case.method} {path}, got {status}"
        if status == 302:
            assert not response.headers["Location"].startswith("/auth/login")
    else:
        assert status == 403, f"{user} must be refused {case.method} {path}, got {status}"
        assert "您没有权限查看或操作此页面" in response.get_data(as_text=True)


def _step_allowed(world: Any, step: str, workflow: str = "voucher") -> frozenset[str]:
    """Who may take ``step`` of the matrix's record of ``workflow`` (a voucher of 石安村, a
    share request of the land-share cooperative) by the permission its rule's table names."""
    from coopledger.assets.rules import DISPOSAL_STEPS, RUN_STEPS, STOCKTAKE_STEPS
    from coopledger.auth.permissions import can
    from coopledger.contracts.rules import CONTRACT_STEPS, PAYMENT_STEPS
    from coopledger.disclosure.rules import DISCLOSURE_STEPS
    from coopledger.distribution.rules import (
        GUARANTEE_BATCH_STEPS,
        GUARANTEE_PAYMENT_STEPS,
        PLAN_STEPS,
    )
    from coopledger.filings.rules import FILING_STEPS
    from coopledger.ledger.rules import VOUCHER_STEPS
    from coopledger.shares.rules import SHARE_REQUEST_STEPS
    from coopledger.spending.rules import REQUEST_STEPS
    from coopledger.supervision.rules import AUDIT_STEPS, FINDING_STEPS

    table, code = {"voucher": (VOUCHER_STEPS, "shian-jjhzs"),
                   "share": (SHARE_REQUEST_STEPS, "shian-tdgf"),
                   "contract": (CONTRACT_STEPS, "shian-tdgf"),
                   "payment": (PAYMENT_STEPS, "shian-tdgf"),
                   "guarantee": (GUARANTEE_PAYMENT_STEPS, "shian-tdgf"),
                   "guarantee_batch": (GUARANTEE_BATCH_STEPS, "shian-tdgf"),
                   "run": (RUN_STEPS, "shian-jjhzs"),
                   "disposal": (DISPOSAL_STEPS, "shian-jjhzs"),
                   "plan": (PLAN_STEPS, "shian-tdgf"),
                   "disclosure": (DISCLOSURE_STEPS, "shian-jjhzs"),
                   "stocktake": (STOCKTAKE_STEPS, "shian-jjhzs"),
                   "finding": (FINDING_STEPS, "shian-jjhzs"),
                   "audit": (AUDIT_STEPS, "shian-jjhzs"),
                   "filing": (FILING_STEPS, "shian-jjhzs"),
                   "spending": (REQUEST_STEPS, "shian-jjhzs")}[workflow]
    org = world.org(code)
    return frozenset(user for user in USERS if user != ANON
                     and can(world.user(user), table[step].action, org))


def test_every_endpoint_is_in_the_matrix(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    covered = {case.endpoint for case in [*CASES, *ASSET_CASES, *DISCLOSURE_CASES,
                                             *SUPERVISION_CASES, *FILING_CASES,
                                             *SPENDING_CASES, *BANK_CASES]}
    assert endpoints - covered == set()


@pytest.mark.parametrize(("user", "links", "hidden"), [
    ("admin", ["/admin/users/", "/admin/orgs", "/audit/"], []),
    ("auditor", ["/audit/", "/t/tashan/"], ["/admin/users/", "/admin/orgs"]),
    ("accountant", ["/o/shian-jjhzs/", "/o/shian-tdgf/"], ["/admin/users/", "/audit/"]),
    ("member", ["/o/shian-tdgf/"], ["/admin/users/", "/audit/", "/o/shian-jjhzs/"]),
])
def test_home_shows_only_what_the_user_may_open(client: FlaskClient, auth: Auth, user: str,
                                                links: list[str], hidden: list[str]) -> None:
    auth.login(user)
    page = client.get("/").get_data(as_text=True)
    for link in links:
        assert f'href="{link}"' in page, link
    for link in hidden:
        assert f'href="{link}"' not in page, link


def test_org_page_links_only_to_what_the_viewer_may_open(client: FlaskClient,
                                                         auth: Auth) -> None:
    auth.login("member")
    page = client.get("/o/shian-tdgf/").get_data(as_text=True)
    assert "建平县塔山镇石安村股份经济合作社" in page
    assert 'href="/o/shian-jjhzs/"' not in page
    assert 'href="/t/tashan/"' not in page
    auth.login("auditor")
    page = client.get("/o/shian-tdgf/").get_data(as_text=True)
    assert 'href="/o/shian-jjhzs/"' in page
    assert 'href="/t/tashan/"' in page


CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
HEADING = re.compile(r"<(h1|h2|h3|th|legend|label|button)\b[^>]*>(.*?)</\1>", re.S)


def _names_in_the_world() -> list[str]:
    """Names of people, places, organisations, accounts and other user data: they stay as
    they are in English (issue 18), so they are taken out before looking for Chinese."""
    from coopledger.auth.models import User
    from coopledger.contracts.models import Partner
    from coopledger.jobs.models import Job
    from coopledger.ledger.models import Account
    from coopledger.orgs.models import Organisation, Township, Village
    from coopledger.shares.models import ShareClass

    names: set[str] = {"中文"}  # the language switch names Chinese in Chinese
    for model, columns in ((Organisation, ("name",)), (Township, ("name", "county")),
                           (ShareClass, ("name",)), (Job, ("title",)),
                           (Village, ("name",)), (Household, ("head_name", "address")),
                           (Partner, ("name",)), (Account, ("name",)), (User, ("display_name",))):
        for column in columns:
            names.update(v for v in db.session.scalars(sa.select(getattr(model, column))) if v)
    return sorted(names, key=len, reverse=True)


def _gets(cases: list[Case]) -> list[Case]:
    return [c for c in cases if c.method == "GET"]


@pytest.mark.parametrize("case", _gets(CASES), ids=lambda c: c.name)
def test_every_page_is_english_in_english(client: FlaskClient, auth: Auth, world: Any,
                                          case: Case) -> None:
    _english_page(client, auth, world, case)


@pytest.mark.parametrize("case", _gets(ASSET_CASES), ids=lambda c: c.name)
def test_every_asset_page_is_english_in_english(client: FlaskClient, auth: Auth,
                                                asset_world: Any, case: Case) -> None:
    _english_page(client, auth, asset_world, case)


@pytest.mark.parametrize("case", _gets(DISCLOSURE_CASES), ids=lambda c: c.name)
def test_every_disclosure_page_is_english_in_english(client: FlaskClient, auth: Auth,
                                                     disclosure_world: Any, case: Case) -> None:
    _english_page(client, auth, disclosure_world, case)


@pytest.mark.parametrize("case", _gets(SUPERVISION_CASES), ids=lambda c: c.name)
def test_every_supervision_page_is_english_in_english(client: FlaskClient, auth: Auth,
                                                      supervision_world: Any,
                                                      case: Case) -> None:
    _english_page(client, auth, supervision_world, case)


@pytest.mark.parametrize("case", _gets(BANK_CASES), ids=lambda c: c.name)
def test_every_bank_page_is_english_in_english(client: FlaskClient, auth: Auth,
                                               bank_world: Any, case: Case) -> None:
    _english_page(client, auth, bank_world, case)


@pytest.mark.parametrize("case", _gets(FILING_CASES), ids=lambda c: c.name)
def test_every_filing_page_is_english_in_english(client: FlaskClient, auth: Auth,
                                                 filing_world: Any, case: Case) -> None:
    _english_page(client, auth, filing_world, case)


def _english_page(client: FlaskClient, auth: Auth, world: Any, case: Case) -> None:
    """Headings, table headers, labels and buttons of every page carry English words when
    English is chosen; Chinese only in names and user data (taken out first)."""
    auth.login("admin")
    client.post("/language", data={"lang": "en"})
    response = client.get(case.path(world))
    if response.status_code != 200 or response.mimetype != "text/html":
        response.close()
        return
    page = response.get_data(as_text=True)
    names = _names_in_the_world()
    chinese_only = []
    for _tag, inner in HEADING.findall(page):
        text = re.sub(r"<[^>]+>", " ", inner)
        for name in names:
            text = text.replace(name, " ")
        if CJK.search(text) and not re.search(r"[A-Za-z]{2,}", text):
            chinese_only.append(text.strip())
    assert chinese_only == [], f"{case.path(world)}: {chinese_only[:5]}"
