"""Notices and proof of service (part of the scheduling route table)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal

from aiohttp import web
from pydantic import Field, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.access import Action
from conference.store.scheduling import DeliveryEventRow, DeliveryRow, NoticeRow
from scheduler.channels import channel_key, configured_channels
from scheduler.delivery import queue_deliveries, record_receipt
from scheduler.notice_pdf import notice_pdf
from scheduler.notices import acknowledge_notice, issue_notices
from scheduler.services import SCHEDULING
from web.api.common import ApiTime, CourtTime, Out, Strict, found
from web.api.registry import ApiRoutes, Call, read_json_body
from web.problems import Problem, from_validation_error

# Listed in web/app.py after the scheduling table, under the same OpenAPI tag.
routes = ApiRoutes("scheduling")


class IssueIn(Strict):
    language: Literal["vi", "en"] = "vi"
    participant_ids: list[str] | None = Field(
        default=None,
        description="Re-send to these participants only (each gets a new link and PIN; the"
        " earlier ones stop working). Default: everyone who is a person.",
        max_length=500,
    )


class EventOut(Out):
    state: str
    at: CourtTime
    detail: str | None


class DeliveryStateOut(Out):
    """Where one delivery of a notice stands: channel, state and times."""

    id: str
    channel: str
    state: str
    attempts: int
    last_error: str | None
    queued_at: CourtTime
    sent_at: CourtTime | None
    delivered_at: CourtTime | None
    opened_at: CourtTime | None
    acknowledged_at: CourtTime | None
    failed_at: CourtTime | None


class DeliveryOut(DeliveryStateOut):
    address: str
    provider_message_id: str | None
    content_sha256: str
    events: list[EventOut] = Field(default_factory=list)


class NoticeOut(Out):
    """That a notice was issued, what it said and how its delivery went; never its link or
    PIN, which exist in clear only in the messages sent to the addressee."""

    id: str
    hearing_id: str
    participant_id: str
    version: int
    kind: str = Field(description="summons, invitation or cancellation")
    language: str
    subject: str
    body_text: str = Field(description="the court's copy: the link and the PIN left out")
    carries_link: bool = Field(
        description="the served notice carried a personal link (court staff who sign in and"
        " cancellations get none)"
    )
    pin_sent_by: Literal["sms", "with_link"] | None = Field(
        description="where the PIN went: alone by SMS, or in the text beside the link (no"
        " second channel); null: no PIN"
    )
    replaces_version: int | None
    changes: str | None
    content_sha256: str = Field(description="SHA-256 of the subject, text and .ics as served")
    created_at: CourtTime
    superseded_at: CourtTime | None
    deliveries: list[DeliveryStateOut] = Field(default_factory=list)


class ProofOut(Out):
    notice: NoticeOut
    deliveries: list[DeliveryOut]


async def _notice_out(s: AsyncSession, row: NoticeRow) -> NoticeOut:
    deliveries = await s.scalars(
        select(DeliveryRow).where(DeliveryRow.notice_id == row.id).order_by(DeliveryRow.queued_at)
    )
    return NoticeOut(
        id=row.id,
        hearing_id=row.hearing_id,
        participant_id=row.participant_id,
        version=row.version,
        kind=row.kind,
        language=row.language,
        subject=row.subject,
        body_text=row.body_text,
        carries_link=row.link_version > 0,
        pin_sent_by=row.pin_sent_by,  # type: ignore[arg-type]
        replaces_version=row.version - 1 if row.version > 1 else None,
        changes=row.changes,
        content_sha256=row.content_sha256,
        created_at=row.created_at,
        superseded_at=row.superseded_at,
        deliveries=[DeliveryStateOut.model_validate(d) for d in deliveries],
    )


@routes.route(
    "POST",
    "/hearings/{id}/notices",
    summary="Issue a notice (summons / invitation) to every participant and queue its delivery",
    action=Action.EDIT_HEARINGS,
    body=IssueIn,
    response=list[NoticeOut],
    status=201,
    responses={409: "the hearing is cancelled or closed"},
    description="Each participant named (default: every person) gets a new version with a new"
    " link and PIN; the earlier ones stop working and the new notice says it replaces them."
    " Court staff who sign in get a notice without a link. The answer says the notices were"
    " issued; their links and PINs go only to the addressees. 409 when the hearing is"
    " cancelled or closed.",
)
async def issue(call: Call[None, IssueIn]) -> list[NoticeOut]:
    now = call.now()
    services = call.app.get(SCHEDULING)
    channels = services.channels if services else configured_channels(call.settings)
    async with call.session() as s, s.begin():
        issued = await issue_notices(
            s,
            call.path("id"),
            settings=call.settings,
            now=now,
            channels=channels,
            language=call.body.language,
            participant_ids=call.body.participant_ids,
        )
        for n in issued:
            await queue_deliveries(s, n.row, channels, now)
        out = [await _notice_out(s, n.row) for n in issued]
    if services:
        services.poke()
    return out


@routes.route(
    "GET",
    "/hearings/{id}/notices",
    summary="Every notice version issued for a hearing, with its delivery states",
    action=Action.READ_HEARINGS,
    response=list[NoticeOut],
)
async def list_notices(call: Call[None, None]) -> list[NoticeOut]:
    async with call.session() as s:
        rows = await s.scalars(
            select(NoticeRow)
            .where(NoticeRow.hearing_id == call.path("id"))
            .order_by(NoticeRow.participant_id, NoticeRow.version)
        )
        return [await _notice_out(s, r) for r in rows.all()]


@routes.route(
    "GET",
    "/notices/{id}/proof",
    summary="Proof of service: every delivery of the notice, its states, times and hashes",
    action=Action.READ_HEARINGS,
    response=ProofOut,
)
async def proof(call: Call[None, None]) -> ProofOut:
    async with call.session() as s:
        notice = found(await s.get(NoticeRow, call.path("id")), "notice", call.path("id"))
        deliveries = []
        for d in await s.scalars(
            select(DeliveryRow)
            .where(DeliveryRow.notice_id == notice.id)
            .order_by(DeliveryRow.queued_at)
        ):
            out = DeliveryOut.model_validate(d)
            events = await s.scalars(
                select(DeliveryEventRow)
                .where(DeliveryEventRow.delivery_id == d.id)
                .order_by(DeliveryEventRow.id)
            )
            out.events = [EventOut.model_validate(e) for e in events]
            deliveries.append(out)
        return ProofOut(notice=await _notice_out(s, notice), deliveries=deliveries)


@routes.route(
    "POST",
    "/notices/{id}/acknowledge",
    summary="Record that the addressee acknowledged receipt",
    action=Action.EDIT_HEARINGS,
    response=ProofOut,
)
async def acknowledge(call: Call[None, None]) -> ProofOut:
    async with call.session() as s, s.begin():
        found(await s.get(NoticeRow, call.path("id")), "notice", call.path("id"))
        await acknowledge_notice(s, call.path("id"), call.now())
    return await proof(call)


@routes.route(
    "GET",
    "/notices/{id}/invite.ics",
    summary="The court's copy of the notice's calendar invitation (or cancellation), no link",
    action=Action.READ_HEARINGS,
    response_type="text/calendar",
)
async def ics(call: Call[None, None]) -> web.Response:
    async with call.session() as s:
        n = found(await s.get(NoticeRow, call.path("id")), "notice", call.path("id"))
    return web.Response(text=n.ics, content_type="text/calendar")


@routes.route(
    "GET",
    "/notices/{id}/notice.pdf",
    summary="The court's copy of the printable notice (the link, its QR code and the PIN left out)",
    action=Action.READ_HEARINGS,
    response_type="application/pdf",
)
async def pdf(call: Call[None, None]) -> web.Response:
    async with call.session() as s:
        n = found(await s.get(NoticeRow, call.path("id")), "notice", call.path("id"))
    body = notice_pdf(n.body_text, None, title=n.subject)
    return web.Response(body=body, content_type="application/pdf")


class ReceiptIn(Strict):
    message_id: str
    status: Literal["delivered", "read", "failed"]
    reason: str = ""
    at: ApiTime | None = None


@routes.route(
    "POST",
    "/deliveries/receipts/{channel}",
    summary="Delivery receipt callback from the SMS gateway or the document exchange",
    action=None,
    body=ReceiptIn,
    raw_body=True,
    response=DeliveryOut,
    description="Signed by the provider: header `X-Vcourt-Signature: sha256=<hex HMAC-SHA256 of"
    " the body with the channel key>`.",
    responses={
        401: "X-Vcourt-Signature is missing or does not match the body",
        404: "no receipts are taken for this channel, or no delivery has this message id",
    },
)
async def receipt(call: Call[None, None]) -> DeliveryOut:
    channel = call.path("channel")
    key = channel_key(call.settings, channel)
    if key is None:
        raise Problem(404, "Unknown channel", f"no receipts are taken for channel {channel!r}")
    raw = await call.request.read()
    given = call.request.headers.get("X-Vcourt-Signature", "")
    expected = "sha256=" + hmac.new(key, raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given, expected):
        raise Problem(401, "Bad signature", "X-Vcourt-Signature does not match the body")
    try:
        body = ReceiptIn.model_validate(await read_json_body(call.request))
    except ValidationError as exc:
        raise from_validation_error(exc, "request body") from exc
    async with call.session() as s, s.begin():
        d = await record_receipt(s, channel, body.message_id, body.status, call.now(), body.reason)
        if d is None:
            raise Problem(404, "Unknown message", f"no {channel} delivery has id {body.message_id}")
        return DeliveryOut.model_validate(d)
