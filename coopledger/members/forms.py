"""Forms for households, persons, memberships and parcels (shape only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from coopledger.forms import options
from coopledger.members.models import MembershipSource, Relationship


class HouseholdForm(FlaskForm):
    """A household's details."""

    head_name = StringField(_l("户主姓名"), validators=[DataRequired(), Length(max=64)])
    address = StringField(_l("住址"), validators=[Optional(), Length(max=200)])
    contract_cert_no = StringField(_l("承包经营权证号"), validators=[Optional(), Length(max=64)])
    phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=32)])
    bank_name = StringField(_l("开户银行"), validators=[Optional(), Length(max=64)])
    bank_account = StringField(_l("银行账号（用于发放收益）"),
                               validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("保存"))


class PersonForm(FlaskForm):
    """A person of the household."""

    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=64)])
    id_number = StringField(_l("身份证号"), validators=[DataRequired(), Length(max=18)])
    relation = SelectField(_l("与户主关系"),
                           choices=options((r.value, r.value) for r in Relationship))
    submit = SubmitField(_l("添加家庭成员"))


class ParcelForm(FlaskForm):
    """A contracted parcel."""

    code = StringField(_l("地块编码"), validators=[DataRequired(), Length(max=32)])
    area = StringField(_l("面积（亩，最多四位小数）"), validators=[DataRequired(), Length(max=20)])
    grade_coefficient = StringField(_l("等级系数"), default="1",
                                    validators=[DataRequired(), Length(max=20)])
    contract_cert_no = StringField(_l("承包经营权证号"), validators=[Optional(), Length(max=64)])
    location = StringField(_l("坐落/四至"), validators=[Optional(), Length(max=200)])
    land_class = StringField(_l("地类"), validators=[Optional(), Length(max=32)])
    submit = SubmitField(_l("添加地块"))


class MembershipForm(FlaskForm):
    """Admission to the organisation."""

    member_number = StringField(_l("成员编号"), validators=[DataRequired(), Length(max=16)])
    joined_on = DateField(_l("入社日期"), validators=[DataRequired()])
    source = SelectField(_l("来源"),
                         choices=options((s.value, s.value) for s in MembershipSource))
    submit = SubmitField(_l("办理入社"))


class DatedForm(FlaskForm):
    """A date for contributing, withdrawing or leaving."""

    on = DateField(_l("日期"), validators=[DataRequired()])
    submit = SubmitField(_l("确定"))


class LinkUserForm(FlaskForm):
    """The member login that sees this household."""

    username = StringField(_l("社员登录用户名（留空则取消）"),
                           validators=[Optional(), Length(max=64)])
    submit = SubmitField(_l("保存"))


class PayoutAccountForm(FlaskForm):
    """This organisation's own payout account for a member household."""

    bank_name = StringField(_l("开户银行"), validators=[Optional(), Length(max=64)])
    bank_account = StringField(_l("银行账号（留空则用本户登记的账户）"),
                               validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("保存本社发放账户"))
