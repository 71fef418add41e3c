"""The demo's bank statements and cash counts (``[full_banking]`` of the sample world), loaded
after the demo books: for each month of the books up to the one before the cutoff, the bank's
statement of the account as the bank saw it — every posted movement, a wage payment of the
month's last days cleared by the bank six days later (an outstanding cheque at month end),
and in the last month its last wage payment not yet cleared and the account fee the books
have not booked yet — imported through the bank's CSV layout and matched; every closed month
is marked reconciled, the last one is left with items on both sides of its 调节表. A cash
count at every month end, the last one 10 元 short (its voucher drafted through 待处理财产损溢).
Loaded once: a second load finds them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from coopledger.auth.models import User
from coopledger.banking import queries, rules, services
from coopledger.banking.models import BankStatement
from coopledger.extensions import db
from coopledger.files.stores import Store
from coopledger.ledger.books import get_book
from coopledger.ledger.models import Account
from coopledger.ledger.queries import account_balance
from coopledger.ledger.rules import month_end, months_between, previous_month
from coopledger.ledger.sample_books import BANK_CHARGE, BANK_CHARGE_DAY, BANK_CHARGE_SUMMARY
from coopledger.orgs.models import Organisation
from coopledger.sample_dating import Dating

HEADERS = ("交易日期", "摘要", "对方户名", "交易流水号", "收入金额", "支出金额", "账户余额")
MAPPING = services.MappingData(header_row=1, date_column="交易日期", in_column="收入金额",
                               out_column="支出金额", balance_column="账户余额",
                               counterparty_column="对方户名", reference_column="交易流水号",
                               summary_column="摘要", window_days=7)
CHEQUE = "支付社员临时用工劳务费"


def _user(name: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == name)).one()


def _statement_csv(rows: list[tuple[dt.date, str, Decimal]], opening: Decimal,
                   month: tuple[int, int]) -> tuple[bytes, Decimal]:
    """The bank's CSV of the rows (date, 摘要, signed amount), with running balances."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    balance = opening
    for number, (on, summary, amount) in enumerate(rows, start=1):
        balance += amount
        writer.writerow([on.isoformat(), summary, "", f"{month[0]}{month[1]:02d}{number:04d}",
                         f"{amount:.2f}" if amount > 0 else "",
                         f"{-amount:.2f}" if amount < 0 else "", f"{balance:.2f}"])
    return out.getvalue().encode("utf-8-sig"), balance


def _bank_rows(account: Account, year: int, month: int, *, carried: list[Any],
               last: bool) -> tuple[list[tuple[dt.date, str, Decimal]], list[Any]]:
    """The month as the bank saw it, and the cheque it carries into the next month: a wage
    payment of the month's last days reaches the bank six days later; in the last month its
    last wage payment has not reached the bank at all."""
    start, end = dt.date(year, month, 1), month_end(year, month)
    book = queries.book_lines(account, start, end)
    cheques = [line for line in book if line.summary == CHEQUE and line.amount < 0]
    late = [line for line in cheques if line.on.day >= 26]
    held = (late or cheques)[-1:] if last else late[-1:]
    rows = [(line.on + dt.timedelta(days=6), line.summary, line.amount) for line in carried]
    rows += [(line.on, line.summary, line.amount) for line in book if line not in held]
    if last:
        rows.append((dt.date(year, month, BANK_CHARGE_DAY), BANK_CHARGE_SUMMARY, -BANK_CHARGE))
    return sorted(rows, key=lambda row: row[0]), held


def load(config: dict[str, Any], *, storage: Store, when: Dating) -> tuple[int, int]:
    """Import and match the statements, mark the closed months, count the cash; (made,
    found)."""
    org = db.session.scalars(sa.select(Organisation).where(
        Organisation.code == config["org"])).one()
    accounts = queries.bank_accounts(org)
    if not accounts:
        return 0, 0
    account = accounts[0]
    if db.session.scalar(sa.select(BankStatement.id).where(
            BankStatement.account_id == account.id).limit(1)) is not None:
        return 0, 1
    clerk, cashier, witness = (_user(config["accountant"]), _user(config["cashier"]),
                               _user(config["witness"]))
    services.save_mapping(org, account, MAPPING, by=clerk)
    opened_on = get_book(org).opened_on
    if opened_on is None:
        return 0, 0
    opened = (opened_on.year, opened_on.month)
    last = previous_month(*when.cutoff)
    # the balance brought into the books is what the bank held: the 建账 lines
    opening = account_balance(account, as_of=opened_on) - sum(
        (line.amount for line in queries.book_lines(account, opened_on, opened_on)),
        Decimal("0.00"))
    carried: list[Any] = []
    made = 0
    months = months_between(opened, last)
    for year, month in months:
        final = (year, month) == last
        rows, carried = _bank_rows(account, year, month, carried=carried, last=final)
        content, opening = _statement_csv(rows, opening, (year, month))
        services.import_statement(org, account, content=content,
                                  filename=f"农商行对账单-{year}{month:02d}.csv", opening=None,
                                  by=clerk, storage=storage, today=when.as_of)
        services.auto_match(account, by=clerk)
        made += 1
        if not final:
            services.mark_reconciled(account, year, month, by=clerk)
    cash = queries.cash_leaves(org)[0]
    for year, month in months:
        day = month_end(year, month)
        held = account_balance(cash, as_of=day)
        if held <= 0:
            continue
        short = Decimal("10.00") if (year, month) == last else Decimal("0.00")
        services.record_count(org, account_code=cash.code, on=day,
                              pieces=rules.pieces_of(held - short), witness=witness,
                              note="盘点时发现短款 10 元，待查明原因" if short else "",
                              by=cashier, today=when.as_of)
        made += 1
    db.session.flush()
    return made, 0

