"""Staff sign-in lockout: a pure rule over past attempts (no I/O, the clock passed in).

After `max_failures` failed attempts inside the window — counted since the last success — the
username (or the address) is locked until `lockout` after the last of those failures.
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
