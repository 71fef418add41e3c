"""A bank statement of 石安村股份经济合作社 for March 2024 with every kind of outstanding item,
for the reconciliation tests and the permission matrix.

Books (102 银行存款, opened with 95,000.00): 3-05 rent received 8,000.00; 3-20 a repair paid
by cheque 1,200.00 that the bank has not paid yet; 3-28 a contract fee of 3,000.00 banked
on the 28th that the bank credits on 2 April. Statement: 3-06 the rent 8,000.00; 3-15 a
bank charge 15.00 and 3-21 interest 31.50 the books do not have yet.

调节表 at 31 March: book 104,800.00 + 31.50 − 15.00 = 104,816.50;
bank 103,016.50 + 3,000.00 − 1,200.00 = 104,816.50.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from coopledger import dates
from coopledger.banking import services as banking
from coopledger.banking.models import BankStatement
from coopledger.files import store
from coopledger.ledger.models import Account, Voucher
from tests.ledger_helpers import book_with_vouchers, make_voucher

HEADERS = ("交易日期", "摘要", "对方户名", "流水号", "收入金额", "支出金额", "余额")
MAPPING = banking.MappingData(header_row=3, date_column="交易日期", in_column="收入金额",
                              out_column="支出金额", balance_column="余额",
                              counterparty_column="对方户名", reference_column="流水号",
                              summary_column="摘要", window_days=5)
MARCH = [
    ("2024-03-06", "转账存入", "建平鑫农公司", "B0306001", "8,000.00", "", "103,000.00"),
    ("2024-03-15", "手续费", "", "B0315002", "", "15.00", "102,985.00"),
    ("2024-03-21 09:12:00", "结息", "", "B0321003", "31.50", "", "103,016.50"),
]


def statement_xlsx(rows: list[tuple[str, ...]], headers: tuple[str, ...] = HEADERS,
                   *, title_rows: int = 2) -> bytes:
    """A bank's statement workbook: ``title_rows`` lines of title above the headers."""
    workbook = Workbook()
    sheet = workbook.active
    for number in range(title_rows):
        sheet.append([f"建平农商行 账户交易明细 {number + 1}"])
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bank_account(by_name: Any) -> Account:
    from coopledger.banking import queries

    return queries.bank_accounts(by_name.org("shian-jjhzs"))[0]


def march_books(by_name: Any) -> dict[str, Voucher]:
    """Open the books and post March's three bank vouchers."""
    org, accountant, reviewer = (by_name.org("shian-jjhzs"), by_name.user("accountant"),
                                 by_name.user("reviewer"))
    book_with_vouchers(org, accountant, reviewer)
    return {"rent": make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 5),
                                 amount="8000.00", summary="收到鑫农公司土地租金"),
            "repair": make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 20),
                                   amount="1200.00", debit="513", credit="102",
                                   summary="支付办公室维修费（转账支票）"),
            "fee": make_voucher(org, accountant, reviewer, on=dt.date(2024, 3, 28),
                                amount="3000.00", summary="收到承包费存入银行")}


def import_march(by_name: Any, *, by: str = "accountant") -> BankStatement:
    """Save the mapping and import March's statement (then auto-match)."""
    org, account = by_name.org("shian-jjhzs"), bank_account(by_name)
    user = by_name.user(by)
    banking.save_mapping(org, account, MAPPING, by=user)
    statement = banking.import_statement(org, account, content=statement_xlsx(MARCH),
                                         filename="2024-03.xlsx", opening=None, by=user,
                                         storage=store(), today=dates.today())
    banking.auto_match(account, by=user)
    return statement


def build_bank(by_name: Any) -> dict[str, Any]:
    """March's books and statement, matched; the ids the tests and the matrix open."""
    vouchers = march_books(by_name)
    statement = import_march(by_name)
    lines = {line.summary: line for line in statement.lines}
    return {"account": bank_account(by_name).id, "statement": statement.id,
            "rent_line": lines["转账存入"].id, "charge_line": lines["手续费"].id,
            "interest_line": lines["结息"].id, "vouchers": vouchers,
            "charge": Decimal("15.00")}
