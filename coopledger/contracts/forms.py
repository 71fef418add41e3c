"""Forms for the partner register (shape only; the rules live in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from coopledger.contracts.models import PartnerKind
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
