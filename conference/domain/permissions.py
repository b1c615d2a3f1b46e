"""Who may do what in a live hearing room: a pure table over role × hearing state × action.

The table is two small maps — which roles may take an action, and in which hearing states —
and `may(role, state, action)` is their conjunction. docs/signaling.md shows the same table,
rendered by `render_table()`; a test keeps the two equal and asserts every combination.
Rules that depend on the people involved (identity checks, screening, who is waiting) live in
conference.domain.room; this table only answers "may this role do this now".
"""

from __future__ import annotations

from enum import StrEnum

from conference.domain.hearings import COURT_STAFF_ROLES, HearingState, Role

S = HearingState


class RoomAction(StrEnum):
    JOIN = "join"  # connect to the room (staff enter, everyone else waits)
    SPEAK = "speak"  # send audio/video (and relay WebRTC offers to peers)
    WATCH = "watch"  # receive the room's audio/video
    OPEN = "open"  # open the waiting room
    START = "start"  # open the session
    PAUSE = "pause"
    RESUME = "resume"
    ADJOURN = "adjourn"
    CLOSE = "close"
    ADMIT = "admit"
    REJECT = "reject"
    MUTE = "mute"
    UNMUTE = "unmute"
    REMOVE = "remove"
    LOCK = "lock"
    UNLOCK = "unlock"
    CALL_WITNESS = "call_witness"
    SEND_OUT = "send_out"
    MOVE_TO_CONSULTATION = "move_to_consultation"
    RETURN_FROM_CONSULTATION = "return_from_consultation"
    RECORD_IDENTITY_CHECK = "record_identity_check"
    SCREEN_WITNESS = "screen_witness"
    LINK_INTERPRETER = "link_interpreter"
    RECORD = "record"  # start and stop the court's recording


EVERYONE = frozenset(Role)
RUNS_THE_ROOM = frozenset({Role.PRESIDING_JUDGE, Role.CLERK})
LIVE = frozenset({S.OPEN, S.IN_SESSION, S.PAUSED})
SESSION = frozenset({S.IN_SESSION, S.PAUSED})

# Which roles may take each action (any state).
ROLES: dict[RoomAction, frozenset[Role]] = {
    RoomAction.JOIN: EVERYONE,
    RoomAction.SPEAK: EVERYONE - {Role.OBSERVER},  # observers only watch
    RoomAction.WATCH: EVERYONE,
    RoomAction.OPEN: RUNS_THE_ROOM,
    RoomAction.START: RUNS_THE_ROOM,
    RoomAction.PAUSE: RUNS_THE_ROOM,
    RoomAction.RESUME: RUNS_THE_ROOM,
    RoomAction.ADJOURN: RUNS_THE_ROOM,
    RoomAction.CLOSE: RUNS_THE_ROOM,
    RoomAction.ADMIT: RUNS_THE_ROOM,
    RoomAction.REJECT: RUNS_THE_ROOM,
    RoomAction.MUTE: RUNS_THE_ROOM,
    RoomAction.UNMUTE: RUNS_THE_ROOM,
    RoomAction.REMOVE: RUNS_THE_ROOM,
    RoomAction.LOCK: RUNS_THE_ROOM,
    RoomAction.UNLOCK: RUNS_THE_ROOM,
    RoomAction.CALL_WITNESS: RUNS_THE_ROOM,
    RoomAction.SEND_OUT: RUNS_THE_ROOM,
    RoomAction.MOVE_TO_CONSULTATION: RUNS_THE_ROOM,
    RoomAction.RETURN_FROM_CONSULTATION: RUNS_THE_ROOM,
    RoomAction.RECORD_IDENTITY_CHECK: RUNS_THE_ROOM,
    RoomAction.SCREEN_WITNESS: RUNS_THE_ROOM,
    RoomAction.LINK_INTERPRETER: RUNS_THE_ROOM,
    RoomAction.RECORD: RUNS_THE_ROOM,
}

# In which hearing states each action is possible (any role).
STATES: dict[RoomAction, frozenset[HearingState]] = {
    RoomAction.JOIN: LIVE | {S.SCHEDULED, S.ADJOURNED},  # non-staff further limited below
    RoomAction.SPEAK: LIVE,
    RoomAction.WATCH: LIVE,
    RoomAction.OPEN: frozenset({S.SCHEDULED, S.ADJOURNED}),
    RoomAction.START: frozenset({S.OPEN}),
    RoomAction.PAUSE: frozenset({S.IN_SESSION}),
    RoomAction.RESUME: frozenset({S.PAUSED}),
    RoomAction.ADJOURN: SESSION,
    RoomAction.CLOSE: LIVE | {S.ADJOURNED},
    RoomAction.ADMIT: LIVE,
    RoomAction.REJECT: LIVE,
    RoomAction.MUTE: LIVE,
    RoomAction.UNMUTE: LIVE,
    RoomAction.REMOVE: LIVE,
    RoomAction.LOCK: LIVE,
    RoomAction.UNLOCK: LIVE,
    RoomAction.CALL_WITNESS: SESSION,
    RoomAction.SEND_OUT: SESSION,
    RoomAction.MOVE_TO_CONSULTATION: SESSION,
    RoomAction.RETURN_FROM_CONSULTATION: SESSION,
    RoomAction.RECORD_IDENTITY_CHECK: LIVE,
    RoomAction.SCREEN_WITNESS: LIVE,
    RoomAction.LINK_INTERPRETER: LIVE,
    RoomAction.RECORD: SESSION,  # adjourning or closing stops it
}

# Only court staff may be in the room before it opens or while it is adjourned.
STAFF_ONLY_STATES: dict[RoomAction, frozenset[HearingState]] = {
    RoomAction.JOIN: frozenset({S.SCHEDULED, S.ADJOURNED}),
}


def may(role: Role, state: HearingState, action: RoomAction) -> bool:
    if role not in ROLES[action] or state not in STATES[action]:
        return False
    return not (state in STAFF_ONLY_STATES.get(action, frozenset()) and role not in COURT_STAFF)


COURT_STAFF = COURT_STAFF_ROLES


def refusal(role: Role, state: HearingState, action: RoomAction) -> str:
    """Why `may` said no, in words a person can act on."""
    verb = action.value.replace("_", " ")
    if role not in ROLES[action]:
        who = ", ".join(sorted(r.value.replace("_", " ") for r in ROLES[action]))
        return f"a {role.value.replace('_', ' ')} may not {verb}; only: {who}"
    if state not in STATES[action]:
        states = ", ".join(sorted(s.value for s in STATES[action]))
        return f"cannot {verb} while the hearing is {state.value}; possible when: {states}"
    return f"only court staff may {verb} while the hearing is {state.value}"


def render_table() -> str:
    """The permission table as Markdown (docs/signaling.md embeds exactly this)."""
    abbrev = {
        S.SCHEDULED: "sch",
        S.OPEN: "open",
        S.IN_SESSION: "sess",
        S.PAUSED: "paus",
        S.ADJOURNED: "adj",
        S.CLOSED: "clo",
        S.CANCELLED: "can",
    }
    head = "| action | " + " | ".join(r.value for r in Role) + " |"
    lines = [head, "|" + " --- |" * (len(Role) + 1)]
    for action in RoomAction:
        cells = []
        for role in Role:
            states = [abbrev[s] for s in HearingState if may(role, s, action)]
            cells.append(" ".join(states) if states else "—")
        lines.append(f"| {action.value} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
