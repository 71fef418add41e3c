"""Forms of the upward filings (shape only; the rules live in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ExplanationForm(FlaskForm):
    """The explanation of one row's change from the year before."""

    form_key = HiddenField(validators=[DataRequired(), Length(max=32)])
    row_code = HiddenField(validators=[DataRequired(), Length(max=8)])
    text = TextAreaField(_l("变动说明"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("保存说明"))


class ReturnForm(FlaskForm):
    """The township's reason for returning a submitted version."""

    reason = TextAreaField(_l("退回原因"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("退回"))
