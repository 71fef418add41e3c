"""Forms of bank reconciliation and the cash count (shape only: the rules are
``banking.rules``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from coopledger.banking.rules import DENOMINATIONS
from coopledger.forms import MoneyField


def _header(label: str, *, required: bool = False) -> StringField:
    return StringField(label, validators=[DataRequired() if required else Optional(),
                                          Length(max=60)])


class MappingForm(FlaskForm):
    """The bank's header of each field of its statement file."""

    header_row = IntegerField(_l("列名在第几行"), default=1,
                              validators=[DataRequired(), NumberRange(min=1, max=30)])
    date_column = _header(_l("交易日期列"), required=True)
    amount_column = _header(_l("金额列（正数存入、负数支取）"))
    in_column = _header(_l("收入（存入）金额列"))
    out_column = _header(_l("支出（支取）金额列"))
    balance_column = _header(_l("余额列"))
    counterparty_column = _header(_l("对方户名列"))
    reference_column = _header(_l("流水号/凭证号列"))
    summary_column = _header(_l("摘要/用途列"))
    window_days = IntegerField(_l("自动勾对允许相差的天数"), default=5,
                               validators=[Optional(), NumberRange(min=0, max=31)])
    submit = SubmitField(_l("保存列名"))


class StatementForm(FlaskForm):
    """A statement file (XLSX or CSV) and, when it has no balance column, its opening
    balance."""

    file = FileField(_l("对账单文件（.xlsx 或 .csv）"))
    opening = MoneyField(_l("期初余额（对账单没有余额列时填写）"))
    covers_from = DateField(_l("对账单起始日期（不填：首笔交易所在月的 1 日）"),
                            validators=[Optional()])
    covers_to = DateField(_l("对账单截止日期（不填：末笔交易所在月的月末）"),
                          validators=[Optional()])
    submit = SubmitField(_l("导入对账单"))


class MatchForm(FlaskForm):
    """A statement line matched by hand to a book line of the same amount."""

    statement_line = IntegerField(validators=[DataRequired()])
    book_line = SelectField(_l("账面分录"), choices=[], validators=[DataRequired()])
    submit = SubmitField(_l("勾对"))


class DraftForm(FlaskForm):
    """The voucher of a line only the bank booked: the other account and the 摘要."""

    statement_line = IntegerField(validators=[DataRequired()])
    counter = SelectField(_l("对方科目"), choices=[], validators=[DataRequired()])
    on = DateField(_l("凭证日期"), validators=[Optional()])
    summary = StringField(_l("摘要"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("生成凭证"))


class CashCountForm(FlaskForm):
    """A 现金盘点: the day, the cash account, the pieces of each denomination, the witness."""

    on = DateField(_l("盘点日期"), validators=[DataRequired()])
    account = SelectField(_l("现金科目"), choices=[], validators=[DataRequired()])
    witness = SelectField(_l("监盘人"), choices=[], validators=[DataRequired()])
    note = StringField(_l("说明"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("登记盘点"))


def denomination_field(value: str) -> str:
    """The form field of a denomination ("0.5" → "pieces_0_5")."""
    return "pieces_" + value.replace(".", "_")


def _add_denominations() -> None:
    for value in DENOMINATIONS:
        setattr(CashCountForm, denomination_field(str(value)), IntegerField(
            _l("%(value)s 元", value=str(value)), default=0,
            validators=[Optional(), NumberRange(min=0, max=1_000_000)]))


_add_denominations()
