"""Setting up an organisation's books: the chart, the book record, accounts and periods.

Services flush and audit; the calling view commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from coopledger.audit.services import record
from coopledger.errors import CoopLedgerError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger import rules
from coopledger.ledger.charts import chart
from coopledger.ledger.mnemonics import clean_mnemonic, mnemonic_of
from coopledger.ledger.models import Account, Book, Period, VoucherLine
from coopledger.ledger.standards import STANDARDS
from coopledger.money import grouped

if TYPE_CHECKING:
    import datetime as dt

    from coopledger.auth.models import User
    from coopledger.orgs.models import Organisation


class AccountError(CoopLedgerError):
    """A change to the chart of accounts that is not allowed."""

    message = N_("科目设置不正确。")


def install_chart(org: Organisation) -> Book:
    """Create the book and the standard's official accounts (idempotent)."""
    book = db.session.get(Book, org.id)
    if book is None:
        book = Book(organisation=org, opened_on=None, cashier_confirms=False, last_post_seq=0,
                    chain_head="")
        db.session.add(book)
    existing = {a.code for a in db.session.scalars(
        sa.select(Account).where(Account.organisation_id == org.id))}
    by_code: dict[str, Account] = {}
    for row in chart(org.standard):
        if row.code in existing:
            continue
        account = Account(organisation_id=org.id, code=row.code, name=row.name,
                          category=row.category, normal_side=row.normal_side, is_official=True,
                          mnemonic=mnemonic_of(row.name))
        db.session.add(account)
        by_code[row.code] = account
    std = STANDARDS[org.standard]
    parent = by_code.get(std.distribution)
    if parent is not None:
        appropriations = _child(parent, *std.appropriations)
        for code, name in std.appropriation_items:
            _child(appropriations, code, name)
        _child(parent, *std.retained)
    db.session.flush()
    return book


def _child(parent: Account, code: str, name: str) -> Account:
    account = Account(organisation_id=parent.organisation_id, code=code, name=name,
                      category=parent.category, normal_side=parent.normal_side, parent=parent,
                      is_official=True, mnemonic=mnemonic_of(name))
    db.session.add(account)
    return account


def get_book(org: Organisation) -> Book:
    """The organisation's book, created with its chart on first use."""
    return db.session.get(Book, org.id) or install_chart(org)


def lock_book(org_id: int) -> Book:
    """Lock the organisation's book row: the one lock that serialises what must happen one at a
    time per organisation (posting, publishing, a depreciation month)."""
    return db.session.scalars(sa.select(Book).where(Book.organisation_id == org_id)
                              .with_for_update().execution_options(populate_existing=True)).one()


def accounts_by_code(org: Organisation) -> dict[str, Account]:
    """Every account of the organisation keyed by code."""
    return {a.code: a for a in db.session.scalars(
        sa.select(Account).where(Account.organisation_id == org.id))}


def has_postings(account: Account) -> bool:
    """Whether any voucher line (draft or posted) uses the account."""
    return db.session.scalar(sa.select(VoucherLine.id).where(
        VoucherLine.account_id == account.id).limit(1)) is not None


def add_subaccount(parent: Account, *, code: str, name: str, member_ledger: bool = False,
                   by: User | None) -> Account:
    """Add a 明细科目 under ``parent``; refused if the parent already has postings."""
    code, name = code.strip(), name.strip()
    rules.check_subaccount_code(parent.code, code)
    if not name:
        raise AccountError(N_("请填写科目名称。"))
    if db.session.scalar(sa.select(Account.id).where(
            Account.organisation_id == parent.organisation_id, Account.code == code)):
        raise AccountError(N_("科目编码 %(code)s 已经存在。"), code=code)
    if parent.is_leaf and has_postings(parent):
        raise AccountError(N_("科目 %(label)s 已有分录，不能再增设明细科目。"), label=parent.label)
    if parent.is_closed:
        raise AccountError(N_("科目 %(label)s 已停用。"), label=parent.label)
    account = Account(organisation_id=parent.organisation_id, code=code, name=name,
                      category=parent.category, normal_side=parent.normal_side, parent=parent,
                      is_member_ledger=member_ledger or parent.is_member_ledger,
                      is_official=False, mnemonic=mnemonic_of(name))
    db.session.add(account)
    db.session.flush()
    record("account.create", account, by=by,
           label=f"{account.code} {account.full_name}",
           after={"code": code, "name": name, "parent": parent.code})
    return account


