"""Paying 保底 during the year (land-share cooperatives only): what each household is owed for
the year at a rate per 亩, what the books say it was paid, and a payment of chosen households
that drafts one voucher (借 经营支出 per household, 贷 库存现金/银行存款); flushes, never commits.

Rules (domain.md §3.3: 保底 behaves like rent — a cost of the year, paid to whoever holds the
land shares, ``guarantee_rules``):
- only a 土地股份合作社 pays 保底; a village collective or a professional cooperative does not;
- a payment is for one year, dated in that year or the next, never in the future, and not once
  the year's plan has left its draft (the plan settles what is left);
- each amount is positive, and the household's payments of the year (posted or still in draft)
  may not exceed what its land earns at the rate — checked after locking the organisation, so
  two accountants paying at once cannot both pay the same 保底;
- a household whose holder's shares were inherited is paid through its heir's household (the
  voucher line says so), never a dead person;
- the plan reads 已付保底 from these payments once their vouchers are posted
  (``figures.guarantee_paid``); a payment whose voucher is still a draft can be withdrawn,
  unless the bank paid it;
- through the bank (批量代发, issue 20): the chosen households go in a batch written as the
  bank's payment instruction file (``banking.payment_files``) to each payee's payout account
  (the heir's for inherited land; a household without one is refused and named); while the
  bank has it, the amounts count as 银行处理中 and cannot be paid again; the bank's result pays
  the items it paid — one voucher draft, as a payment by hand — and leaves the failed ones
  payable; a result applied twice (or twice at once, the batch is locked) pays nothing twice;
  no plan of the year goes to the 理事会 while a batch waits for its result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from coopledger.audit.services import record
from coopledger.auth.models import User
from coopledger.auth.permissions import Action, permitted
from coopledger.banking import payment_files
from coopledger.banking.models import BatchState, ItemState
from coopledger.banking.queries import bank_accounts
from coopledger.dates import utcnow
from coopledger.distribution import figures, guarantee_rules, rules
from coopledger.distribution.models import (
    GuaranteeBatch,
    GuaranteeBatchItem,
    GuaranteePayment,
    Plan,
    PlanState,
)
from coopledger.distribution.rules import DistributionError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger import origins, vouchers
from coopledger.ledger import rules as ledger_rules
from coopledger.ledger.models import Voucher, VoucherState
from coopledger.ledger.standards import STANDARDS
from coopledger.locking import lock
from coopledger.members.models import Household
from coopledger.members.queries import payout_account
from coopledger.money import FOUR_PLACES, ZERO, grouped
from coopledger.orgs.models import Organisation, OrgKind
from coopledger.workflow import Steps


@dataclass(frozen=True)
class Owed:
    """One household's 保底 of a year: its land, what it earns at the rate, what was paid."""

    household: Household
    area: Decimal          # 亩 held on 31 December (or today, for the year so far)
    due: Decimal           # the year's 保底 at the rate
    paid: Decimal          # by posted vouchers
    pending: Decimal       # in vouchers not yet posted
    payee: Household       # the household itself, or its heir's when its shares were inherited
    at_bank: Decimal = ZERO  # in a payment file the bank has not answered yet

    @property
    def outstanding(self) -> Decimal:
        """What is still to pay (never negative)."""
        return max(self.due - self.paid - self.pending - self.at_bank, ZERO)

    @property
    def overpaid(self) -> Decimal:
        """What was paid (or is on its way) beyond what is due."""
        return max(self.paid + self.pending + self.at_bank - self.due, ZERO)


def _payments(org: Organisation, year: int) -> list[GuaranteePayment]:
    return list(db.session.scalars(sa.select(GuaranteePayment).where(
        GuaranteePayment.organisation_id == org.id, GuaranteePayment.year == year)
        .order_by(GuaranteePayment.on, GuaranteePayment.id)))


