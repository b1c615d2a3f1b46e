"""Hearing records: the event log, attendance and its verification; participants' join links."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from conference.domain.access import Action
from conference.domain.errors import NotFound
from conference.store.participant_links import issue_link, revoke_link
from conference.store.tables import HearingRow, ParticipantRow
from signaling import record
from web.api.common import ApiTime, CourtTime, Strict, found
from web.api.registry import ApiRoutes, Call

routes = ApiRoutes("records")


class VerificationOut(BaseModel):
    ok: bool
    entries: int
    problem: str | None = None
    seq: int | None = Field(default=None, description="the first entry that does not check out")


class LinkIn(Strict):
    rotate: bool = Field(
        default=False, description="issue a new version: every earlier link stops working"
    )
    pin: str | None = Field(default=None, description="set a PIN (4-12 digits) asked at join")
    expires_at: ApiTime | None = Field(
        default=None, description="default: the hearing's planned end plus the configured hours"
    )


class LinkOut(BaseModel):
    participant_id: str
    url: str
    token: str
    link_version: int
    expires_at: CourtTime
    has_pin: bool


async def _hearing(call: Call[Any, Any]) -> HearingRow:
    async with call.session() as session:
        return found(
            await session.get(HearingRow, call.path("hearing_id")),
            "hearing",
            call.path("hearing_id"),
        )


@routes.route(
    "GET",
    "/hearings/{hearing_id}/record",
    summary="The hearing record: attendance, duration, states, identity checks, decisions",
    action=Action.READ_HEARINGS,
)
async def get_record(call: Call[None, None]) -> dict[str, Any]:
    """Complete once the hearing is closed (`final: true`); before that it is provisional.
    A printable page of the same record is at /hearings/{hearing_id}/record."""
    hearing_id = call.path("hearing_id")
    async with call.session() as session:
        hearing = found(await session.get(HearingRow, hearing_id), "hearing", hearing_id)
        rows = await record.entries(session, hearing_id)
        result = record.report(hearing, rows)
    result["verification"] = record.verify_rows(hearing_id, rows).__dict__
    return result


@routes.route(
    "GET",
    "/hearings/{hearing_id}/record/attendance",
    summary="Who attended, when, and for how long",
    action=Action.READ_HEARINGS,
)
async def get_attendance(call: Call[None, None]) -> list[dict[str, Any]]:
    hearing_id = call.path("hearing_id")
    async with call.session() as session:
        hearing = found(await session.get(HearingRow, hearing_id), "hearing", hearing_id)
        attendance: list[dict[str, Any]] = record.report(
            hearing, await record.entries(session, hearing_id)
        )["attendance"]
    return attendance


@routes.route(
    "GET",
    "/hearings/{hearing_id}/record/verify",
    summary="Check the record's hash chain",
    action=Action.READ_HEARINGS,
    response=VerificationOut,
)
async def verify_record(call: Call[None, None]) -> VerificationOut:
    hearing = await _hearing(call)
    async with call.session() as session:
        result = await record.verify(session, hearing.id)
    return VerificationOut(**result.__dict__)


async def _participant(call: Call[Any, Any]) -> ParticipantRow:
    async with call.session() as session:
        row = await session.get(ParticipantRow, call.path("participant_id"))
    if row is None or row.hearing_id != call.path("hearing_id"):
        raise NotFound(
            f"participant {call.path('participant_id')!r} is not part of hearing"
            f" {call.path('hearing_id')!r}"
        )
    return row


@routes.route(
    "POST",
    "/hearings/{hearing_id}/participants/{participant_id}/link",
    summary="Issue a participant's join link (rotate: supersede every earlier link)",
    action=Action.EDIT_HEARINGS,
    body=LinkIn,
    response=LinkOut,
    status=201,
    responses={409: "the participant is court staff with an account: they join with their sign-in"},
)
async def post_link(call: Call[None, LinkIn]) -> LinkOut:
    await _participant(call)
    async with call.session() as session, session.begin():
        issued = await issue_link(
            session,
            call.settings,
            call.path("participant_id"),
            call.now(),
            rotate=call.body.rotate,
            expires_at=call.body.expires_at,
            pin=call.body.pin,
        )
    return LinkOut(**issued.__dict__)


@routes.route(
    "DELETE",
    "/hearings/{hearing_id}/participants/{participant_id}/link",
    summary="Revoke a participant's join link (issue a new one to let them in again)",
    action=Action.EDIT_HEARINGS,
    status=204,
)
async def delete_link(call: Call[None, None]) -> Any:
    from aiohttp import web

    await _participant(call)
    async with call.session() as session, session.begin():
        await revoke_link(session, call.path("participant_id"), call.now())
    return web.Response(status=204)
