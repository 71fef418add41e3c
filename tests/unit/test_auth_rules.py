"""auth/rules.py: password policy and the sliding-window login throttle."""

from __future__ import annotations

import datetime as dt

import pytest

from coopledger.auth.rules import (
    WeakPasswordError,
    check_password_policy,
    common_passwords,
    lockout_remaining,
    minutes_to_wait,
    slowdown,
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
    ("2026wangxiuying!", "不能包含用户名"), ("password1", "最常被猜中"),
    ("Qwerty123", "最常被猜中"), ("woaini1314", "最常被猜中"), ("147258369", "最常被猜中"),
    ("iloveyou", "最常被猜中"),
])
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(WeakPasswordError) as excinfo:
        check_password_policy(password, username="WangXiuYing", min_length=8)
    assert reason in str(excinfo.value)


def test_a_reasonable_password_passes() -> None:
    check_password_policy("shian-2026-tdgf", username="accountant", min_length=8)


def test_the_shipped_list_holds_ten_thousand_common_passwords() -> None:
    common = common_passwords()
    assert len(common) >= 10_000
    assert {"123456", "password", "qwerty", "5201314", "qq123456"} <= common
    assert "coop-demo-2026" not in common


def test_failures_from_everywhere_only_slow_an_account_down() -> None:
    """Ten failures are free; then the next login waits 1 s, 2 s, 4 s … after the latest
    failure, never more than 30 s — a stranger cannot lock the owner out for minutes."""
    cap = dt.timedelta(seconds=30)
    seconds = [NOW - dt.timedelta(seconds=s) for s in range(9, -1, -1)]
    assert slowdown(seconds[:9], now=NOW, free=10, cap=cap) is None
    assert slowdown(seconds, now=NOW, free=10, cap=cap) == dt.timedelta(seconds=1)
    many = [NOW] * 25
    assert slowdown(many, now=NOW, free=10, cap=cap) == cap
    assert slowdown(many, now=NOW + cap, free=10, cap=cap) is None
