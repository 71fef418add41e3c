"""Login, logout and changing one's own password."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from coopledger.auth import services
from coopledger.auth.forms import ChangePasswordForm, LoginForm
from coopledger.extensions import db
from coopledger.forms import ConfirmForm
from coopledger.web import apply_change, client_address, me, safe_next

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _policy() -> services.ThrottlePolicy:
    config = current_app.config
    return services.ThrottlePolicy(
        window=dt.timedelta(minutes=int(config["LOGIN_WINDOW_MINUTES"])),
        per_account=int(config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
        per_address=int(config["LOGIN_MAX_FAILURES_PER_ADDRESS"]))


def fresh_session() -> None:
    """A new session at login: nothing of the old one is kept but the chosen language and the
    messages waiting to be shown; the CSRF token is drawn again."""
    kept = {key: session[key] for key in ("lang", "_flashes") if key in session}
    session.clear()
    session.update(kept)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Log in with username and password; failures are counted for throttling."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data or "", form.password.data or "",
                                         client_address=client_address(), policy=_policy())
        except services.LoginError as err:
            db.session.commit()  # keep the failed attempt: throttling counts it
            flash(str(err), "error")
            status = err.status
        else:
            db.session.commit()
            fresh_session()
            login_user(user)
            if user.must_change_password:
                flash(_("这是您第一次登录（或密码已被重置），请先设置自己的密码。"), "info")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    """Log out (POST with CSRF token only)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        services.record_logout(me())
        db.session.commit()
        logout_user()
        flash(_("您已退出登录。"), "info")
    return redirect(url_for("home.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Change one's own password; required at first login."""
    form = ChangePasswordForm()
    if form.validate_on_submit() and apply_change(
            lambda: services.change_password(
                me(), current=form.current.data or "", new=form.new.data or "",
                min_password_length=current_app.config["MIN_PASSWORD_LENGTH"]),
            _("密码已修改。")).ok:
        fresh_session()
        login_user(me())   # the other sessions ended with the old version; this one goes on
        return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
