"""Forms for partners and contracts (shape only; the rules live in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from coopledger.contracts.models import ContractKind, PartnerKind
from coopledger.forms import DecimalField, MoneyField, options


class PartnerForm(FlaskForm):
    """A partner enterprise or individual."""

    name = StringField(_l("名称或姓名"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("类型"), choices=options((k.value, k.value) for k in PartnerKind))
    identifier = StringField(_l("统一社会信用代码（个人填身份证号）"),
                             validators=[Optional(), Length(max=18)])
    legal_representative = StringField(_l("法定代表人"), validators=[Optional(), Length(max=64)])
    contact_name = StringField(_l("联系人"), validators=[Optional(), Length(max=64)])
    phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=32)])
    address = StringField(_l("地址"), validators=[Optional(), Length(max=200)])
    bank_name = StringField(_l("开户银行"), validators=[Optional(), Length(max=64)])
    bank_account = StringField(_l("银行账号"), validators=[Optional(), Length(max=40)])
    note = TextAreaField(_l("备注"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("保存"))


class ContractForm(FlaskForm):
    """A draft contract's terms common to every kind."""

    number = StringField(_l("合同编号"), validators=[DataRequired(), Length(max=40)])
    title = StringField(_l("合同名称"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("合同类型"), choices=options((k.value, k.value) for k in ContractKind))
    partner_id = SelectField(_l("合作方"), coerce=int, choices=[])
    starts_on = DateField(_l("开始日期"), validators=[DataRequired()])
    ends_on = DateField(_l("结束日期（投资入股可不填）"), validators=[Optional()])
    note = TextAreaField(_l("备注"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("保存"))


class SignForm(FlaskForm):
    """The approval record and the signing day."""

    approval_ref = StringField(_l("决议文号（理事会/成员大会）"),
                               validators=[Optional(), Length(max=200)])
    approved_on = DateField(_l("决议日期"), validators=[Optional()])
    signed_on = DateField(_l("签订日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记签订"))


class LeasedParcelForm(FlaskForm):
    """A contributed parcel to add to a draft lease, by its code."""

    parcel_code = StringField(_l("地块编码"), validators=[DataRequired(), Length(max=32)])
    submit = SubmitField(_l("加入租赁"))


class TermsForm(FlaskForm):
    """The money terms of a draft; the page shows the fields of the contract's kind."""

    rent_basis = SelectField(_l("租金方式"), choices=[])
    price_per_mu = MoneyField(_l("每亩年租金（元）"))
    grain_jin_per_mu = DecimalField(_l("每亩年租粮食（斤）"))
    step_percent = DecimalField(_l("递增比例（%）"))
    step_years = IntegerField(_l("每隔几年递增"), validators=[Optional(), NumberRange(0, 50)])
    half_yearly = BooleanField(_l("每半年付一次（否则每年一次）"))
    due_after_days = IntegerField(_l("每期开始后几天内付清"),
                                  validators=[Optional(), NumberRange(0, 365)])
    deposit = MoneyField(_l("保证金（元）"))
    own_contribution = MoneyField(_l("本社出资（元）"))
    partner_contribution = MoneyField(_l("对方出资（元）"))
    profit_share_percent = DecimalField(_l("本社分成比例（%）"))
    settlement_month = IntegerField(_l("年度结算月"), validators=[Optional(), NumberRange(1, 12)])
    settlement_day = IntegerField(_l("年度结算日"), validators=[Optional(), NumberRange(1, 31)])
    invested_amount = MoneyField(_l("投资金额（元）"))
    invested_shares = DecimalField(_l("持有股份（股）"))
    submit = SubmitField(_l("保存条款"))


class PaymentForm(FlaskForm):
    """Money received or paid under a signed contract."""

    purpose = SelectField(_l("款项"), choices=[])
    on = DateField(_l("日期"), validators=[DataRequired()])
    amount = MoneyField(_l("金额（元）"), validators=[DataRequired()])
    account = SelectField(_l("收付款账户"), choices=[])
    keep_excess = BooleanField(_l("多出部分记为预收款"))
    note = StringField(_l("备注"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("登记并生成凭证"))


class ReleaseForm(FlaskForm):
    """The day a year's advance rent becomes income."""

    on = DateField(_l("结转日期"), validators=[DataRequired()])
    submit = SubmitField(_l("生成结转凭证"))


class TerminateForm(FlaskForm):
    """Early termination with its reason."""

    on = DateField(_l("终止日期"), validators=[DataRequired()])
    reason = TextAreaField(_l("终止原因"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("提前终止合同"))


class SettlementForm(FlaskForm):
    """A joint venture's profit for a year."""

    year = IntegerField(_l("年度"), validators=[DataRequired(), NumberRange(1990, 2100)])
    venture_profit = MoneyField(_l("合作项目当年利润（元）"), validators=[DataRequired()])
    due_on = DateField(_l("应收日期（不填按约定结算日）"), validators=[Optional()])
    submit = SubmitField(_l("登记年度结算"))


class EmploymentForm(FlaskForm):
    """A member's work in a period and the wage paid."""

    person = StringField(_l("务工人员（姓名或身份证号）"),
                         validators=[DataRequired(), Length(max=64)])
    period_start = DateField(_l("开始日期"), validators=[DataRequired()])
    period_end = DateField(_l("结束日期"), validators=[DataRequired()])
    days = DecimalField(_l("务工天数"), validators=[DataRequired()])
    wage = MoneyField(_l("工资（元）"), validators=[DataRequired()])
    paid_on = DateField(_l("发放日期"), validators=[Optional()])
    submit = SubmitField(_l("登记务工"))


class GrainPriceForm(FlaskForm):
    """A year's grain reference price."""

    year = IntegerField(_l("年度"), validators=[DataRequired(), NumberRange(1990, 2100)])
    price_per_jin = DecimalField(_l("参考价（元/斤）"), validators=[DataRequired()])
    grain = StringField(_l("粮食品种"), validators=[Optional(), Length(max=32)])
    source = StringField(_l("价格来源"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("保存参考价"))


class ContractFileForm(FlaskForm):
    """A scanned page of the signed contract."""

    file = FileField(_l("合同扫描件（JPEG、PNG 或 PDF）"), validators=[FileRequired()])
    submit = SubmitField(_l("上传"))
