"""What a distribution reads from other domains: the closed year's figures from the posted
ledger, the dated share register, the land each household earns 保底 on (moved with the land
shares), and members' volumes.

The year's result is income minus expenses posted in the year, leaving out the year-end
closing vouchers. 年初未分配 is the posted balance of 未分配收益/未分配盈余 at the end of the
previous year **minus the appropriations of earlier years' plans booked after that day**: a
plan for year Y−1 is approved in year Y and its appropriation voucher is dated on the
resolution day, so the balance at 31 December Y−1 still contains what that plan distributed;
counting it again would overstate what year Y can distribute by the whole of Y−1's
distribution (村集体经济组织会计制度 (2023) and 农民专业合作社会计制度 (2021), 收益/盈余分配:
the year's distribution is made out of the undistributed balance once). The cash available is
库存现金 + 银行存款 at the end of the year.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from coopledger.distribution import guarantee_rules
from coopledger.distribution.guarantee_rules import LandHeld, Spell
from coopledger.distribution.models import GuaranteePayment, MemberVolume
from coopledger.distribution.rules import DistributionError, Sources
from coopledger.extensions import db
from coopledger.i18n import N_
from coopledger.ledger.books import accounts_by_code
from coopledger.ledger.models import Account, Category, Period, Voucher, VoucherLine, VoucherState
from coopledger.ledger.queries import account_balance
from coopledger.ledger.standards import STANDARDS
from coopledger.members.models import Contribution, Parcel
from coopledger.money import ZERO, from_fen
from coopledger.orgs.models import Organisation
from coopledger.shares import rules as share_rules
from coopledger.shares.models import (
    OperationState,
    ShareAccount,
    ShareClass,
    ShareKind,
    ShareOperation,
)


def check_year_closed(org: Organisation, year: int) -> None:
    """A plan needs all twelve months closed and nothing unposted in the year."""
    unposted = db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(
        Voucher.organisation_id == org.id, Voucher.year == year,
        Voucher.state != VoucherState.POSTED)) or 0
    if unposted:
        raise DistributionError(N_("%(year)d年还有 %(n)d 张凭证未记账，全部记账并结账后才能分配。"),
                                year=year, n=unposted)
    closed = set(db.session.scalars(sa.select(Period.month).where(
        Period.organisation_id == org.id, Period.year == year,
        Period.closed_at.is_not(None))))
    open_months = [m for m in range(1, 13) if m not in closed]
    if open_months:
        raise DistributionError(N_("%(year)d年还没有结账（%(months)s月未结账），结账后才能分配。"),
                                year=year, months="、".join(str(m) for m in open_months))


def year_result(org: Organisation, year: int) -> Decimal:
    """Income minus expenses posted in the year, before the closing vouchers."""
    fen = sa.type_coerce(VoucherLine.credit, sa.BigInteger) - sa.type_coerce(
        VoucherLine.debit, sa.BigInteger)
    total = db.session.scalar(sa.select(sa.func.sum(fen)).join(Account).where(
        VoucherLine.organisation_id == org.id, VoucherLine.posted.is_(True),
        VoucherLine.closing.is_(False),
        VoucherLine.on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)),
        Account.category.in_([Category.INCOME, Category.EXPENSE])))
    return from_fen(int(total or 0))


def earlier_appropriations(org: Organisation, year: int) -> Decimal:
    """What plans of years before ``year`` appropriated by vouchers posted after 31 December of
    ``year − 1`` (debits to 各项分配, net of their red reversals when a plan was re-versioned)."""
    from coopledger.distribution.models import Plan

    standard = STANDARDS[org.standard]
    end = dt.date(year - 1, 12, 31)
    plan_vouchers = sa.select(Plan.voucher_id).where(
        Plan.organisation_id == org.id, Plan.year < year, Plan.voucher_id.is_not(None))
    reversals = sa.select(Voucher.id).where(Voucher.reverses_id.in_(plan_vouchers))
    fen = sa.type_coerce(VoucherLine.debit, sa.BigInteger) - sa.type_coerce(
        VoucherLine.credit, sa.BigInteger)
    total = db.session.scalar(sa.select(sa.func.sum(fen)).join(Account).join(Voucher).where(
        VoucherLine.organisation_id == org.id, VoucherLine.posted.is_(True),
        VoucherLine.on > end, VoucherLine.on <= dt.date(year, 12, 31),
        Account.code.startswith(standard.appropriations[0]),
        sa.or_(Voucher.id.in_(plan_vouchers), Voucher.id.in_(reversals))))
    return from_fen(int(total or 0))


def retained_at_year_start(org: Organisation, year: int) -> tuple[Decimal, Decimal]:
    """(balance of 未分配 at 31 December of ``year − 1``, earlier plans' appropriations booked
    after it): 年初未分配 is the first minus the second."""
    standard = STANDARDS[org.standard]
    retained = accounts_by_code(org).get(standard.retained[0])
    balance = -account_balance(retained, as_of=dt.date(year - 1, 12, 31)) if retained else ZERO
    return balance, earlier_appropriations(org, year)


def ledger_sources(org: Organisation, year: int) -> tuple[Sources, Decimal]:
    """The year's result, 年初未分配 (counted once, see the module) and the cash at year end."""
    standard = STANDARDS[org.standard]
    accounts = accounts_by_code(org)
    balance, booked_after = retained_at_year_start(org, year)
    opening = balance - booked_after
    end = dt.date(year, 12, 31)
    cash = sum((account_balance(accounts[code], as_of=end)
                for code in (standard.cash, standard.bank) if code in accounts), ZERO)
    return Sources(year_result(org, year), opening), cash


