"""Forms of the distribution pages (shape only; the rules live in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from coopledger.forms import DecimalField, MoneyField


class PlanForm(FlaskForm):
    """The accountant's choices in a draft plan."""

    year = IntegerField(_l("分配年度"), validators=[DataRequired(), NumberRange(1990, 2100)])
    mode = SelectField(_l("分配方式"), choices=[])
    entitlement = SelectField(_l("持股计算"), choices=[])
    record_date = DateField(_l("股权登记日（按登记日持股时填写）"), validators=[Optional()])
    other_in = MoneyField(_l("其他转入（元）"))
    excluded = MoneyField(_l("不参与分配的收入（元，如征地补偿）"))
    excluded_note = StringField(_l("不参与分配收入的说明"),
                                validators=[Optional(), Length(max=200)])
    reserve_percent = DecimalField(_l("公积公益金（盈余公积）提取比例（%）"))
    # Optional in a post (the view falls back to the law's base for an unknown value).
    reserve_base = SelectField(_l("公积公益金（盈余公积）的提取基数"), choices=[],
                               validate_choice=False)
    reserve_quantify_by = SelectField(_l("合作社公积金量化到成员账户的方法（章程规定）"),
                                      choices=[], validate_choice=False)
    reserve_minimum = MoneyField(_l("公积公益金最低提取额（元）"))
    welfare_percent = DecimalField(_l("福利费提取比例（%）"))
    member_cap_percent = DecimalField(_l("成员分配上限（可分配收益的 %）"))
    other_percent = DecimalField(_l("其他分配比例（%）"))
    volume_percent = DecimalField(
        _l("成员分配中按交易量返还的比例（%；返还额须不低于可分配盈余的 60%）"))
    guarantee_per_mu = MoneyField(_l("每亩保底收益（元/亩/年）"))
    guarantee_jin_per_mu = DecimalField(_l("或按粮食：每亩保底（斤/亩/年，按当年参考价折款）"))
    members_total = MoneyField(_l("向成员分配总额（元）"), validators=[DataRequired()])
    submit = SubmitField(_l("计算并保存草案"))


class DateStepForm(FlaskForm):
    """A trail step with its date (理事会, 监事会, 备案)."""

    on = DateField(_l("日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记"))


class ApproveForm(FlaskForm):
    """成员(代表)大会 approval with its resolution."""

    resolution_no = StringField(_l("成员(代表)大会决议文号"),
                                validators=[DataRequired(), Length(max=100)])
    on = DateField(_l("决议日期"), validators=[DataRequired()])
    file = FileField(_l("决议扫描件（JPEG、PNG 或 PDF）"))
    submit = SubmitField(_l("登记通过并生成分配凭证"))


class PostForm(FlaskForm):
    """The public posting period (公示)."""

    start = DateField(_l("公示开始"), validators=[DataRequired()])
    end = DateField(_l("公示结束"), validators=[DataRequired()])
    submit = SubmitField(_l("登记公示"))


class PayForm(FlaskForm):
    """Payment of the chosen lines."""

    on = DateField(_l("兑付日期"), validators=[DataRequired()])
    account = SelectField(_l("付款账户"), choices=[])
    submit = SubmitField(_l("兑付所选农户并生成凭证"))


class BankResultForm(FlaskForm):
    """The bank's result file of a payout file: the bank account paid from, the file's layout
    and the day the bank paid."""

    on = DateField(_l("银行付款日期"), validators=[DataRequired()])
    account = SelectField(_l("付款银行账户"), choices=[])
    layout = SelectField(_l("付款文件格式"), choices=[])
    submit = SubmitField(_l("导入银行结果"))


class VersionForm(FlaskForm):
    """Why an approved plan changes."""

    reason = TextAreaField(_l("修改原因"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("另立新版本"))


class GuaranteeForm(FlaskForm):
    """A payment of 保底 during the year: the rate, the day and the account paid from (the
    households and their amounts are the page's rows)."""

    rate = MoneyField(_l("每亩保底标准（元/亩/年）"), validators=[DataRequired()])
    on = DateField(_l("支付日期"), validators=[DataRequired()])
    account = SelectField(_l("付款账户"), choices=[])
    layout = SelectField(_l("代发文件格式"), choices=[], validate_choice=False)  # by the service
    submit = SubmitField(_l("支付所选农户的保底并生成凭证"))
    to_bank = SubmitField(_l("所选农户通过银行代发：生成代发文件"))


class GuaranteeResultForm(FlaskForm):
    """The bank's result file of a 保底 payment file and the day the bank paid."""

    on = DateField(_l("银行付款日期"), validators=[DataRequired()])
    submit = SubmitField(_l("导入银行结果"))


class ExplainForm(FlaskForm):
    """Why a household was paid more 保底 than was due."""

    text = StringField(_l("多付原因"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("保存说明"))
