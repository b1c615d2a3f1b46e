"""Booking checks and free slots, and the shapes the other scheduling routes share."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import Field, field_validator

from conference.domain.access import Action
from conference.domain.booking import Booking, MediaNeeds, PersonKey, Seat
from conference.domain.clock import to_utc
from conference.domain.courts import VIDEO_RESOLUTIONS
from conference.domain.hearings import HearingKind, HearingPlan, Participant, Role
from scheduler.booking import check_booking, next_free_slots
from web.api.common import ApiTime, Code, CourtTime, Out, Strict, Username
from web.api.registry import ApiRoutes, Call

routes = ApiRoutes("scheduling")


class ParticipantIn(Strict):
    role: Role
    name: str = Field(min_length=1, max_length=200)
    staff_username: Username | None = None
    endpoint_code: Code | None = None
    email: str | None = None
    phone: str | None = None
    language: str | None = None
    interprets_for: str | None = None

    def to_domain(self) -> Participant:
        return Participant(**self.model_dump())


class NeedsIn(Strict):
    resolution: str = "360p"
    codecs: list[str] = Field(default_factory=list)
    bandwidth_kbps: int = Field(default=512, ge=64, le=100_000)

    @field_validator("resolution")
    @classmethod
    def _res(cls, v: str) -> str:
        if v not in VIDEO_RESOLUTIONS:
            raise ValueError(f"resolution must be one of {', '.join(VIDEO_RESOLUTIONS)}")
        return v

    def to_domain(self) -> MediaNeeds:
        return MediaNeeds(self.resolution, tuple(self.codecs), self.bandwidth_kbps)


class BookingCheckIn(Strict):
    hearing_id: str | None = Field(
        default=None, description="when moving an existing hearing: it does not clash with itself"
    )
    kind: HearingKind = HearingKind.HEARING
    title: str = Field(min_length=1, max_length=300)
    case_number: str | None = None
    starts_at: ApiTime = Field(description="court time when no offset is given")
    duration_minutes: int = Field(ge=5, le=720)
    central_endpoint: Code | None = None
    component_endpoints: list[Code] = Field(default_factory=list)
    participants: list[ParticipantIn] = Field(default_factory=list)
    needs: NeedsIn | None = None
    slots: int = Field(default=5, ge=0, le=50, description="free slots to offer on a conflict")

    def to_plan(self) -> HearingPlan:
        return HearingPlan(
            kind=self.kind,
            title=self.title,
            starts_at=to_utc(self.starts_at),
            duration=timedelta(minutes=self.duration_minutes),
            central_endpoint=self.central_endpoint,
            component_endpoints=tuple(self.component_endpoints),
            case_number=self.case_number,
            participants=tuple(p.to_domain() for p in self.participants),
        )


class ConflictOut(Out):
    code: str
    message: str
    params: dict[str, Any]
    other_hearing_id: str | None


class BookingCheckOut(Out):
    ok: bool
    conflicts: list[ConflictOut]
    free_slots: list[CourtTime]


@routes.route(
    "POST",
    "/bookings/check",
    summary="Dry-run a booking: conflicts in plain words and the next free slots",
    action=Action.READ_HEARINGS,
    body=BookingCheckIn,
    response=BookingCheckOut,
)
async def check(call: Call[None, BookingCheckIn]) -> BookingCheckOut:
    """Nothing is stored. `ok` is true when the booking could be saved as it is."""
    body = call.body
    plan = body.to_plan()
    async with call.session() as s:
        result = await check_booking(
            s,
            plan,
            settings=call.settings,
            now=call.now(),
            hearing_id=body.hearing_id,
            needs=body.needs.to_domain() if body.needs else None,
            slots=body.slots,
        )
    return BookingCheckOut(
        ok=result.ok,
        conflicts=[
            ConflictOut(
                code=c.code.value,
                message=c.message,
                params=dict(c.params),
                other_hearing_id=c.other_booking_id,
            )
            for c in result.conflicts
        ],
        free_slots=result.free_slots,
    )


class FreeSlotsQuery(Strict):
    endpoints: str = Field(default="", description="comma-separated endpoint codes")
    staff: str = Field(default="", description="comma-separated staff usernames")
    duration_minutes: int = Field(default=60, ge=5, le=720)
    after: ApiTime | None = Field(default=None, description="court time; default now")
    count: int = Field(default=5, ge=1, le=50)
    horizon_days: int = Field(default=30, ge=1, le=366)


class FreeSlotsOut(Out):
    free_slots: list[CourtTime]


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


@routes.route(
    "GET",
    "/bookings/free-slots",
    summary="The next starts at which these people and endpoints are all free",
    action=Action.READ_HEARINGS,
    query=FreeSlotsQuery,
    response=FreeSlotsOut,
)
async def free_slots(call: Call[FreeSlotsQuery, None]) -> FreeSlotsOut:
    q = call.query
    after = to_utc(q.after) if q.after else call.now()
    seats = tuple(Seat(PersonKey("staff", u), Role.PANEL_MEMBER, u) for u in _split(q.staff))
    probe = Booking(
        "proposed",
        "free slot",
        after,
        after + timedelta(minutes=q.duration_minutes),
        seats,
        frozenset(_split(q.endpoints)),
    )
    async with call.session() as s:
        slots = await next_free_slots(
            s,
            probe,
            settings=call.settings,
            after=after,
            count=q.count,
            horizon_days=q.horizon_days,
        )
    return FreeSlotsOut(free_slots=slots)
