"""User administration: accounts, role assignments and password resets (admin only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from coopledger.auth import services
from coopledger.auth.forms import AssignRoleForm, CreateUserForm, EditUserForm
from coopledger.auth.models import RoleAssignment, User
from coopledger.auth.permissions import Action, require
from coopledger.auth.roles import Role
from coopledger.extensions import db
from coopledger.forms import ConfirmForm, options
from coopledger.orgs import queries as org_queries
from coopledger.orgs.models import Organisation, Township
from coopledger.web import apply_change, me

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

bp = Blueprint("users", __name__, url_prefix="/admin/users")


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """Every account with its roles."""
    require(me(), Action.ADMINISTER)
    users = db.session.scalars(sa.select(User).order_by(User.username)).all()
    return render_template("users/index.html", users=users)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> ResponseReturnValue:
    """Create an account; its first login forces a password change."""
    require(me(), Action.ADMINISTER)
    form = CreateUserForm()
    if form.validate_on_submit():
        outcome = apply_change(
            lambda: services.create_user(
                username=form.username.data or "", display_name=form.display_name.data or "",
                password=form.password.data or None, by=me(),
                min_password_length=current_app.config["MIN_PASSWORD_LENGTH"]),
            lambda created: _(
                "用户 %(name)s 已创建，初始密码：%(password)s（请当面告知，首次登录须修改）。",
                name=created[0].username, password=created[1]))
        if outcome.ok:
            return redirect(url_for("users.edit", user_id=outcome.value[0].id))
    return render_template("users/create.html", form=form)


def _role_form() -> AssignRoleForm:
    form = AssignRoleForm(prefix="role")
    form.role.choices = options((r.value, _(r.label)) for r in Role)
    form.organisation.choices = options([(0, "—")] + [
        (o.id, f"{o.name}（{o.township.name}）") for o in org_queries.organisations()])
    form.township.choices = options(
        [(0, "—")] + [(t.id, t.name) for t in org_queries.townships()])
    return form


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit(user_id: int) -> ResponseReturnValue:
    """Edit name and status, see and change role assignments."""
    require(me(), Action.ADMINISTER)
    user = db.get_or_404(User, user_id)
    form = EditUserForm(obj=user)
    if not form.is_submitted():
        form.is_active.data = user.is_active_account
    if form.validate_on_submit() and apply_change(
            lambda: services.update_user(user, display_name=form.display_name.data or "",
                                         is_active=bool(form.is_active.data), by=me()),
            _("已保存。")).ok:
        return redirect(url_for("users.edit", user_id=user.id))
    return render_template("users/edit.html", user=user, form=form, role_form=_role_form(),
                           confirm=ConfirmForm())


@bp.route("/<int:user_id>/roles", methods=["POST"])
@login_required
def add_role(user_id: int) -> ResponseReturnValue:
    """Give the user a role on an organisation, a township or the system."""
    require(me(), Action.ADMINISTER)
    user = db.get_or_404(User, user_id)
    form = _role_form()
    if form.validate_on_submit():
        role = Role(form.role.data)
        org = db.session.get(Organisation, form.organisation.data or 0)
        township = db.session.get(Township, form.township.data or 0)
        apply_change(lambda: services.assign_role(user, role, organisation=org,
                                                  township=township, by=me()),
                     _("已添加角色：%(role)s。", role=_(role.label)))
    else:
        flash(_("请选择角色及其所属范围。"), "error")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.route("/<int:user_id>/roles/<int:assignment_id>/revoke", methods=["POST"])
@login_required
def revoke_role(user_id: int, assignment_id: int) -> ResponseReturnValue:
    """Take a role away."""
    require(me(), Action.ADMINISTER)
    assignment = db.get_or_404(RoleAssignment, assignment_id)
    if assignment.user_id != user_id:
        return redirect(url_for("users.edit", user_id=user_id))
    if ConfirmForm().validate_on_submit():
        apply_change(lambda: services.revoke_role(assignment, by=me()), _("已撤销角色。"))
    return redirect(url_for("users.edit", user_id=user_id))


@bp.route("/<int:user_id>/reset-password", methods=["POST"])
@login_required
def reset_password(user_id: int) -> ResponseReturnValue:
    """Give the user a new generated password to be changed at next login."""
    require(me(), Action.ADMINISTER)
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        apply_change(
            lambda: services.reset_password(
                user, by=me(), min_password_length=current_app.config["MIN_PASSWORD_LENGTH"]),
            lambda password: _("%(name)s 的新密码：%(password)s（首次登录须修改）。",
                               name=user.username, password=password))
    return redirect(url_for("users.edit", user_id=user.id))


