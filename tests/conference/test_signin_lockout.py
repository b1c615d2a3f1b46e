"""The sign-in lockout rule, directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conference.domain.signin import (
    Attempt,
    LockoutPolicy,
    SignInAttempt,
    SignInLimits,
    locked_until,
    sign_in_locked_until,
)

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


# --- who is locked: an account from one address, and an account from everywhere ---------------

LIMITS = SignInLimits(
    per_pair=POLICY,
    per_account=LockoutPolicy(max_failures=6, window=timedelta(minutes=15), lockout=POLICY.lockout),
)
NOW = T0 + timedelta(minutes=5)


def tries(username: str, address: str, *minutes: float, ok: bool = False) -> list[SignInAttempt]:
    return [SignInAttempt(username, address, T0 + timedelta(minutes=m), ok) for m in minutes]


def test_failures_lock_the_account_only_from_the_guessing_address() -> None:
    history = tries("thu.le", "203.0.113.9", 0, 1, 2)
    assert sign_in_locked_until(history, "thu.le", "203.0.113.9", NOW, LIMITS) == T0 + timedelta(
        minutes=12
    )
    assert sign_in_locked_until(history, "thu.le", "198.51.100.7", NOW, LIMITS) is None


def test_guessing_at_every_account_from_one_address_locks_no_one_else() -> None:
    history = [a for n in range(20) for a in tries(f"staff{n}", "10.0.0.1", 0, 1, 2)]
    assert sign_in_locked_until(history, "an.tran", "10.0.0.1", NOW, LIMITS) is None
    assert sign_in_locked_until(history, "staff3", "10.0.0.2", NOW, LIMITS) is None
    assert sign_in_locked_until(history, "staff3", "10.0.0.1", NOW, LIMITS) is not None


def test_guesses_spread_over_addresses_lock_the_account_everywhere() -> None:
    history = tries("thu.le", "10.0.0.1", 0, 1, 2) + tries("thu.le", "10.0.0.2", 3, 3.5, 4)
    until = T0 + timedelta(minutes=14)
    assert sign_in_locked_until(history, "thu.le", "198.51.100.7", NOW, LIMITS) == until
    assert sign_in_locked_until(history, "an.tran", "198.51.100.7", NOW, LIMITS) is None
    assert sign_in_locked_until(history, "thu.le", "198.51.100.7", until, LIMITS) is None


def test_a_success_elsewhere_clears_the_account_count_but_not_the_guessers_pair() -> None:
    history = (
        tries("thu.le", "10.0.0.1", 0, 1, 2)
        + tries("thu.le", "10.0.0.2", 2.5, 3)
        + tries("thu.le", "198.51.100.7", 3.5, ok=True)
        + tries("thu.le", "10.0.0.2", 4)
    )
    assert sign_in_locked_until(history, "thu.le", "10.0.0.1", NOW, LIMITS) is not None
    assert sign_in_locked_until(history, "thu.le", "10.0.0.3", NOW, LIMITS) is None
