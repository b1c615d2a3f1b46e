"""The party's journey from a notice: /join/{token}.

The link is checked (signature, expiry) by the domain core before anything is shown; a link of
a cancelled hearing opens a page that says the hearing is cancelled; otherwise the
page walks the person through their identity (PIN, when the notice gave one), a device check
(camera preview, microphone level, speaker test) and the waiting room. The live steps speak the
signalling protocol over /ws once it is installed; `signaling_ready` tells the page whether it is.
"""

from __future__ import annotations

from aiohttp import web

from conference.domain.hearings import HearingState
from conference.domain.links import LinkRefused, check_current, verify_join_token
from conference.store.participant_links import ParticipantLinkRow
from conference.store.tables import HearingRow, ParticipantRow
from conference.wiring.keys import CLOCK, SESSIONS, SETTINGS
from web.pages.render import gettext_for, public_page, render, route_exists

routes = web.RouteTableDef()

REFUSAL_STATUS = {"expired": 410, "revoked": 410, "superseded": 410}


def refusal_text(request: web.Request, reason: str) -> str:
    _ = gettext_for(request)
    texts = {
        "forged": _(
            "This link is not valid. Open the link from your notice exactly as it was sent,"
            " without changing it."
        ),
        "malformed": _("This link is incomplete. Ask the court for a new one."),
        "expired": _("This link has expired. Ask the court clerk for a new notice."),
        "revoked": _("The court has withdrawn this link. Contact the court clerk."),
        "superseded": _(
            "A newer notice replaced this link (the hearing may have moved). Use the link in the"
            " latest notice you received."
        ),
        "wrong_hearing": _("This link belongs to another hearing."),
    }
    return texts.get(reason, texts["malformed"])


@routes.get("/join/{token}", name="join")
@public_page
async def join_page(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    token = request.match_info["token"]
    try:
        claims = verify_join_token(token, settings.signing_secret(), request.app[CLOCK]())
    except LinkRefused as exc:
        return await _refused(request, exc.reason)
    async with request.app[SESSIONS]() as session:
        hearing = await session.get(HearingRow, claims.hearing_id)
        participant = await session.get(ParticipantRow, claims.participant_id)
        link = await session.get(ParticipantLinkRow, claims.participant_id)
    if hearing is None or participant is None or participant.hearing_id != hearing.id:
        return await _refused(request, "wrong_hearing")
    if hearing.state == HearingState.CANCELLED.value:
        # Every link of a cancelled hearing, the latest or an older one, says so: nobody
        # tests a camera for a hearing that will not take place.
        return await render(request, "join_cancelled.html", status=410, hearing=hearing)
    # A link the clerk replaced or revoked says so here, before the device check, not only
    # when the party tries to enter the waiting room.
    try:
        check_current(
            claims,
            link.link_version if link else 1,
            link is not None and link.link_revoked_at is not None,
        )
    except LinkRefused as exc:
        return await _refused(request, exc.reason)
    return await render(
        request,
        "join.html",
        hearing=hearing,
        participant=participant,
        token=token,
        signaling_ready=route_exists(request.app, "GET", "/ws"),
    )


async def _refused(request: web.Request, reason: str) -> web.StreamResponse:
    return await render(
        request,
        "join_refused.html",
        status=REFUSAL_STATUS.get(reason, 410 if reason == "wrong_hearing" else 403),
        reason=refusal_text(request, reason),
    )
