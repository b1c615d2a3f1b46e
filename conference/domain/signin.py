"""Staff sign-in lockout: a pure rule over past attempts (no I/O, the clock passed in).

After `max_failures` failed attempts inside the window — counted since the last success — the
subject is locked until `lockout` after the last of those failures. Two subjects count
(`sign_in_locked_until`), so that one attacker cannot lock a court out:

- an account from one address: a few failures lock that pair only; the same person at
  another computer, and every other account at the attacker's address, still sign in;
- an account from every address together: a much higher limit, which no single address can
  reach while its own pair is locked, so only a guess spread over many addresses locks the
  account everywhere.

Nothing counts per address alone: behind a proxy whose address is all the server sees, that
would lock every staff member out at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Attempt:
    at: datetime
    succeeded: bool


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int
    window: timedelta
    lockout: timedelta

    def __post_init__(self) -> None:
        if self.max_failures < 1:
            raise ValueError("max_failures must be at least 1")


@dataclass(frozen=True)
class SignInAttempt:
    username: str
    address: str
    at: datetime
    succeeded: bool


@dataclass(frozen=True)
class SignInLimits:
    per_pair: LockoutPolicy  # one account from one address
    per_account: LockoutPolicy  # one account from every address together


def sign_in_locked_until(
    history: Iterable[SignInAttempt],
    username: str,
    address: str,
    now: datetime,
    limits: SignInLimits,
) -> datetime | None:
    """When `username` may try again from `address`, or None if it may try now. A success
    clears the failures before it: from its own address for the pair, from anywhere for the
    account."""
    mine = [a for a in history if a.username == username]
    pair = [Attempt(a.at, a.succeeded) for a in mine if a.address == address]
    account = [Attempt(a.at, a.succeeded) for a in mine]
    times = [
        t
        for t in (
            locked_until(pair, now, limits.per_pair),
            locked_until(account, now, limits.per_account),
        )
        if t is not None
    ]
    return max(times, default=None)


def locked_until(
    attempts: Iterable[Attempt], now: datetime, policy: LockoutPolicy
) -> datetime | None:
    """When the subject may try again, or None if it may try now."""
    ordered = sorted(attempts, key=lambda a: a.at)
    failures: list[datetime] = []
    for attempt in ordered:
        if attempt.succeeded:
            failures.clear()
        elif attempt.at > now - policy.window - policy.lockout:
            failures.append(attempt.at)
    # Only failures close enough together count: slide a window over them.
    for i in range(len(failures) - policy.max_failures, -1, -1):
        group = failures[i : i + policy.max_failures]
        if group[-1] - group[0] <= policy.window:
            until = group[-1] + policy.lockout
            return until if until > now else None
    return None
