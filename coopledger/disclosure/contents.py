"""What a financial disclosure shows, generated from the posted ledger only (no typed figures).

For a period of an organisation (农经发〔2011〕13号: income and expenditure item by item, assets,
resources, 债权债务, and for the year the distribution):

- 收支明细: every posted line on an income, expense or cost account and on 库存现金/银行存款 in
  the period, with date, 凭证号, 摘要, account and amount; opening balances and year-end
  closing lines are left out (they are not income or expenditure). Totals per side, and in 大写.
- The standard's 资产负债表 at the period end and 收益及收益分配表 for the period.
- 债权债务: the end balance of every leaf account under 应收款, 应付款 and 内部往来/成员往来
  (the counterparty is the sub-account's name), receivables and payables apart.
- 资产: cards held at the end per class with original value and accumulated depreciation, and
  the period's disposals; 资源: every resource with its area and use.
- 合同: contracts in force during the period with what was received under them in it.
- For the year: the approved distribution (plan, per-share figures, the roster with names
  masked; a logged-in member sees their own line named).

The result is plain JSON data (amounts as strings with two decimals) so that it can be frozen
and hashed as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from coopledger.assets.models import AssetCard, AssetDisposal
from coopledger.assets.reconcile import reconcile
from coopledger.assets.resources import in_force, resources_of, state_on
from coopledger.contracts.models import Contract, ContractStatus
from coopledger.contracts.money_models import ContractPayment
from coopledger.disclosure import cashflow
from coopledger.disclosure.rules import ITEMISE_FROM
from coopledger.extensions import db
from coopledger.ids import mask_name, mask_names, masked_numbers
from coopledger.ledger import reports
from coopledger.ledger.books import accounts_by_code
from coopledger.ledger.models import (
    Account,
    Category,
    Voucher,
    VoucherKind,
    VoucherLine,
    VoucherState,
)
from coopledger.ledger.queries import movements as ledger_movements
from coopledger.ledger.standards import STANDARDS
from coopledger.money import ZERO, amount_in_words, figure, plain
from coopledger.orgs.models import Organisation


def _money(value: Decimal | None) -> str:
    return figure(value or ZERO)


def _table(table: reports.ReportTable) -> dict[str, Any]:
    return {"title": table.title, "columns": table.columns,
            "rows": [[_money(c) if isinstance(c, Decimal) else c for c in row]
                     for row in table.rows]}


_STATEMENT_PREFIX = re.compile(r"^([一二三四五六七八九十]+、|加：|减：)")
TRADE, ASSETS = 100, 200   # ranks of 往来款项 and 资产购置与处置 after the statement lines


def _categories(org: Organisation, chart: dict[str, Account]) -> dict[int, tuple[str, int]]:
    """Each account's category on the notice and its rank: an income or expense account under
    its line of the standard's 收益（盈余）及分配表, 往来 accounts together, other assets as
    资产购置与处置, anything else under its top-level account's name."""
    standard = STANDARDS[org.standard]
    lines: dict[str, tuple[str, int]] = {}
    for line in reports.statement_lines(org.standard)["income_statement"]["lines"]:
        term = str(line["formula"]).strip()
        if term.startswith("flow:") and " " not in term:
            lines[term.removeprefix("flow:")] = (_STATEMENT_PREFIX.sub("", line["label"]),
                                                 int(line["no"]))
    trade = (standard.receivable, standard.payable, standard.member_parent)
    result: dict[int, tuple[str, int]] = {}
    for account in chart.values():
        top = chart.get(account.code[:3], account)
        if account.category in (Category.INCOME, Category.EXPENSE) and top.code in lines:
            result[account.id] = lines[top.code]
        elif account.code.startswith(trade):
            result[account.id] = ("往来款项", TRADE)
        elif account.category is Category.ASSET:
            result[account.id] = ("资产购置与处置", ASSETS)
        else:
            result[account.id] = (top.name, ASSETS + int(top.code) if top.code.isdigit()
                                  else ASSETS + 999)
    return result


