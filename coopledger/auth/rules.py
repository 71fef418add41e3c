"""Pure rules for passwords and login throttling.

Passwords (NIST SP 800-63B §5.1.1.2: check new passwords against values known to be commonly
used): at least the minimum length, not the username nor containing it, not one of the ~10,000
most common passwords shipped in ``auth/data/common_passwords.txt``, not of one or two kinds of
character repeated.

Throttling counts failed attempts in a sliding window, so guessing is stopped without letting a
stranger lock the owner out: an (account, client address) pair is refused after too many
failures since the account's last success, a client address after too many failures overall;
failures of an account from everywhere only slow its logins down (a wait of seconds that
doubles with each failure beyond a threshold, capped), never lock it for the owner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from coopledger.errors import CoopLedgerError
from coopledger.i18n import N_


class WeakPasswordError(CoopLedgerError):
    """A new password that does not meet the policy."""

    message = N_("密码不符合要求。")


COMMON_PASSWORDS = Path(__file__).with_name("data") / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case."""
    with COMMON_PASSWORDS.open(encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle
                         if line.strip() and not line.startswith("#"))


def check_password_policy(password: str, *, username: str, min_length: int) -> None:
    """Refuse a password that is too short, is or contains the username, is a common password,
    or has fewer than four different characters."""
    if len(password) < min_length:
        raise WeakPasswordError(N_("密码至少需要 %(n)d 个字符。"), n=min_length)
    name = username.strip().lower()
    if password.strip().lower() == name:
        raise WeakPasswordError(N_("密码不能与用户名相同。"))
    if len(name) >= 3 and name in password.lower():
        raise WeakPasswordError(N_("密码不能包含用户名。"))
    if password.strip().lower() in common_passwords():
        raise WeakPasswordError(N_("这是最常被猜中的密码之一，请换一个不常见的密码。"))
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


def slowdown(failures: Sequence[dt.datetime], *, now: dt.datetime, free: int,
             cap: dt.timedelta) -> dt.timedelta | None:
    """How long the next login of an account must wait after ``failures`` (from anywhere):
    nothing for the first ``free``, then 1 s, 2 s, 4 s … after the latest failure, capped."""
    if len(failures) < free:
        return None
    wait = min(dt.timedelta(seconds=2 ** min(len(failures) - free, 20)), cap)
    remaining = max(failures) + wait - now
    return remaining if remaining > dt.timedelta(0) else None


def minutes_to_wait(remaining: dt.timedelta) -> int:
    """Whole minutes to tell the user, never 0."""
    return max(1, -(-int(remaining.total_seconds()) // 60))
