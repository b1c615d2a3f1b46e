"""Court time: store UTC, show and accept Asia/Ho_Chi_Minh by default."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

COURT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def to_utc(moment: datetime, default_tz: ZoneInfo = COURT_TZ) -> datetime:
    """Naive input is read as court time (the courts' own habit), then converted."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_tz)
    return moment.astimezone(UTC)


def to_court_time(moment: datetime, tz: ZoneInfo = COURT_TZ) -> datetime:
    if moment.tzinfo is None:  # SQLite returns naive datetimes; we only ever store UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz)