def pending(org: Organisation, year: int) -> dict[int, Decimal]:
    """Per household: 保底 of ``year`` in payment vouchers not yet posted."""
    found: dict[int, Decimal] = {}
    for payment in _payments(org, year):
        if payment.voucher.state is not VoucherState.POSTED:
            found[payment.household_id] = found.get(payment.household_id, ZERO) + payment.amount
    return found


def at_bank(org: Organisation, year: int) -> dict[int, Decimal]:
    """Per household: 保底 of ``year`` in payment files the bank has not answered yet."""
    found: dict[int, Decimal] = {}
    for household_id, amount in db.session.execute(
            sa.select(GuaranteeBatchItem.household_id, GuaranteeBatchItem.amount)
            .join(GuaranteeBatch).where(GuaranteeBatch.organisation_id == org.id,
                                        GuaranteeBatch.year == year,
                                        GuaranteeBatchItem.state == ItemState.PENDING)):
        found[household_id] = found.get(household_id, ZERO) + amount
    return found


def owed(org: Organisation, year: int, rate: Decimal) -> list[Owed]:
    """Every household that holds land in ``year`` or was paid for it, by name."""
    held = figures.land_held(org, year)
    paid = figures.guarantee_paid(org, year)
    waiting = pending(org, year)
    sent = at_bank(org, year)
    days = rules.days_in_year(year)
    heir_of = _heir_households(org)
    ids = set(held) | set(paid) | set(waiting) | set(sent)
    wanted = ids | {heir_of[h] for h in ids if h in heir_of}
    households = {h.id: h for h in db.session.scalars(
        sa.select(Household).where(Household.id.in_(wanted)))} if wanted else {}
    rows = []
    for household_id in ids:
        household = households[household_id]
        land = held.get(household_id)
        due = rules.Guarantee(land.area_days, rate, year_days=days).due if land else ZERO
        area = land.area_at_end.quantize(FOUR_PLACES) if land else Decimal(0)
        rows.append(Owed(household, area, due, paid.get(household_id, ZERO),
                         waiting.get(household_id, ZERO),
                         households[heir_of.get(household_id, household_id)],
                         sent.get(household_id, ZERO)))
    return sorted(rows, key=lambda r: (r.household.head_name, r.household.id))


def _heir_households(org: Organisation) -> dict[int, int]:
    """Per household whose holder's shares were inherited: the heir's household."""
    household_of = figures.household_of_accounts(org)
    found: dict[int, int] = {}
    for source, target in guarantee_rules.heirs(figures.register_ops(org)).items():
        if household_of.get(source) and household_of.get(target):
            found[household_of[source]] = household_of[target]
    return found


def _check_payable(org: Organisation, year: int, on: dt.date | None, *,
                   today: dt.date) -> None:
    """Refused unless the organisation pays 保底, the day paid (``on``; None for a file the
    bank has yet to pay, whose result is dated) is in the year or the next and not in the
    future, and the year's plan is still a draft."""
    if org.kind is not OrgKind.LAND_SHARE_COOP:
        raise DistributionError(N_("只有土地股份合作社按入股土地支付保底收益。"))
    if on is not None and on > today:
        raise DistributionError(N_("日期 %(on)s 在今天之后。"), on=on.isoformat())
    if on is not None and on.year not in (year, year + 1):
        raise DistributionError(N_("%(year)d 年的保底应在当年或次年支付，%(on)s 不在其中。"),
                                year=year, on=on.isoformat())
    plan = db.session.scalar(sa.select(Plan).where(
        Plan.organisation_id == org.id, Plan.year == year,
        Plan.state != PlanState.SUPERSEDED).order_by(Plan.version.desc()).limit(1))
    if plan is not None and plan.state is not PlanState.DRAFT:
        raise DistributionError(N_("%(year)d 年的分配方案已提交，余下的保底随方案兑付。"),
                                year=year)


