"""The audit log filter (GET form, no CSRF needed for reading)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional


class AuditFilterForm(FlaskForm):
    """Narrow the log by action, user, organisation and day."""

    class Meta:
        """Read-only filter: plain GET, no CSRF token."""

        csrf = False

    action = SelectField(_l("操作"), validators=[Optional()])
    actor = StringField(_l("操作人（用户名）"), validators=[Optional(), Length(max=64)])
    organisation = SelectField(_l("组织"), coerce=int, validators=[Optional()])
    date_from = DateField(_l("起始日期"), validators=[Optional()])
    date_to = DateField(_l("截止日期"), validators=[Optional()])
    submit = SubmitField(_l("筛选"))
