"""Booking conflicts, explained in plain words, and the next free slots (pure; clock injected).

A `Booking` is what matters for conflicts: its time span, the people it ties up (by a stable
key) and the endpoints it occupies — together its `resources`, which storage keeps as busy
intervals so that finding the bookings that overlap a proposal is an index lookup. A proposed
booking is checked against those bookings, against the endpoints it uses (enabled, capable)
and against the court calendar.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from conference.domain.calendar import CourtCalendar
from conference.domain.courts import Capabilities
from conference.domain.hearings import HearingPlan, HearingState, Role


class ConflictCode(StrEnum):
    PERSON_BUSY = "person_busy"
    ENDPOINT_BUSY = "endpoint_busy"
    ENDPOINT_UNKNOWN = "endpoint_unknown"
    ENDPOINT_DISABLED = "endpoint_disabled"
    ENDPOINT_INCAPABLE = "endpoint_incapable"
    OUTSIDE_HOURS = "outside_hours"
    IN_THE_PAST = "in_the_past"


# Which roles tie a person up (a witness or observer may well be in two places' lists).
BUSY_ROLES: dict[Role, str] = {
    Role.PRESIDING_JUDGE: "judge",
    Role.PANEL_MEMBER: "panel member",
    Role.CLERK: "clerk",
    Role.PROCURATOR: "procurator",
    Role.LAWYER: "lawyer",
    Role.INTERPRETER: "interpreter",
}


# Cancelled and closed hearings free their people and endpoints; every other state holds them.
RELEASED_STATES = frozenset({HearingState.CANCELLED, HearingState.CLOSED})


def holds_resources(state: HearingState | str) -> bool:
    """Whether a hearing in this state still ties up its people and endpoints."""
    return HearingState(state) not in RELEASED_STATES


def normalise_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


@dataclass(frozen=True, order=True)
class PersonKey:
    """Court staff by username; lawyers by name; interpreters by name and language."""

    kind: str  # "staff", "lawyer", "interpreter"
    key: str

    @staticmethod
    def for_participant(
        role: Role, name: str, staff_username: str | None, language: str | None
    ) -> PersonKey | None:
        if role not in BUSY_ROLES:
            return None
        if staff_username:
            return PersonKey("staff", staff_username)
        if role is Role.INTERPRETER:
            return PersonKey("interpreter", f"{normalise_name(name)}|{(language or '').lower()}")
        return PersonKey("lawyer" if role is Role.LAWYER else "person", normalise_name(name))


ENDPOINT_RESOURCE = "endpoint"


@dataclass(frozen=True, order=True)
class Resource:
    """One thing two bookings cannot share at the same time: a person (`kind` staff, lawyer,
    interpreter or person, `key` as in PersonKey) or an endpoint (`kind` endpoint, `key` its
    code)."""

    kind: str
    key: str


@dataclass(frozen=True)
class Seat:
    """One person's place in a booking: who, in which role, under what shown name."""

    person: PersonKey
    role: Role
    name: str
    language: str | None = None


@dataclass(frozen=True)
class Booking:
    id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    seats: tuple[Seat, ...] = ()
    endpoints: frozenset[str] = frozenset()

    @property
    def people(self) -> frozenset[PersonKey]:
        return frozenset(s.person for s in self.seats)

    @property
    def resources(self) -> frozenset[Resource]:
        """Everything this booking ties up: two bookings clash exactly when they overlap in
        time and share one of these."""
        return frozenset(
            [Resource(p.kind, p.key) for p in self.people]
            + [Resource(ENDPOINT_RESOURCE, code) for code in self.endpoints]
        )

    def overlaps(self, other: Booked) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at

    def moved_to(self, starts_at: datetime) -> Booking:
        return Booking(
            self.id,
            self.title,
            starts_at,
            starts_at + (self.ends_at - self.starts_at),
            self.seats,
            self.endpoints,
        )


