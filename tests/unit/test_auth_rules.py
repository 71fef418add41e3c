"""auth/rules.py: password policy and the sliding-window login throttle."""

from __future__ import annotations

import datetime as dt

import pytest

from coopledger.auth.rules import (
    WeakPasswordError,
    check_password_policy,
    lockout_remaining,
    minutes_to_wait,
)

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
WINDOW = dt.timedelta(minutes=15)


def _ago(*minutes: int) -> list[dt.datetime]:
    return [NOW - dt.timedelta(minutes=m) for m in minutes]


def test_below_the_limit_nothing_is_refused() -> None:
    assert lockout_remaining(_ago(1, 2, 3, 4), now=NOW, limit=5, window=WINDOW) is None


def test_at_the_limit_the_lock_lasts_until_the_oldest_counted_failure_leaves_the_window() -> None:
    remaining = lockout_remaining(_ago(1, 2, 3, 4, 10), now=NOW, limit=5, window=WINDOW)
    assert remaining == dt.timedelta(minutes=5)
    assert minutes_to_wait(remaining) == 5


def test_failures_outside_the_window_do_not_count() -> None:
    assert lockout_remaining(_ago(1, 2, 3, 4, 16, 20), now=NOW, limit=5, window=WINDOW) is None


def test_wait_is_never_shown_as_zero_minutes() -> None:
    assert minutes_to_wait(dt.timedelta(seconds=5)) == 1
    assert minutes_to_wait(dt.timedelta(seconds=61)) == 2


@pytest.mark.parametrize(("password", "reason"), [
    ("short", "至少需要 8 个字符"), ("wangxiuying", "不能与用户名相同"), ("aaaaaaaaaa", "过于简单"),
])
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(WeakPasswordError) as excinfo:
        check_password_policy(password, username="WangXiuYing", min_length=8)
    assert reason in str(excinfo.value)


def test_a_reasonable_password_passes() -> None:
    check_password_policy("shian-2026-tdgf", username="accountant", min_length=8)