def _checked(org: Organisation, year: int, amounts: Mapping[int, Decimal], *, rate: Decimal,
             on: dt.date | None, today: dt.date, account: tuple[bool, str],
             ) -> tuple[dict[int, Decimal], dict[int, Owed]]:
    """The chosen households' amounts, each checked against what it is still owed at
    ``rate`` after the organisation's lock, and every household's row; ``account`` is whether
    the account paid from may be used, and the sentence when it may not."""
    _check_payable(org, year, on, today=today)
    chosen = {h: a for h, a in amounts.items() if a}
    if not chosen:
        raise DistributionError(N_("请选择要支付保底的农户并填写金额。"))
    if rate <= 0:
        raise DistributionError(N_("请填写每亩保底标准（元/亩/年）。"))
    if not account[0]:
        raise DistributionError(account[1])
    lock(org)
    rows = {row.household.id: row for row in owed(org, year, rate)}
    for household_id, amount in sorted(chosen.items()):
        row = rows.get(household_id)
        if row is None or not row.due:
            household = db.session.get(Household, household_id)
            raise DistributionError(N_("%(name)s 在 %(year)d 年没有入股土地，不付保底。"),
                                    name=f"{household.head_name}户" if household else "?",
                                    year=year)
        if amount < 0:
            raise DistributionError(N_("%(name)s 的金额不能为负数。"),
                                    name=f"{row.household.head_name}户")
        if amount > row.outstanding:
            raise DistributionError(
                N_("%(name)s %(year)d 年保底应付 %(due)s 元，已付、待记账和银行处理中共 "
                   "%(paid)s 元，本次最多还能付 %(left)s 元。"),
                name=f"{row.household.head_name}户", year=year, due=grouped(row.due),
                paid=grouped(row.paid + row.pending + row.at_bank),
                left=grouped(row.outstanding))
    return chosen, rows


def pay(org: Organisation, year: int, amounts: Mapping[int, Decimal], *, rate: Decimal,
        on: dt.date, cash_code: str, today: dt.date, by: User) -> Voucher:
    """Pay the chosen households their 保底 of ``year``; one voucher draft is returned."""
    from coopledger.ledger.queries import cash_accounts  # the same cash/bank choice

    chosen, rows = _checked(org, year, amounts, rate=rate, on=on, today=today, account=(
        cash_code in {a.code for a in cash_accounts(org)},
        N_("请选择库存现金或银行存款下的末级科目。")))
    lines: list[ledger_rules.Line] = []
    expense = STANDARDS[org.standard].operating_expense
    for household_id, amount in sorted(chosen.items()):
        row = rows[household_id]
        paid_to = "" if row.payee is row.household else f"（付继承人{row.payee.head_name}户）"
        lines.append(ledger_rules.Line(
            f"支付{row.household.head_name}户{year}年保底收益{paid_to}", expense, amount, ZERO))
    total = sum(chosen.values(), ZERO)
    lines.append(ledger_rules.Line(f"支付{year}年保底收益（{len(chosen)}户）", cash_code,
                                   ZERO, total))
    voucher = vouchers.save_voucher(org, voucher=None, on=on, lines=lines,
                                    attachment_count=1, by=by, today=today)
    for household_id, amount in sorted(chosen.items()):
        db.session.add(GuaranteePayment(organisation_id=org.id, year=year,
                                        household_id=household_id, amount=amount, on=on,
                                        voucher=voucher))
    db.session.flush()
    record("distribution.guarantee_pay", org, by=by, label=f"{org.name} {year}年保底",
           after={"households": len(chosen), "amount": str(total), "voucher": voucher.id,
                  "rate": str(rate)})
    return voucher


def payee_account(paid: Household, org_id: int, *, holder: str, payee: str | None = None,
                  ) -> tuple[str, str]:
    """The bank and account ``paid`` (the holder's household, or the heir's — ``payee`` names
    it then) is paid into by the organisation, or refused naming the holder (and the heir):
    without one the money has nowhere to go — pay it in cash, or record the account first."""
    bank_name, account = payout_account(paid, org_id)
    if account.strip():
        return bank_name, account.strip()
    if payee is not None:
        raise DistributionError(
            N_("%(holder)s 的股份已由 %(payee)s 继承，应付给继承人；%(payee)s 还没有登记"
               "收款银行账户：请先在农户资料里登记，或改用现金兑付。"),
            holder=holder, payee=payee)
    raise DistributionError(
        N_("%(holder)s 还没有登记收款银行账户：请先在农户资料里登记，或改用现金兑付。"),
        holder=holder)


