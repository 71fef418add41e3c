"""The opening-balance sheet (期初余额表): the downloadable template and reading it back.

Reading goes through the one import pipeline (:mod:`coopledger.workbook_import`) and is
all-or-nothing: every error is reported with its sheet, row and column, and nothing is saved
unless the whole sheet is good and debits equal credits.
"""

from __future__ import annotations

from coopledger import workbook_import
from coopledger.i18n import N_
from coopledger.ledger import rules
from coopledger.ledger.models import Account
from coopledger.money import ZERO
from coopledger.spreadsheets import append_row, new_sheet, workbook_bytes
from coopledger.workbook_import import Column, Sheet, money, text

HEADERS = ("科目编码", "科目名称", "借方余额", "贷方余额")


def template(leaves: list[Account]) -> bytes:
    """An Excel sheet listing every leaf account, to fill in."""
    workbook, sheet = new_sheet("期初余额", HEADERS)
    for account in leaves:
        append_row(sheet, [account.code, account.full_name, None, None])
    sheet.column_dimensions["B"].width = 36
    return workbook_bytes(workbook)


OPENING_SHEET = Sheet(None, (
    Column("code", HEADERS[0], text(16), required=True),
    Column("name", HEADERS[1], text(200)),
    Column("debit", HEADERS[2], money(minimum=None), required=True),
    Column("credit", HEADERS[3], money(minimum=None), required=True),
))


def read_sheet(content: bytes, known_codes: set[str]) -> list[rules.Line]:
    """Opening lines from an uploaded sheet, columns by name (a sheet with 借方 and 贷方
    swapped reads them by their headers); raises with every problem at once."""
    rows, problems = workbook_import.read(content, (OPENING_SHEET,))
    lines: list[rules.Line] = []
    for row in rows.get(None, []):
        if row.refused:
            continue
        debit, credit = row["debit"] or ZERO, row["credit"] or ZERO
        if not debit and not credit:
            continue
        if row["code"] not in known_codes:
            problems.at(row, "code", N_("科目编码“%(code)s”不是本账套的末级科目。"),
                        code=row["code"])
        elif debit and credit:
            problems.at(row, None, N_("借方和贷方只能填一个。"))
        else:
            lines.append(rules.Line("期初余额", row["code"], debit, credit))
    problems.refuse_if_any(downloadable=False)
    return lines

