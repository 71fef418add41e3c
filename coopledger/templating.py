"""Jinja filters and globals: money, dates, permissions and the language switch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from flask_babel import get_locale
from flask_babel import gettext as babel_gettext
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from coopledger.auth.permissions import Action, can
from coopledger.dates import BUSINESS_ZONE
from coopledger.ids import (
    mask_bank,
    mask_id,
    mask_name,
    mask_phone,
    masked_json,
    masked_numbers,
)
from coopledger.money import amount_in_words, figure, grouped, plain

if TYPE_CHECKING:
    from flask import Flask

    from coopledger.auth.permissions import Subject


def money(value: Decimal | str | None) -> str:
    """12345.6 → 12,345.60 (the only formatting of money in templates). Frozen contents keep
    amounts as strings ("12345.60"); they are read exactly, never through a float."""
    if value is None or value == "":
        return ""
    return grouped(Decimal(value))


def money_cell(value: Decimal | str | None) -> str:
    """A cell of a frozen statement table: an amount grouped as :func:`money` does, any other
    text (a line number, a word) as it is."""
    if value is None or value == "":
        return ""
    try:
        return grouped(Decimal(value))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


def input_amount(value: Decimal | str | None) -> str:
    """An amount as an input field's value: 1234.50, no grouping (what parse_money reads
    back)."""
    if value is None or value == "":
        return ""
    return figure(Decimal(value))


def number(value: Decimal | None) -> str:
    """A percentage, share count or area as written: 20, 3.41, 6,000 (never "2E+1")."""
    if value is None:
        return ""
    return plain(Decimal(value), grouped=True)


def local_datetime(value: dt.datetime | None) -> str:
    """A UTC timestamp shown in Beijing time."""
    if value is None:
        return ""
    return value.astimezone(BUSINESS_ZONE).strftime("%Y-%m-%d %H:%M")


def iso_date(value: dt.date | None) -> str:
    """A business date as YYYY-MM-DD."""
    return value.isoformat() if value is not None else ""


def register_templating(app: Flask) -> None:
    """Install the filters and the ``can``/``Action`` globals."""
    app.jinja_env.filters.update(money=money, money_cell=money_cell, amount_input=input_amount,
                                 num=number,
                                 datetime=local_datetime, date=iso_date,
                                 upper_amount=amount_in_words, mask_id=mask_id,
                                 mask_bank=mask_bank, mask_phone=mask_phone,
                                 mask_name=mask_name, masked_json=masked_json,
                                 masked_numbers=masked_numbers)

    def user_can(action: Action | str, subject: Subject = None) -> bool:
        return can(current_user, action, subject)

    def html_lang() -> str:
        return "en" if str(get_locale()) == "en" else "zh-CN"

    from coopledger.orgs.words import words_of

    app.jinja_env.globals.update(can=user_can, Action=Action, html_lang=html_lang,
                                 words_of=words_of,
                                 gettext=_gettext)


@pass_context
def _gettext(context: Context, string: str, **variables: Any) -> str:
    """``_()`` in templates: translate, and fill in ``%(name)s`` only when values are given.

    Jinja's own newstyle gettext always applies ``%`` — so a label that carries a percent sign
    (a mode "不少于60%", a field "（%）") passed through ``_(label)`` raised ValueError and gave
    a 500. Like Flask-Babel's ``gettext`` and ``CoopLedgerError``, a string without values is
    shown as it is.
    """
    translated = str(context.call(babel_gettext, string))
    if context.eval_ctx.autoescape:   # as Jinja does: the catalog is ours, values are escaped
        translated = Markup(translated)  # noqa: S704
    return translated % variables if variables else translated