def send_to_bank(org: Organisation, year: int, amounts: Mapping[int, Decimal], *,
                 rate: Decimal, account_code: str, layout: str, today: dt.date,
                 by: User) -> GuaranteeBatch:
    """Put the chosen households' 保底 in a batch for the bank's payment file."""
    payment_files.layout_of(layout)
    chosen, rows = _checked(org, year, amounts, rate=rate, on=None, today=today, account=(
        account_code in {a.code for a in bank_accounts(org)},
        N_("请选择付款的银行存款末级科目。")))
    batch = GuaranteeBatch(organisation_id=org.id, year=year, rate=rate,
                           account_code=account_code, layout=layout, created_by_id=by.id,
                           created_at=utcnow())
    db.session.add(batch)
    db.session.flush()
    for number, (household_id, amount) in enumerate(sorted(
            chosen.items(), key=lambda c: (rows[c[0]].household.head_name, c[0])), start=1):
        row = rows[household_id]
        bank_name, account = payee_account(
            row.payee, org.id, holder=str(row.household),
            payee=None if row.payee is row.household else str(row.payee))
        db.session.add(GuaranteeBatchItem(
            batch_id=batch.id, household_id=household_id, number=number,
            reference=f"BD{batch.id:06d}{number:04d}", payee=row.payee.head_name,
            account=account, bank=bank_name, amount=amount))
    db.session.flush()
    db.session.refresh(batch)
    record("distribution.guarantee_batch", org, by=by, label=f"{org.name} {year}年保底代发",
           after={"batch": batch.id, "households": len(chosen), "amount": str(batch.total),
                  "rate": str(rate), "account": account_code, "layout": layout})
    return batch


def instruction_file(batch: GuaranteeBatch) -> bytes:
    """The batch's payment instruction file in its layout."""
    return payment_files.instruction_file(payment_files.layout_of(batch.layout), [
        payment_files.Item(item.number, item.payee, item.account, item.bank, item.amount,
                           f"{batch.year}年保底收益", item.reference) for item in batch.items])


@dataclass(frozen=True)
class BankResult:
    """What a bank's result file did — to a 保底 payment file or to a plan's payout file: the
    voucher of the households paid (None when none was), how many, and those the bank could
    not pay with its reasons."""

    voucher: Voucher | None
    paid: int
    failed: list[tuple[str, str]]


def apply_bank_result(batch: GuaranteeBatch, *, content: bytes, filename: str, on: dt.date,
                      by: User, today: dt.date) -> BankResult:
    """Apply the bank's result file: the items it paid are paid (one voucher draft dated
    ``on``), the failed ones named; a reference of another batch refuses the whole file and
    an item already answered is left as it is."""
    lock(batch)
    batch_steps_for(batch, by).require("result", DistributionError)
    outcomes = payment_files.read_result(payment_files.layout_of(batch.layout), content,
                                         filename)
    items = {item.reference: item for item in batch.items}
    if unknown := payment_files.strangers(outcomes, items):
        raise DistributionError(N_("结果文件里的业务参考号 %(refs)s 不属于这批代发。"),
                                refs=unknown)
    paid: list[GuaranteeBatchItem] = []
    failed: list[tuple[str, str]] = []
    for outcome in outcomes:
        item = items[outcome.reference]
        if item.state is not ItemState.PENDING:
            continue
        item.state = ItemState.PAID if outcome.paid else ItemState.FAILED
        item.bank_reference, item.reason = outcome.bank_reference[:64], outcome.reason[:200]
        item.settled_at = utcnow()
        if outcome.paid:
            paid.append(item)
        else:
            failed.append((item.payee, outcome.reason))
    db.session.flush()
    voucher = None
    if paid:
        voucher = pay(batch.organisation, batch.year,
                      {item.household_id: item.amount for item in paid}, rate=batch.rate,
                      on=on, cash_code=batch.account_code, today=today, by=by)
        for item in paid:
            item.voucher = voucher
    if all(item.state is not ItemState.PENDING for item in batch.items):
        batch.state = BatchState.SETTLED
    db.session.flush()
    record("distribution.guarantee_batch_result", batch.organisation, by=by,
           label=f"{batch.organisation.name} {batch.year}年保底代发 #{batch.id}",
           after={"paid": len(paid), "failed": len(failed), "on": on.isoformat()})
    return BankResult(voucher, len(paid), failed)


