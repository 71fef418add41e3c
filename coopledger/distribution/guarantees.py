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
  (``figures.guarantee_paid``); a payment whose voucher is still a draft can be withdrawn.
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
from coopledger.distribution import figures, guarantee_rules, rules
from coopledger.distribution.models import GuaranteePayment, Plan, PlanState
from coopledger.distribution.rules import DistributionError
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger import origins, vouchers
from coopledger.ledger import rules as ledger_rules
from coopledger.ledger.models import Voucher, VoucherState
from coopledger.ledger.standards import STANDARDS
from coopledger.locking import lock
from coopledger.members.models import Household
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

    @property
    def outstanding(self) -> Decimal:
        """What is still to pay (never negative)."""
        return max(self.due - self.paid - self.pending, ZERO)


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


def owed(org: Organisation, year: int, rate: Decimal) -> list[Owed]:
    """Every household that holds land in ``year`` or was paid for it, by name."""
    held = figures.land_held(org, year)
    paid = figures.guarantee_paid(org, year)
    waiting = pending(org, year)
    days = rules.days_in_year(year)
    heir_of = _heir_households(org)
    ids = set(held) | set(paid) | set(waiting)
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
                         households[heir_of.get(household_id, household_id)]))
    return sorted(rows, key=lambda r: (r.household.head_name, r.household.id))


def _heir_households(org: Organisation) -> dict[int, int]:
    """Per household whose holder's shares were inherited: the heir's household."""
    household_of = figures.household_of_accounts(org)
    found: dict[int, int] = {}
    for source, target in guarantee_rules.heirs(figures.register_ops(org)).items():
        if household_of.get(source) and household_of.get(target):
            found[household_of[source]] = household_of[target]
    return found


def _check_payable(org: Organisation, year: int, on: dt.date, *, today: dt.date) -> None:
    if org.kind is not OrgKind.LAND_SHARE_COOP:
        raise DistributionError(N_("只有土地股份合作社按入股土地支付保底收益。"))
    if on > today:
        raise DistributionError(N_("日期 %(on)s 在今天之后。"), on=on.isoformat())
    if on.year not in (year, year + 1):
        raise DistributionError(N_("%(year)d 年的保底应在当年或次年支付，%(on)s 不在其中。"),
                                year=year, on=on.isoformat())
    plan = db.session.scalar(sa.select(Plan).where(
        Plan.organisation_id == org.id, Plan.year == year,
        Plan.state != PlanState.SUPERSEDED).order_by(Plan.version.desc()).limit(1))
    if plan is not None and plan.state is not PlanState.DRAFT:
        raise DistributionError(N_("%(year)d 年的分配方案已提交，余下的保底随方案兑付。"),
                                year=year)


def pay(org: Organisation, year: int, amounts: Mapping[int, Decimal], *, rate: Decimal,
        on: dt.date, cash_code: str, today: dt.date, by: User) -> Voucher:
    """Pay the chosen households their 保底 of ``year``; one voucher draft is returned."""
    from coopledger.ledger.queries import cash_accounts  # the same cash/bank choice

    _check_payable(org, year, on, today=today)
    chosen = {h: a for h, a in amounts.items() if a}
    if not chosen:
        raise DistributionError(N_("请选择要支付保底的农户并填写金额。"))
    if rate <= 0:
        raise DistributionError(N_("请填写每亩保底标准（元/亩/年）。"))
    if cash_code not in {a.code for a in cash_accounts(org)}:
        raise DistributionError(N_("请选择库存现金或银行存款下的末级科目。"))
    lock(org)
    rows = {row.household.id: row for row in owed(org, year, rate)}
    lines: list[ledger_rules.Line] = []
    expense = STANDARDS[org.standard].operating_expense
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
                N_("%(name)s %(year)d 年保底应付 %(due)s 元，已付和待记账共 %(paid)s 元，"
                   "本次最多还能付 %(left)s 元。"),
                name=f"{row.household.head_name}户", year=year, due=grouped(row.due),
                paid=grouped(row.paid + row.pending), left=grouped(row.outstanding))
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


def payment_steps_for(voucher: Voucher, user: User | None) -> Steps:
    """Whether ``user`` may withdraw the 保底 payment ``voucher`` books now
    (``rules.guarantee_payment_steps``)."""
    org = voucher.organisation
    return rules.guarantee_payment_steps(
        voucher=vouchers.drafted(voucher),
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
