"""Hearings (phiên tòa) and multi-site meetings (hội nghị), their participants and states."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from conference.domain.errors import InvalidValue, NotAllowed


class HearingKind(StrEnum):
    HEARING = "hearing"
    MEETING = "meeting"


class HearingState(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"  # waiting room open
    IN_SESSION = "in_session"
    PAUSED = "paused"
    ADJOURNED = "adjourned"
    CLOSED = "closed"
    CANCELLED = "cancelled"


# The only moves a hearing's state may make. The live room (signalling) drives most of them;
# the booking API may only cancel, and only before the hearing has started.
TRANSITIONS: dict[HearingState, frozenset[HearingState]] = {
    HearingState.SCHEDULED: frozenset({HearingState.OPEN, HearingState.CANCELLED}),
    HearingState.OPEN: frozenset(
        {HearingState.IN_SESSION, HearingState.CLOSED, HearingState.CANCELLED}
    ),
    HearingState.IN_SESSION: frozenset(
        {HearingState.PAUSED, HearingState.ADJOURNED, HearingState.CLOSED}
    ),
    HearingState.PAUSED: frozenset(
        {HearingState.IN_SESSION, HearingState.ADJOURNED, HearingState.CLOSED}
    ),
    HearingState.ADJOURNED: frozenset({HearingState.OPEN, HearingState.CLOSED}),
    HearingState.CLOSED: frozenset(),
    HearingState.CANCELLED: frozenset(),
}

EDITABLE_STATES = frozenset({HearingState.SCHEDULED, HearingState.ADJOURNED})


def check_transition(old: HearingState, new: HearingState) -> None:
    if new not in TRANSITIONS[old]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[old])) or "none (final state)"
        raise NotAllowed(
            f"a hearing cannot go from {old.value} to {new.value}; from {old.value} it may go to:"
            f" {allowed}",
            field="state",
        )


def ensure_editable(state: HearingState) -> None:
    if state not in EDITABLE_STATES:
        raise NotAllowed(
            f"the hearing is {state.value}; only scheduled or adjourned hearings can be changed",
            field="state",
        )


class Role(StrEnum):
    PRESIDING_JUDGE = "presiding_judge"
    PANEL_MEMBER = "panel_member"
    CLERK = "clerk"
    PROCURATOR = "procurator"
    PARTY = "party"
    DEFENDANT = "defendant"
    LAWYER = "lawyer"
    WITNESS = "witness"
    INTERPRETER = "interpreter"
    OBSERVER = "observer"
    ENDPOINT = "endpoint"


COURT_STAFF_ROLES = frozenset({Role.PRESIDING_JUDGE, Role.PANEL_MEMBER, Role.CLERK})
JUDGE_ROLES = frozenset({Role.PRESIDING_JUDGE, Role.PANEL_MEMBER})

MIN_DURATION = timedelta(minutes=5)
MAX_DURATION = timedelta(hours=12)


@dataclass(frozen=True)
class Participant:
    role: Role
    name: str
    staff_username: str | None = None  # court staff sign in with their own account
    endpoint_code: str | None = None  # role ENDPOINT: the room system taking part
    email: str | None = None
    phone: str | None = None
    language: str | None = None  # interpreters: the language they interpret
    interprets_for: str | None = None  # name of the participant an interpreter serves

    def __post_init__(self) -> None:
        if self.role is Role.ENDPOINT and not self.endpoint_code:
            raise InvalidValue("an endpoint participant needs endpoint_code", field="endpoint_code")
        if self.role is Role.INTERPRETER and not self.language:
            raise InvalidValue("an interpreter needs the language they interpret", field="language")
        if not self.name.strip():
            raise InvalidValue("a participant needs a name", field="name")


@dataclass(frozen=True)
class HearingPlan:
    """What a booking asks for, checked before anything is stored."""

    kind: HearingKind
    title: str
    starts_at: datetime  # aware, any zone; stored as UTC
    duration: timedelta
    central_endpoint: str | None
    component_endpoints: tuple[str, ...] = ()
    case_number: str | None = None
    participants: tuple[Participant, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.starts_at.tzinfo is None:
            raise InvalidValue(
                "starts_at needs a time zone offset, e.g. 2026-11-23T09:00:00+07:00",
                field="starts_at",
            )
        if not MIN_DURATION <= self.duration <= MAX_DURATION:
            raise InvalidValue(
                "planned duration must be between 5 minutes and 12 hours", field="duration_minutes"
            )
        if self.kind is HearingKind.HEARING and not self.case_number:
            raise InvalidValue("a hearing belongs to a case: give case_number", field="case_number")
        if self.central_endpoint and self.central_endpoint in self.component_endpoints:
            raise InvalidValue(
                f"endpoint {self.central_endpoint} cannot be both the central and a component"
                " endpoint",
                field="component_endpoints",
            )
        if len(set(self.component_endpoints)) != len(self.component_endpoints):
            raise InvalidValue("component endpoints are listed twice", field="component_endpoints")
        presiding = [p for p in self.participants if p.role is Role.PRESIDING_JUDGE]
        if len(presiding) > 1:
            raise InvalidValue("a hearing has one presiding judge", field="participants")

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + self.duration
