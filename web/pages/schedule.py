"""The schedule: a day or week calendar of hearings per court, judge or endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from aiohttp import web
from sqlalchemy import or_, select

from conference.domain.hearings import JUDGE_ROLES
from conference.store.tables import (
    CourtRow,
    EndpointRow,
    HearingEndpointRow,
    HearingRow,
    ParticipantRow,
    StaffRow,
)
from conference.wiring.keys import CLOCK, SESSIONS, SETTINGS
from web.pages.accounts import current_session
from web.pages.calendar import Booked, day_bounds, days_for, lay_out
from web.pages.render import render, staff_page

routes = web.RouteTableDef()


@dataclass(frozen=True)
class ScheduleQuery:
    view: str  # day | week
    day: date
    court: str
    judge: str
    endpoint: str

    def url(self, **change: str) -> str:
        values = {
            "view": self.view,
            "date": self.day.isoformat(),
            "court": self.court,
            "judge": self.judge,
            "endpoint": self.endpoint,
        }
        values.update(change)
        return "/schedule?" + "&".join(f"{k}={v}" for k, v in values.items() if v)


def parse_day(value: str | None, today: date) -> date:
    try:
        return date.fromisoformat(value) if value else today
    except ValueError:
        return today


@routes.get("/schedule", name="schedule")
@staff_page()
async def schedule_page(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    staff = await current_session(request)
    assert staff is not None
    today = request.app[CLOCK]().astimezone(settings.tz).date()
    params = request.query
    chosen = any(params.get(k) for k in ("court", "judge", "endpoint"))
    query = ScheduleQuery(
        view="week" if params.get("view") == "week" else "day",
        day=parse_day(params.get("date"), today),
        court=params.get("court", "" if chosen else (staff.court_code or ""))[:40],
        judge=params.get("judge", "" if chosen or staff.role.value != "judge" else staff.username)[
            :60
        ],
        endpoint=params.get("endpoint", "")[:40],
    )
    days = days_for(query.view, query.day)
    lo, _ = day_bounds(days[0], settings.tz)
    _, hi = day_bounds(days[-1], settings.tz)
    async with request.app[SESSIONS]() as session:
        stmt = select(HearingRow).where(HearingRow.starts_at < hi, HearingRow.ends_at > lo)
        if query.court:
            stmt = stmt.where(HearingRow.court_code == query.court)
        if query.endpoint:
            stmt = stmt.where(
                or_(
                    HearingRow.central_endpoint == query.endpoint,
                    HearingRow.id.in_(
                        select(HearingEndpointRow.hearing_id).where(
                            HearingEndpointRow.endpoint_code == query.endpoint
                        )
                    ),
                )
            )
        if query.judge:
            stmt = stmt.where(
                HearingRow.id.in_(
                    select(ParticipantRow.hearing_id).where(
                        ParticipantRow.staff_username == query.judge,
                        ParticipantRow.role.in_([r.value for r in JUDGE_ROLES]),
                    )
                )
            )
        hearings = (await session.scalars(stmt.order_by(HearingRow.starts_at))).all()
        judges = (
            await session.scalars(
                select(StaffRow).where(StaffRow.role == "judge").order_by(StaffRow.full_name)
            )
        ).all()
        court = await session.get(CourtRow, query.court) if query.court else None
        endpoints = (
            (
                await session.scalars(
                    select(EndpointRow)
                    .where(EndpointRow.court_code == query.court)
                    .order_by(EndpointRow.code)
                )
            ).all()
            if query.court
            else []
        )
    booked = [
        Booked(h.id, h.title, h.starts_at, h.ends_at, h.state, h.central_endpoint or h.court_code)
        for h in hearings
    ]
    grid = lay_out(booked, days, settings.tz)
    step = timedelta(days=7 if query.view == "week" else 1)
    return await render(
        request,
        "schedule.html",
        query=query,
        grid=grid,
        hearings=hearings,
        court=court,
        judges=judges,
        endpoints=endpoints,
        today=today,
        prev_url=query.url(date=(query.day - step).isoformat()),
        next_url=query.url(date=(query.day + step).isoformat()),
        today_url=query.url(date=today.isoformat()),
        day_url=query.url(view="day"),
        week_url=query.url(view="week"),
        as_datetime=lambda d: datetime.combine(d, datetime.min.time(), tzinfo=settings.tz),
    )
