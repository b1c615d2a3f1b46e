"""The booking form, the hearing page and the case page for court staff.

The form is sent by a small ES module to the hearings API (POST /api/v1/hearings) with the
session's CSRF header; as the clerk types, the module asks the scheduling dry-run check
(POST /api/v1/bookings/check) and shows conflicts and free slots. Each URL is given to the page
only when that API is present on this server, so the page works before and after they land.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.access import ApiRole
from conference.domain.hearings import HearingKind, Role
from conference.store.tables import CaseRow, EndpointRow, HearingRow, StaffRow
from conference.wiring.keys import SESSIONS
from web.pages.render import gettext_for, render, route_exists, staff_page

routes = web.RouteTableDef()

BOOK_URL = "/api/v1/hearings"
CHECK_URL = "/api/v1/bookings/check"
NOTICES_URL = "/api/v1/hearings/{id}/notices"
LINK_URL = "/api/v1/hearings/{id}/participants/{pid}/link"  # signalling's link API


@dataclass(frozen=True)
class NoticeState:
    version: int
    created_at: datetime
    deliveries: list[tuple[str, str, str]]  # channel, address, state
    kind: str = "summons"  # summons, invitation, cancellation


async def notices_by_participant(session: AsyncSession, hearing_id: str) -> dict[str, NoticeState]:
    """Each participant's current notice and the state of each delivery (scheduling's tables)."""
    from conference.store.scheduling import DeliveryRow, NoticeRow

    rows = (
        await session.scalars(
            select(NoticeRow).where(
                NoticeRow.hearing_id == hearing_id, NoticeRow.superseded_at.is_(None)
            )
        )
    ).all()
    found: dict[str, NoticeState] = {}
    for notice in rows:
        deliveries = (
            await session.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.notice_id == notice.id)
                .order_by(DeliveryRow.channel)
            )
        ).all()
        current = found.get(notice.participant_id)
        if current is None or notice.version > current.version:
            found[notice.participant_id] = NoticeState(
                notice.version,
                notice.created_at,
                [(d.channel, d.address, d.state) for d in deliveries],
                notice.kind,
            )
    return found


PARTY_ROLES = [r for r in Role if r is not Role.ENDPOINT]


def conflict_texts(request: web.Request) -> dict[str, str]:
    """The check's conflicts in the reader's language, by code; %(name)s takes its params."""
    _ = gettext_for(request)
    return {
        "person_busy": _("%(name)s is already booked for “%(other)s” at that time."),
        "endpoint_busy": _("Endpoint %(endpoint)s is already booked for “%(other)s”."),
        "endpoint_unknown": _("Endpoint %(endpoint)s is not in the registry."),
        "endpoint_disabled": _(
            "Endpoint %(endpoint)s is disabled; an administrator must enable it first."
        ),
        "in_the_past": _("This time has already passed."),
    }


@routes.get("/book", name="book")
@staff_page(ApiRole.ADMIN, ApiRole.CLERK)
async def booking_form(request: web.Request) -> web.StreamResponse:
    court = request.query.get("court", "")[:40]
    day = request.query.get("date", "")[:10]
    async with request.app[SESSIONS]() as session:
        endpoints = (
            (
                await session.scalars(
                    select(EndpointRow)
                    .where(EndpointRow.court_code == court, EndpointRow.enabled.is_(True))
                    .order_by(EndpointRow.code)
                )
            ).all()
            if court
            else []
        )
        judges = (
            await session.scalars(
                select(StaffRow).where(StaffRow.role == "judge").order_by(StaffRow.full_name)
            )
        ).all()
    return await render(
        request,
        "booking.html",
        court=court,
        day=day,
        endpoints=endpoints,
        judges=judges,
        kinds=list(HearingKind),
        conflict_texts=conflict_texts(request),
        roles=PARTY_ROLES,
        book_url=BOOK_URL if route_exists(request.app, "POST", BOOK_URL) else "",
        check_url=CHECK_URL if route_exists(request.app, "POST", CHECK_URL) else "",
    )


@routes.get("/hearings/{hearing_id}", name="hearing")
@staff_page()
async def hearing_page(request: web.Request) -> web.StreamResponse:
    async with request.app[SESSIONS]() as session:
        hearing = await session.get(HearingRow, request.match_info["hearing_id"])
        if hearing is None:
            raise web.HTTPNotFound(text="no such hearing")
        central = (
            await session.get(EndpointRow, hearing.central_endpoint)
            if hearing.central_endpoint
            else None
        )
        notices = await notices_by_participant(session, hearing.id)
    return await render(
        request,
        "hearing.html",
        hearing=hearing,
        central=central,
        notices=notices,
        notices_url=NOTICES_URL.format(id=hearing.id)
        if route_exists(request.app, "POST", NOTICES_URL)
        else "",
        links_api=route_exists(request.app, "POST", LINK_URL),
    )


@routes.get("/cases/{case_id}", name="case")
@staff_page()
async def case_page(request: web.Request) -> web.StreamResponse:
    async with request.app[SESSIONS]() as session:
        case = await session.get(CaseRow, request.match_info["case_id"])
        if case is None:
            raise web.HTTPNotFound(text="no such case")
        hearings = (
            await session.scalars(
                select(HearingRow)
                .where(HearingRow.case_id == case.id)
                .order_by(HearingRow.starts_at)
            )
        ).all()
        notices = {h.id: await notices_by_participant(session, h.id) for h in hearings}
    return await render(request, "case.html", case=case, hearings=hearings, notices=notices)