def _counterparty(account: Account) -> str:
    """The sub-account's name of a 往来, loan or other liability or equity account (the member,
    partner or bank); income and expense sub-accounts are kinds of spending, not parties."""
    if account.parent_id is None or account.category in (Category.INCOME, Category.EXPENSE,
                                                         Category.COST):
        return ""
    return account.name


def _item(item: cashflow.Item) -> dict[str, str]:
    return {"on": item.on.isoformat(), "voucher": item.voucher,
            "summary": masked_numbers(item.summary),
            "counterparty": masked_numbers(item.counterparty), "category": item.category,
            "rank": str(item.rank), "side": item.side, "amount": _money(item.amount)}


def cash_flow(org: Organisation, start: dt.date, end: dt.date, *,
              itemise_from: Decimal) -> dict[str, Any]:
    """收支明细 (``disclosure.cashflow``): the period's receipts and payments of cash and bank,
    item by item and per category, internal transfers apart, and the totals box (期初, 收入,
    支出, 期末 in figures and 大写) that ties to the cash and bank balances."""
    standard = STANDARDS[org.standard]
    chart = accounts_by_code(org)
    cash_ids = {a.id for a in chart.values() if a.code.startswith((standard.cash, standard.bank))}
    categories = _categories(org, chart)
    by_id = {a.id: a for a in chart.values()}
    rows = db.session.execute(
        sa.select(VoucherLine, Voucher).join(Voucher)
        .where(VoucherLine.organisation_id == org.id, VoucherLine.posted.is_(True),
               VoucherLine.closing.is_(False), VoucherLine.on >= start, VoucherLine.on <= end,
               Voucher.kind != VoucherKind.OPENING)
        .order_by(VoucherLine.on, Voucher.number, VoucherLine.line_no)).all()
    vouchers: dict[int, Voucher] = {}
    postings: dict[int, list[cashflow.Posting]] = {}
    for line, voucher in rows:
        account = by_id[line.account_id]
        category, rank = categories[account.id]
        vouchers[voucher.id] = voucher
        postings.setdefault(voucher.id, []).append(cashflow.Posting(
            is_cash=account.id in cash_ids, category=category, rank=rank,
            counterparty=_counterparty(account), summary=line.summary,
            debit=line.debit, credit=line.credit))
    moved = cashflow.movements(
        cashflow.Entry(vouchers[vid].on, vouchers[vid].label, tuple(found))
        for vid, found in postings.items())
    # 期初 as the ledger counts it: before the period, and the 建账 voucher dated in it
    balances = ledger_movements(org, start, end)
    opening = sum((balances[i].opening for i in cash_ids if i in balances), ZERO)
    receipts, payments = moved.total(cashflow.RECEIPT), moved.total(cashflow.PAYMENT)
    closing = opening + receipts - payments
    totals = {"opening": opening, "receipts": receipts, "payments": payments,
              "closing": closing}
    return {
        **{key: _money(value) for key, value in totals.items()},
        **{f"{key}_words": amount_in_words(abs(value)) for key, value in totals.items()},
        "itemise_from": _money(itemise_from),
        "categories": {side: [{"category": g.category, "total": _money(g.total),
                               "count": g.count}
                              for g in cashflow.by_category(moved.items, side)]
                       for side in (cashflow.RECEIPT, cashflow.PAYMENT)},
        "items": [_item(i) for i in moved.items],
        "transfers": [_item(i) for i in moved.transfers],
        "transfers_total": _money(sum((i.amount for i in moved.transfers), ZERO)),
    }


