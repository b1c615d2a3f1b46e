"""Planned jobs in storage, and what each does when it fires.

`planned_jobs` is the truth; APScheduler (scheduler/runner.py) only holds timers. A job's
effect runs in the same transaction that flips it pending -> done, guarded by
`WHERE state = 'pending'`, so a timer that fires twice (a restart between APScheduler running
a job and removing it) does nothing the second time, and a timer lost in a crash is re-armed
from `planned_jobs` when the runner starts.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.domain import room_events as ev
from conference.domain.errors import NotAllowed, NotFound
from conference.domain.hearings import TRANSITIONS, HearingState, check_transition
from conference.domain.jobs import JobKind, JobState, JobTimes, plan_jobs
from conference.settings import Settings
from conference.store import hearing_record
from conference.store.scheduling import EndpointPrecheckRow, PlannedJobRow
from conference.store.tables import EndpointRow, HearingRow
from conference.wiring.hooks import RoomControl

log = logging.getLogger("vcourt.scheduler.jobs")

# Called after a job changed a hearing's state.
StateHook = Callable[[str, HearingState, HearingState], Awaitable[None]]
# Called when a reminder is due: (session, hearing_id, minutes_before) -> how many queued.
ReminderHook = Callable[[AsyncSession, str, int], Awaitable[int]]


def job_times(settings: Settings) -> JobTimes:
    return JobTimes(
        reminder_offsets=tuple(timedelta(minutes=m) for m in settings.reminder_offsets_min),
        precheck_before=timedelta(minutes=settings.precheck_min),
        open_before=timedelta(minutes=settings.waiting_room_open_min),
        close_after_end=timedelta(minutes=settings.close_left_open_after_min),
    )


async def plan_hearing_jobs(
    session: AsyncSession, hearing_id: str, *, settings: Settings, now: datetime
) -> list[PlannedJobRow]:
    """Bring a hearing's pending jobs in line with its time and state: new ones added, moved
    ones moved, the rest cancelled. Call it inside the transaction that changes the hearing."""
    hearing = await session.get(HearingRow, hearing_id)
    if hearing is None:
        return []
    wanted = {
        j.id: j
        for j in plan_jobs(
            hearing.id,
            hearing.starts_at,
            hearing.ends_at,
            HearingState(hearing.state),
            job_times(settings),
            now,
        )
    }
    rows = {
        r.id: r
        for r in await session.scalars(
            select(PlannedJobRow).where(PlannedJobRow.hearing_id == hearing_id)
        )
    }
    for job_id, row in rows.items():
        if row.state != JobState.PENDING:
            continue
        if job_id in wanted:
            row.due_at = wanted[job_id].due_at
        else:
            row.state = JobState.CANCELLED
            row.result = "cancelled: the hearing was cancelled or moved"
    for job_id, job in wanted.items():
        existing = rows.get(job_id)
        if existing is None:
            session.add(
                PlannedJobRow(
                    id=job.id,
                    hearing_id=hearing_id,
                    kind=job.kind.value,
                    due_at=job.due_at,
                    state=JobState.PENDING,
                    args=dict(job.args),
                    created_at=now,
                )
            )
        elif existing.state != JobState.PENDING:  # moved later than a job that already ran
            existing.state, existing.due_at, existing.fired_at, existing.result = (
                JobState.PENDING,
                job.due_at,
                None,
                None,
            )
    await session.flush()
    return list(
        await session.scalars(
            select(PlannedJobRow).where(
                PlannedJobRow.hearing_id == hearing_id, PlannedJobRow.state == JobState.PENDING
            )
        )
    )


@dataclass
class JobContext:
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    clock: Callable[[], datetime]
    worker: str
    state_hooks: list[StateHook] = field(default_factory=list)
    reminder_hooks: list[ReminderHook] = field(default_factory=list)
    # Signalling's live rooms (inside `vcourt serve`): opening and closing go through them.
    room_control: RoomControl | None = None


# What each room job does: the state it moves to, and from which states.
ROOM_MOVES: dict[JobKind, tuple[HearingState, frozenset[HearingState]]] = {
    JobKind.OPEN_ROOM: (
        HearingState.OPEN,
        frozenset(s for s, to in TRANSITIONS.items() if HearingState.OPEN in to),
    ),
    JobKind.CLOSE_ROOM: (HearingState.CLOSED, frozenset({HearingState.OPEN})),
}
ROOM_REASONS = {
    JobKind.OPEN_ROOM: "the waiting room opens before the start (scheduled)",
    JobKind.CLOSE_ROOM: "closed by the system: the room was left open after the planned end",
}


async def fire(ctx: JobContext, job_id: str) -> bool:
    """Run one planned job once. Returns False when it had already run or was cancelled."""
    now = ctx.clock()
    changes: list[tuple[str, HearingState, HearingState]] = []
    if ctx.room_control is not None:
        async with ctx.sessions() as s:
            job = await s.get(PlannedJobRow, job_id)
            if job is None or job.state != JobState.PENDING:
                return False
            kind, hearing_id = JobKind(job.kind), job.hearing_id
        if kind in ROOM_MOVES and hearing_id is not None:
            return await _fire_through_room(ctx, ctx.room_control, job_id, kind, hearing_id)
    async with ctx.sessions() as s, s.begin():
        claimed = await s.execute(
            update(PlannedJobRow)
            .where(PlannedJobRow.id == job_id, PlannedJobRow.state == JobState.PENDING)
            .values(state=JobState.DONE, fired_at=now, fired_by=ctx.worker)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return False
        job = await s.get(PlannedJobRow, job_id)
        assert job is not None
        result = await _effect(ctx, s, job, now, changes)
        job.result = result
    log.info("job %s fired: %s", job_id, result)
    for hearing_id, old, new in changes:
        for hook in ctx.state_hooks:
            await hook(hearing_id, old, new)
    return True


async def _fire_through_room(
    ctx: JobContext, control: RoomControl, job_id: str, kind: JobKind, hearing_id: str
) -> bool:
    """The live room moves first, under its lock (recorded, announced to everyone
    connected); then the job is marked done. A crash in between runs the job again, which
    finds the room already moved: at most one change."""
    new, only_from = ROOM_MOVES[kind]
    try:
        result = await control(hearing_id, new, only_from, ROOM_REASONS[kind])
    except NotFound:
        result = "skipped: the hearing no longer exists"
    async with ctx.sessions() as s, s.begin():
        claimed = await s.execute(
            update(PlannedJobRow)
            .where(PlannedJobRow.id == job_id, PlannedJobRow.state == JobState.PENDING)
            .values(state=JobState.DONE, fired_at=ctx.clock(), fired_by=ctx.worker, result=result)
        )
    log.info("job %s fired: %s", job_id, result)
    return claimed.rowcount == 1  # type: ignore[attr-defined]


async def _effect(
    ctx: JobContext,
    s: AsyncSession,
    job: PlannedJobRow,
    now: datetime,
    changes: list[tuple[str, HearingState, HearingState]],
) -> str:
    hearing = await s.get(HearingRow, job.hearing_id) if job.hearing_id else None
    if hearing is None:
        return "skipped: the hearing no longer exists"
    state = HearingState(hearing.state)
    match JobKind(job.kind):
        case JobKind.REMINDER:
            if state is HearingState.CANCELLED:
                return "skipped: cancelled"
            queued = 0
            for remind in ctx.reminder_hooks:
                queued += await remind(s, hearing.id, int(job.args.get("minutes_before", 0)))
            return f"reminder queued for {queued} deliveries"
        case JobKind.PRECHECK:
            codes = sorted(
                {c.endpoint_code for c in hearing.components}
                | ({hearing.central_endpoint} if hearing.central_endpoint else set())
            )
            rows = {
                r.code: r
                for r in await s.scalars(select(EndpointRow).where(EndpointRow.code.in_(codes)))
            }
            bad = 0
            for code in codes:
                ep = rows.get(code)
                ok = ep is not None and ep.enabled
                bad += not ok
                s.add(
                    EndpointPrecheckRow(
                        hearing_id=hearing.id,
                        endpoint_code=code,
                        checked_at=now,
                        ok=ok,
                        detail="enabled in the registry" if ok else "missing or disabled",
                    )
                )
            return f"pre-checked {len(codes)} endpoints, {bad} not ready"
        case JobKind.OPEN_ROOM:
            return await _move(s, hearing, state, JobKind.OPEN_ROOM, now, changes)
        case JobKind.CLOSE_ROOM:
            if state is not HearingState.OPEN:
                return f"nothing to close: the hearing is {state.value}"
            return await _move(s, hearing, state, JobKind.CLOSE_ROOM, now, changes)
    return "unknown job kind"  # pragma: no cover


async def _move(
    s: AsyncSession,
    hearing: HearingRow,
    old: HearingState,
    kind: JobKind,
    now: datetime,
    changes: list[tuple[str, HearingState, HearingState]],
) -> str:
    """No live room in this process (`vcourt scheduler run`): the change is appended to the
    hearing record's chain in the job's transaction (which sets hearings.state), so a room
    rebuilt from the record agrees."""
    new = ROOM_MOVES[kind][0]
    if old is new:
        return f"already {new.value}"
    try:
        check_transition(old, new)
    except NotAllowed as exc:
        return f"skipped: {exc.message}"
    await hearing_record.append(
        s,
        hearing.id,
        [ev.HearingStateChanged(at=now, actor=None, old=old, new=new, reason=ROOM_REASONS[kind])],
    )
    changes.append((hearing.id, old, new))
    return f"{old.value} -> {new.value}"
