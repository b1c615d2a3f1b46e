"""Hearings and meetings: book, read, update, cancel, list; their participants.

Every change to a booking goes through the booking use case (scheduler/booking.py `book`:
what it refers to, then people, endpoints, court hours and holidays, then the save, atomic
against concurrent bookings) and, once committed, is announced to the hooks in
conference/wiring/hooks.py (scheduling's jobs). Cancelling and removing a participant free
people and endpoints; they need no check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.access import Action
from conference.domain.clock import to_utc
from conference.domain.errors import Conflict
from conference.domain.hearings import (
    HearingKind,
    HearingPlan,
    HearingState,
    check_transition,
    ensure_editable,
)
from conference.store import hearings_repo
from conference.store.bookings import ValidBooking
from conference.store.tables import HearingRow, ParticipantRow
from conference.wiring.hooks import HearingChange, HearingChanged, after_hearing_changed
from scheduler.booking import book
from web.api.common import Page, found, page_of
from web.api.hearing_models import (
    CancelIn,
    HearingIn,
    HearingOut,
    HearingPatch,
    HearingQuery,
    ParticipantIn,
    ParticipantList,
    ParticipantOut,
    ParticipantPatch,
    ensure_future,
    hearing_out,
    hearing_outs,
    named,
    patched_plan,
    plan_from_input,
)
from web.api.registry import ApiRoutes, Call
from web.problems import from_validation_error

routes = ApiRoutes("hearings")

NOT_EDITABLE = "the hearing is no longer scheduled or adjourned"
REFUSED_BOOKING = (
    "the booking is refused as it stands: people or endpoints busy, a disabled endpoint, a"
    " state-secret case, outside court hours or on a day off"
)


@routes.route(
    "POST",
    "/hearings",
    summary="Book a hearing or a meeting",
    action=Action.EDIT_HEARINGS,
    body=HearingIn,
    response=HearingOut,
    status=201,
    responses={409: REFUSED_BOOKING},
    description="A hearing belongs to a case (case_id or case_number); cases classified as"
    " state secrets cannot be heard online (Resolution 33/2021/QH15). starts_at without an"
    " offset is court time (Asia/Ho_Chi_Minh). Endpoints must exist and be enabled.",
)
async def create_hearing(call: Call[None, HearingIn]) -> HearingOut:
    now = call.now()
    async with call.session() as s, s.begin():
        plan = await plan_from_input(s, call.body)
        ensure_future(plan.starts_at, now)

        def insert(valid: ValidBooking) -> HearingRow:
            row = hearings_repo.insert_hearing(
                s,
                plan,
                case_id=valid.case.id if valid.case else None,
                court_code=valid.court_code,
                now=now,
            )
            row.case = valid.case  # already loaded: the answer reads it without a lazy load
            return row

        row = await book(
            s, plan, insert, settings=call.settings, now=now, court_code=call.body.court_code
        )
        out = await hearing_out(s, row)
    await _announce(call, row, HearingChange.CREATED)
    return out


@routes.route(
    "GET",
    "/hearings",
    summary="List hearings",
    action=Action.READ_HEARINGS,
    query=HearingQuery,
    response=Page[HearingOut],
    description="The day's list: filter by day (court time), court, judge (staff username of the"
    " presiding judge or a panel member), endpoint (central or component), state, kind or case;"
    " ordered by start time; page with limit/offset.",
)
async def list_hearings(call: Call[HearingQuery, None]) -> Page[HearingOut]:
    q = call.query
    f = hearings_repo.HearingFilter(
        day=q.day,
        court_code=q.court_code,
        judge=q.judge,
        endpoint=q.endpoint,
        state=q.state.value if q.state else None,
        kind=q.kind.value if q.kind else None,
        case_id=q.case_id,
        limit=q.limit,
        offset=q.offset,
    )
    async with call.session() as s:
        rows, total = await hearings_repo.list_hearings(s, f)
        items = await hearing_outs(s, rows)
    return page_of(items, total, q)


@routes.route(
    "GET",
    "/hearings/{hearing_id}",
    summary="Read a hearing",
    action=Action.READ_HEARINGS,
    response=HearingOut,
)
async def get_hearing(call: Call[None, None]) -> HearingOut:
    async with call.session() as s:
        return await hearing_out(s, await _load(s, call.path("hearing_id")))


@routes.route(
    "PATCH",
    "/hearings/{hearing_id}",
    summary="Change a hearing (title, time, endpoints)",
    action=Action.EDIT_HEARINGS,
    body=HearingPatch,
    response=HearingOut,
    responses={409: f"{NOT_EDITABLE}; the version sent is stale; {REFUSED_BOOKING}"},
    description="Only while scheduled or adjourned. Send `version` (as read) to be refused if"
    " someone changed the hearing meanwhile. Each change raises `version` by one.",
)
async def update_hearing(call: Call[None, HearingPatch]) -> HearingOut:
    body, now = call.body, call.now()
    async with call.session() as s, s.begin():
        row = await _load_editable(s, call.path("hearing_id"), body.version)
        previous = row.starts_at
        plan = patched_plan(row, body)
        if body.starts_at is not None:
            ensure_future(plan.starts_at, now)

        def apply(valid: ValidBooking) -> None:
            row.title = plan.title
            row.starts_at, row.ends_at = to_utc(plan.starts_at), to_utc(plan.ends_at)
            row.central_endpoint = plan.central_endpoint
            row.court_code = valid.court_code
            hearings_repo.set_components(row, plan.component_endpoints)
            _bump(row, now)

        # Only a change of time is checked against the clock (an adjourned hearing may have
        # begun); people, endpoints and court hours are checked on every change.
        moving = body.starts_at is not None or body.duration_minutes is not None
        await book(
            s,
            plan,
            apply,
            settings=call.settings,
            now=now if moving else None,
            hearing_id=row.id,
            court_code=_court(row),
        )
        out = await hearing_out(s, row)
    moved = row.starts_at != previous or body.duration_minutes is not None
    change = HearingChange.MOVED if moved else HearingChange.UPDATED
    await _announce(call, row, change, previous if moved else None)
    return out


@routes.route(
    "POST",
    "/hearings/{hearing_id}/cancel",
    summary="Cancel a hearing",
    action=Action.EDIT_HEARINGS,
    body=CancelIn,
    response=HearingOut,
    responses={409: "the hearing has started, ended or is already cancelled"},
    description="Only before it has started (scheduled or open); the reason is kept.",
)
async def cancel_hearing(call: Call[None, CancelIn]) -> HearingOut:
    async with call.session() as s, s.begin():
        row = await _load(s, call.path("hearing_id"))
        check_transition(HearingState(row.state), HearingState.CANCELLED)
        row.state = HearingState.CANCELLED.value
        row.cancel_reason = call.body.reason
        _bump(row, call.now())
        await s.flush()
        out = await hearing_out(s, row)
    await _announce(call, row, HearingChange.CANCELLED)
    return out


@routes.route(
    "GET",
    "/hearings/{hearing_id}/participants",
    summary="List a hearing's participants",
    action=Action.READ_HEARINGS,
    response=ParticipantList,
)
async def list_participants(call: Call[None, None]) -> ParticipantList:
    async with call.session() as s:
        row = await _load(s, call.path("hearing_id"))
        items = [ParticipantOut.model_validate(p) for p in row.participants]
    return ParticipantList(items=items, total=len(items))


@routes.route(
    "POST",
    "/hearings/{hearing_id}/participants",
    summary="Add a participant",
    action=Action.EDIT_HEARINGS,
    body=ParticipantIn,
    response=ParticipantOut,
    status=201,
    responses={409: f"{NOT_EDITABLE}; {REFUSED_BOOKING}"},
)
async def add_participant(call: Call[None, ParticipantIn]) -> ParticipantOut:
    now = call.now()
    async with call.session() as s, s.begin():
        row = await _load_editable(s, call.path("hearing_id"))
        (person,) = await named(s, [call.body])
        new = hearings_repo.participant_row(person, _next_position(row), now)

        def add(_: ValidBooking) -> None:
            row.participants.append(new)
            _bump(row, now)

        plan = hearings_repo.plan_of(row, [*row.participants, new])
        await _book_people(s, call, row, plan, add)
        out = ParticipantOut.model_validate(new)
    await _announce(call, row, HearingChange.PARTICIPANTS)
    return out


async def _book_people(
    s: AsyncSession,
    call: Call[Any, Any],
    row: HearingRow,
    plan: HearingPlan,
    save: Callable[[ValidBooking], None],
) -> None:
    """A change of people is a change of booking: the same checks, the time unchanged (so an
    adjourned hearing that has already begun is not refused for being in the past)."""
    await book(
        s, plan, save, settings=call.settings, now=None, hearing_id=row.id, court_code=_court(row)
    )


@routes.route(
    "PATCH",
    "/hearings/{hearing_id}/participants/{participant_id}",
    summary="Change a participant",
    action=Action.EDIT_HEARINGS,
    body=ParticipantPatch,
    response=ParticipantOut,
    responses={409: f"{NOT_EDITABLE}; {REFUSED_BOOKING}"},
)
async def update_participant(call: Call[None, ParticipantPatch]) -> ParticipantOut:
    now = call.now()
    async with call.session() as s, s.begin():
        row = await _load_editable(s, call.path("hearing_id"))
        target = _participant(row, call.path("participant_id"))
        data = ParticipantIn.model_validate(target, from_attributes=True).model_dump()
        data.update(call.body.model_dump(exclude_unset=True))
        try:
            merged = ParticipantIn.model_validate(data)
        except ValidationError as exc:
            raise from_validation_error(exc, "request body") from exc
        (person,) = await named(s, [merged])
        changed = hearings_repo.participant_row(person, target.position, now)
        others = [changed if p is target else p for p in row.participants]

        def change(_: ValidBooking) -> None:
            for field in ("role", "name", "staff_username", "endpoint_code", "email", "phone"):
                setattr(target, field, getattr(changed, field))
            target.language, target.interprets_for = changed.language, changed.interprets_for
            _bump(row, now)

        await _book_people(s, call, row, hearings_repo.plan_of(row, others), change)
        out = ParticipantOut.model_validate(target)
    await _announce(call, row, HearingChange.PARTICIPANTS)
    return out


@routes.route(
    "DELETE",
    "/hearings/{hearing_id}/participants/{participant_id}",
    summary="Remove a participant",
    action=Action.EDIT_HEARINGS,
    status=204,
    responses={409: f"{NOT_EDITABLE}; {REFUSED_BOOKING}"},
)
async def remove_participant(call: Call[None, None]) -> web.Response:
    async with call.session() as s, s.begin():
        row = await _load_editable(s, call.path("hearing_id"))
        target = _participant(row, call.path("participant_id"))
        row.participants.remove(target)
        _bump(row, call.now())
    await _announce(call, row, HearingChange.PARTICIPANTS)
    return web.Response(status=204)


async def _load(s: AsyncSession, hearing_id: str) -> HearingRow:
    return found(await hearings_repo.get_hearing(s, hearing_id), "hearing", hearing_id)


async def _load_editable(
    s: AsyncSession, hearing_id: str, version: int | None = None
) -> HearingRow:
    row = await _load(s, hearing_id)
    ensure_editable(HearingState(row.state))
    if version is not None and version != row.version:
        raise Conflict(
            f"the hearing changed since you read it (version {version}, now {row.version});"
            " read it again and repeat your change",
            field="version",
        )
    return row


def _participant(row: HearingRow, participant_id: str) -> ParticipantRow:
    match = next((p for p in row.participants if p.id == participant_id), None)
    return found(match, f"participant of hearing {row.id}", participant_id)


def _next_position(row: HearingRow) -> int:
    return max((p.position for p in row.participants), default=-1) + 1


def _court(row: HearingRow) -> str | None:
    """The court to check against: a hearing follows its case; a meeting keeps its court."""
    return row.court_code if row.kind == HearingKind.MEETING.value else None


def _bump(row: HearingRow, now: datetime) -> None:
    row.version += 1
    row.updated_at = now


async def _announce(
    call: Call[Any, Any],
    row: HearingRow,
    change: HearingChange,
    previous: datetime | None = None,
) -> None:
    event = HearingChanged(row.id, change, row.version, row.starts_at, previous)
    await after_hearing_changed(call.app, event)
