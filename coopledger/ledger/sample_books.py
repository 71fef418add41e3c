"""Realistic demo books for the sample world: two full years of posted vouchers.

Deterministic (a fixed random seed per organisation). Every voucher goes through the real
workflow (the accountant prepares and submits, the reviewer reviews and posts), months are
closed, the first year is closed with its year-end vouchers, and the last weeks are left open
with drafts and vouchers awaiting review. Some vouchers carry a scanned-original placeholder.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from coopledger.auth.models import User
from coopledger.files.stores import Store
from coopledger.ledger import attachments, books, periods, rules, vouchers
from coopledger.ledger.models import Voucher
from coopledger.orgs.models import AccountingStandard, Organisation, OrgKind
from coopledger.sample_dating import Dating

# A 1×1 grey PNG: the placeholder for a scanned receipt.
PLACEHOLDER_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==")
MEMBERS = ("陈大山", "王德明", "李桂兰", "张福生", "刘秀珍")


@dataclass(frozen=True)
class Codes:
    """The accounts the generator uses, per standard."""

    bank: str
    member_parent: str
    business_income: str     # 经营收入: rent of the pooled land, or the members' produce sold
    subsidy_income: str
    interest: str
    operating_cost: str
    admin_cost: str
    labour_payable: str      # 应付劳务费: casual labour of members is not 应付工资


CODES = {
    AccountingStandard.VILLAGE_2023: Codes("10201", "113", "501", "503", "504", "511",
                                           "513", "213"),
    AccountingStandard.COOP_2021: Codes("10201", "114", "501", "502", "524", "521",
                                        "523", "213"),
}


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


def _lines(summary: str, debit: str, credit: str, amount: Decimal) -> list[rules.Line]:
    zero = Decimal("0.00")
    return [rules.Line(summary, debit, amount, zero), rules.Line(summary, credit, zero, amount)]


def _business(rng: random.Random, codes: Codes, kind: OrgKind, day: Callable[[], dt.date],
              ) -> list[tuple[dt.date, list[rules.Line]]]:
    """What the organisation lives on. A village collective lets its land and assets (承包费);
    a land-share cooperative leases the pooled land to a 龙头企业 (its 保底 is paid through the
    distribution's 保底 payments, not here); a professional cooperative buys its members'
    produce and sells it (农民专业合作社: 成员的产品销售)."""
    out: list[tuple[dt.date, list[rules.Line]]] = []
    if kind is OrgKind.PROFESSIONAL_COOP:
        for name in MEMBERS:
            out.append((day(), _lines(f"收购社员{name}藤椒", codes.operating_cost, codes.bank,
                                      _amount(rng, 1500, 4500))))
        for _ in range(4):
            out.append((day(), _lines("销售藤椒（成员产品）", codes.bank, codes.business_income,
                                      _amount(rng, 6000, 14000))))
        return out
    summary = "收到村集体土地发包承包费" if kind is OrgKind.VILLAGE_COLLECTIVE \
        else "收到龙头企业土地租金"
    for _ in range(6):
        out.append((day(), _lines(summary, codes.bank, codes.business_income,
                                  _amount(rng, 3000, 12000))))
    return out


BANK_CHARGE = Decimal("12.00")
BANK_CHARGE_DAY = 25
BANK_CHARGE_SUMMARY = "银行账户管理费"


def books_bank_charge(kind: OrgKind, year: int, month: int, dating: Dating) -> bool:
    """Whether the demo books carry the month's bank charge (a village collective's account
    fee on the 25th, booked from the bank's statement): every closed month; the months still
    open wait for their statement, where the demo's reconciliation finds it."""
    return kind is OrgKind.VILLAGE_COLLECTIVE and dating.closes(year, month)


def _month_vouchers(rng: random.Random, codes: Codes, kind: OrgKind, year: int, month: int,
                    ) -> list[tuple[dt.date, list[rules.Line]]]:
    """About 20 vouchers for one month."""

    def day() -> dt.date:
        return dt.date(year, month, rng.randint(1, 28))

    out = _business(rng, codes, kind, day)
    for _ in range(3):
        out.append((day(), _lines("计提社员临时用工劳务费", codes.operating_cost,
                                  codes.labour_payable, _amount(rng, 1500, 4000))))
        out.append((day(), _lines("支付社员临时用工劳务费", codes.labour_payable, codes.bank,
                                  _amount(rng, 1000, 1500))))
    for _ in range(2):
        out.append((day(), _lines("购买办公用品、水电费", codes.admin_cost, "101",
                                  _amount(rng, 80, 600))))
    out.append((day(), _lines("从银行提取备用金", "101", codes.bank, _amount(rng, 1200, 2000))))
    member = f"{codes.member_parent}0{rng.randint(1, len(MEMBERS))}"
    out.append((day(), _lines("社员借支农资款", member, codes.bank, _amount(rng, 200, 800))))
    if month % 3 == 0:
        interest = _amount(rng, 20, 120)
        end = rules.month_end(year, month)
        # 利息收入: village books credit 其他收入; cooperative books credit 财务费用.
        out.append((end, _lines("银行存款利息", codes.bank, codes.interest, interest)))
    if month in (4, 10):
        out.append((day(), _lines("收到农业生产补助资金", codes.bank, codes.subsidy_income,
                                  _amount(rng, 5000, 20000))))
    if month == 5:
        out.append((day(), _lines("购置农用机械", "151", codes.bank, _amount(rng, 8000, 30000))))
    return sorted(out, key=lambda item: item[0])


def _run(voucher: Voucher, accountant: User, reviewer: User, *, today: dt.date,
         upto: str = "post") -> None:
    vouchers.submit_voucher(voucher, by=accountant)
    if upto == "submit":
        return
    vouchers.review_voucher(voucher, by=reviewer)
    if upto == "review":
        return
    vouchers.post_voucher(voucher, by=reviewer, today=today)


def load_books(org: Organisation, *, accountant: User, reviewer: User, first_year: int,
               storage: Store, seed: int, dating: Dating,
               month_end: Callable[[int, int], list[Voucher]] | None = None) -> int:
    """Give ``org`` its books from January of ``first_year`` to the cutoff month of
    ``dating`` (sample_dating); returns how many vouchers were created.

    Months close up to two months before the cutoff; the cutoff month's last weeks stay drafts
    and submitted vouchers; every December before the cutoff gets its year-end vouchers.
    ``month_end(year, month)`` may draft more vouchers of the month (other domains' records,
    such as contract receipts); they are posted with the month's own before it closes.
    """
    book = books.get_book(org)
    if book.opened_on is not None:
        return 0
    codes = CODES[org.standard]
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    existing = books.accounts_by_code(org)
    bank = books.add_subaccount(existing["102"], code=codes.bank, name="农商行",
                                by=accountant)
    del bank
    for number, name in enumerate(MEMBERS, start=1):
        books.add_subaccount(existing[codes.member_parent], code=f"{codes.member_parent}0{number}",
                             name=name, member_ledger=True, by=accountant)
    opening_on = dt.date(first_year, 1, 1)
    capital = "301"
    opening = periods.open_books(org, on=opening_on, balances=[
        rules.Line("期初余额", "101", Decimal("4800.00"), Decimal(0)),
        rules.Line("期初余额", codes.bank, Decimal("286500.00"), Decimal(0)),
        rules.Line("期初余额", "151", Decimal("120000.00"), Decimal(0)),
        rules.Line("期初余额", capital, Decimal(0), Decimal("411300.00")),
    ], by=accountant, today=dating.as_of)
    _run(opening, accountant, reviewer, today=dating.as_of)
    created = 1
    months = [(year, month) for year in range(first_year, dating.cutoff[0] + 1)
              for month in range(1, 13) if (year, month) <= dating.cutoff]
    for year, month in months:
        batch = _month_vouchers(rng, codes, org.kind, year, month)
        if books_bank_charge(org.kind, year, month, dating):
            batch.append((dt.date(year, month, BANK_CHARGE_DAY), _lines(
                BANK_CHARGE_SUMMARY, codes.admin_cost, codes.bank, BANK_CHARGE)))
            batch.sort(key=lambda item: item[0])
        to_post: list[Voucher] = []
        for index, (on, lines) in enumerate(batch):
            voucher = vouchers.save_voucher(org, voucher=None, on=on, lines=lines,
                                            attachment_count=1, by=accountant,
                                            today=dating.as_of)
            created += 1
            if index % 7 == 0:
                attachments.add_attachment(voucher, content=PLACEHOLDER_PNG,
                                           filename=f"receipt-{on.isoformat()}.png",
                                           storage=storage, by=accountant)
            last_weeks = (year, month) == dating.cutoff and on.day > 20
            if last_weeks and index % 2 == 0:
                continue  # left as a draft
            _run(voucher, accountant, reviewer, today=dating.as_of,
                 upto="submit" if last_weeks else "review")
            if not last_weeks:
                to_post.append(voucher)
        for extra in month_end(year, month) if month_end is not None else []:
            _run(extra, accountant, reviewer, today=dating.as_of, upto="review")
            to_post.append(extra)
            created += 1
        # 序时控制: the month's vouchers are posted in date order, the books' own included.
        for voucher in sorted(to_post, key=lambda v: (v.on, v.id)):
            vouchers.post_voucher(voucher, by=reviewer, today=dating.as_of)
        if month == 12 and (year, month) != dating.cutoff:
            for closing in periods.year_end_vouchers(org, year, on=dt.date(year + 1, 1, 1),
                                                 by=accountant, today=dating.as_of):
                _run(closing, accountant, reviewer, today=dating.as_of)
                created += 1
        if dating.closes(year, month):
            periods.close_month(org, year, month, by=accountant)
    return created
