"""Reports in the reader's language (issue 18): a report is built in Chinese, the language of
the accounting standards, and :func:`localised` gives the copy shown, printed and exported.

In English: titles, column headers and the fixed row words come from the message catalog; the
statements' line names and titles from their data files (``label_en``, ``title_en``); the
chart's account names from the chart files (``name_en``), with the Chinese name kept in
brackets ("Bank deposits (银行存款)"), as are users' sub-accounts, which have no English name.
Amounts, dates, codes and the names of people and places are left as they are. In Chinese the
table is returned unchanged.
"""

from __future__ import annotations

import dataclasses
from functools import cache

from flask_babel import get_locale
from flask_babel import gettext as _

from coopledger.i18n import N_
from coopledger.ledger.charts import chart
from coopledger.ledger.reports import Cell, ReportTable, statement_lines
from coopledger.orgs.models import AccountingStandard

WORDS = (
    N_("科目编码"), N_("科目名称"), N_("期初借方"), N_("期初贷方"), N_("本期借方"), N_("本期贷方"),
    N_("期末借方"), N_("期末贷方"), N_("合计"), N_("月份"), N_("摘要"), N_("借方"), N_("贷方"),
    N_("方向"), N_("余额"), N_("期初余额"), N_("本月合计"), N_("累计"), N_("日期"), N_("凭证号"),
    N_("本期合计"), N_("项目"), N_("行次"), N_("期末余额"), N_("年初余额"), N_("本期金额"),
    N_("上年同期金额"), N_("本年增加数"), N_("本年减少数"), N_("年末余额"), N_("其中：本年盈余"),
    N_("借"), N_("贷"), N_("平"), N_("其中："), N_("至"), N_("承前页"), N_("本页合计（过次页）"),
    N_("本日合计"),
    N_("科目余额表"), N_("总账"), N_("明细账"), N_("现金日记账"), N_("银行日记账"),
    N_("收益（盈余）及分配表"), N_("成员权益变动表"), N_("本年累计借方"), N_("本年累计贷方"),
    N_("本年累计金额"), N_("本年累计"), N_("多栏式明细账"),
)
"""The fixed words and titles of the report builders (``ledger/reports``, ``REPORTS``), for the
message catalog."""


def english() -> bool:
    """Whether the reader chose English."""
    locale = get_locale()
    return locale is not None and locale.language == "en"


@cache
def _statement_words(standard: AccountingStandard) -> dict[str, str]:
    words: dict[str, str] = {}
    for spec in statement_lines(standard).values():
        if spec.get("title_en"):
            words[spec["title"]] = spec["title_en"]
        for line in (*spec.get("lines", ()), *spec.get("columns", ())):
            if line.get("label_en"):
                words[line["label"]] = line["label_en"]
    return words


@cache
def _account_words(standard: AccountingStandard) -> dict[str, str]:
    return {row.name: row.name_en for row in chart(standard) if row.name_en}


def _account_name(text: str, standard: AccountingStandard) -> str | None:
    """An account's name, or a path of names (银行存款—农商行), in English with the Chinese in
    brackets; None when no part of it is a chart account."""
    names = _account_words(standard)
    indent = text[: len(text) - len(text.lstrip("　"))]
    parts = text.lstrip("　").split("—")
    if parts[0] not in names:
        return None
    english_parts = [names.get(part, part) for part in parts]
    return f"{indent}{' — '.join(english_parts)} ({'—'.join(parts)})"


def word(text: str, standard: AccountingStandard) -> str:
    """One fixed text of a report in English (a statement line, an account name, a catalog
    word); anything else as it is."""
    if not text:
        return text
    statement = _statement_words(standard).get(text)
    if statement is not None:
        return statement
    if text.startswith("其中："):
        rest = text.removeprefix("其中：")
        return f"{_('其中：')}{word(rest, standard)}"
    account = _account_name(text, standard)
    if account is not None:
        return account
    return str(_(text))


def _subtitle(text: str, standard: AccountingStandard) -> str:
    """The subtitle's range ("2024-01-01 至 2024-12-31") and account label in English; the
    organisation's name stays as it is."""
    parts = text.split("　")
    out = []
    for part in parts:
        if " 至 " in part:
            part = part.replace(" 至 ", f" {_('至')} ")
        else:
            code, _space, name = part.partition(" ")
            account = _account_name(name, standard) if code.isdigit() and name else None
            if account is not None:
                part = f"{code} {account}"
        out.append(part)
    return "　".join(out)


def localised(table: ReportTable, standard: AccountingStandard) -> ReportTable:
    """The table in the reader's language (a copy in English, the table itself in Chinese)."""
    if not english():
        return table
    def translated(row: list[Cell]) -> list[Cell]:
        return [word(cell, standard) if isinstance(cell, str) and index not in table.money
                and not cell.isdigit() else cell for index, cell in enumerate(row)]

    streamed = (translated(row) for row in table.streamed) if table.streamed else None
    return dataclasses.replace(
        table, title=word(table.title, standard), subtitle=_subtitle(table.subtitle, standard),
        columns=[word(column, standard) for column in table.columns],
        rows=[translated(row) for row in table.rows], streamed=streamed)


def account_name(text: str, standard: AccountingStandard) -> str:
    """An account's name (or path) for a page: in English with the Chinese in brackets."""
    if not english():
        return text
    return _account_name(text, standard) or text
