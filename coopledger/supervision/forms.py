"""Forms of township supervision (shape only; the rules live in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from coopledger.forms import MoneyField, options
from coopledger.supervision.rules import SAMPLE_FRAMES


class ThresholdsForm(FlaskForm):
    """A township's warning thresholds."""

    cash_limit = MoneyField(_l("库存现金限额（元）"), validators=[InputRequired()])
    cash_payment_limit = MoneyField(_l("单笔现金支付限额（元）"), validators=[InputRequired()])
    round_sum_unit = MoneyField(_l("整数付款：金额为此数的整倍数（元）"),
                                validators=[InputRequired()])
    round_sum_minimum = MoneyField(_l("整数付款：起算金额（元）"), validators=[InputRequired()])
    duplicate_days = IntegerField(_l("重复付款：同一收款方同一金额相隔天数以内"),
                                  validators=[InputRequired()])
    expiry_days = IntegerField(_l("合同到期前多少天预警"), validators=[InputRequired()])
    close_grace_days = IntegerField(_l("月末后多少天仍未结账即预警"),
                                    validators=[InputRequired()])
    question_days = IntegerField(_l("成员质询多少天未答复即预警"), validators=[InputRequired()])
    submit = SubmitField(_l("保存"))


class OpinionForm(FlaskForm):
    """The township's opinion on a disclosure or a plan."""

    subject = HiddenField(validators=[DataRequired()])
    subject_id = HiddenField(validators=[DataRequired()])
    next = HiddenField()
    verdict = SelectField(_l("审核意见"), choices=[])
    text = TextAreaField(_l("意见说明（有异议时必填）"), validators=[Length(max=2000)])
    submit = SubmitField(_l("记录意见"))


class AuditForm(FlaskForm):
    """A new audit."""

    scope = TextAreaField(_l("审计范围"), validators=[DataRequired(), Length(max=500)])
    period_from = DateField(_l("审计期间自"), validators=[InputRequired()])
    period_to = DateField(_l("至"), validators=[InputRequired()])
    sample_size = IntegerField(_l("随机抽查凭证数"), default=20,
                               validators=[InputRequired(), NumberRange(min=0, max=200)])
    sample_from = SelectField(_l("抽样范围"), default="vouchers", choices=options(
        (key, _l(label)) for key, label in SAMPLE_FRAMES.items()))
    seed = IntegerField(_l("抽样种子（留空则随机生成；同一种子可重现同一抽样）"),
                        validators=[Optional()])
    submit = SubmitField(_l("开始审计"))


class CheckForm(FlaskForm):
    """One checklist item's result."""

    result = SelectField(_l("结果"), choices=[])
    note = StringField(_l("说明"), validators=[Length(max=500)])
    submit = SubmitField(_l("保存"))


class CloseAuditForm(FlaskForm):
    """The audit's conclusion."""

    conclusion = TextAreaField(_l("审计结论"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("结束审计"))


class FindingForm(FlaskForm):
    """A finding of an audit."""

    severity = SelectField(_l("严重程度"), choices=[])
    title = StringField(_l("发现的问题"), validators=[Length(max=200)])
    detail = TextAreaField(_l("具体情况"), validators=[Length(max=2000)])
    records = TextAreaField(_l("涉及的记录（每行一条，凭证写成“2025-03 记-12”）"),
                            validators=[Length(max=2000)])
    deadline = DateField(_l("整改期限"), validators=[Optional()])
    submit = SubmitField(_l("记录问题"))


class ResponseForm(FlaskForm):
    """The organisation's answer to a finding."""

    response = TextAreaField(_l("整改情况"), validators=[Length(max=2000)])
    submit = SubmitField(_l("提交整改情况"))


class CloseFindingForm(FlaskForm):
    """The auditor's closing (销号) or returning of a finding."""

    note = TextAreaField(_l("审核说明"), validators=[Length(max=1000)])
    close = SubmitField(_l("确认整改到位，销号"))
    reopen = SubmitField(_l("整改不到位，退回"))
