"""The lockout rule, directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conference.domain.signin import Attempt, LockoutPolicy, locked_until

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
POLICY = LockoutPolicy(max_failures=3, window=timedelta(minutes=15), lockout=timedelta(minutes=10))


def fails(*minutes: float) -> list[Attempt]:
    return [Attempt(T0 + timedelta(minutes=m), False) for m in minutes]


def test_fewer_failures_than_the_limit_do_not_lock() -> None:
    assert locked_until(fails(0, 1), T0 + timedelta(minutes=2), POLICY) is None


def test_the_limit_locks_until_lockout_after_the_last_failure() -> None:
    assert locked_until(fails(0, 1, 2), T0 + timedelta(minutes=3), POLICY) == T0 + timedelta(
        minutes=12
    )


def test_the_lock_ends_on_time() -> None:
    assert locked_until(fails(0, 1, 2), T0 + timedelta(minutes=12), POLICY) is None


def test_failures_spread_wider_than_the_window_do_not_lock() -> None:
    assert locked_until(fails(0, 10, 20), T0 + timedelta(minutes=21), POLICY) is None


def test_a_success_resets_the_count() -> None:
    attempts = [*fails(0, 1), Attempt(T0 + timedelta(minutes=2), True), *fails(3)]
    assert locked_until(attempts, T0 + timedelta(minutes=4), POLICY) is None


def test_the_latest_qualifying_group_sets_the_time() -> None:
    attempts = fails(0, 1, 2, 5)
    assert locked_until(attempts, T0 + timedelta(minutes=6), POLICY) == T0 + timedelta(minutes=15)
