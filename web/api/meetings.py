"""Multi-site meeting series and attendance per site (part of the scheduling route table)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.access import Action
from conference.domain.booking import BookingConflict
from conference.domain.clock import to_utc
from conference.domain.errors import NotFound
from conference.domain.meetings import TargetKind
from conference.store.scheduling import MeetingOccurrenceRow, MeetingSeriesRow
from conference.store.tables import HearingRow
from scheduler.meetings import (
    OccurrenceResult,
    SeriesPlan,
    Target,
    book_series,
    cancel_series,
    move_series,
)
from scheduler.services import SCHEDULING
from web.api.common import ApiTime, Code, CourtTime, Out, Strict
from web.api.registry import ApiRoutes, Call
from web.api.scheduling import ConflictOut, ParticipantIn

# Listed in web/app.py after the scheduling table, under the same OpenAPI tag.
routes = ApiRoutes("scheduling")


class TargetIn(Strict):
    kind: TargetKind
    values: list[str] = Field(
        default_factory=list,
        description="endpoint codes (list), court codes (court), province names (province),"
        " levels supreme/high/provincial/district (level); empty for all",
    )


class SeriesIn(Strict):
    title: str = Field(min_length=1, max_length=300)
    court_code: Code = Field(description="the organising court")
    central_endpoint: Code | None = None
    target: TargetIn
    rrule: str | None = Field(
        default=None, description="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=FR;COUNT=10"
    )
    starts_at: ApiTime = Field(description="the first start; court time when no offset")
    duration_minutes: int = Field(ge=5, le=720)
    participants: list[ParticipantIn] = Field(default_factory=list)

    def to_plan(self) -> SeriesPlan:
        return SeriesPlan(
            title=self.title,
            court_code=self.court_code,
            central_endpoint=self.central_endpoint,
            target=Target(self.target.kind, tuple(self.target.values)),
            rrule=self.rrule,
            first_start=to_utc(self.starts_at),
            duration=timedelta(minutes=self.duration_minutes),
            participants=tuple(p.to_domain() for p in self.participants),
        )


class OccurrenceOut(Out):
    sequence: int
    starts_at: CourtTime
    ends_at: CourtTime
    hearing_id: str | None
    booked: bool
    skipped: str | None
    sites: int
    left_out: list[ConflictOut]
    conflicts: list[ConflictOut]


class SeriesOut(Out):
    series_id: str | None
    sites: int
    booked: int
    skipped: int
    occurrences: list[OccurrenceOut]


def _conflicts(items: list[BookingConflict]) -> list[ConflictOut]:
    return [
        ConflictOut(
            code=c.code.value,
            message=c.message,
            params=dict(c.params),
            other_hearing_id=c.other_booking_id,
        )
        for c in items
    ]


def _series_out(series_id: str | None, sites: int, occ: list[OccurrenceResult]) -> SeriesOut:
    items = [
        OccurrenceOut(
            sequence=o.sequence,
            starts_at=o.starts_at,
            ends_at=o.ends_at,
            hearing_id=o.hearing_id,
            booked=o.hearing_id is not None,
            skipped=o.skipped,
            sites=o.sites,
            left_out=_conflicts(o.left_out),
            conflicts=_conflicts(o.conflicts),
        )
        for o in occ
    ]
    booked = sum(1 for o in occ if o.skipped is None)
    return SeriesOut(
        series_id=series_id,
        sites=sites,
        booked=booked,
        skipped=len(occ) - booked,
        occurrences=items,
    )


@routes.route(
    "POST",
    "/meetings",
    summary="Book a multi-site meeting series",
    action=Action.EDIT_HEARINGS,
    body=SeriesIn,
    response=SeriesOut,
    status=201,
    responses={409: "no occurrence of the series can be booked (POST /meetings/check says why)"},
    description="Each occurrence of the RRULE becomes a hearing of kind meeting whose component"
    " endpoints are the target's sites. An occurrence on a day off, outside court hours, or"
    " whose central endpoint or people clash is not booked (`skipped` says why); a site booked"
    " elsewhere is left out of that occurrence (`left_out`). Cancel or move one occurrence"
    " through /hearings/{hearing_id}.",
)
async def create_series(call: Call[None, SeriesIn]) -> SeriesOut:
    async with call.session() as s, s.begin():
        result = await book_series(s, call.body.to_plan(), settings=call.settings, now=call.now())
    _poke(call)
    return _series_out(result.series_id, result.sites, result.occurrences)


@routes.route(
    "POST",
    "/meetings/check",
    summary="Dry-run a meeting series: what would be booked, skipped and left out",
    action=Action.READ_HEARINGS,
    body=SeriesIn,
    response=SeriesOut,
)
async def check_series(call: Call[None, SeriesIn]) -> SeriesOut:
    async with call.session() as s:
        result = await book_series(
            s, call.body.to_plan(), settings=call.settings, now=call.now(), dry_run=True
        )
        await s.rollback()
    return _series_out(None, result.sites, result.occurrences)


class SeriesOccurrence(Out):
    sequence: int
    hearing_id: str
    starts_at: CourtTime
    state: str


class SeriesRead(Out):
    id: str
    title: str
    court_code: str
    rrule: str | None
    target: dict[str, object]
    occurrences: list[SeriesOccurrence]


@routes.route(
    "GET",
    "/meetings/{series_id}",
    summary="Read a meeting series and its booked occurrences",
    action=Action.READ_HEARINGS,
    response=SeriesRead,
)
async def read_series(call: Call[None, None]) -> SeriesRead:
    async with call.session() as s:
        series = await _series(s, call.path("series_id"))
        rows = await s.execute(
            select(
                MeetingOccurrenceRow.sequence, HearingRow.id, HearingRow.starts_at, HearingRow.state
            )
            .join(HearingRow, HearingRow.id == MeetingOccurrenceRow.hearing_id)
            .where(MeetingOccurrenceRow.series_id == series.id)
            .order_by(MeetingOccurrenceRow.sequence)
        )
        occ = [
            SeriesOccurrence(sequence=n, hearing_id=h, starts_at=at, state=st)
            for n, h, at, st in rows.all()
        ]
        return SeriesRead(
            id=series.id,
            title=series.title,
            court_code=series.court_code,
            rrule=series.rrule,
            target=series.target,
            occurrences=occ,
        )


class CancelSeriesIn(Strict):
    reason: str = Field(min_length=1, max_length=500)


class CancelSeriesOut(Out):
    cancelled: list[str]


@routes.route(
    "POST",
    "/meetings/{series_id}/cancel",
    summary="Cancel every occurrence of a series that has not begun",
    action=Action.EDIT_HEARINGS,
    body=CancelSeriesIn,
    response=CancelSeriesOut,
)
async def cancel(call: Call[None, CancelSeriesIn]) -> CancelSeriesOut:
    async with call.session() as s, s.begin():
        series = await _series(s, call.path("series_id"))
        ids = await cancel_series(
            s, series.id, reason=call.body.reason, settings=call.settings, now=call.now()
        )
    _poke(call)
    return CancelSeriesOut(cancelled=ids)


class MoveSeriesIn(Strict):
    starts_at: ApiTime = Field(
        description="the new start of the next occurrence (court time when no offset); every"
        " later one moves by the same shift"
    )


@routes.route(
    "POST",
    "/meetings/{series_id}/move",
    summary="Move a series from its next occurrence on",
    action=Action.EDIT_HEARINGS,
    body=MoveSeriesIn,
    response=SeriesOut,
    description="Each occurrence not yet begun is checked at its new time like a new one: a site"
    " busy then is left out (`left_out`); a day off or a clash leaves it where it was"
    " (`skipped`). Moved occurrences get amended notices. To move one occurrence only, PATCH"
    " /hearings/{hearing_id}.",
)
async def move(call: Call[None, MoveSeriesIn]) -> SeriesOut:
    async with call.session() as s, s.begin():
        series = await _series(s, call.path("series_id"))
        results = await move_series(
            s, series.id, to_utc(call.body.starts_at), settings=call.settings, now=call.now()
        )
    _poke(call)
    return _series_out(series.id, max((r.sites for r in results), default=0), results)


async def _series(s: AsyncSession, series_id: str) -> MeetingSeriesRow:
    row = await s.get(MeetingSeriesRow, series_id)
    if row is None:
        raise NotFound(f"meeting series {series_id!r} does not exist")
    return row


def _poke(call: Call[Any, Any]) -> None:
    services = call.app.get(SCHEDULING)
    if services is not None:
        services.poke()
