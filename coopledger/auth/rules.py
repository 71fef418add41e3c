"""Pure rules for passwords and login throttling.

Throttling counts failed attempts in a sliding window: an account is refused after too many
failures since its last success, and a client address after too many failures overall, until
the oldest counted failure leaves the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_


class WeakPasswordError(CoopLedgerError):
    """A new password that does not meet the policy."""

    message = N_("密码不符合要求。")


def check_password_policy(password: str, *, username: str, min_length: int) -> None:
    """Refuse a password that is too short, is the username, or has only one kind of character."""
    if len(password) < min_length:
        raise WeakPasswordError(N_("密码至少需要 %(n)d 个字符。"), n=min_length)
    if password.strip().lower() == username.strip().lower():
        raise WeakPasswordError(N_("密码不能与用户名相同。"))
    if len(set(password)) < 4:
        raise WeakPasswordError(N_("密码过于简单，请混合使用字母、数字或符号。"))


def lockout_remaining(failures: Sequence[dt.datetime], *, now: dt.datetime, limit: int,
                      window: dt.timedelta) -> dt.timedelta | None:
    """How long logins stay refused given these failure times, or None if not refused."""
    recent = sorted(t for t in failures if t > now - window)
    if len(recent) < limit:
        return None
    unlock_at = recent[-limit] + window
    return unlock_at - now if unlock_at > now else None


def minutes_to_wait(remaining: dt.timedelta) -> int:
    """Whole minutes to tell the user, never 0."""
    return max(1, -(-int(remaining.total_seconds()) // 60))
