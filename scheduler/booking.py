"""The booking check against storage: the one function the hearing API calls before it saves.

Overlap queries are index-backed: a booking lasts at most MAX_DURATION, so the bookings that
can overlap [start, end) all start in [start - MAX_DURATION, end) — a range scan on
`hearings.starts_at` — and only those sharing an endpoint (index on
`hearing_endpoints.endpoint_code` / `hearings.central_endpoint`) or a person (index on
`participants.staff_username`, or the participant rows of the hearings in the window) are loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.booking import (
    BUSY_ROLES,
    Booking,
    BookingConflict,
    EndpointState,
    MediaNeeds,
    PersonKey,
    Seat,
    booking_from_plan,
    find_conflicts,
    free_slots,
    normalise_name,
)
from conference.domain.calendar import CourtCalendar, parse_hours
from conference.domain.courts import Capabilities
from conference.domain.hearings import MAX_DURATION, HearingPlan, HearingState, Role
from conference.settings import Settings
from conference.store.tables import EndpointRow, HearingEndpointRow, HearingRow, ParticipantRow

INACTIVE = (HearingState.CANCELLED.value, HearingState.CLOSED.value)


def calendar_from_settings(settings: Settings) -> CourtCalendar:
    return CourtCalendar(
        hours=parse_hours(settings.court_hours),
        country=settings.holiday_country or None,
        extra_days_off=frozenset(settings.extra_days_off),
        working_days=frozenset(settings.make_up_working_days),
        tz=settings.tz,
    )


def booking_from_row(row: HearingRow) -> Booking:
    seats = []
    for p in row.participants:
        role = Role(p.role)
        key = PersonKey.for_participant(role, p.name, p.staff_username, p.language)
        if key is not None:
            seats.append(Seat(key, role, p.name, p.language))
    endpoints = {c.endpoint_code for c in row.components}
    if row.central_endpoint:
        endpoints.add(row.central_endpoint)
    endpoints.update(p.endpoint_code for p in row.participants if p.endpoint_code)
    return Booking(
        row.id, row.title, row.starts_at, row.ends_at, tuple(seats), frozenset(endpoints)
    )


def _in_window(start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [
        HearingRow.starts_at >= start - MAX_DURATION,
        HearingRow.starts_at < end,
        HearingRow.ends_at > start,
        HearingRow.state.notin_(INACTIVE),
    ]


async def _named_in_window(
    session: AsyncSession, proposed: Booking, start: datetime, end: datetime
) -> list[str]:
    """Hearings in the window where a lawyer or interpreter of `proposed` (no account: known
    by name) also sits. Names are compared normalised (case, spacing, Unicode form) in Python:
    SQLite's lower() leaves Vietnamese capitals such as Đ alone."""
    wanted = {normalise_name(s.name) for s in proposed.seats if s.person.kind != "staff"}
    if not wanted:
        return []
    rows = await session.execute(
        select(ParticipantRow.hearing_id, ParticipantRow.name)
        .join(HearingRow, HearingRow.id == ParticipantRow.hearing_id)
        .where(
            *_in_window(start, end),
            ParticipantRow.staff_username.is_(None),
            ParticipantRow.role.in_([r.value for r in BUSY_ROLES]),
        )
    )
    return sorted({hid for hid, name in rows if normalise_name(name) in wanted})


def _sharing(proposed: Booking, named: Sequence[str]) -> ColumnElement[bool]:
    """Hearings that share an endpoint or a person with `proposed` (time is filtered apart);
    `named`: the hearings found by `_named_in_window`."""
    eps = sorted(proposed.endpoints)
    staff = sorted(p.key for p in proposed.people if p.kind == "staff")
    clauses: list[ColumnElement[bool]] = []
    if eps:
        clauses.append(HearingRow.central_endpoint.in_(eps))
        clauses.append(
            HearingRow.id.in_(
                select(HearingEndpointRow.hearing_id).where(
                    HearingEndpointRow.endpoint_code.in_(eps)
                )
            )
        )
        clauses.append(
            HearingRow.id.in_(
                select(ParticipantRow.hearing_id).where(ParticipantRow.endpoint_code.in_(eps))
            )
        )
    if staff:
        clauses.append(
            HearingRow.id.in_(
                select(ParticipantRow.hearing_id).where(ParticipantRow.staff_username.in_(staff))
            )
        )
    if named:
        clauses.append(HearingRow.id.in_(list(named)))
    return or_(*clauses) if clauses else false()


async def bookings_between(
    session: AsyncSession, proposed: Booking, start: datetime, end: datetime
) -> list[Booking]:
    """Active bookings overlapping [start, end) that share a person or an endpoint."""
    named = await _named_in_window(session, proposed, start, end)
    stmt = select(HearingRow).where(
        *_in_window(start, end), HearingRow.id != proposed.id, _sharing(proposed, named)
    )
    rows = (await session.scalars(stmt)).unique().all()
    return [booking_from_row(r) for r in rows]


async def endpoint_states(session: AsyncSession, codes: Sequence[str]) -> dict[str, EndpointState]:
    if not codes:
        return {}
    rows = await session.scalars(select(EndpointRow).where(EndpointRow.code.in_(list(codes))))
    states = {}
    for row in rows:
        caps = row.capabilities
        states[row.code] = EndpointState(
            row.code,
            row.enabled,
            Capabilities(
                caps.get("max_resolution", "720p"),
                tuple(caps.get("codecs", ("VP8", "H264"))),
                int(caps.get("bandwidth_kbps", 2000)),
            ),
        )
    return states


@dataclass(frozen=True)
class BookingCheck:
    conflicts: list[BookingConflict]
    free_slots: list[datetime] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts


async def check_booking(
    session: AsyncSession,
    plan: HearingPlan,
    *,
    settings: Settings,
    now: datetime | None,
    hearing_id: str | None = None,
    needs: MediaNeeds | None = None,
    slots: int = 0,
) -> BookingCheck:
    """Check a plan (a new hearing, or `hearing_id` being moved) against everything booked.

    The hearing API calls this before it saves, and refuses with the conflicts when not ok;
    `POST /bookings/check` calls it as a dry run with `slots` > 0 for the next free starts."""
    proposed = booking_from_plan(plan, hearing_id or "proposed")
    calendar = calendar_from_settings(settings)
    existing = await bookings_between(session, proposed, proposed.starts_at, proposed.ends_at)
    states = await endpoint_states(session, sorted(proposed.endpoints))
    conflicts = find_conflicts(
        proposed, existing, endpoints=states, calendar=calendar, needs=needs, now=now
    )
    found_slots: list[datetime] = []
    if slots and conflicts:
        found_slots = await next_free_slots(
            session,
            proposed,
            settings=settings,
            after=max(now, proposed.starts_at) if now else proposed.starts_at,
            count=slots,
        )
    return BookingCheck(conflicts, found_slots)


async def next_free_slots(
    session: AsyncSession,
    proposed: Booking,
    *,
    settings: Settings,
    after: datetime,
    count: int = 5,
    horizon_days: int = 30,
) -> list[datetime]:
    calendar = calendar_from_settings(settings)
    horizon_end = after + timedelta(days=horizon_days + 1)
    existing = await bookings_between(session, proposed, after, horizon_end)
    return free_slots(
        proposed,
        existing,
        calendar=calendar,
        after=after,
        count=count,
        step=timedelta(minutes=settings.booking_slot_minutes),
        horizon_days=horizon_days,
    )
