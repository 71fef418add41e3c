"""The opening-balance sheet (期初余额表): the downloadable template and reading it back.

Reading is all-or-nothing: every error is reported with its row and column, and nothing is
saved unless the whole sheet is good and debits equal credits.
"""

from __future__ import annotations

from decimal import Decimal

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_
from coopledger.ledger import rules
from coopledger.ledger.models import Account
from coopledger.money import MoneyInputError, parse_money
from coopledger.spreadsheets import append_row, new_sheet, workbook_bytes
from coopledger.workbooks import UnreadableWorkbookError, open_workbook

HEADERS = ("科目编码", "科目名称", "借方余额", "贷方余额")


class OpeningSheetError(CoopLedgerError):
    """Problems found in an uploaded opening-balance sheet."""

    message = N_("期初余额表有误，未导入任何数据：%(problems)s")


def template(leaves: list[Account]) -> bytes:
    """An Excel sheet listing every leaf account, to fill in."""
    workbook, sheet = new_sheet("期初余额", HEADERS)
    for account in leaves:
        append_row(sheet, [account.code, account.full_name, None, None])
    sheet.column_dimensions["B"].width = 36
    return workbook_bytes(workbook)


def _problem(template: str, **params: object) -> str:
    """One problem sentence, in the user's language."""
    return str(CoopLedgerError(template, **params))


def _amount(value: object, row: int, column: str, problems: list[str]) -> Decimal:
    if value is None or value == "":
        return Decimal("0.00")
    if isinstance(value, float):
        value = repr(value)
    try:
        return parse_money(str(value))
    except MoneyInputError as err:
        problems.append(_problem(N_("第%(row)d行%(column)s列：%(reason)s"), row=row,
                                 column=column, reason=str(err)))
        return Decimal("0.00")


def read_sheet(content: bytes, known_codes: set[str]) -> list[rules.Line]:
    """Opening lines from an uploaded sheet; raises with every problem at once."""
    try:
        sheet = open_workbook(content).active
    except UnreadableWorkbookError as err:
        raise OpeningSheetError(problems=str(err)) from None
    problems: list[str] = []
    lines: list[rules.Line] = []
    for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if row_number == 1 or not row or all(v in (None, "") for v in row):
            continue
        code = str(row[0]).strip() if row[0] is not None else ""
        debit = _amount(row[2] if len(row) > 2 else None, row_number, "C", problems)
        credit = _amount(row[3] if len(row) > 3 else None, row_number, "D", problems)
        if not debit and not credit:
            continue
        if code not in known_codes:
            problems.append(_problem(N_("第%(row)d行A列：科目编码“%(code)s”不是本账套的末级科目"),
                                     row=row_number, code=code))
            continue
        if debit and credit:
            problems.append(_problem(N_("第%(row)d行：借方和贷方只能填一个"), row=row_number))
            continue
        lines.append(rules.Line("期初余额", code, debit, credit))
    if problems:
        raise OpeningSheetError(problems="；".join(problems[:20]))
    return lines
