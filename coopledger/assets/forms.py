"""Forms of the asset register, depreciation, resources and stock-takes (shape only; the rules
live in the services, so that a refused value gets the service's sentence)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from coopledger.forms import DecimalField, MoneyField


class CardForm(FlaskForm):
    """An asset card."""

    number = StringField(_l("资产编号"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("资产名称"), validators=[DataRequired(), Length(max=120)])
    category = SelectField(_l("类别"), choices=[])
    location = StringField(_l("存放地点"), validators=[Optional(), Length(max=200)])
    acquired_on = DateField(_l("取得日期"), validators=[DataRequired()])
    original = MoneyField(_l("原值（元）"), validators=[DataRequired()])
    life_months = IntegerField(_l("使用年限（月）"), validators=[InputRequired()])
    residual_percent = DecimalField(_l("残值率（%）"), validators=[InputRequired()])
    method = SelectField(_l("折旧方法"), choices=[])
    total_units = DecimalField(_l("预计总工作量（工作量法）"))
    status = SelectField(_l("状态"), choices=[])
    expense_code = SelectField(_l("折旧费用科目"), choices=[])
    purchase_voucher_id = SelectField(_l("购置凭证"), choices=[])
    opening_accumulated = MoneyField(_l("建卡前已提折旧（元）"))
    opening_through = DateField(_l("建卡前折旧计提到（日期）"), validators=[Optional()])
    opening_units = DecimalField(_l("建卡前已完成工作量"))
    note = TextAreaField(_l("备注"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("保存"))


class DisposeForm(FlaskForm):
    """Sale, scrapping or loss of an asset."""

    kind = SelectField(_l("处置方式"), choices=[])
    on = DateField(_l("处置日期"), validators=[DataRequired()])
    proceeds = MoneyField(_l("处置收入（元）"))
    costs = MoneyField(_l("清理费用（元）"))
    account = SelectField(_l("收付款账户"), choices=[])
    reason = TextAreaField(_l("处置原因及审批"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("登记处置并生成凭证"))


class UsageForm(FlaskForm):
    """Work units of a month (units of production)."""

    year = IntegerField(_l("年度"), validators=[InputRequired()])
    month = IntegerField(_l("月份"), validators=[InputRequired()])
    units = DecimalField(_l("本月工作量"), validators=[InputRequired()])
    submit = SubmitField(_l("登记工作量"))


class RunForm(FlaskForm):
    """The month to depreciate."""

    year = IntegerField(_l("年度"), validators=[InputRequired()])
    month = IntegerField(_l("月份"), validators=[InputRequired()])
    submit = SubmitField(_l("计提折旧并生成凭证"))


class FileForm(FlaskForm):
    """A photo or a scanned document."""

    file = FileField(_l("文件（JPEG、PNG 或 PDF）"), validators=[FileRequired()])
    submit = SubmitField(_l("上传"))


class ResourceForm(FlaskForm):
    """A collective resource."""

    number = StringField(_l("资源编号"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("资源名称"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("类别"), choices=[])
    location = StringField(_l("坐落/四至"), validators=[Optional(), Length(max=200)])
    area_mu = DecimalField(_l("面积（亩）"))
    size = StringField(_l("规模（房屋设施：如 320 平方米）"),
                       validators=[Optional(), Length(max=64)])
    certificate = StringField(_l("权属证书编号"), validators=[Optional(), Length(max=120)])
    status = SelectField(_l("经营状态"), choices=[])
    note = TextAreaField(_l("备注"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("保存"))


class LinkContractForm(FlaskForm):
    """A contract that uses a resource."""

    contract_id = SelectField(_l("合同"), coerce=int, choices=[])
    submit = SubmitField(_l("关联合同"))


class StartStockTakeForm(FlaskForm):
    """Open a year's count sheet."""

    year = IntegerField(_l("清查年度"), validators=[InputRequired()])
    counted_on = DateField(_l("清查日期"), validators=[DataRequired()])
    submit = SubmitField(_l("生成清查表"))


class CountForm(FlaskForm):
    """What was found for one line of the count sheet."""

    result = SelectField(_l("清点结果"), choices=[])
    counted_area = DecimalField(_l("清点面积（亩）"))
    note = StringField(_l("说明"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("保存"))


class ApproveStockTakeForm(FlaskForm):
    """The resolution approving the count."""

    approval_ref = StringField(_l("审批决议文号"), validators=[DataRequired(), Length(max=200)])
    approved_on = DateField(_l("审批日期"), validators=[DataRequired()])
    submit = SubmitField(_l("审批并生成差异凭证"))
