"""The case management system: pull cases on demand, and the state of a hearing's record
sent back (part of the scheduling route table)."""

from __future__ import annotations

from sqlalchemy import select

from conference.domain.access import Action
from conference.domain.errors import NotFound
from conference.store.scheduling import RecordOutboxRow
from scheduler.case_pull import PullFailed, PullReport, pull_cases
from web.api.common import CourtTime, Out
from web.api.registry import ApiRoutes, Call
from web.problems import Problem

# Listed in web/app.py after the scheduling table, under the same OpenAPI tag.
routes = ApiRoutes("scheduling")


@routes.route(
    "POST",
    "/cases/pull",
    summary="Pull cases from the case management system now",
    action=Action.IMPORT_CASES,
    response=PullReport,
    responses={
        409: "no case system is configured (VCOURT_CASE_PULL_URL)",
        502: "the case system cannot be read; nothing was written",
    },
    description="GETs VCOURT_CASE_PULL_URL (JSON list, {items: [...]}, or CSV) and checks and"
    " upserts each row as POST /cases/import does; the report has one entry per row. 409 when no"
    " case system is configured; 502 with the reason when it cannot be read (nothing is written"
    " then).",
)
async def pull(call: Call[None, None]) -> PullReport:
    if not call.settings.case_pull_url:
        raise Problem(
            409,
            "No case system",
            "VCOURT_CASE_PULL_URL is not set: there is no case system to pull from",
        )
    try:
        return await pull_cases(call.session, call.settings, call.now())
    except PullFailed as exc:
        raise Problem(502, "The case system cannot be read", exc.reason) from exc


class RecordDeliveryOut(Out):
    hearing_id: str
    state: str
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: CourtTime | None
    created_at: CourtTime
    acknowledged_at: CourtTime | None


@routes.route(
    "GET",
    "/hearings/{hearing_id}/record-delivery",
    summary="Whether the case system has acknowledged the hearing's record",
    action=Action.READ_HEARINGS,
    response=RecordDeliveryOut,
)
async def record_delivery(call: Call[None, None]) -> RecordDeliveryOut:
    hearing_id = call.path("hearing_id")
    async with call.session() as s:
        row = await s.scalar(
            select(RecordOutboxRow).where(RecordOutboxRow.hearing_id == hearing_id)
        )
        if row is None:
            raise NotFound(
                f"no record of hearing {hearing_id!r} is queued: records are queued once the"
                " hearing is closed and VCOURT_RECORD_WEBHOOK_URL is set"
            )
        return RecordDeliveryOut.model_validate(row, from_attributes=True)
