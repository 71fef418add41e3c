"""Forms of the share register (shape only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from coopledger.forms import options
from coopledger.shares.models import OperationKind


class OperationForm(FlaskForm):
    """A register request; the view fills the class and holder choices."""

    kind = SelectField(_l("变更类型"), choices=options((k.value, k.value) for k in OperationKind))
    share_class = SelectField(_l("股份类别"), coerce=int)
    source = SelectField(_l("转出方（回购、质押、解押、调减时为持有方）"), coerce=int)
    target = SelectField(_l("转入方（入股、增股、调增时为持有方）"), coerce=int)
    quantity = StringField(_l("股数（最多四位小数）"), validators=[DataRequired(), Length(max=20)])
    effective_on = DateField(_l("生效日期"), validators=[DataRequired()])
    counterparty = StringField(_l("质权人/相对方"), validators=[Optional(), Length(max=100)])
    reason = StringField(_l("原因"), validators=[Optional(), Length(max=300)])
    document = StringField(_l("依据文件（决议、协议、继承公证书编号）"),
                           validators=[Optional(), Length(max=200)])
    scan = FileField(_l("依据文件扫描件（JPEG、PNG 或 PDF，可选）"))
    submit = SubmitField(_l("提交申请"))


class SettingsForm(FlaskForm):
    """The organisation's share rules."""

    shares_per_mu = StringField(_l("每亩折股数"), validators=[DataRequired(), Length(max=20)])
    decimals = SelectField(_l("股数保留小数位"), coerce=int,
                           choices=options((n, str(n)) for n in (0, 1, 2, 3, 4)))
    rounding = SelectField(_l("取舍方式"), choices=options(
        [("half_up", "四舍五入"), ("down", "去尾")]))
    buyback_cap_percent = StringField(_l("每年回购上限（占总股数 %）"),
                                      validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("保存"))
