"""Recordings (court staff only) and ICE servers (for a participant's join link)."""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path

from aiohttp import web
from pydantic import Field
from sqlalchemy import select

from conference.domain.access import Action
from conference.domain.errors import NotFound
from conference.domain.hearings import HearingState, Role
from conference.domain.links import LinkRefused, joins_by_sign_in, verify_join_token
from conference.media.ice import ice_servers_for
from conference.store.media import RecordingRow
from conference.store.participant_links import check_link
from conference.store.tables import HearingRow, ParticipantRow
from web.api.common import CourtTime, Out, Strict, found
from web.api.registry import ApiRoutes, Call
from web.problems import Problem

routes = ApiRoutes("media")


class RecordingOut(Out):
    id: str
    hearing_id: str
    participant_id: str
    kind: str
    path: str
    started_at: CourtTime
    ended_at: CourtTime
    bytes: int
    sha256: str = Field(description="SHA-256 of the file, hex; the value in the hearing record")
    packets: int
    dropped: int


class IceServerOut(Out):
    urls: list[str]
    username: str | None = None
    credential: str | None = None


class IceQuery(Strict):
    token: str = Field(min_length=10, description="the participant's join-link token")


@routes.route(
    "GET",
    "/hearings/{hearing_id}/recordings",
    summary="List a hearing's recordings",
    action=Action.READ_RECORDINGS,
    response=list[RecordingOut],
    description="One file per participant and kind (audio, video), with its SHA-256.",
)
async def list_recordings(call: Call[None, None]) -> list[RecordingOut]:
    hearing_id = call.path("hearing_id")
    async with call.session() as s:
        found(await s.get(HearingRow, hearing_id), "hearing", hearing_id)
        rows = await s.scalars(
            select(RecordingRow)
            .where(RecordingRow.hearing_id == hearing_id)
            .order_by(RecordingRow.started_at, RecordingRow.participant_id, RecordingRow.kind)
        )
        return [RecordingOut.model_validate(r) for r in rows]


@routes.route(
    "GET",
    "/recordings/{recording_id}/file",
    summary="Download a recording",
    action=Action.READ_RECORDINGS,
    response_type="video/webm",
    description="The WebM file as recorded; the Repr-Digest header carries its SHA-256.",
)
async def download_recording(call: Call[None, None]) -> web.StreamResponse:
    recording_id = call.path("recording_id")
    async with call.session() as s:
        row = found(await s.get(RecordingRow, recording_id), "recording", recording_id)
    root: Path = call.settings.recordings_path.resolve()
    path = (root / row.path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound(
            f"the file of recording {recording_id} is missing from {root}; restore it from"
            " the backup (its SHA-256 is in the hearing record)"
        )
    digest = base64.b64encode(bytes.fromhex(row.sha256)).decode()
    return web.FileResponse(
        path,
        headers={
            "Content-Type": "video/webm",
            "Content-Disposition": f'attachment; filename="{path.name}"',
            "Repr-Digest": f"sha-256=:{digest}:",
        },
    )


@routes.route(
    "GET",
    "/ice-servers",
    summary="ICE servers for a participant",
    action=None,
    query=IceQuery,
    response=list[IceServerOut],
    description="STUN, and TURN with credentials that expire (coturn REST API form), for the"
    " holder of a join link that still opens the hearing: a forged, expired, revoked or"
    " superseded link, a court staff member's link, or a cancelled hearing gets 403 with its"
    " `code` (link_<reason>, hearing_cancelled) and no credentials.",
    responses={
        403: "The link does not open the hearing (code: link_forged, link_expired,"
        " link_revoked, link_superseded, link_staff_sign_in, hearing_cancelled, …)"
    },
)
async def ice_servers(call: Call[IceQuery, None]) -> list[IceServerOut]:
    now: datetime = call.now()
    try:
        claims = verify_join_token(call.query.token, call.settings.signing_secret(), now)
        async with call.session() as s:
            participant = await s.get(ParticipantRow, claims.participant_id)
            if participant is None or participant.hearing_id != claims.hearing_id:
                raise LinkRefused(
                    "wrong_hearing", "this link's participant is not part of the hearing any more"
                )
            # the same checks as joining: TURN credentials only for a link that still works
            if joins_by_sign_in(Role(participant.role), participant.staff_username):
                raise LinkRefused(
                    "staff_sign_in", "court staff join with their own sign-in, never with a link"
                )
            await check_link(s, claims)
            hearing = await s.get(HearingRow, claims.hearing_id)
    except LinkRefused as exc:
        raise Problem(403, "Link refused", exc.message, code=f"link_{exc.reason}") from None
    if hearing is None or hearing.state == HearingState.CANCELLED:
        raise Problem(
            403,
            "Hearing cancelled",
            "the court cancelled this hearing; there is nothing to join",
            code="hearing_cancelled",
        )
    servers = ice_servers_for(call.settings, claims.participant_id, now)
    return [IceServerOut(**s.as_json()) for s in servers]  # type: ignore[arg-type]
