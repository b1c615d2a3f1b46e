"""Which time-driven jobs a hearing needs, and when (pure).

Job ids are stable per hearing and kind, so re-planning a moved hearing moves the same jobs and
cancelling it cancels them; a job whose time has already passed when planned is left out
(a reminder 24 h before a hearing booked for tomorrow morning is simply not sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from conference.domain.hearings import HearingState


class JobKind(StrEnum):
    REMINDER = "reminder"
    PRECHECK = "precheck"
    OPEN_ROOM = "open_room"
    CLOSE_ROOM = "close_room"


class JobState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class JobTimes:
    reminder_offsets: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=1))
    precheck_before: timedelta = timedelta(minutes=30)
    open_before: timedelta = timedelta(minutes=15)
    close_after_end: timedelta = timedelta(hours=2)


@dataclass(frozen=True)
class PlannedJob:
    id: str
    kind: JobKind
    due_at: datetime
    args: dict[str, int]


def plan_jobs(
    hearing_id: str,
    starts_at: datetime,
    ends_at: datetime,
    state: HearingState,
    times: JobTimes,
    now: datetime,
) -> list[PlannedJob]:
    """The jobs a hearing should have from now on; none once it is cancelled or closed."""
    if state in (HearingState.CANCELLED, HearingState.CLOSED):
        return []
    jobs: list[PlannedJob] = []
    for offset in times.reminder_offsets:
        minutes = int(offset.total_seconds() // 60)
        jobs.append(
            PlannedJob(
                f"{hearing_id}:reminder:{minutes}",
                JobKind.REMINDER,
                starts_at - offset,
                {"minutes_before": minutes},
            )
        )
    jobs.append(
        PlannedJob(
            f"{hearing_id}:precheck", JobKind.PRECHECK, starts_at - times.precheck_before, {}
        )
    )
    if state is HearingState.SCHEDULED:
        jobs.append(
            PlannedJob(
                f"{hearing_id}:open_room", JobKind.OPEN_ROOM, starts_at - times.open_before, {}
            )
        )
    jobs.append(
        PlannedJob(
            f"{hearing_id}:close_room", JobKind.CLOSE_ROOM, ends_at + times.close_after_end, {}
        )
    )
    return [j for j in jobs if j.due_at > now]


def retry_delay(attempt: int, schedule: tuple[int, ...]) -> timedelta | None:
    """Backoff before attempt `attempt + 1` (1-based attempts made); None when out of tries."""
    if attempt < 1 or attempt > len(schedule):
        return None
    return timedelta(seconds=schedule[attempt - 1])
