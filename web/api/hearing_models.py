"""Shapes of hearings and participants on the API, and their conversion to the domain plan.

Times come in as ISO 8601; a time without an offset is court time (Asia/Ho_Chi_Minh). They are
stored in UTC and go out in court time with the offset (2026-11-23T09:00:00+07:00)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.cases import CaseNumber, CaseType, Confidentiality
from conference.domain.clock import to_utc
from conference.domain.courts import EndpointKind
from conference.domain.errors import InvalidValue
from conference.domain.hearings import HearingKind, HearingPlan, HearingState, Participant, Role
from conference.store import cases_repo, hearings_repo
from conference.store.tables import EndpointRow, HearingRow
from web.api.common import (
    ApiDay,
    ApiTime,
    Code,
    CourtTime,
    DurationMinutes,
    Out,
    PageQuery,
    Strict,
    Username,
)

# A hearing's version counts its changes; no hearing is changed two billion times.
MAX_VERSION = 2**31 - 1


class ParticipantIn(Strict):
    role: Role
    name: str | None = Field(
        default=None,
        max_length=200,
        description="left out: the staff member's full name, or the endpoint's site name",
    )
    staff_username: Username | None = None
    endpoint_code: Code | None = None
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    language: str | None = Field(default=None, max_length=40)
    interprets_for: str | None = Field(default=None, max_length=200)


class ParticipantPatch(Strict):
    role: Role | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    staff_username: Username | None = None
    endpoint_code: Code | None = None
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    language: str | None = Field(default=None, max_length=40)
    interprets_for: str | None = Field(default=None, max_length=200)


class ParticipantOut(Out):
    id: str
    role: Role
    name: str
    staff_username: str | None
    endpoint_code: str | None
    email: str | None
    phone: str | None
    language: str | None
    interprets_for: str | None


class ParticipantList(Out):
    items: list[ParticipantOut]
    total: int


class HearingIn(Strict):
    kind: HearingKind = HearingKind.HEARING
    case_id: str | None = Field(default=None, description="the case, by id (hearings)")
    case_number: str | None = Field(default=None, description="or the case, by number")
    court_code: Code | None = Field(
        default=None, description="meetings: the organising court (default: the central's)"
    )
    title: str = Field(min_length=1, max_length=300)
    starts_at: ApiTime = Field(
        description="ISO 8601 (years 2000-2099); without an offset it is court time"
    )
    duration_minutes: DurationMinutes = Field(description="planned duration, 5 to 720 minutes")
    central_endpoint: Code | None = Field(default=None, description="điểm cầu trung tâm")
    component_endpoints: list[Code] = Field(default_factory=list, description="điểm cầu thành phần")
    participants: list[ParticipantIn] = Field(default_factory=list)


class HearingPatch(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    starts_at: ApiTime | None = Field(
        default=None, description="ISO 8601 (years 2000-2099); without an offset court time"
    )
    duration_minutes: DurationMinutes | None = Field(
        default=None, description="planned duration, 5 to 720 minutes"
    )
    central_endpoint: Code | None = None
    component_endpoints: list[Code] | None = None
    version: int | None = Field(
        default=None,
        ge=1,
        le=MAX_VERSION,
        description="the version you read; refused if the hearing changed since",
    )


class CancelIn(Strict):
    reason: str = Field(min_length=3, max_length=2000)


class HearingQuery(PageQuery):
    day: ApiDay | None = Field(
        default=None, description="YYYY-MM-DD, a day in court time (years 2000-2099)"
    )
    court_code: str | None = None
    judge: str | None = Field(default=None, description="staff username of a judge on it")
    endpoint: str | None = Field(default=None, description="central or component endpoint")
    state: HearingState | None = None
    kind: HearingKind | None = None
    case_id: str | None = None


class CaseSummary(Out):
    id: str
    case_number: str
    case_type: CaseType
    title: str
    confidentiality: Confidentiality
    court_code: str


class EndpointBrief(Out):
    code: str
    site_name: str
    court_code: str
    court_name: str
    kind: EndpointKind
    enabled: bool


class HearingOut(Out):
    id: str
    kind: HearingKind
    state: HearingState
    title: str
    court_code: str
    case: CaseSummary | None
    starts_at: CourtTime
    ends_at: CourtTime
    duration_minutes: int
    central_endpoint: EndpointBrief | None
    component_endpoints: list[EndpointBrief]
    participants: list[ParticipantOut]
    version: int
    cancel_reason: str | None
    created_at: CourtTime
    updated_at: CourtTime


def _brief(row: EndpointRow) -> EndpointBrief:
    return EndpointBrief(
        code=row.code,
        site_name=row.site_name,
        court_code=row.court_code,
        court_name=row.court.name,
        kind=EndpointKind(row.kind),
        enabled=row.enabled,
    )


async def hearing_outs(session: AsyncSession, rows: list[HearingRow]) -> list[HearingOut]:
    codes = {c for r in rows for c in hearings_repo.component_codes(r)}
    codes |= {r.central_endpoint for r in rows if r.central_endpoint}
    endpoints = await hearings_repo.endpoints_by_code(session, codes)
    return [
        HearingOut(
            id=r.id,
            kind=HearingKind(r.kind),
            state=HearingState(r.state),
            title=r.title,
            court_code=r.court_code,
            case=CaseSummary.model_validate(r.case) if r.case else None,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            duration_minutes=int((r.ends_at - r.starts_at).total_seconds() // 60),
            central_endpoint=_brief(endpoints[r.central_endpoint]) if r.central_endpoint else None,
            component_endpoints=[_brief(endpoints[c]) for c in hearings_repo.component_codes(r)],
            participants=[ParticipantOut.model_validate(p) for p in r.participants],
            version=r.version,
            cancel_reason=r.cancel_reason,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )
        for r in rows
    ]


async def hearing_out(session: AsyncSession, row: HearingRow) -> HearingOut:
    return (await hearing_outs(session, [row]))[0]


async def named(session: AsyncSession, people: list[ParticipantIn]) -> tuple[Participant, ...]:
    """Domain participants; a left-out name is the staff member's or the endpoint's."""
    staff = await cases_repo.staff_by_username(
        session, [p.staff_username for p in people if p.staff_username and not p.name]
    )
    sites = await hearings_repo.endpoints_by_code(
        session, [p.endpoint_code for p in people if p.endpoint_code and not p.name]
    )
    result = []
    for p in people:
        name = p.name
        if not name and p.staff_username in staff:
            name = staff[p.staff_username].full_name
        if not name and p.endpoint_code in sites:
            name = sites[p.endpoint_code].site_name
        if not name and p.staff_username and p.staff_username not in staff:
            raise InvalidValue(
                f"staff member {p.staff_username!r} does not exist",
                field="participants.staff_username",
            )
        if not name and p.endpoint_code and p.endpoint_code not in sites:
            raise InvalidValue(
                f"endpoint {p.endpoint_code!r} does not exist", field="participants.endpoint_code"
            )
        data = p.model_dump(exclude={"name"})
        result.append(Participant(name=name or "", **data))
    return tuple(result)


async def case_number_for(session: AsyncSession, body: HearingIn) -> str | None:
    number = str(CaseNumber.parse(body.case_number)) if body.case_number else None
    if body.case_id is None:
        return number
    row = await cases_repo.get_case(session, body.case_id)
    if row is None:
        raise InvalidValue(f"case {body.case_id!r} does not exist", field="case_id")
    if number and number != row.case_number:
        raise InvalidValue(
            f"case_id {body.case_id} is case {row.case_number}, not {number}; give one of them",
            field="case_number",
        )
    return row.case_number


async def plan_from_input(session: AsyncSession, body: HearingIn) -> HearingPlan:
    return HearingPlan(
        kind=body.kind,
        title=body.title,
        starts_at=to_utc(body.starts_at),
        duration=timedelta(minutes=body.duration_minutes),
        central_endpoint=body.central_endpoint,
        component_endpoints=tuple(body.component_endpoints),
        case_number=await case_number_for(session, body),
        participants=await named(session, body.participants),
    )


def patched_plan(row: HearingRow, patch: HearingPatch) -> HearingPlan:
    plan = hearings_repo.plan_of(row)
    sent = patch.model_fields_set
    changes: dict[str, object] = {}
    if patch.title is not None:
        changes["title"] = patch.title
    if patch.starts_at is not None:
        changes["starts_at"] = to_utc(patch.starts_at)
    if patch.duration_minutes is not None:
        changes["duration"] = timedelta(minutes=patch.duration_minutes)
    if "central_endpoint" in sent:
        changes["central_endpoint"] = patch.central_endpoint
    if patch.component_endpoints is not None:
        changes["component_endpoints"] = tuple(patch.component_endpoints)
    return replace(plan, **changes)  # type: ignore[arg-type]


def ensure_future(starts_at: datetime, now: datetime) -> None:
    if to_utc(starts_at) <= now:
        raise InvalidValue(
            "starts_at is in the past; book a time from now on (court time, Asia/Ho_Chi_Minh)",
            field="starts_at",
        )
