"""Forms for townships, villages and organisations (shape only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from coopledger.forms import options
from coopledger.orgs.models import AccountingStandard, OrgKind

_CODE_HELP = _l("小写字母、数字或连字符，用于网址，例如 shian")


class TownshipForm(FlaskForm):
    """A township's code, name and county."""

    code = StringField(_l("编码"), validators=[DataRequired(), Length(max=32)],
                       description=_CODE_HELP)
    name = StringField(_l("乡镇名称"), validators=[DataRequired(), Length(max=64)])
    county = StringField(_l("所属县（区）"), validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("保存"))


class VillageForm(FlaskForm):
    """A village's code and name; its township is chosen on creation."""

    township = SelectField(_l("所属乡镇"), coerce=int)
    code = StringField(_l("编码"), validators=[DataRequired(), Length(max=32)],
                       description=_CODE_HELP)
    name = StringField(_l("村名称"), validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("保存"))


class OrganisationForm(FlaskForm):
    """An organisation's registration details; the views fill the choices."""

    code = StringField(_l("简码"), validators=[DataRequired(), Length(max=32)],
                       description=_CODE_HELP)
    name = StringField(_l("组织名称"), validators=[DataRequired(), Length(max=128)])
    kind = SelectField(_l("组织类型"), choices=options((k.value, k.value) for k in OrgKind))
    credit_code = StringField(_l("统一社会信用代码"), validators=[DataRequired(), Length(max=20)])
    standard = SelectField(_l("会计制度"), choices=options(
        (s.value, s.value) for s in AccountingStandard))
    village = SelectField(_l("所在村"), coerce=int)
    leading_org = SelectField(_l("领办的村集体经济组织"), coerce=int)
    submit = SubmitField(_l("保存"))