def claims_and_debts(org: Organisation, end: dt.date) -> dict[str, Any]:
    """债权债务: leaf balances under 应收款, 应付款 and the members' current account at ``end``."""
    standard = STANDARDS[org.standard]
    chart = accounts_by_code(org)
    parents = (standard.receivable, standard.payable, standard.member_parent)
    leaves = {a.id: a for a in chart.values() if a.is_leaf and a.code.startswith(parents)}
    debit = sa.type_coerce(VoucherLine.debit, sa.BigInteger)
    credit = sa.type_coerce(VoucherLine.credit, sa.BigInteger)
    balances = dict(db.session.execute(
        sa.select(VoucherLine.account_id, sa.func.sum(debit - credit))
        .where(VoucherLine.organisation_id == org.id, VoucherLine.posted.is_(True),
               VoucherLine.on <= end, VoucherLine.account_id.in_(list(leaves)))
        .group_by(VoucherLine.account_id)).all())
    receivable: list[dict[str, str]] = []
    payable: list[dict[str, str]] = []
    for account_id, fen in sorted(balances.items(), key=lambda kv: leaves[kv[0]].code):
        amount = Decimal(int(fen or 0)) / 100
        if not amount:
            continue
        entry = {"account": masked_numbers(leaves[account_id].label),
                 "counterparty": masked_numbers(leaves[account_id].name),
                 "amount": _money(abs(amount))}
        (receivable if amount > 0 else payable).append(entry)
    return {"receivable": receivable, "payable": payable,
            "receivable_total": _money(sum((Decimal(e["amount"]) for e in receivable), ZERO)),
            "payable_total": _money(sum((Decimal(e["amount"]) for e in payable), ZERO))}


