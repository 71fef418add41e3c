"""Forms for logging in, passwords and user administration (shape only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from coopledger.auth.roles import Role
from coopledger.forms import options

USERNAME = Regexp(r"^[A-Za-z0-9._-]{3,64}$",
                  message=_l("用户名只能用字母、数字、点、下划线和连字符，3至64位。"))


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("登录"))


class ChangePasswordForm(FlaskForm):
    """The user's current password and a new one, twice."""

    current = PasswordField(_l("当前密码"), validators=[DataRequired()])
    new = PasswordField(_l("新密码"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("再次输入新密码"), validators=[
        DataRequired(), EqualTo("new", message=_l("两次输入的新密码不一致。"))])
    submit = SubmitField(_l("修改密码"))


class CreateUserForm(FlaskForm):
    """A new account; the password is generated when left empty."""

    username = StringField(_l("用户名"), validators=[DataRequired(), USERNAME])
    display_name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=64)])
    password = StringField(_l("初始密码（留空则自动生成）"),
                           validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("创建用户"))


class EditUserForm(FlaskForm):
    """Display name and whether the account may log in."""

    display_name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=64)])
    is_active = BooleanField(_l("账号可以登录"))
    submit = SubmitField(_l("保存"))


class AssignRoleForm(FlaskForm):
    """A role and its scope; the views fill the choices."""

    role = SelectField(_l("角色"), choices=options((r.value, r.value) for r in Role),
                       validators=[DataRequired()])
    organisation = SelectField(_l("组织"), coerce=int, validators=[Optional()])
    township = SelectField(_l("乡镇"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("添加角色"))
