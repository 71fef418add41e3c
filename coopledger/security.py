"""HTTP hardening: security headers, cookie flags and the first-login password change.

The Content-Security-Policy allows no inline script or style, so every script and
stylesheet is a static file; frames are denied and MIME sniffing is off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

if TYPE_CHECKING:
    from flask import Flask, Response
    from flask.typing import ResponseReturnValue

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'self'; object-src 'none'")

# Endpoints a user who must change their password may still reach.
_OPEN_WHEN_PASSWORD_EXPIRED = {"auth.change_password", "auth.logout", "static",
                               "home.set_language"}


def register_security(app: Flask) -> None:
    """Add headers to every response and force the first-login password change."""
    if app.config.get("PREFERRED_URL_SCHEME") == "https":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" and not current_user.is_anonymous:
            # Behind the login every page and file may carry personal data (names, ID, phone
            # and bank numbers): no browser or proxy keeps a copy. (Asked without reading the
            # user row again: after the request's commit that would begin a new transaction.)
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.before_request
    def _password_change_first() -> ResponseReturnValue | None:
        if (current_user.is_authenticated and current_user.must_change_password
                and request.endpoint not in _OPEN_WHEN_PASSWORD_EXPIRED):
            flash(_("请先设置自己的密码。"), "info")
            return redirect(url_for("auth.change_password"))
        return None
