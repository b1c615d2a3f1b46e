"""The booking use case — validate, check against everything booked, save — written once, and
the dry-run check and free slots.

Every change of a booking goes through `book`: creating a hearing, moving or changing it,
adding or changing a participant (web/api/hearings.py), and the demo seed. Meeting series
(scheduler/meetings.py) sort each occurrence's conflicts themselves (a busy site is left out)
and use its two halves, `prepare` and `save_booking`.

Conflicts are found through the busy intervals (conference/store/busy.py): one query, an
index range per person or endpoint of the proposal, which also brings the titles of the
hearings found there; the pure rules (conference/domain/booking.py) compare and word the
refusal. Free slots read the busy intervals of the proposal's people and endpoints over the
horizon and nothing else. `book` is atomic: on SQLite the write lock is taken before the
check; on PostgreSQL an exclusion constraint refuses the second of two clashing saves, and
that refusal is worded like any other conflict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.booking import (
    Booking,
    BookingConflict,
    EndpointState,
    MediaNeeds,
    Occupancy,
    Resource,
    booking_from_plan,
    find_conflicts,
    free_starts,
)
from conference.domain.calendar import CourtCalendar, parse_hours
from conference.domain.courts import Capabilities
from conference.domain.errors import Conflict
from conference.domain.hearings import HearingPlan
from conference.settings import Settings
from conference.store.bookings import ValidBooking, validate_booking
from conference.store.busy import (
    busy_between,
    clashing_resource,
    hold_booking_lock,
    is_double_booking,
)
from conference.store.tables import EndpointRow

T = TypeVar("T")


def calendar_from_settings(settings: Settings) -> CourtCalendar:
    return CourtCalendar(
        hours=parse_hours(settings.court_hours),
        country=settings.holiday_country or None,
        extra_days_off=frozenset(settings.extra_days_off),
        working_days=frozenset(settings.make_up_working_days),
        tz=settings.tz,
    )


async def bookings_overlapping(session: AsyncSession, proposed: Booking) -> list[Occupancy]:
    """The active bookings that share a person or an endpoint with `proposed` at an
    overlapping time (its own hearing left out), each with what it shares."""
    spans = await busy_between(
        session,
        proposed.resources,
        proposed.starts_at,
        proposed.ends_at,
        excluding=proposed.id,
    )
    shared: dict[str, set[Resource]] = defaultdict(set)
    for span in spans:
        shared[span.hearing_id].add(span.resource)
    first = {span.hearing_id: span for span in reversed(spans)}
    return [
        Occupancy(hid, first[hid].title, first[hid].starts_at, first[hid].ends_at, frozenset(rs))
        for hid, rs in sorted(shared.items())
    ]


async def endpoint_states(
    session: AsyncSession, codes: Collection[str]
) -> dict[str, EndpointState]:
    if not codes:
        return {}
    e = EndpointRow.__table__.c
    conn = await session.connection()
    rows: Any = await conn.execute(
        select(e.code, e.enabled, e.capabilities).where(e.code.in_(sorted(codes)))
    )
    return {
        code: EndpointState(
            code,
            enabled,
            Capabilities(
                caps.get("max_resolution", "720p"),
                tuple(caps.get("codecs", ("VP8", "H264"))),
                int(caps.get("bandwidth_kbps", 2000)),
            ),
        )
        for code, enabled, caps in rows
    }


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
    """Check a plan (a new hearing, or `hearing_id` being changed) against everything booked.
    `now` None: the clock is not checked (an adjourned hearing may already have begun). With
    `slots` > 0 and a conflict, the next free starts are offered (POST /bookings/check)."""
    proposed = booking_from_plan(plan, hearing_id or "proposed")
    conflicts = find_conflicts(
        proposed,
        await bookings_overlapping(session, proposed),
        endpoints=await endpoint_states(session, proposed.endpoints),
        calendar=calendar_from_settings(settings),
        needs=needs,
        now=now,
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
    """The next `count` starts at which every person and endpoint of `proposed` is free: only
    their busy intervals over the horizon are read."""
    horizon_end = after + timedelta(days=horizon_days + 1)
    spans = await busy_between(
        session, proposed.resources, after, horizon_end, excluding=proposed.id
    )
    return free_starts(
        [(s.starts_at, s.ends_at) for s in spans],
        duration=proposed.ends_at - proposed.starts_at,
        calendar=calendar_from_settings(settings),
        after=after,
        count=count,
        step=timedelta(minutes=settings.booking_slot_minutes),
        horizon_days=horizon_days,
    )


# --- the use case ---------------------------------------------------------------------------


def refusal(conflicts: list[BookingConflict]) -> Conflict:
    """The 409 a clerk reads: every clash in words, and where to find free slots."""
    return Conflict(
        "the booking conflicts: "
        + "; ".join(c.message for c in conflicts)
        + " (POST /api/v1/bookings/check offers free slots)",
        field="starts_at",
    )


async def prepare(
    session: AsyncSession,
    plan: HearingPlan,
    *,
    settings: Settings,
    now: datetime | None,
    hearing_id: str | None = None,
    court_code: str | None = None,
    lock: bool = True,
) -> tuple[ValidBooking, BookingCheck]:
    """The first half of a booking: what it refers to is valid (or a DomainError says what
    is not), the write lock is held (`lock` False: the caller holds it already, or will not
    save), and the conflicts are known."""
    valid = await validate_booking(session, plan, hearing_id=hearing_id, court_code=court_code)
    if lock:
        await hold_booking_lock(session)
    check = await check_booking(session, plan, settings=settings, now=now, hearing_id=hearing_id)
    return valid, check


async def save_booking(
    session: AsyncSession,
    plan: HearingPlan,
    save: Callable[[], T],
    *,
    settings: Settings,
    hearing_id: str | None = None,
) -> T:
    """The second half: run `save` (which adds or changes the hearing's rows) and flush, which
    writes the busy intervals. On PostgreSQL a booking saved by another transaction since the
    check makes the exclusion constraint refuse this one; the savepoint keeps the transaction
    usable, so the check runs again, now seeing the other booking, and refuses in words."""
    if (await session.connection()).dialect.name != "postgresql":
        saved = save()
        await session.flush()
        return saved
    try:
        async with session.begin_nested():
            saved = save()
            await session.flush()
    except DBAPIError as exc:
        if not is_double_booking(exc):
            raise
        again = await check_booking(
            session, plan, settings=settings, now=None, hearing_id=hearing_id
        )
        if again.conflicts:
            raise refusal(again.conflicts) from exc
        # The other booking is gone again (cancelled meanwhile) or it was a deadlock: say
        # what PostgreSQL found, and that repeating the change may now succeed.
        taken = clashing_resource(exc)
        what = f"{taken.kind} {taken.key}" if taken else "the same people or endpoints"
        raise Conflict(
            f"another booking of {what} was being saved at the same moment; read the"
            " hearing again and repeat your change",
            field="starts_at",
        ) from exc
    return saved


async def book(
    session: AsyncSession,
    plan: HearingPlan,
    save: Callable[[ValidBooking], T],
    *,
    settings: Settings,
    now: datetime | None,
    hearing_id: str | None = None,
    court_code: str | None = None,
) -> T:
    """Check `plan` and, if nothing clashes, `save` it: the one way a booking changes.

    `hearing_id`: the hearing being changed (it does not clash with itself), None for a new
    one. `now`: the clock to check against, None when the time is not changing. `court_code`:
    the court the caller asked for. Raises a DomainError (the API answers 422/403) for what is
    invalid and `Conflict` (409, every clash in words) when it clashes — also when another
    request booked the same person or endpoint at the same moment. Nothing is written then.
    `save` gets the validated booking, adds or changes the rows and returns what the caller
    wants back; the busy intervals follow at the flush. Call inside the caller's transaction.
    """
    valid, check = await prepare(
        session, plan, settings=settings, now=now, hearing_id=hearing_id, court_code=court_code
    )
    if not check.ok:
        raise refusal(check.conflicts)
    return await save_booking(
        session, plan, lambda: save(valid), settings=settings, hearing_id=hearing_id
    )