def rename_account(account: Account, *, name: str, by: User | None) -> Account:
    """Rename a sub-account that has no postings (posted text must stay as it was hashed)."""
    if account.is_official:
        raise AccountError(N_("国家统一科目不能改名。"))
    if has_postings(account):
        raise AccountError(N_("科目 %(label)s 已有分录，不能改名；可停用后另设新科目。"),
                           label=account.label)
    before = {"name": account.name, "mnemonic": account.mnemonic}
    if account.mnemonic == mnemonic_of(account.name):   # generated, not typed: follows the name
        account.mnemonic = mnemonic_of(name.strip())
    account.name = name.strip()
    db.session.flush()
    record("account.rename", account, by=by, before=before,
           after={"name": account.name, "mnemonic": account.mnemonic})
    return account


def set_mnemonic(account: Account, *, text: str, by: User | None) -> Account:
    """Set an account's 助记码 as typed (empty: generated from its name again)."""
    before = {"mnemonic": account.mnemonic}
    account.mnemonic = clean_mnemonic(text, name=account.name)
    db.session.flush()
    record("account.mnemonic", account, by=by, label=f"{account.code} {account.full_name}",
           before=before, after={"mnemonic": account.mnemonic})
    return account


def delete_account(account: Account, *, by: User | None) -> None:
    """Delete a sub-account without postings or children."""
    if account.is_official:
        raise AccountError(N_("国家统一科目不能删除。"))
    if account.children:
        raise AccountError(N_("科目 %(label)s 下还有明细科目，不能删除。"), label=account.label)
    if has_postings(account):
        raise AccountError(N_("科目 %(label)s 已有分录，不能删除；余额为零时可以停用。"),
                           label=account.label)
    record("account.delete", account, by=by, before={"code": account.code, "name": account.name})
    db.session.delete(account)
    db.session.flush()


def close_account(account: Account, *, on: dt.date, by: User | None) -> Account:
    """Close an account whose posted balance is zero; it takes no more postings."""
    from coopledger.ledger.queries import account_balance

    if account.is_closed:
        raise AccountError(N_("科目 %(label)s 已经停用。"), label=account.label)
    balance = account_balance(account, as_of=on)
    if balance != 0:
        raise AccountError(N_("科目 %(label)s 余额为 %(balance)s，余额为零才能停用。"),
                           label=account.label, balance=grouped(balance))
    pending = db.session.scalar(sa.select(VoucherLine.id).where(
        VoucherLine.account_id.in_(_subtree_ids(account)), VoucherLine.posted.is_(False))
        .limit(1))
    if pending is not None:
        raise AccountError(N_("科目 %(label)s 还有未记账的凭证，不能停用。"), label=account.label)
    account.closed_on = on
    for child in account.children:
        if not child.is_closed:
            child.closed_on = on
    db.session.flush()
    record("account.close", account, by=by, after={"closed_on": on.isoformat()})
    return account


def _subtree_ids(account: Account) -> list[int]:
    ids = [account.id]
    for child in account.children:
        ids.extend(_subtree_ids(child))
    return ids


def period_for(org_id: int, year: int, month: int, *, lock: bool = False) -> Period:
    """The month's period row, created when first needed (safe under concurrency)."""
    query = sa.select(Period).where(Period.organisation_id == org_id, Period.year == year,
                                    Period.month == month)
    period = db.session.scalar(query.with_for_update() if lock else query)
    if period is not None:
        return period
    try:
        with db.session.begin_nested():
            db.session.add(Period(organisation_id=org_id, year=year, month=month, last_number=0))
    except sa.exc.IntegrityError:
        pass  # another request created it first
    found: Period = db.session.scalars(query.with_for_update() if lock else query).one()
    return found


def find_period(org_id: int, year: int, month: int) -> Period | None:
    """The month's period row if it exists."""
    period: Period | None = db.session.scalar(sa.select(Period).where(
        Period.organisation_id == org_id, Period.year == year, Period.month == month))
    return period


def set_cashier_confirms(org: Organisation, value: bool, *, by: User | None,
                         in_date_order: bool | None = None) -> Book:
    """Whether cash and bank vouchers need the cashier's confirmation before posting, and
    whether vouchers are posted in date order within a month (序时控制)."""
    book = get_book(org)
    before = {"cashier_confirms": book.cashier_confirms, "in_date_order": book.in_date_order}
    book.cashier_confirms = value
    if in_date_order is not None:
        book.in_date_order = in_date_order
    db.session.flush()
    record("books.settings", org, by=by, before=before,
           after={"cashier_confirms": value, "in_date_order": book.in_date_order})
    return book