def assets_and_resources(org: Organisation, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Cards held per class at ``end``, the period's disposals, and the resource register."""
    result = reconcile(org, end)
    classes = [{"class": f.asset_class.label, "cards": f.cards,
                "original": _money(f.register_original),
                "accumulated": _money(f.register_accumulated),
                "net": _money(f.register_original - f.register_accumulated)}
               for f in result.classes if f.cards]
    disposed = [{"number": card.number, "name": card.name, "kind": disposal.kind.label,
                 "on": disposal.on.isoformat(), "proceeds": _money(disposal.proceeds),
                 "result": _money(disposal.result)}
                for disposal, card in db.session.execute(
                    sa.select(AssetDisposal, AssetCard).join(AssetCard).where(
                        AssetCard.organisation_id == org.id, AssetDisposal.on >= start,
                        AssetDisposal.on <= end).order_by(AssetDisposal.on)).all()]
    resources = [{"number": r.number, "name": r.name, "kind": r.kind.label,
                  "area_mu": plain(r.area_mu) if r.area_mu else "", "size": r.size,
                  "state": state_on(r, end),
                  "contracts": [c.number for c in in_force(r, end)]}
                 for r in resources_of(org)]
    return {"classes": classes, "disposed": disposed, "resources": resources}


def contracts_in_period(org: Organisation, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Contracts in force at any time in the period and what they brought in during it."""
    fen = sa.type_coerce(ContractPayment.amount, sa.BigInteger)
    received = dict(db.session.execute(
        sa.select(ContractPayment.contract_id, sa.func.sum(fen))
        .where(ContractPayment.on >= start, ContractPayment.on <= end)
        .group_by(ContractPayment.contract_id)).all())
    rows = []
    for contract in db.session.scalars(sa.select(Contract).where(
            Contract.organisation_id == org.id,
            Contract.status.in_([ContractStatus.ACTIVE, ContractStatus.TERMINATED]),
            Contract.starts_on <= end,
            sa.or_(Contract.ends_on.is_(None), Contract.ends_on >= start)).order_by(
            Contract.number)):
        rows.append({"number": contract.number, "title": masked_numbers(contract.title),
                     "partner": masked_numbers(contract.partner.name), "kind": contract.kind.label,
                     "starts_on": contract.starts_on.isoformat(),
                     "ends_on": contract.ends_on.isoformat() if contract.ends_on else "",
                     "received": _money(Decimal(int(received.get(contract.id) or 0)) / 100)})
    return rows


def distribution_of_year(org: Organisation, year: int, *,
                         show_names: bool = False) -> dict[str, Any] | None:
    """The year's approved distribution plan (latest version): figures per share and the roster
    with names masked as the public rules allow (the family name and 户)."""
    from coopledger.distribution.models import Plan, PlanState
    plan = db.session.scalar(sa.select(Plan).where(
        Plan.organisation_id == org.id, Plan.year == year,
        Plan.state.in_([PlanState.APPROVED, PlanState.POSTED, PlanState.FILED,
                        PlanState.PAID])).order_by(Plan.version.desc()).limit(1))
    if plan is None:
        return None
    lines = [{"seq": line.seq,
              "holder": line.holder if show_names or line.household_id is None
              else mask_name(line.holder),
              "household_id": line.household_id, "shares": plain(line.shares),
              "days": line.days_held, "guarantee": _money(line.guarantee_due),
              "by_volume": _money(line.by_volume), "dividend": _money(line.dividend),
              "total": _money(line.total), "paid": _money(line.paid)}
             for line in sorted(plan.lines, key=lambda ln: ln.seq)]
    return {"year": plan.year, "version": plan.version, "mode": plan.mode.label,
            "resolution": plan.resolution_no or "",
            "per_share": f"{plan.per_share:f}", "guarantee_per_mu": _money(plan.guarantee_per_mu),
            "total": _money(sum((line.total for line in plan.lines), ZERO)), "lines": lines}


def unposted_in(org: Organisation, start: dt.date, end: dt.date) -> int:
    """Vouchers dated in the period that are not posted (a disclosure needs none)."""
    return db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(
        Voucher.organisation_id == org.id, Voucher.on >= start, Voucher.on <= end,
        Voucher.state != VoucherState.POSTED)) or 0


def people_names(org: Organisation) -> set[str]:
    """The names of the people whose names may stand in the books' text: the heads and members
    of the households of the organisation's village or its members, and its individual
    partners (家庭农场, 种养大户, 个人)."""
    from coopledger.contracts.models import Partner, PartnerKind
    from coopledger.members.models import Household, Membership, Person

    households = sa.select(Household.id).where(sa.or_(
        Household.village_id == org.village_id,
        Household.id.in_(sa.select(Membership.household_id).where(
            Membership.organisation_id == org.id))))
    names = set(db.session.scalars(sa.select(Household.head_name).where(
        Household.id.in_(households))))
    names |= set(db.session.scalars(sa.select(Person.name).where(
        Person.household_id.in_(households))))
    for partner in db.session.scalars(sa.select(Partner).where(
            Partner.organisation_id == org.id, Partner.kind.in_(
                [PartnerKind.FAMILY_FARM, PartnerKind.LARGE_GROWER, PartnerKind.INDIVIDUAL]))):
        names |= {partner.name, partner.legal_representative, partner.contact_name}
    return {name for name in names if name}


def _mask_people(value: Any, names: set[str]) -> Any:
    """Every string inside ``value`` with the people's names masked (陈**)."""
    if isinstance(value, str):
        return mask_names(value, names)
    if isinstance(value, list):
        return [_mask_people(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _mask_people(item, names) for key, item in value.items()}
    return value


def generate(org: Organisation, start: dt.date, end: dt.date, *, key: str,
             itemise_from: Decimal = ITEMISE_FROM, show_names: bool = False) -> dict[str, Any]:
    """The whole generated contents of a financial disclosure for the period. Unless the
    organisation chose to show names (``DisclosureSettings.show_names``), people's names in
    the books' text — 收支明细, 往来, contracts — are masked like the distribution roster's."""
    body: dict[str, Any] = {
        "organisation": {"code": org.code, "name": org.name, "standard": org.standard.value},
        "period": {"key": key, "start": start.isoformat(), "end": end.isoformat()},
        "cash_flow": cash_flow(org, start, end, itemise_from=itemise_from),
        "balance_sheet": _table(reports.balance_sheet(org, start, end)),
        "income_statement": _table(reports.income_statement(org, start, end)),
        "claims_and_debts": claims_and_debts(org, end),
        "assets": assets_and_resources(org, start, end),
        "contracts": contracts_in_period(org, start, end),
    }
    if not show_names:
        names = people_names(org)
        for part in ("cash_flow", "claims_and_debts", "contracts"):
            body[part] = _mask_people(body[part], names)
    if len(key) == 4:   # the annual disclosure carries the year's distribution
        body["distribution"] = distribution_of_year(org, int(key), show_names=show_names)
    return body