def batch_steps_for(batch: GuaranteeBatch, user: User | None) -> Steps:
    """Whether ``user`` may import the bank's result of ``batch`` now
    (``rules.guarantee_batch_steps``)."""
    return rules.guarantee_batch_steps(state=batch.state.value,
                                       may=permitted(user, batch.organisation))


def batches_of(org: Organisation, year: int) -> list[GuaranteeBatch]:
    """The year's payment files, newest first."""
    return list(db.session.scalars(sa.select(GuaranteeBatch).where(
        GuaranteeBatch.organisation_id == org.id, GuaranteeBatch.year == year)
        .order_by(GuaranteeBatch.id.desc())))


def waiting_at_bank(org: Organisation, year: int) -> GuaranteeBatch | None:
    """The oldest batch of the year still waiting for the bank's answer, if any."""
    return db.session.scalar(sa.select(GuaranteeBatch).where(
        GuaranteeBatch.organisation_id == org.id, GuaranteeBatch.year == year,
        GuaranteeBatch.state == BatchState.OPEN).order_by(GuaranteeBatch.id).limit(1))


def payment_steps_for(voucher: Voucher, user: User | None) -> Steps:
    """Whether ``user`` may withdraw the 保底 payment ``voucher`` books now
    (``rules.guarantee_payment_steps``)."""
    org = voucher.organisation
    banked = db.session.scalar(sa.select(GuaranteeBatchItem.id).where(
        GuaranteeBatchItem.voucher_id == voucher.id).limit(1)) is not None
    return rules.guarantee_payment_steps(
        voucher=vouchers.drafted(voucher), banked=banked,
        may=permitted(user, org))


def withdraw(org: Organisation, voucher: Voucher, *, by: User) -> None:
    """Withdraw a 保底 payment whose voucher is still a draft: its rows and the draft go."""
    lock(voucher)
    payments = list(db.session.scalars(sa.select(GuaranteePayment).where(
        GuaranteePayment.organisation_id == org.id, GuaranteePayment.voucher_id == voucher.id)))
    if not payments:
        raise DistributionError(N_("这张凭证不是保底支付凭证。"))
    payment_steps_for(voucher, by).require("withdraw", DistributionError)
    record("distribution.guarantee_withdraw", org, by=by,
           label=f"{org.name} {payments[0].year}年保底",
           before={"households": len(payments), "voucher": voucher.id,
                   "amount": str(sum((p.amount for p in payments), ZERO))})
    for payment in payments:
        db.session.delete(payment)
    db.session.flush()
    db.session.delete(voucher)
    db.session.flush()


def voucher_origin(voucher: Voucher) -> origins.Origin | None:
    """The 保底 payment that drafted ``voucher``."""
    year = db.session.scalar(sa.select(GuaranteePayment.year).where(
        GuaranteePayment.voucher_id == voucher.id).limit(1))
    if year is None:
        return None
    return origins.Origin(N_("%(year)s年保底支付"), {"year": str(year)},
                          "distribution.guarantees", Action.VIEW_DISTRIBUTION,
                          {"code": voucher.organisation.code, "year": year})
