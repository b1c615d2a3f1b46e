"""What each person may see of the room, and the routing facts the media server needs.

A screened witness is hidden from named participants: they get neither the name in the roster
nor any media route. People in the waiting room or outside see only themselves.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from conference.domain.hearings import COURT_STAFF_ROLES, HearingKind, HearingState, Role
from conference.domain.media_routing import MAIN, OUTSIDE, MediaFacts
from conference.domain.permissions import RoomAction, may
from conference.domain.room import Presence, Room, Seat

IN_HEARING = frozenset({Presence.ADMITTED, Presence.IN_CONSULTATION})


class RosterEntry(BaseModel):
    """One line of the roster, as a viewer sees it."""

    model_config = ConfigDict(frozen=True)

    participant_id: str
    name: str
    role: Role
    presence: Presence
    connection: str  # connected, disconnected (within the grace period) or away
    consultation_room: str | None
    audio_muted: bool
    video_muted: bool
    identity_checked: bool
    interprets_for: str | None


def may_see(room: Room, viewer_id: str, subject_id: str) -> bool:
    if viewer_id == subject_id:
        return True
    viewer, subject = room.seats[viewer_id], room.seats[subject_id]
    if viewer_id in subject.hidden_from:
        return False
    if viewer.role in COURT_STAFF_ROLES:
        return True
    if room.kind is HearingKind.MEETING and subject.role not in COURT_STAFF_ROLES:
        return False  # a multi-site meeting: sites see the court, not each other
    return viewer.presence in IN_HEARING and subject.presence in IN_HEARING


def entry(seat: Seat) -> RosterEntry:
    if seat.connected:
        connection = "connected"
    elif seat.disconnected_at is not None:
        connection = "disconnected"
    else:
        connection = "away"
    return RosterEntry(
        participant_id=seat.participant_id,
        name=seat.name,
        role=seat.role,
        presence=seat.presence,
        connection=connection,
        consultation_room=seat.consultation_room,
        audio_muted=seat.audio_muted,
        video_muted=seat.video_muted,
        identity_checked=bool(seat.identity_check and seat.identity_check.verified),
        interprets_for=seat.interprets_for,
    )


def roster_for(room: Room, viewer_id: str) -> list[RosterEntry]:
    """The roster one viewer may see (staff: everyone not screened from them)."""
    viewer = room.seats[viewer_id]
    if viewer.role not in COURT_STAFF_ROLES and viewer.presence not in IN_HEARING:
        return [entry(viewer)]  # waiting or outside: only themselves
    return [entry(s) for pid, s in room.seats.items() if may_see(room, viewer_id, pid)]


# --- media routing ------------------------------------------------------------------------


class Routing(BaseModel):
    """What the media server needs to know about one participant."""

    model_config = ConfigDict(frozen=True)

    participant_id: str
    zone: str  # main, consultation:<room>, waiting, outside, none
    may_send_audio: bool
    may_send_video: bool
    may_receive: bool
    hidden_from: frozenset[str]


def zone(seat: Seat) -> str:
    if not seat.connected:
        return "none"
    match seat.presence:
        case Presence.ADMITTED:
            return "main"
        case Presence.IN_CONSULTATION:
            return f"consultation:{seat.consultation_room}"
        case Presence.WAITING:
            return "waiting"
        case Presence.OUTSIDE:
            return "outside"
        case _:
            return "none"


def _may_send(room: Room, seat: Seat) -> bool:
    where = zone(seat)
    if not may(seat.role, room.state, RoomAction.SPEAK):
        return False
    if where.startswith("consultation:"):
        return True
    # In the main room: everyone while open or in session; while paused only court staff.
    return where == "main" and (room.state is not HearingState.PAUSED or seat.is_staff)


def routing_for(room: Room, participant_id: str) -> Routing:
    seat = room.seats[participant_id]
    sends = _may_send(room, seat)
    where = zone(seat)
    return Routing(
        participant_id=participant_id,
        zone=where,
        may_send_audio=sends and not seat.audio_muted,
        may_send_video=sends and not seat.video_muted,
        may_receive=may(seat.role, room.state, RoomAction.WATCH)
        and (where == "main" or where.startswith("consultation:")),
        hidden_from=frozenset(seat.hidden_from),
    )


def routing(room: Room) -> dict[str, Routing]:
    return {pid: routing_for(room, pid) for pid in room.seats}


def may_exchange_media(room: Room, a: str, b: str) -> bool:
    """May these two people's devices talk to each other (WebRTC relay, media routes)?"""
    if a == b or a not in room.seats or b not in room.seats:
        return False
    ra, rb = routing_for(room, a), routing_for(room, b)
    if ra.zone != rb.zone or not (ra.may_receive and rb.may_receive):
        return False
    return a not in rb.hidden_from and b not in ra.hidden_from


def media_facts(r: Routing) -> MediaFacts:
    """The media server's view of one participant: anyone not in the hearing room or a
    consultation room (waiting, outside, disconnected, or the hearing not live) is outside."""
    inside = r.may_receive and (r.zone == MAIN or r.zone.startswith("consultation:"))
    return MediaFacts(
        participant_id=r.participant_id,
        may_send_audio=r.may_send_audio,
        may_send_video=r.may_send_video,
        zone=r.zone if inside else OUTSIDE,
        screened_from=r.hidden_from,
    )
