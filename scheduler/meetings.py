"""Booking a multi-site meeting series, and the attendance kept per site.

Each occurrence of the rule becomes a hearing of kind `meeting` (its own jobs, notices, and
cancel/move through the hearing API), linked by `meeting_occurrences`. Each occurrence is
checked like any booking (scheduler.booking `prepare` and `save_booking`, the two halves of
`book`): a target site already booked elsewhere at that time is left out of that occurrence
(and reported); a clash of the central endpoint or of a person, or a day off, means the
occurrence is not booked (and reported) — the others still are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.booking import BookingConflict, ConflictCode
from conference.domain.clock import to_utc
from conference.domain.errors import Conflict, InvalidValue
from conference.domain.hearings import HearingKind, HearingPlan, HearingState, Participant
from conference.domain.meetings import Occurrence, TargetKind, expand
from conference.settings import Settings
from conference.store import hearings_repo
from conference.store.busy import hold_booking_lock
from conference.store.scheduling import MeetingOccurrenceRow, MeetingSeriesRow
from conference.store.tables import CourtRow, EndpointRow, HearingRow
from scheduler.booking import calendar_from_settings, check_booking, prepare, save_booking
from scheduler.jobs import plan_hearing_jobs


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    values: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "values": list(self.values)}


async def resolve_target(session: AsyncSession, target: Target) -> list[str]:
    """The endpoint codes a target reaches. A list must name existing, enabled endpoints; a
    group (court, province, level, all) reaches its enabled endpoints."""
    if target.kind is not TargetKind.ALL and not target.values:
        raise InvalidValue(f"target {target.kind.value!r} needs values", field="target.values")
    stmt = select(EndpointRow.code, EndpointRow.enabled).join(
        CourtRow, CourtRow.code == EndpointRow.court_code
    )
    values = list(target.values)
    match target.kind:
        case TargetKind.LIST:
            rows = dict((await session.execute(stmt.where(EndpointRow.code.in_(values)))).all())
            unknown = [c for c in values if c not in rows]
            if unknown:
                raise InvalidValue(
                    f"endpoint(s) {', '.join(unknown)} do not exist", field="target.values"
                )
            off = [c for c in values if not rows[c]]
            if off:
                raise InvalidValue(
                    f"endpoint(s) {', '.join(off)} are disabled; leave them out or have an"
                    " administrator enable them",
                    field="target.values",
                )
            return sorted(set(values))
        case TargetKind.COURT:
            stmt = stmt.where(CourtRow.code.in_(values))
        case TargetKind.PROVINCE:
            stmt = stmt.where(CourtRow.province.in_(values))
        case TargetKind.LEVEL:
            stmt = stmt.where(CourtRow.level.in_(values))
        case TargetKind.ALL:
            pass
    codes = sorted(
        c
        for c, enabled in (await session.execute(stmt.order_by(EndpointRow.code))).all()
        if enabled
    )
    if not codes:
        raise InvalidValue(
            f"target {target.kind.value} {', '.join(values)} reaches no enabled endpoint",
            field="target.values",
        )
    return codes


@dataclass
class OccurrenceResult:
    sequence: int
    starts_at: datetime
    ends_at: datetime
    hearing_id: str | None = None
    skipped: str | None = None  # why it was not booked
    sites: int = 0
    left_out: list[BookingConflict] = field(default_factory=list)  # sites busy elsewhere
    conflicts: list[BookingConflict] = field(default_factory=list)  # what stopped it


@dataclass
class SeriesResult:
    series_id: str | None
    sites: int
    occurrences: list[OccurrenceResult]


@dataclass(frozen=True)
class SeriesPlan:
    title: str
    court_code: str
    central_endpoint: str | None
    target: Target
    rrule: str | None
    first_start: datetime
    duration: timedelta
    participants: tuple[Participant, ...] = ()


async def book_series(
    session: AsyncSession,
    plan: SeriesPlan,
    *,
    settings: Settings,
    now: datetime,
    dry_run: bool = False,
) -> SeriesResult:
    """Expand, check and (unless dry_run) book every occurrence. Caller commits."""
    if plan.first_start < now:
        raise InvalidValue("starts_at is in the past", field="starts_at")
    if await session.get(CourtRow, plan.court_code) is None:
        raise InvalidValue(f"court {plan.court_code!r} does not exist", field="court_code")
    calendar = calendar_from_settings(settings)
    occurrences = expand(plan.rrule, plan.first_start, plan.duration, calendar)
    sites = [c for c in await resolve_target(session, plan.target) if c != plan.central_endpoint]
    series: MeetingSeriesRow | None = None
    if not dry_run:
        # Held until the caller commits: no other booking lands between checks and saves.
        await hold_booking_lock(session)
        series = MeetingSeriesRow(
            title=plan.title,
            court_code=plan.court_code,
            central_endpoint=plan.central_endpoint,
            rrule=plan.rrule,
            first_start=to_utc(plan.first_start),
            duration_min=int(plan.duration.total_seconds() // 60),
            target=plan.target.as_json(),
            created_at=now,
        )
        session.add(series)
        await session.flush()
    results = []
    for occ in occurrences:
        result = await _one(session, plan, occ, sites, settings=settings, now=now)
        if result.skipped is None and series is not None:
            booked = _plan_for(plan, occ, [c for c in sites if c not in _codes(result.left_out)])
            row = await save_booking(
                session, booked, partial(_insert, session, booked, plan, now), settings=settings
            )
            session.add(
                MeetingOccurrenceRow(hearing_id=row.id, series_id=series.id, sequence=occ.sequence)
            )
            await plan_hearing_jobs(session, row.id, settings=settings, now=now)
            result.hearing_id = row.id
        results.append(result)
    if series is not None and not any(r.hearing_id for r in results):
        reasons = "; ".join(f"#{r.sequence}: {r.skipped}" for r in results[:3])
        raise Conflict(
            f"no occurrence of the series can be booked ({reasons}); POST /meetings/check shows"
            " every occurrence",
            field="starts_at",
        )
    return SeriesResult(series.id if series else None, len(sites), results)


def _insert(
    session: AsyncSession, booked: HearingPlan, plan: SeriesPlan, now: datetime
) -> HearingRow:
    return hearings_repo.insert_hearing(
        session, booked, case_id=None, court_code=plan.court_code, now=now
    )


def _plan_for(plan: SeriesPlan, occ: Occurrence, sites: list[str]) -> HearingPlan:
    return HearingPlan(
        kind=HearingKind.MEETING,
        title=plan.title,
        starts_at=occ.starts_at,
        duration=plan.duration,
        central_endpoint=plan.central_endpoint,
        component_endpoints=tuple(sites),
        participants=plan.participants,
    )


def _codes(conflicts: list[BookingConflict]) -> set[str]:
    return {c.params["endpoint"] for c in conflicts if "endpoint" in c.params}


async def _one(
    session: AsyncSession,
    plan: SeriesPlan,
    occ: Occurrence,
    sites: list[str],
    *,
    settings: Settings,
    now: datetime,
) -> OccurrenceResult:
    result = OccurrenceResult(occ.sequence, occ.starts_at, occ.ends_at, sites=len(sites))
    if occ.skipped:
        result.skipped = occ.skipped
        return result
    full = _plan_for(plan, occ, sites)
    # book_series took the write lock already when it saves (none for a dry run).
    _, check = await prepare(
        session, full, settings=settings, now=now, court_code=plan.court_code, lock=False
    )
    _sort_out(result, check.conflicts, sites)
    return result


def _sort_out(result: OccurrenceResult, conflicts: list[BookingConflict], sites: list[str]) -> None:
    """A busy site is left out of the occurrence; any other conflict stops it."""
    for c in conflicts:
        if c.code is ConflictCode.ENDPOINT_BUSY and c.params.get("endpoint") in sites:
            result.left_out.append(c)
        else:
            result.conflicts.append(c)
    result.sites = len(sites) - len(_codes(result.left_out))
    if result.conflicts:
        result.skipped = "; ".join(c.message for c in result.conflicts)
    elif result.sites == 0 and sites:
        result.skipped = "every target site is booked elsewhere at this time"


async def cancel_series(
    session: AsyncSession, series_id: str, *, reason: str, settings: Settings, now: datetime
) -> list[str]:
    """Cancel every occurrence of the series that has not begun (their jobs cancelled, amended
    notices issued to whoever was served). Returns their hearing ids. Caller commits."""
    from scheduler.hooks import HearingChange, after_hearing_saved

    rows = (
        await session.scalars(
            select(HearingRow)
            .join(MeetingOccurrenceRow, MeetingOccurrenceRow.hearing_id == HearingRow.id)
            .where(
                MeetingOccurrenceRow.series_id == series_id,
                HearingRow.state == HearingState.SCHEDULED.value,
                HearingRow.starts_at > now,
            )
            .order_by(HearingRow.starts_at)
        )
    ).unique()
    cancelled = []
    for row in rows:
        row.state = HearingState.CANCELLED.value
        row.cancel_reason = reason
        row.version += 1
        row.updated_at = now
        cancelled.append(row.id)
    await session.flush()
    for hearing_id in cancelled:
        await after_hearing_saved(
            session, hearing_id, HearingChange.CANCELLED, settings=settings, now=now
        )
    return cancelled


async def move_series(
    session: AsyncSession,
    series_id: str,
    new_start: datetime,
    *,
    settings: Settings,
    now: datetime,
) -> list[OccurrenceResult]:
    """Move the series from its next occurrence on: that occurrence to `new_start`, each later
    one by the same shift. Each is checked like a new one (busy sites left out; a clash or a
    day off leaves that occurrence where it was, reported). Moved occurrences get their jobs
    re-planned and amended notices. Caller commits."""
    from scheduler.hooks import HearingChange, after_hearing_saved

    if new_start < now:
        raise InvalidValue("starts_at is in the past", field="starts_at")
    rows = list(
        (
            await session.scalars(
                select(HearingRow)
                .join(MeetingOccurrenceRow, MeetingOccurrenceRow.hearing_id == HearingRow.id)
                .where(
                    MeetingOccurrenceRow.series_id == series_id,
                    HearingRow.state == HearingState.SCHEDULED.value,
                    HearingRow.starts_at > now,
                )
                .order_by(HearingRow.starts_at)
            )
        ).unique()
    )
    if not rows:
        raise InvalidValue("the series has no occurrence left to move", field="starts_at")
    await hold_booking_lock(session)  # until the caller commits: checks and moves as one
    sequence = dict(
        (
            await session.execute(
                select(MeetingOccurrenceRow.hearing_id, MeetingOccurrenceRow.sequence).where(
                    MeetingOccurrenceRow.series_id == series_id
                )
            )
        ).all()
    )
    shift = to_utc(new_start) - rows[0].starts_at
    calendar = calendar_from_settings(settings)
    results = []
    # Later ones first when moving later (earlier ones first when moving earlier), so that an
    # occurrence never clashes with its own series' next one that has not moved yet.
    for row in reversed(rows) if shift > timedelta() else rows:
        current = hearings_repo.plan_of(row)
        starts = row.starts_at + shift
        occ = Occurrence(
            sequence[row.id],
            starts,
            starts + current.duration,
            calendar.outside_hours(starts, starts + current.duration),
        )
        sites = list(current.component_endpoints)
        result = OccurrenceResult(occ.sequence, occ.starts_at, occ.ends_at, sites=len(sites))
        if occ.skipped:
            result.skipped = occ.skipped
        else:
            moved = _plan_for(_series_of(current), occ, sites)
            check = await check_booking(
                session, moved, settings=settings, now=now, hearing_id=row.id
            )
            for c in check.conflicts:
                if c.code is ConflictCode.ENDPOINT_BUSY and c.params.get("endpoint") in sites:
                    result.left_out.append(c)
                else:
                    result.conflicts.append(c)
            result.sites = len(sites) - len(_codes(result.left_out))
            if result.conflicts:
                result.skipped = "; ".join(c.message for c in result.conflicts)
        if result.skipped is None:
            before = (row.starts_at, row.ends_at)
            kept = [c for c in sites if c not in _codes(result.left_out)]
            await save_booking(
                session,
                _plan_for(_series_of(current), occ, kept),
                partial(_move, row, occ, kept, now),
                settings=settings,
                hearing_id=row.id,
            )
            await after_hearing_saved(
                session, row.id, HearingChange.MOVED, settings=settings, now=now, before=before
            )
            result.hearing_id = row.id
        results.append(result)
    return sorted(results, key=lambda r: r.sequence)


def _move(row: HearingRow, occ: Occurrence, sites: list[str], now: datetime) -> None:
    row.starts_at, row.ends_at = occ.starts_at, occ.ends_at
    hearings_repo.set_components(row, sites)
    row.version += 1
    row.updated_at = now


def _series_of(plan: HearingPlan) -> SeriesPlan:
    """A stored occurrence seen as a one-off series (to reuse the occurrence plan)."""
    return SeriesPlan(
        title=plan.title,
        court_code="",
        central_endpoint=plan.central_endpoint,
        target=Target(TargetKind.LIST, plan.component_endpoints),
        rrule=None,
        first_start=plan.starts_at,
        duration=plan.duration,
        participants=plan.participants,
    )
