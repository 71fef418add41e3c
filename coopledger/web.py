"""Small helpers shared by the views: the typed current user and safe redirects."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user

if TYPE_CHECKING:
    from coopledger.auth.models import User


def me() -> User:
    """The logged-in user (views behind ``login_required`` only)."""
    if not current_user.is_authenticated:
        abort(401)
    return cast("User", current_user._get_current_object())


def client_address() -> str:
    """The client's address as seen after any configured proxies."""
    return request.remote_addr or "unknown"


def safe_next(target: str | None) -> str | None:
    """A same-site relative path to go back to, or None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
