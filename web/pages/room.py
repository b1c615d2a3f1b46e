"""The judge's console: the live hearing room for court staff (GET /hearings/{id}/room).

Everything live goes over the signalling WebSocket (/ws) from `web/static/js/console.js`; this
handler only renders the page with the hearing and the words the script shows.
"""

from __future__ import annotations

from aiohttp import web

from conference.domain.access import ApiRole
from conference.domain.hearings import Role
from conference.store.tables import HearingRow
from conference.wiring.keys import SESSIONS
from web.pages.render import gettext_for, render, route_exists, staff_page

routes = web.RouteTableDef()


def role_labels(request: web.Request) -> dict[Role, str]:
    _ = gettext_for(request)
    return {
        Role.PRESIDING_JUDGE: _("Presiding judge"),
        Role.PANEL_MEMBER: _("Panel member"),
        Role.CLERK: _("Court clerk"),
        Role.PROCURATOR: _("Procurator"),
        Role.PARTY: _("Party"),
        Role.DEFENDANT: _("Defendant"),
        Role.LAWYER: _("Lawyer"),
        Role.WITNESS: _("Witness"),
        Role.INTERPRETER: _("Interpreter"),
        Role.OBSERVER: _("Observer"),
        Role.ENDPOINT: _("Endpoint"),
    }


def console_strings(request: web.Request) -> dict[str, str]:
    """Words the console script shows, in the reader's language."""
    _ = gettext_for(request)
    roles = {f"role_{r.value}": label for r, label in role_labels(request).items()}
    return roles | {
        "admit": _("Admit"),
        "reject": _("Reject"),
        "mute": _("Mute"),
        "unmute": _("Unmute"),
        "remove": _("Remove from hearing"),
        "call_in": _("Call in"),
        "send_out": _("Send out"),
        "consult": _("To consultation room"),
        "return": _("Back to the hearing"),
        "muted": _("microphone off"),
        "connected": _("connected"),
        "disconnected": _("connection lost"),
        "away": _("not here"),
        "checked": _("identity checked"),
        "nobody_waiting": _("Nobody is waiting."),
        "nobody_in": _("Nobody is in the hearing yet."),
        "conn_connecting": _("Connecting…"),
        "conn_connected": _("Connected"),
        "conn_reconnecting": _("Connection lost. Reconnecting…"),
        "conn_ended": _("Disconnected"),
        "confirm_close": _("Close the hearing? Nobody can rejoin after this."),
        "confirm_remove": _("Remove this person from the hearing?"),
        "refused": _("Refused:"),
        "state_scheduled": _("Scheduled"),
        "state_open": _("Waiting room open"),
        "state_in_session": _("In session"),
        "state_paused": _("Paused"),
        "state_adjourned": _("Adjourned"),
        "state_closed": _("Closed"),
        "state_cancelled": _("Cancelled"),
        "locked": _("Room locked"),
        "id_document": _("Identity document seen (type and number)"),
        "ev_hearing_state_changed": _("Hearing state changed"),
        "ev_participant_joined": _("joined"),
        "ev_participant_reconnected": _("reconnected"),
        "ev_participant_disconnected": _("connection lost"),
        "ev_participant_left": _("left"),
        "ev_participant_admitted": _("admitted"),
        "ev_participant_rejected": _("not admitted"),
        "ev_participant_removed": _("removed from the hearing"),
        "ev_participant_muted": _("microphone turned off"),
        "ev_participant_unmuted": _("microphone turned on"),
        "ev_room_locked": _("Room locked"),
        "ev_room_unlocked": _("Room unlocked"),
        "ev_witness_called": _("called in"),
        "ev_participant_sent_out": _("sent out"),
        "ev_moved_to_consultation": _("moved to a consultation room"),
        "ev_returned_from_consultation": _("back from the consultation room"),
        "ev_identity_checked": _("identity checked"),
        "ev_join_refused": _("could not join"),
        "ev_command_refused": _("command refused"),
        "confirm_identity": _("Confirm identity"),
        "reason_removed": _("removed by the court"),
        "reason_rejected": _("not admitted by the court"),
        "ev_recording_started": _("Recording started"),
        "ev_recording_stopped": _("Recording stopped"),
        "ev_recording_saved": _("recording file saved"),
        "quality_good": _("good connection"),
        "quality_poor": _("poor connection"),
        "quality_failed": _("media connection failed"),
        "quality_connecting": _("media connecting"),
        "quality_details": _("Loss"),
        "no_devices": _("No camera or microphone: you can watch and listen only."),
        "media_failed": _("Video could not be connected:"),
    }


@routes.get("/hearings/{hearing_id}/room", name="hearing_room")
@staff_page(ApiRole.ADMIN, ApiRole.CLERK, ApiRole.JUDGE)
async def console_page(request: web.Request) -> web.StreamResponse:
    async with request.app[SESSIONS]() as session:
        hearing = await session.get(HearingRow, request.match_info["hearing_id"])
    if hearing is None:
        raise web.HTTPNotFound(text="no such hearing")
    signaling_ready = route_exists(request.app, "GET", "/ws")
    return await render(
        request,
        "console.html",
        hearing=hearing,
        strings=console_strings(request),
        signaling_ready=signaling_ready,
    )
