"""Recording money received or paid under a contract as voucher drafts; flushes, never commits.

Rules (accounts and allocation in ``booking``): a signed contract only; the amount is positive;
the day is not in the future nor in a closed month; the purpose fits the contract's kind; the
cash or bank account is a leaf under 库存现金 or 银行存款. A rent or profit receipt settles the
schedule oldest first; more than is outstanding is refused unless the user keeps the rest as
an advance. Rent for later years goes to 应付款 and a deferral row per year, later turned into
that year's income by ``release_deferrals``. A deposit is returned only up to what is held.
Each voucher is a draft for the reviewer; the payment and the voucher link to each other.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from coopledger.audit.services import record
from coopledger.auth.models import User
from coopledger.auth.permissions import Action
from coopledger.contracts import booking
from coopledger.contracts.models import Contract, ContractKind
from coopledger.contracts.money_models import (
    Allocation,
    ContractPayment,
    Deferral,
    LineKind,
    Purpose,
    ScheduleLine,
)
from coopledger.contracts.signing import ContractError
from coopledger.contracts.steps import payment_steps_for, steps_for
from coopledger.dates import utcnow
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger import origins, vouchers
from coopledger.ledger.books import accounts_by_code
from coopledger.ledger.models import Account, Voucher
from coopledger.ledger.month_end import Item
from coopledger.ledger.queries import cash_accounts
from coopledger.ledger.standards import STANDARDS
from coopledger.locking import lock
from coopledger.money import ZERO, from_fen, grouped
from coopledger.orgs.models import Organisation

PURPOSES = {
    ContractKind.LEASE: (Purpose.RENT, Purpose.DEPOSIT_IN, Purpose.DEPOSIT_OUT),
    ContractKind.JOINT_VENTURE: (Purpose.PROFIT, Purpose.DEPOSIT_IN, Purpose.DEPOSIT_OUT),
    ContractKind.INVESTMENT: (Purpose.INVESTMENT_OUT, Purpose.DIVIDEND),
    ContractKind.EMPLOYMENT: (),
}
SCHEDULED = {Purpose.RENT: LineKind.RENT, Purpose.PROFIT: LineKind.PROFIT}


def _leaf(accounts: dict[str, Account], code: str, partner: str) -> str:
    """The account itself, or its sub-account named after the partner."""
    account = accounts.get(code)
    if account is None:
        raise ContractError(N_("账套里没有科目 %(code)s。"), code=code)
    if account.is_leaf:
        return code
    named = [c for c in account.children if c.is_leaf and partner in c.name]
    if len(named) != 1:
        raise ContractError(N_("科目 %(label)s 设有明细科目：请为“%(partner)s”设一个以其名称命名的"
                               "明细科目。"), label=account.label, partner=partner)
    return named[0].code


def _accounts(contract: Contract, cash_code: str | None) -> booking.Accounts:
    org = contract.organisation
    standard = STANDARDS[org.standard]
    accounts = accounts_by_code(org)
    if cash_code is not None and cash_code not in {a.code for a in cash_accounts(org)}:
        raise ContractError(N_("请选择库存现金或银行存款下的末级科目。"))
    partner = contract.partner.name
    return booking.Accounts(
        cash=cash_code or "", income=_leaf(accounts, standard.operating_income, partner),
        payable=_leaf(accounts, standard.payable, partner),
        investment=_leaf(accounts, standard.investment, partner),
        investment_income=_leaf(accounts, standard.investment_income, partner))


def outstanding_lines(contract: Contract, kind: LineKind) -> list[ScheduleLine]:
    """The contract's lines of ``kind`` with something still to receive, oldest due first
    (re-read from the database: under the contract's lock this is the balance to check)."""
    return [line for line in db.session.scalars(sa.select(ScheduleLine).where(
        ScheduleLine.contract_id == contract.id, ScheduleLine.kind == kind,
    ).order_by(ScheduleLine.due_on, ScheduleLine.id).execution_options(populate_existing=True))
        if line.outstanding > 0]


def deposit_held(contract: Contract) -> Decimal:
    """Deposit received minus deposit returned."""
    fen = sa.type_coerce(ContractPayment.amount, sa.BigInteger)
    rows = db.session.execute(sa.select(ContractPayment.purpose, sa.func.sum(fen)).where(
        ContractPayment.contract_id == contract.id,
        ContractPayment.purpose.in_([Purpose.DEPOSIT_IN, Purpose.DEPOSIT_OUT]))
        .group_by(ContractPayment.purpose)).all()
    totals = {purpose: from_fen(int(total or 0)) for purpose, total in rows}
    return totals.get(Purpose.DEPOSIT_IN, ZERO) - totals.get(Purpose.DEPOSIT_OUT, ZERO)


def _check(contract: Contract, purpose: Purpose, on: dt.date, amount: Decimal,
           by: User | None, *, today: dt.date) -> None:
    steps_for(contract, by).require("record_payment", ContractError)
    if purpose not in PURPOSES[contract.kind]:
        raise ContractError(N_("%(kind)s合同不能登记“%(purpose)s”。"),
                            kind=contract.kind.label, purpose=purpose.label)
    if amount <= 0:
        raise ContractError(N_("金额必须大于零。"))
    if on > today:
        raise ContractError(N_("收付款日期 %(on)s 在今天之后。"), on=on.isoformat())
    if contract.signed_on is not None and on < contract.signed_on:
        raise ContractError(N_("收付款日期 %(on)s 早于合同签订日期 %(signed)s。"),
                            on=on.isoformat(), signed=contract.signed_on.isoformat())
    vouchers.check_open_month(contract.organisation_id, on)
    held = deposit_held(contract) if purpose is Purpose.DEPOSIT_OUT else ZERO
    if purpose is Purpose.DEPOSIT_OUT and amount > held:
        raise ContractError(N_("退还保证金 %(amount)s 元超过已收保证金余额 %(held)s 元。"),
                            amount=grouped(amount), held=grouped(held))


def record_payment(contract: Contract, *, purpose: Purpose, on: dt.date, amount: Decimal,
                   cash_code: str, keep_excess: bool = False, note: str = "",
                   by: User, today: dt.date) -> ContractPayment:
    """Record money received or paid under a contract and draft its voucher."""
    lock(contract)
    _check(contract, purpose, on, amount, by, today=today)
    accounts = _accounts(contract, cash_code)
    settlement = booking.Settlement([], ZERO)
    later: dict[int, Decimal] = {}
    income_now = amount
    lines: list[ScheduleLine] = []
    if purpose in SCHEDULED:
        lines = outstanding_lines(contract, SCHEDULED[purpose])
        settlement = booking.settle([booking.Due(line.id, line.due_on, line.period_start,
                                                 line.period_end, line.outstanding)
                                     for line in lines], amount)
        if settlement.excess > 0 and not keep_excess:
            raise ContractError(
                N_("收款 %(amount)s 元超过未收金额 %(open)s 元。如果多出的 %(excess)s 元确是预收，"
                   "请勾选“多出部分记为预收款”后再登记。"),
                amount=grouped(amount), open=grouped(amount - settlement.excess),
                excess=grouped(settlement.excess))
        by_year = booking.income_by_year(settlement.allocations)
        if purpose is Purpose.RENT:
            income_now, later = booking.split_now_and_later(by_year, on.year)
        else:
            income_now = sum(by_year.values(), ZERO)
    advance = amount - income_now
    summary = f"{contract.partner.name} {contract.number} {purpose.label}"
    voucher = vouchers.save_voucher(
        contract.organisation, voucher=None, on=on, attachment_count=0, by=by,
        lines=booking.payment_lines(purpose, accounts, summary=summary, amount=amount,
                                    income_now=income_now, advance=advance), today=today)
    payment = ContractPayment(organisation_id=contract.organisation_id, contract=contract,
                              purpose=purpose, on=on, amount=amount, account_code=cash_code,
                              excess=settlement.excess, voucher=voucher, note=note.strip()[:500],
                              created_by_id=by.id, created_at=utcnow())
    db.session.add(payment)
    by_id = {line.id: line for line in lines}
    for due, part in settlement.allocations:
        payment.allocations.append(Allocation(line_id=due.line_id, amount=part))
        by_id[due.line_id].received += part
    for year, part in later.items():
        payment.deferrals.append(Deferral(organisation_id=contract.organisation_id, year=year,
                                          amount=part))
    db.session.flush()
    record("contract.payment", contract, by=by, label=f"{contract.number} {purpose.label}",
           after={"on": on.isoformat(), "amount": str(amount), "voucher": voucher.id,
                  "excess": str(settlement.excess),
                  "deferred": {str(y): str(a) for y, a in later.items()}})
    return payment


def pending_deferrals(contract: Contract) -> dict[int, Decimal]:
    """Rent received in advance, per later year, not yet transferred to income."""
    totals: dict[int, Decimal] = {}
    for deferral in db.session.scalars(sa.select(Deferral).join(ContractPayment).where(
            ContractPayment.contract_id == contract.id, Deferral.voucher_id.is_(None))):
        totals[deferral.year] = totals.get(deferral.year, ZERO) + deferral.amount
    return dict(sorted(totals.items()))


def release_deferrals(contract: Contract, *, year: int, on: dt.date, by: User,
                      today: dt.date) -> Voucher:
    """Draft the voucher that makes a year's advance rent income of that year."""
    lock(contract)
    if on.year != year:
        raise ContractError(N_("结转日期须在 %(year)d 年内。"), year=year)
    if on > today:
        raise ContractError(N_("结转日期 %(on)s 在今天之后。"), on=on.isoformat())
    deferrals = list(db.session.scalars(sa.select(Deferral).join(ContractPayment).where(
        ContractPayment.contract_id == contract.id, Deferral.year == year,
        Deferral.voucher_id.is_(None))))
    amount = sum((d.amount for d in deferrals), ZERO)
    if not amount:
        raise ContractError(N_("%(year)d 年没有待结转的预收租金。"), year=year)
    accounts = _accounts(contract, None)
    summary = f"{contract.partner.name} {contract.number} 预收租金转 {year} 年收入"
    voucher = vouchers.save_voucher(contract.organisation, voucher=None, on=on,
                                    lines=booking.deferral_lines(accounts, summary=summary,
                                                                 amount=amount),
                                    attachment_count=0, by=by, today=today)
    for deferral in deferrals:
        deferral.voucher = voucher
    db.session.flush()
    record("contract.release", contract, by=by, label=str(contract),
           after={"year": year, "amount": str(amount), "voucher": voucher.id})
    return voucher


def cancel_payment(payment: ContractPayment, *, by: User) -> None:
    """Undo a payment whose voucher is still a draft: the schedule is as before and the draft
    is deleted."""
    lock(payment.contract)
    voucher = payment.voucher
    payment_steps_for(payment, by).require("withdraw", ContractError)
    for allocation in payment.allocations:
        allocation.line.received -= allocation.amount
    contract = payment.contract
    record("contract.payment_cancel", contract, by=by,
           label=f"{contract.number} {payment.purpose.label}",
           before={"on": payment.on.isoformat(), "amount": str(payment.amount)})
    db.session.delete(payment)
    db.session.flush()
    if voucher is not None:
        record("voucher.delete", voucher, by=by, label=f"{voucher.label} {voucher.summary}")
        db.session.delete(voucher)
        db.session.flush()


def voucher_origin(voucher: Voucher) -> origins.Origin | None:
    """The contract payment or advance-rent transfer that drafted ``voucher``."""
    found = db.session.execute(sa.select(Contract.id, Contract.number).join(ContractPayment)
                               .where(ContractPayment.voucher_id == voucher.id)).first()
    if found is not None:
        contract_id, number = found
        return origins.Origin(N_("合同 %(number)s 的收付款"), {"number": number}, "contracts.show",
                              Action.VIEW_CONTRACTS,
                              {"code": voucher.organisation.code, "contract_id": contract_id})
    found = db.session.execute(sa.select(Contract.id, Contract.number).join(ContractPayment)
                               .join(Deferral).where(Deferral.voucher_id == voucher.id)).first()
    if found is not None:
        contract_id, number = found
        return origins.Origin(N_("合同 %(number)s 的预收租金结转"), {"number": number},
                              "contracts.show", Action.VIEW_CONTRACTS,
                              {"code": voucher.organisation.code, "contract_id": contract_id})
    return None


def payments_of(contract: Contract) -> list[ContractPayment]:
    """The contract's payments, newest first."""
    return list(db.session.scalars(sa.select(ContractPayment).where(
        ContractPayment.contract_id == contract.id).order_by(
        ContractPayment.on.desc(), ContractPayment.id.desc())))


def month_end_check(org: Organisation, year: int, month: int) -> list[Item]:
    """期末检查 (ledger.month_end): rent received in advance for this year or an earlier one
    that is still not made income (预收租金未转收入), per contract — a warning; December's is
    the one the year's income statement needs."""
    rows = db.session.execute(sa.select(
        ContractPayment.contract_id, Deferral.year, sa.func.count(Deferral.id)).join(
        ContractPayment, Deferral.payment_id == ContractPayment.id).where(
        Deferral.organisation_id == org.id, Deferral.voucher_id.is_(None),
        Deferral.year <= year).group_by(ContractPayment.contract_id, Deferral.year)
        .order_by(Deferral.year, ContractPayment.contract_id)).all()
    items = []
    for contract_id, deferral_year, _count in rows:
        contract = db.session.get(Contract, contract_id)
        if contract is None:
            continue
        amount = pending_deferrals(contract).get(deferral_year, ZERO)
        items.append(Item(N_("合同 %(contract)s 预收的 %(year)d 年租金 %(amount)s 元尚未转入"
                             "收入。"),
                          {"contract": contract.number, "year": deferral_year,
                           "amount": grouped(amount)},
                          "contracts.show", {"code": org.code, "contract_id": contract_id}))
    return items