class Booked(Protocol):
    """Another booking as the conflict rules compare with it: its name, its span and what it
    ties up — a `Booking`, or an `Occupancy` that storage reads from the busy intervals."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...
    @property
    def resources(self) -> frozenset[Resource]: ...


@dataclass(frozen=True)
class Occupancy:
    """A stored booking as its busy intervals show it: when, under what title, and what it
    ties up (at least all it shares with the booking it is compared with)."""

    id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    resources: frozenset[Resource]


class Attendee(Protocol):
    """A participant as the conflict rules see it (a planned one or a stored one)."""

    @property
    def role(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def staff_username(self) -> str | None: ...
    @property
    def language(self) -> str | None: ...
    @property
    def endpoint_code(self) -> str | None: ...


def booking_of(
    booking_id: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    *,
    central_endpoint: str | None,
    component_endpoints: Iterable[str],
    attendees: Iterable[Attendee],
) -> Booking:
    """The booking a hearing makes: the people whose role ties them up, and every endpoint it
    uses (central, components, and any participant's own endpoint)."""
    seats = []
    endpoints = set(component_endpoints)
    if central_endpoint:
        endpoints.add(central_endpoint)
    for p in attendees:
        role = Role(p.role)
        key = PersonKey.for_participant(role, p.name, p.staff_username, p.language)
        if key is not None:
            seats.append(Seat(key, role, p.name, p.language))
        if p.endpoint_code:
            endpoints.add(p.endpoint_code)
    return Booking(booking_id, title, starts_at, ends_at, tuple(seats), frozenset(endpoints))


def booking_from_plan(plan: HearingPlan, booking_id: str = "proposed") -> Booking:
    return booking_of(
        booking_id,
        plan.title,
        plan.starts_at,
        plan.ends_at,
        central_endpoint=plan.central_endpoint,
        component_endpoints=plan.component_endpoints,
        attendees=plan.participants,
    )


@dataclass(frozen=True)
class MediaNeeds:
    """What the meeting asks of every endpoint taking part."""

    resolution: str = "360p"
    codecs: tuple[str, ...] = ()  # empty: any codec the endpoint has will do
    bandwidth_kbps: int = 512

    def shortfalls(self, caps: Capabilities) -> list[str]:
        missing = []
        if not caps.resolution_at_least(self.resolution):
            missing.append(f"resolution {caps.max_resolution} below {self.resolution}")
        if self.codecs and not set(self.codecs) & set(caps.codecs):
            missing.append(f"codecs {'/'.join(caps.codecs)} lack {'/'.join(self.codecs)}")
        if caps.bandwidth_kbps < self.bandwidth_kbps:
            missing.append(f"bandwidth {caps.bandwidth_kbps} kbps below {self.bandwidth_kbps}")
        return missing


@dataclass(frozen=True)
class EndpointState:
    code: str
    enabled: bool
    capabilities: Capabilities = field(default_factory=Capabilities)


@dataclass(frozen=True)
class BookingConflict:
    """One reason the booking cannot go ahead as asked. `code` and `params` are for machines
    (and translations); `message` is the English sentence a clerk reads."""

    code: ConflictCode
    message: str
    params: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    other_booking_id: str | None = None

    def sort_key(self) -> tuple[str, str, str]:
        return (self.code.value, self.other_booking_id or "", self.message)


def _when(b: Booked, cal: CourtCalendar) -> str:
    a, z = b.starts_at.astimezone(cal.tz), b.ends_at.astimezone(cal.tz)
    return f"{a:%Y-%m-%d %H:%M}-{z:%H:%M}"


def clashes(
    proposed: Booking, other: Booked, calendar: CourtCalendar | None = None
) -> list[BookingConflict]:
    """The people and endpoints `proposed` shares with `other` at an overlapping time."""
    cal = calendar or CourtCalendar()
    if other.id == proposed.id or not proposed.overlaps(other):
        return []
    found: list[BookingConflict] = []
    theirs = other.resources
    for seat in proposed.seats:
        if Resource(seat.person.kind, seat.person.key) not in theirs:
            continue
        role = BUSY_ROLES[seat.role]
        lang = f" ({seat.language})" if seat.language else ""
        found.append(
            BookingConflict(
                ConflictCode.PERSON_BUSY,
                f"{role} {seat.name}{lang} is already booked for {other.title!r}"
                f" at {_when(other, cal)}",
                {"role": seat.role.value, "name": seat.name, "other": other.title},
                other.id,
            )
        )
    for code in sorted(c for c in proposed.endpoints if Resource(ENDPOINT_RESOURCE, c) in theirs):
        found.append(
            BookingConflict(
                ConflictCode.ENDPOINT_BUSY,
                f"endpoint {code} is already booked for {other.title!r} at {_when(other, cal)}",
                {"endpoint": code, "other": other.title},
                other.id,
            )
        )
    return found


def find_conflicts(
    proposed: Booking,
    existing: Iterable[Booked],
    *,
    endpoints: Mapping[str, EndpointState],
    calendar: CourtCalendar,
    needs: MediaNeeds | None = None,
    now: datetime | None = None,
) -> list[BookingConflict]:
    """Everything wrong with `proposed`, most important first; empty when it can be booked."""
    found: list[BookingConflict] = []
    if now is not None and proposed.starts_at < now:
        found.append(
            BookingConflict(
                ConflictCode.IN_THE_PAST,
                f"the booking starts at {_when(proposed, calendar)}, which has already passed",
            )
        )
    reason = calendar.outside_hours(proposed.starts_at, proposed.ends_at)
    if reason:
        found.append(BookingConflict(ConflictCode.OUTSIDE_HOURS, reason, {"reason": reason}))
    for code in sorted(proposed.endpoints):
        state = endpoints.get(code)
        if state is None:
            found.append(
                BookingConflict(
                    ConflictCode.ENDPOINT_UNKNOWN,
                    f"endpoint {code} is not in the registry",
                    {"endpoint": code},
                )
            )
        elif not state.enabled:
            found.append(
                BookingConflict(
                    ConflictCode.ENDPOINT_DISABLED,
                    f"endpoint {code} is disabled; an administrator must enable it first",
                    {"endpoint": code},
                )
            )
        elif needs is not None and (short := needs.shortfalls(state.capabilities)):
            found.append(
                BookingConflict(
                    ConflictCode.ENDPOINT_INCAPABLE,
                    f"endpoint {code} cannot carry this meeting: {'; '.join(short)}",
                    {"endpoint": code, "shortfalls": "; ".join(short)},
                )
            )
    busy: list[BookingConflict] = []
    for other in existing:
        busy.extend(clashes(proposed, other, calendar))
    found.extend(sorted(busy, key=BookingConflict.sort_key))
    return found


def is_busy_conflict(c: BookingConflict) -> bool:
    return c.code in (ConflictCode.PERSON_BUSY, ConflictCode.ENDPOINT_BUSY)


def free_slots(
    proposed: Booking,
    existing: Sequence[Booked],
    *,
    calendar: CourtCalendar,
    after: datetime,
    count: int = 5,
    step: timedelta = timedelta(minutes=30),
    horizon_days: int = 30,
) -> list[datetime]:
    """The next `count` starts, on the step grid and inside court hours, at which the same
    people and endpoints are all free. `existing` must hold every booking of those people and
    endpoints over the horizon."""
    mine = proposed.resources
    busy = [
        (b.starts_at, b.ends_at) for b in existing if b.id != proposed.id and b.resources & mine
    ]
    return free_starts(
        busy,
        duration=proposed.ends_at - proposed.starts_at,
        calendar=calendar,
        after=after,
        count=count,
        step=step,
        horizon_days=horizon_days,
    )


def free_starts(
    busy: Iterable[tuple[datetime, datetime]],
    *,
    duration: timedelta,
    calendar: CourtCalendar,
    after: datetime,
    count: int = 5,
    step: timedelta = timedelta(minutes=30),
    horizon_days: int = 30,
) -> list[datetime]:
    """The next `count` starts, on the step grid and inside court hours, at which a booking of
    `duration` overlaps none of the `busy` spans (those of the people and endpoints it needs).
    """
    merged: list[list[datetime]] = []
    for start, end in sorted(busy):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    ends = [end for _, end in merged]  # increasing, since the merged spans are disjoint
    slots: list[datetime] = []
    for start in calendar.candidate_starts(after, duration, step, horizon_days):
        # The first busy span that ends after this start is the only one that can overlap it.
        i = bisect.bisect_right(ends, start)
        if i == len(merged) or merged[i][0] >= start + duration:
            slots.append(start)
            if len(slots) >= count:
                break
    return slots