def register_ops(org: Organisation) -> list[share_rules.Op]:
    """The done operations of the organisation's share register."""
    return [share_rules.Op(op.number, op.kind, op.share_class_id, op.from_account_id,
                           op.to_account_id, op.quantity, op.effective_on)
            for op in db.session.scalars(sa.select(ShareOperation).where(
                ShareOperation.organisation_id == org.id,
                ShareOperation.state == OperationState.DONE))]


def land_held(org: Organisation, year: int) -> dict[int, LandHeld]:
    """Per household: the 亩 it earns 保底 on in the year — contributed land, moved with the
    land shares by inheritance, transfer and gift (``guarantee_rules.land_held``)."""
    last = dt.date(year, 12, 31)
    spells = [Spell(parcel, household, area, since, until) for parcel, household, area, since,
              until in db.session.execute(
                  sa.select(Parcel.id, Parcel.household_id, Parcel.area,
                            Contribution.contributed_on, Contribution.withdrawn_on)
                  .join(Contribution).where(Contribution.organisation_id == org.id,
                                            Contribution.contributed_on <= last))]
    land_class = db.session.scalar(sa.select(ShareClass.id).where(
        ShareClass.organisation_id == org.id, ShareClass.kind == ShareKind.LAND))
    ops = [op for op in register_ops(org) if op.share_class == land_class]
    return guarantee_rules.land_held(spells, ops, household_of_accounts(org), year)


def household_of_accounts(org: Organisation) -> dict[int, int]:
    """Share account → household, for the organisation's household holders."""
    return {account: household or 0 for account, household in db.session.execute(
        sa.select(ShareAccount.id, ShareAccount.household_id).where(
            ShareAccount.organisation_id == org.id, ShareAccount.household_id.is_not(None)))}


def guarantee_paid(org: Organisation, year: int) -> dict[int, Decimal]:
    """Per household: the 保底 for ``year`` paid by posted vouchers that no posted red reversal
    cancels — what the books say was paid, whatever was due."""
    reversed_ids = sa.select(Voucher.reverses_id).where(
        Voucher.organisation_id == org.id, Voucher.reverses_id.is_not(None),
        Voucher.state == VoucherState.POSTED)
    paid: dict[int, Decimal] = {}
    for household_id, amount in db.session.execute(
            sa.select(GuaranteePayment.household_id, GuaranteePayment.amount)
            .join(Voucher, Voucher.id == GuaranteePayment.voucher_id).where(
                GuaranteePayment.organisation_id == org.id, GuaranteePayment.year == year,
                Voucher.state == VoucherState.POSTED, Voucher.id.not_in(reversed_ids))):
        paid[household_id] = paid.get(household_id, ZERO) + amount
    return paid


EFFECTIVE = ("approved", "posted", "filed", "paid")   # plans whose figures members were given


def quantified_reserves(org: Organisation, year: int) -> dict[int, Decimal]:
    """Per household: the 公积金 quantified to it by the effective plans of years before
    ``year`` (its 公积金份额 brought forward in its member account)."""
    from coopledger.distribution.models import Plan, PlanLine, PlanState

    found: dict[int, Decimal] = {}
    for household_id, amount in db.session.execute(
            sa.select(PlanLine.household_id, PlanLine.reserve_share).join(Plan).where(
                Plan.organisation_id == org.id, Plan.year < year,
                Plan.state.in_([PlanState(s) for s in EFFECTIVE]),
                PlanLine.household_id.is_not(None))):
        key = household_id or 0
        found[key] = found.get(key, ZERO) + amount
    return found


def subsidy_property(org: Organisation, year: int) -> Decimal:
    """The property formed from state subsidies and donations at the end of ``year``: the
    专项基金 balance of a cooperative (农民专业合作社会计制度 311), zero for other books."""
    fund = accounts_by_code(org).get(STANDARDS[org.standard].special_fund or "")
    return -account_balance(fund, as_of=dt.date(year, 12, 31)) if fund else ZERO


def volumes(org: Organisation, year: int) -> dict[int, Decimal]:
    """Members' transaction volumes entered for the year, per household."""
    return {v.household_id: v.volume for v in db.session.scalars(sa.select(MemberVolume).where(
        MemberVolume.organisation_id == org.id, MemberVolume.year == year))}
