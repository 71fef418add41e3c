"""Forms for partners and contracts (shape only; the rules live in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from coopledger.contracts.models import ContractKind, PartnerKind
from coopledger.formutil import options


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
