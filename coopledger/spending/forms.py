"""Forms of spending requests and of a township's approval chain (shape only: the rules are
``spending.rules``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from coopledger.forms import MoneyField, options
from coopledger.spending.models import Method


class RequestForm(FlaskForm):
    """A 支出申请: amount, payee and bank details, purpose, the account, how it is paid."""

    amount = MoneyField(_l("金额（元）"), validators=[DataRequired()])
    payee = StringField(_l("收款人"), validators=[DataRequired(), Length(max=100)])
    payee_bank = StringField(_l("开户银行"), validators=[Optional(), Length(max=100)])
    payee_account = StringField(_l("银行账号"), validators=[Optional(), Length(max=40)])
    purpose = TextAreaField(_l("用途"), validators=[DataRequired(), Length(max=500)])
    account = SelectField(_l("记入科目"), choices=[], validators=[DataRequired()])
    method = SelectField(_l("支付方式"), choices=options(
        (m.value, _l(m.label)) for m in Method), default=Method.BANK.value)
    resolution_ref = StringField(_l("成员（代表）大会决议文号"),
                                 validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("保存"))


class RefuseForm(FlaskForm):
    """Why an approver does not agree."""

    reason = TextAreaField(_l("不同意的理由"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("不同意，退回申请人"))


class PayForm(FlaskForm):
    """The payment of an approved request: the day, the account paid from, the bank's
    reference."""

    on = DateField(_l("付款日期"), validators=[DataRequired()])
    cash_code = SelectField(_l("付款科目"), choices=[], validators=[DataRequired()])
    bank_reference = StringField(_l("银行回单号/交易流水号"),
                                 validators=[Optional(), Length(max=64)])
    submit = SubmitField(_l("登记支付并生成凭证"))


class ChainForm(FlaskForm):
    """A township's approval chain (each role, whether it takes part, from which amount)
    and its limits; the role fields are added per role by the view."""

    cash_limit = MoneyField(_l("现金支付限额（元）"), validators=[DataRequired()])
    resolution_from = MoneyField(_l("须经成员（代表）大会决议的金额（元，含）"),
                                 validators=[DataRequired()])
    scans_required = BooleanField(_l("申请须附原始凭证扫描件"))
    requests_from = DateField(_l("实行日期（此后未经审批的现金、银行付款在乡镇监督中预警）"),
                              validators=[Optional()])
    submit = SubmitField(_l("保存审批流程"))


def _add_role_fields() -> None:
    """A 参与审批 box and a 起点金额 for each role a chain step may name."""
    from coopledger.auth.roles import ROLE_LABELS
    from coopledger.spending.rules import CHAIN_ROLES

    for role in CHAIN_ROLES:
        setattr(ChainForm, f"use_{role.value}", BooleanField(_l(ROLE_LABELS[role])))
        setattr(ChainForm, f"from_{role.value}", MoneyField(_l("起点金额（元，含）")))


_add_role_fields()


class BatchForm(FlaskForm):
    """A batch of approved bank-transfer requests (chosen by their boxes), the account paid
    from and the bank's file layout."""

    account = SelectField(_l("付款银行账户"), choices=[], validators=[DataRequired()])
    layout = SelectField(_l("付款文件格式"), choices=[], validators=[DataRequired()])
    submit = SubmitField(_l("生成付款文件"))


class ResultForm(FlaskForm):
    """The bank's result file and the day the money went."""

    on = DateField(_l("银行付款日期"), validators=[DataRequired()])
    submit = SubmitField(_l("导入银行结果"))


class ItemAnswerForm(FlaskForm):
    """One item answered by hand from the bank's receipt."""

    outcome = SelectField(_l("结果"), choices=options((("paid", _l("已付款")),
                                                       ("failed", _l("付款失败")))))
    on = DateField(_l("银行付款日期"), validators=[DataRequired()])
    bank_reference = StringField(_l("银行回单号/交易流水号"),
                                 validators=[Optional(), Length(max=64)])
    reason = StringField(_l("失败原因"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("登记"))
