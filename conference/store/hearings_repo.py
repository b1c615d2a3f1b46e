"""Hearings in the database: look-ups, the day's list, and writing a booking.

Shared by the API, the demo seed, scheduling (reminders, conflicts) and signalling (the room
reads its hearing), so every writer stores a hearing the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.clock import COURT_TZ, to_utc
from conference.domain.hearings import (
    JUDGE_ROLES,
    HearingKind,
    HearingPlan,
    HearingState,
    Participant,
    Role,
)
from conference.store.paging import one_page
from conference.store.tables import (
    EndpointRow,
    HearingEndpointRow,
    HearingRow,
    ParticipantRow,
)


@dataclass(frozen=True)
class HearingFilter:
    day: date | None = None  # a calendar day in court time
    court_code: str | None = None
    judge: str | None = None  # staff username of the presiding judge or a panel member
    endpoint: str | None = None  # central or component
    state: str | None = None
    kind: str | None = None
    case_id: str | None = None
    limit: int = 50
    offset: int = 0


def court_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants where a court-time calendar day starts and ends."""
    start = to_utc(datetime.combine(day, time.min, tzinfo=COURT_TZ))
    return start, to_utc(datetime.combine(day + timedelta(days=1), time.min, tzinfo=COURT_TZ))


async def get_hearing(session: AsyncSession, hearing_id: str) -> HearingRow | None:
    return await session.get(HearingRow, hearing_id)


async def list_hearings(session: AsyncSession, f: HearingFilter) -> tuple[list[HearingRow], int]:
    stmt = select(HearingRow)
    if f.day:
        start, end = court_day_bounds(f.day)
        stmt = stmt.where(HearingRow.starts_at >= start, HearingRow.starts_at < end)
    if f.court_code:
        stmt = stmt.where(HearingRow.court_code == f.court_code)
    if f.state:
        stmt = stmt.where(HearingRow.state == f.state)
    if f.kind:
        stmt = stmt.where(HearingRow.kind == f.kind)
    if f.case_id:
        stmt = stmt.where(HearingRow.case_id == f.case_id)
    if f.judge:
        stmt = stmt.where(
            exists().where(
                ParticipantRow.hearing_id == HearingRow.id,
                ParticipantRow.staff_username == f.judge,
                ParticipantRow.role.in_([r.value for r in JUDGE_ROLES]),
            )
        )
    if f.endpoint:
        stmt = stmt.where(
            or_(
                HearingRow.central_endpoint == f.endpoint,
                exists().where(
                    HearingEndpointRow.hearing_id == HearingRow.id,
                    HearingEndpointRow.endpoint_code == f.endpoint,
                ),
            )
        )
    order = (HearingRow.starts_at, HearingRow.id)
    return await one_page(session, stmt, order_by=order, limit=f.limit, offset=f.offset)


async def endpoints_by_code(session: AsyncSession, codes: Iterable[str]) -> dict[str, EndpointRow]:
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = await session.scalars(select(EndpointRow).where(EndpointRow.code.in_(wanted)))
    return {r.code: r for r in rows.unique()}


async def find_hearing(
    session: AsyncSession, *, title: str, starts_at: datetime, case_id: str | None
) -> HearingRow | None:
    """A hearing by its natural key (used by the demo seed to stay idempotent)."""
    stmt = select(HearingRow).where(
        HearingRow.title == title, HearingRow.starts_at == to_utc(starts_at)
    )
    stmt = stmt.where(HearingRow.case_id == case_id if case_id else HearingRow.case_id.is_(None))
    return (await session.scalars(stmt)).unique().first()


def component_codes(row: HearingRow) -> list[str]:
    return [c.endpoint_code for c in row.components]


def participant_row(p: Participant, position: int, now: datetime) -> ParticipantRow:
    return ParticipantRow(
        position=position,
        role=p.role.value,
        name=p.name,
        staff_username=p.staff_username,
        endpoint_code=p.endpoint_code,
        email=p.email,
        phone=p.phone,
        language=p.language,
        interprets_for=p.interprets_for,
        created_at=now,
    )


def participant_of(row: ParticipantRow) -> Participant:
    return Participant(
        role=Role(row.role),
        name=row.name,
        staff_username=row.staff_username,
        endpoint_code=row.endpoint_code,
        email=row.email,
        phone=row.phone,
        language=row.language,
        interprets_for=row.interprets_for,
    )


def plan_of(row: HearingRow, participants: list[ParticipantRow] | None = None) -> HearingPlan:
    """The plan a stored hearing stands for (to check a change against)."""
    return HearingPlan(
        kind=HearingKind(row.kind),
        title=row.title,
        starts_at=row.starts_at,
        duration=row.ends_at - row.starts_at,
        central_endpoint=row.central_endpoint,
        component_endpoints=tuple(component_codes(row)),
        case_number=row.case.case_number if row.case else None,
        participants=tuple(
            participant_of(p) for p in (row.participants if participants is None else participants)
        ),
    )


def insert_hearing(
    session: AsyncSession,
    plan: HearingPlan,
    *,
    case_id: str | None,
    court_code: str,
    now: datetime,
) -> HearingRow:
    """Add a checked booking (scheduler.booking.book calls this through its `save`). Caller
    commits."""
    row = HearingRow(
        kind=plan.kind.value,
        case_id=case_id,
        court_code=court_code,
        title=plan.title,
        starts_at=to_utc(plan.starts_at),
        ends_at=to_utc(plan.ends_at),
        central_endpoint=plan.central_endpoint,
        state=HearingState.SCHEDULED.value,
        version=1,
        created_at=now,
        updated_at=now,
    )
    row.components = [HearingEndpointRow(endpoint_code=c) for c in sorted(plan.component_endpoints)]
    row.participants = [participant_row(p, i, now) for i, p in enumerate(plan.participants)]
    session.add(row)
    return row


def set_components(row: HearingRow, codes: Iterable[str]) -> None:
    wanted = list(dict.fromkeys(codes))
    keep = [c for c in row.components if c.endpoint_code in wanted]
    have = {c.endpoint_code for c in keep}
    added = [HearingEndpointRow(endpoint_code=c) for c in wanted if c not in have]
    # The same order as when read back (the relationship orders by endpoint code).
    row.components = sorted(keep + added, key=lambda c: c.endpoint_code)
