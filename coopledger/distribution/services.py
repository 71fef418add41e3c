"""The distribution plan's life: draft from the posted ledger, recompute, the approval trail,
the approval voucher, payments and new versions; flushes, never commits.

Rules: a plan is drafted only for a year whose twelve months are closed with nothing unposted;
its record date, if any, lies in the year; its figures come from the ledger (the user adds only
其他转入, excluded income and the policy); a draft may change, nothing after it. The trail runs
draft → 理事会 proposed → 监事会 reviewed → 成员(代表)大会 approved (resolution number, date
and scanned file required; the appropriation voucher is drafted) → 公示 (posting dates) → 乡镇
备案; payments are recorded only after approval, each line at most once, and when every line is
paid the plan is paid. A changed plan after approval is a new version with the reason; the old
one is kept, superseded, and cannot be changed once anything has been paid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from coopledger.audit.services import record, snapshot
from coopledger.auth.models import User
from coopledger.auth.permissions import permitted
from coopledger.banking import payment_files
from coopledger.banking.payment_files import Outcome
from coopledger.dates import utcnow
from coopledger.distribution import booking, compute, figures, guarantees, rules
from coopledger.distribution.models import (
    ClassWeight,
    Entitlement,
    Mode,
    Plan,
    PlanLine,
    PlanState,
    QuantifyBy,
    ReserveBase,
)
from coopledger.distribution.rules import DistributionError
from coopledger.extensions import db
from coopledger.files.scans import store_scan
from coopledger.files.stores import Store
from coopledger.i18n import N_
from coopledger.ledger import vouchers
from coopledger.ledger.books import accounts_by_code
from coopledger.ledger.models import Voucher, VoucherState
from coopledger.ledger.standards import STANDARDS
from coopledger.locking import lock
from coopledger.money import ZERO, grouped, round_money
from coopledger.orgs.models import AccountingStandard, Organisation
from coopledger.orgs.words import words_of
from coopledger.shares.services import classes_of
from coopledger.workflow import Steps

POLICY_FIELDS = ("mode", "entitlement", "record_date", "other_in", "excluded", "excluded_note",
                 "reserve_percent", "reserve_base", "reserve_quantify_by", "reserve_minimum",
                 "welfare_percent",
                 "member_cap_percent", "other_percent", "volume_percent", "guarantee_per_mu",
                 "members_total")
FIGURE_FIELDS = ("year_result", "opening_retained", "cash_available", "distributable",
                 "reserve", "welfare", "members_total", "other")


@dataclass(frozen=True)
class PlanData:
    """What the accountant decides in a draft."""

    mode: Mode
    members_total: Decimal
    entitlement: Entitlement = Entitlement.DAYS
    record_date: dt.date | None = None
    other_in: Decimal = ZERO
    excluded: Decimal = ZERO
    excluded_note: str = ""
    reserve_percent: Decimal = Decimal(0)
    reserve_base: ReserveBase = ReserveBase.YEAR_SURPLUS
    reserve_quantify_by: QuantifyBy = QuantifyBy.VOLUME
    reserve_minimum: Decimal = ZERO
    welfare_percent: Decimal = Decimal(0)
    member_cap_percent: Decimal = Decimal(100)
    other_percent: Decimal = Decimal(0)
    volume_percent: Decimal = Decimal(60)
    guarantee_per_mu: Decimal = ZERO
    guarantee_jin_per_mu: Decimal | None = None
    weights: dict[int, Decimal] = field(default_factory=dict)


def _policy(data: PlanData) -> rules.Policy:
    return rules.Policy(reserve_percent=data.reserve_percent,
                        reserve_on_distributable=data.reserve_base is ReserveBase.DISTRIBUTABLE,
                        reserve_minimum=data.reserve_minimum,
                        welfare_percent=data.welfare_percent,
                        member_cap_percent=data.member_cap_percent,
                        other_percent=data.other_percent)


def _apply(plan: Plan, data: PlanData) -> None:
    year = plan.year
    if data.entitlement is Entitlement.RECORD_DATE and (
            data.record_date is None or data.record_date.year != year):
        raise DistributionError(N_("股权登记日须在 %(year)d 年内。"), year=year)
    if data.excluded < 0 or data.other_in < 0:
        raise DistributionError(N_("其他转入和不参与分配的收入不能为负数。"))
    if data.guarantee_per_mu < 0 or (data.guarantee_jin_per_mu or 0) < 0:
        raise DistributionError(N_("每亩保底收益不能为负数。"))
    rate, price = _guarantee_rate(plan, data)
    if data.mode is Mode.LAND_SHARE and rate == 0:
        raise DistributionError(N_("土地股份合作社请填写每亩保底收益。"))
    if any(w < 0 for w in data.weights.values()):
        raise DistributionError(N_("股份类别的分配权重不能为负数。"))
    if data.mode is Mode.COOPERATIVE:
        rules.coop_split(data.members_total, data.volume_percent)  # the percentage's range
    org = plan.organisation
    if data.welfare_percent and not welfare_allowed(org):
        raise DistributionError(
            N_("村集体经济组织会计制度（2023）已取消应付福利费，不再提取福利费（福利开支列入"
               "公益支出）：请把福利费提取比例填 0。"))
    sources, cash = figures.ledger_sources(org, year)
    sources = rules.Sources(sources.year_result, sources.opening_retained, data.other_in,
                            data.excluded)
    result = rules.appropriate(sources, _policy(data), members=data.members_total,
                               cash_available=cash, words=words_of(org.standard))
    if data.mode is Mode.COOPERATIVE:
        by_volume = rules.coop_split(result.members, data.volume_percent).by_volume
        rules.check_volume_return(result.distributable_surplus, by_volume)
    for name in POLICY_FIELDS:
        setattr(plan, name, getattr(data, name))
    plan.guarantee_per_mu, plan.guarantee_jin_per_mu, plan.grain_price = (
        rate, data.guarantee_jin_per_mu, price)
    plan.record_date = data.record_date if data.entitlement is Entitlement.RECORD_DATE else None
    plan.excluded_note = data.excluded_note.strip()[:200]
    plan.year_result, plan.opening_retained = sources.year_result, sources.opening_retained
    plan.cash_available = cash
    plan.distributable, plan.reserve, plan.welfare = (result.distributable, result.reserve,
                                                      result.welfare)
    plan.members_total, plan.other = result.members, result.other
    valid = {c.id for c in classes_of(org)}
    wanted = {class_id: weight for class_id, weight in sorted(data.weights.items())
              if class_id in valid}
    # Update the weights in place: replacing the collection would insert the new rows before
    # deleting the old ones and break the (plan, class) unique constraint on an edit.
    existing = {w.share_class_id: w for w in plan.weights}
    for class_id, row in existing.items():
        if class_id not in wanted:
            plan.weights.remove(row)
    for class_id, weight in wanted.items():
        if class_id in existing:
            existing[class_id].weight = weight
        else:
            plan.weights.append(ClassWeight(share_class_id=class_id, weight=weight))
    db.session.flush()
    compute.compute_lines(plan)


WELFARE_ITEM = "3220102"   # 提取福利费 of books kept before the 2023 village system


def welfare_allowed(org: Organisation) -> bool:
    """Whether a plan may draw 福利费: a cooperative (booked with its 盈余公积) or a village
    whose chart still has the 提取福利费 appropriation (the 2023 system removed 应付福利费)."""
    if org.standard is not AccountingStandard.VILLAGE_2023:
        return True
    return WELFARE_ITEM in accounts_by_code(org)


def _guarantee_rate(plan: Plan, data: PlanData) -> tuple[Decimal, Decimal | None]:
    """The cash 保底 per 亩 (from grain × the year's reference price when given in grain)."""
    if data.guarantee_jin_per_mu is None:
        return data.guarantee_per_mu, None
    from coopledger.contracts.schedules import grain_prices  # the contracts' price table

    price = grain_prices(plan.organisation.id).get(plan.year)
    if price is None:
        raise DistributionError(N_("请先录入 %(year)d 年的粮食参考价，再按粮食计算保底收益。"),
                                year=plan.year)
    return round_money(data.guarantee_jin_per_mu * price), price


def current_plan(org: Organisation, year: int) -> Plan | None:
    """The newest version of the year's plan that is not superseded."""
    return db.session.scalar(sa.select(Plan).where(
        Plan.organisation_id == org.id, Plan.year == year,
        Plan.state != PlanState.SUPERSEDED).order_by(Plan.version.desc()).limit(1))


def create_plan(org: Organisation, year: int, data: PlanData, *, by: User | None,
                today: dt.date) -> Plan:
    """Draft the year's plan from the posted ledger."""
    if year >= today.year:
        raise DistributionError(N_("%(year)d年还没有结束，不能分配。"), year=year)
    figures.check_year_closed(org, year)
    if current_plan(org, year) is not None:
        raise DistributionError(N_("%(year)d年已有分配方案：请修改它，或在通过后另立新版本。"),
                                year=year)
    plan = Plan(organisation=org, year=year, version=1, mode=data.mode,
                created_by_id=by.id if by else None, created_at=utcnow())
    _apply(plan, data)          # the plan joins the session only once it is valid
    db.session.add(plan)
    db.session.flush()
    record("distribution.create", plan, by=by, label=f"{org.name} {plan.label}",
           after=snapshot(plan, (*POLICY_FIELDS, *FIGURE_FIELDS)))
    return plan


def steps_for(plan: Plan, user: User | None) -> Steps:
    """The steps ``user`` may take on ``plan`` now (``rules.plan_steps``); None is the system
    (the sample), which may take any step the plan's state allows."""
    org = plan.organisation
    return rules.plan_steps(
        state=plan.state.value, state_label=plan.state.label,
        started_paying=any(line.paid_on is not None for line in plan.lines),
        may=permitted(user, org),
        label_of=lambda state: PlanState(state).label)


def update_plan(plan: Plan, data: PlanData, *, by: User | None) -> Plan:
    """Change a draft and recompute it."""
    lock(plan)
    steps_for(plan, by).require("edit", DistributionError)
    figures.check_year_closed(plan.organisation, plan.year)
    before = snapshot(plan, (*POLICY_FIELDS, *FIGURE_FIELDS))
    _apply(plan, data)
    record("distribution.update", plan, by=by, label=f"{plan.organisation.name} {plan.label}",
           before=before, after=snapshot(plan, (*POLICY_FIELDS, *FIGURE_FIELDS)))
    return plan


def _step(plan: Plan, *, target: PlanState, action: str, by: User | None,
          **after: object) -> Plan:
    """Move a plan whose step was allowed (``steps_for``, after its lock) to ``target``."""
    plan.state = target
    db.session.flush()
    record(action, plan, by=by, label=f"{plan.organisation.name} {plan.label}",
           after={"state": target.value, **{k: str(v) for k, v in after.items()}})
    return plan


def _check_guarantees(plan: Plan) -> None:
    """Before 理事会 proposes and 成员大会 approves a 土地股份合作社 plan: 已付保底 on every line
    is still what the books say (a posted payment reversed since the draft makes it stale),
    every household paid more 保底 than was due has the reason recorded on its line, and no
    overpayment exceeds what the line pays (it would have to be recovered, not deducted)."""
    if plan.mode is not Mode.LAND_SHARE:
        return
    waiting = guarantees.waiting_at_bank(plan.organisation, plan.year)
    if waiting is not None:
        raise DistributionError(
            N_("%(year)d 年的保底代发批次 #%(batch)d 还在等银行的处理结果：请先导入结果，"
               "方案才能按账上已付的保底计算。"), year=plan.year, batch=waiting.id)
    paid = figures.guarantee_paid(plan.organisation, plan.year)
    for line in plan.lines:
        books = paid.get(line.household_id or 0, ZERO)
        if line.household_id is not None and line.guarantee_paid != books:
            raise DistributionError(
                N_("%(holder)s 账上已付保底 %(books)s 元，方案里是 %(plan)s 元：请重新计算方案"
                   "（草案直接保存，已提交的另立新版本）。"),
                holder=line.holder, books=grouped(books), plan=grouped(line.guarantee_paid))
        if line.guarantee_paid > line.guarantee_due and not line.overpaid_note.strip():
            raise DistributionError(
                N_("%(holder)s 年内已付保底 %(paid)s 元，多于应付 %(due)s 元：请在分配明细里"
                   "说明多付的原因（多付部分从本次应付中扣减）后再继续。"),
                holder=line.holder, paid=grouped(line.guarantee_paid),
                due=grouped(line.guarantee_due))
        if line.total < 0:
            raise DistributionError(
                N_("%(holder)s 多付的保底 %(over)s 元超过本次应付，不能从分红中扣完：请先收回多付"
                   "部分，再重新计算方案。"),
                holder=line.holder, over=grouped(line.guarantee_paid - line.guarantee_due))


def explain_overpayment(plan: Plan, line_id: int, text: str, *, by: User | None) -> PlanLine:
    """Record why a household was paid more 保底 during the year than was due."""
    lock(plan)
    steps_for(plan, by).require("explain", DistributionError)
    line = next((ln for ln in plan.lines if ln.id == line_id), None)
    if line is None:
        raise DistributionError(N_("这一行不属于这个方案。"))
    if line.guarantee_paid <= line.guarantee_due:
        raise DistributionError(N_("%(holder)s 没有多付保底，不需要说明。"), holder=line.holder)
    text = " ".join(text.split())
    if not text:
        raise DistributionError(N_("请写明多付保底的原因。"))
    if len(text) > 300:
        raise DistributionError(N_("说明最多 300 个字。"))
    before = line.overpaid_note
    line.overpaid_note = text
    db.session.flush()
    record("distribution.explain_overpayment", plan, by=by,
           label=f"{plan.organisation.name} {plan.label} {line.holder}",
           before={"note": before}, after={"note": text})
    return line


def _not_future(on: dt.date, *, today: dt.date) -> None:
    if on > today:
        raise DistributionError(N_("日期 %(on)s 在今天之后。"), on=on.isoformat())


def propose(plan: Plan, *, on: dt.date, by: User | None, today: dt.date) -> Plan:
    """理事会 proposes the plan."""
    lock(plan)
    steps_for(plan, by).require("propose", DistributionError)
    _not_future(on, today=today)
    if on <= dt.date(plan.year, 12, 31):
        raise DistributionError(N_("理事会提出方案的日期须在 %(year)d 年结束之后。"),
                                year=plan.year)
    _check_guarantees(plan)
    plan.proposed_on = on
    return _step(plan, target=PlanState.PROPOSED,
                 action="distribution.propose", by=by, on=on)


def review(plan: Plan, *, on: dt.date, by: User | None, today: dt.date) -> Plan:
    """监事会 has reviewed it."""
    lock(plan)
    steps_for(plan, by).require("review", DistributionError)
    _not_future(on, today=today)
    if plan.proposed_on is not None and on < plan.proposed_on:
        raise DistributionError(N_("监事会审核日期早于理事会提出日期。"))
    plan.reviewed_on = on
    return _step(plan, target=PlanState.REVIEWED,
                 action="distribution.review", by=by, on=on)


def approve(plan: Plan, *, resolution_no: str, on: dt.date, content: bytes | None,
            filename: str, storage: Store, by: User, today: dt.date) -> Plan:
    """成员(代表)大会 approved it: the resolution is kept and the voucher drafted."""
    lock(plan)
    steps_for(plan, by).require("approve", DistributionError)
    _not_future(on, today=today)
    if not resolution_no.strip():
        raise DistributionError(N_("请填写成员(代表)大会决议文号。"))
    if not content:
        raise DistributionError(N_("请上传成员(代表)大会决议的扫描件，没有决议文件不能通过方案。"))
    if plan.reviewed_on is not None and on < plan.reviewed_on:
        raise DistributionError(N_("成员大会决议日期早于监事会审核日期。"))
    _check_guarantees(plan)
    digest, kind = store_scan(content, storage)
    plan.resolution_no, plan.resolution_on = resolution_no.strip()[:100], on
    plan.resolution_sha256, plan.resolution_name = digest, Path(filename).name[:200]
    plan.resolution_type = kind
    _step(plan, target=PlanState.APPROVED,
          action="distribution.approve", by=by, resolution=plan.resolution_no, on=on)
    plan.voucher = _approval_voucher(plan, on=on, by=by, today=today)
    db.session.flush()
    return plan


def _approval_voucher(plan: Plan, *, on: dt.date, by: User, today: dt.date) -> Voucher | None:
    by_volume = sum((line.by_volume for line in plan.lines), ZERO)
    amounts = booking.Amounts(reserve=plan.reserve, welfare=plan.welfare, by_volume=by_volume,
                              by_shares=plan.members_total - by_volume, other=plan.other)
    lines = booking.approval_lines(plan.organisation.standard, amounts, year=plan.year)
    if not lines:
        return None
    return vouchers.save_voucher(plan.organisation, voucher=None, on=on, lines=lines,
                                 attachment_count=1, by=by, today=today)


def post(plan: Plan, *, start: dt.date, end: dt.date, by: User | None) -> Plan:
    """The plan is posted publicly (公示) from ``start`` to ``end``."""
    lock(plan)
    steps_for(plan, by).require("post", DistributionError)
    if end < start:
        raise DistributionError(N_("公示结束日期早于开始日期。"))
    if plan.resolution_on is not None and start < plan.resolution_on:
        raise DistributionError(N_("公示不能早于成员大会通过方案。"))
    plan.posted_from, plan.posted_to = start, end
    return _step(plan, target=PlanState.POSTED,
                 action="distribution.post", by=by, start=start, end=end)


def file_with_township(plan: Plan, *, on: dt.date, by: User | None, today: dt.date) -> Plan:
    """The plan was filed with the township (备案)."""
    lock(plan)
    steps_for(plan, by).require("file", DistributionError)
    _not_future(on, today=today)
    if plan.posted_from is not None and on < plan.posted_from:
        raise DistributionError(N_("备案日期早于公示开始日期。"))
    plan.filed_on = on
    return _step(plan, target=PlanState.FILED,
                 action="distribution.file", by=by, on=on)


PAYABLE = (PlanState.APPROVED, PlanState.POSTED, PlanState.FILED)


def has_payout_list(plan: Plan) -> bool:
    """Whether the plan has a payout list (兑付清单): once approved, paid or not."""
    return plan.state in (*PAYABLE, PlanState.PAID)


def has_bank_file(plan: Plan) -> bool:
    """Whether the plan has a bank batch file: approved and not yet wholly paid."""
    return plan.state in PAYABLE


def pay(plan: Plan, line_ids: list[int], *, on: dt.date, cash_code: str, by: User,
        today: dt.date) -> Voucher:
    """Record payment of these lines in full; one payment voucher is drafted."""
    lock(plan)
    steps_for(plan, by).require("pay", DistributionError)
    _not_future(on, today=today)
    if on < (plan.resolution_on or on):
        raise DistributionError(N_("兑付日期早于成员大会通过方案的日期。"))
    chosen = [line for line in plan.lines if line.id in set(line_ids)]
    if not chosen:
        raise DistributionError(N_("请选择要兑付的农户。"))
    done = [line for line in chosen if line.paid_on is not None]
    if done:
        raise DistributionError(N_("%(holder)s 已于 %(on)s 兑付，不能重复兑付。"),
                                holder=done[0].holder, on=done[0].paid_on.isoformat()
                                if done[0].paid_on else "")
    by_volume = sum((line.by_volume for line in chosen), ZERO)
    by_shares = sum((line.total - line.by_volume for line in chosen), ZERO)
    if not by_volume + by_shares:
        raise DistributionError(N_("所选农户没有应兑付的金额。"))
    from coopledger.ledger.queries import cash_accounts  # the same cash/bank choice

    if cash_code not in {a.code for a in cash_accounts(plan.organisation)}:
        raise DistributionError(N_("请选择库存现金或银行存款下的末级科目。"))
    if cash_code.startswith(STANDARDS[plan.organisation.standard].bank):
        _check_payout_accounts(chosen)
    voucher = vouchers.save_voucher(
        plan.organisation, voucher=None, on=on, attachment_count=1, by=by,
        lines=booking.payment_lines(plan.organisation.standard, by_volume=by_volume,
                                    by_shares=by_shares, cash=cash_code, year=plan.year),
                                    today=today)
    for line in chosen:
        line.paid, line.paid_on, line.payment_voucher = line.total, on, voucher
    if all(line.paid_on is not None or not line.total for line in plan.lines):
        plan.state = PlanState.PAID
    db.session.flush()
    record("distribution.pay", plan, by=by, label=f"{plan.organisation.name} {plan.label}",
           after={"lines": len(chosen), "amount": str(by_volume + by_shares),
                  "voucher": voucher.id})
    return voucher


def pay_by_result(plan: Plan, outcomes: list[Outcome], *, on: dt.date, cash_code: str,
                  by: User, today: dt.date) -> guarantees.BankResult:
    """Pay the lines the bank's result file says it paid (one voucher, as :func:`pay`) and
    report those it could not; a reference of another plan refuses the whole file, and a line
    already paid is left as it is (a result imported twice pays nothing twice)."""
    from coopledger.distribution.exports import line_reference

    lock(plan)
    by_reference = {line_reference(line): line for line in plan.lines}
    if unknown := payment_files.strangers(outcomes, by_reference):
        raise DistributionError(N_("结果文件里的业务参考号 %(refs)s 不属于这个方案。"),
                                refs=unknown)
    paid = [by_reference[o.reference] for o in outcomes if o.paid]
    fresh = [line.id for line in paid if line.paid_on is None]
    failed = [(by_reference[o.reference].holder, o.reason) for o in outcomes if not o.paid
              and by_reference[o.reference].paid_on is None]
    voucher = pay(plan, fresh, on=on, cash_code=cash_code, by=by, today=today) if fresh \
        else None
    record("distribution.bank_result", plan, by=by, label=f"{plan.organisation.name} "
           f"{plan.label}", after={"paid": len(fresh), "failed": len(failed)})
    return guarantees.BankResult(voucher, len(fresh), failed)


def _check_payout_accounts(lines: list[PlanLine]) -> None:
    """A bank payment needs the paid household's account (the heir's for an inherited
    holding): without one the money has nowhere to go, so it is refused and the household
    named — pay it in cash, or record the account first."""
    for line in lines:
        paid = line.payee_household or line.household
        if paid is not None:
            guarantees.payee_account(paid, line.plan.organisation_id, holder=line.holder,
                                     payee=None if paid is line.household else line.payee)


def new_version(plan: Plan, *, reason: str, by: User | None) -> Plan:
    """Start a new draft version of a plan that has left the draft state."""
    lock(plan)
    if not reason.strip():
        raise DistributionError(N_("请说明为什么修改已提交的方案。"))
    steps_for(plan, by).require("new_version", DistributionError)
    old = plan.voucher
    if old is not None and old.state is VoucherState.POSTED and db.session.scalar(
            sa.select(Voucher.id).where(Voucher.reverses_id == old.id)) is None:
        raise DistributionError(
            N_("原方案的分配凭证 %(label)s 已记账：请先红字冲销，再另立新版本。"), label=old.label)
    if old is not None and old.state is not VoucherState.POSTED:
        plan.voucher = None
        db.session.flush()
        db.session.delete(old)
    data = PlanData(mode=plan.mode, members_total=plan.members_total,
                    entitlement=plan.entitlement, record_date=plan.record_date,
                    other_in=plan.other_in, excluded=plan.excluded,
                    excluded_note=plan.excluded_note, reserve_percent=plan.reserve_percent,
                    reserve_base=plan.reserve_base,
                    reserve_quantify_by=plan.reserve_quantify_by,
                    reserve_minimum=plan.reserve_minimum, welfare_percent=plan.welfare_percent,
                    member_cap_percent=plan.member_cap_percent,
                    other_percent=plan.other_percent, volume_percent=plan.volume_percent,
                    guarantee_per_mu=plan.guarantee_per_mu,
                    guarantee_jin_per_mu=plan.guarantee_jin_per_mu,
                    weights={w.share_class_id: w.weight for w in plan.weights})
    plan.state = PlanState.SUPERSEDED
    fresh = Plan(organisation=plan.organisation, year=plan.year, version=plan.version + 1,
                 supersedes=plan, change_reason=reason.strip()[:500], mode=plan.mode,
                 created_by_id=by.id if by else None, created_at=utcnow())
    _apply(fresh, data)
    db.session.add(fresh)
    db.session.flush()
    record("distribution.new_version", fresh, by=by,
           label=f"{plan.organisation.name} {fresh.label}",
           after={"supersedes": plan.id, "reason": fresh.change_reason})
    return fresh


def unpaid_lines(plan: Plan) -> list[PlanLine]:
    """Lines with money still to pay."""
    return [line for line in plan.lines if line.unpaid > 0]
