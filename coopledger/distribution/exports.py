"""The payout list of an approved plan: an Excel sheet per household with bank details, and a
bank batch file (CSV, UTF-8 with BOM so spreadsheet programs read the Chinese names).

Bank accounts and ID numbers are shown in full only to roles that may see personal data; the
bank file is for the cashier, so it always carries full account numbers and its endpoint asks
for that permission.
"""

from __future__ import annotations

from coopledger.banking.payment_files import Item, Layout, instruction_file
from coopledger.distribution.models import Plan, PlanLine
from coopledger.ids import mask_bank
from coopledger.members.models import Household
from coopledger.members.queries import payout_account
from coopledger.orgs.words import words_of
from coopledger.spreadsheets import append_row, new_sheet, workbook_bytes

HEADERS = ("序号", "户名/持股人", "收款人", "开户银行", "银行账号", "股数", "持股天数",
           "入股面积（亩）", "保底收益", "已付保底", "按交易量返还", "按股分红", "应付合计",
           "已付", "兑付日期", "备注")


def _paid_household(line: PlanLine) -> Household | None:
    """The household the money goes to: the heir's when the holder's shares were inherited."""
    return line.payee_household or line.household


def _bank(line: PlanLine) -> tuple[str, str]:
    """The account this organisation pays the household into: its membership's own, if it set
    one, else the household's (members/queries.payout_account)."""
    household = _paid_household(line)
    if household is None:
        return "", ""
    return payout_account(household, line.plan.organisation_id)


def payout_xlsx(plan: Plan, *, full: bool) -> bytes:
    """One row per holder with what is due and what has been paid."""
    workbook, sheet = new_sheet(
        f"{plan.year}年{words_of(plan.organisation.standard).distribution}", HEADERS)
    for line in plan.lines:
        bank_name, account = _bank(line)
        append_row(sheet, [
            line.seq, line.holder, line.payee, bank_name, account if full else mask_bank(account),
            line.shares, line.days_held, line.area, line.guarantee_due,
            line.guarantee_paid, line.by_volume, line.dividend,
            line.total, line.paid,
            line.paid_on.isoformat() if line.paid_on else "", line.note])
    append_row(sheet, [])
    append_row(sheet, ["", "合计", "", "", "", "", "", "", "", "", "",
                  sum(line.dividend for line in plan.lines),
                  sum(line.total for line in plan.lines),
                  sum(line.paid for line in plan.lines)])
    return workbook_bytes(workbook)


def line_reference(line: PlanLine) -> str:
    """The reference of a plan line in a bank file, which the bank returns in its result."""
    return f"FP{line.plan_id}-{line.id}"


def bank_file(plan: Plan, layout: Layout) -> bytes:
    """The unpaid household lines with an amount, as a payment instruction file in the bank's
    ``layout`` (``banking.payment_files``: the same files as spending requests), each line
    carrying its reference so that the bank's result file pays it.

    The payee is the person on the bank account (the household head — of the heir's household
    when the holder's shares were inherited), as a bank matches names, not "吴六户"; the
    collective's 集体股 line is left out: it is booked as an internal transfer, not paid into a
    villager's account (the payout list keeps every line).
    """
    word = words_of(plan.organisation.standard).distribution
    items = []
    for line in plan.lines:
        household = _paid_household(line)
        if line.unpaid <= 0 or household is None:
            continue
        bank_name, account = _bank(line)
        items.append(Item(line.seq, household.head_name, account, bank_name, line.unpaid,
                          f"{plan.year}年{word}", line_reference(line)))
    return instruction_file(layout, items)
