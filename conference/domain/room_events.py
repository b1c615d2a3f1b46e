"""What happened in a live hearing room: frozen, past-tense events.

The room's commands return these; `Room.apply` is the only code that changes the room, so the
same events rebuild a room from the hearing record and keep replicas on other nodes in step.
Each event is also one entry of the tamper-evident hearing record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from conference.domain.hearings import HearingState


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    at: datetime
    actor: str | None = None  # participant id of who did it; None: the system


class HearingStateChanged(_Event):
    type: Literal["hearing_state_changed"] = "hearing_state_changed"
    old: HearingState
    new: HearingState
    reason: str | None = None


class ParticipantJoined(_Event):
    type: Literal["participant_joined"] = "participant_joined"
    participant_id: str
    presence: str  # waiting (everyone else) or admitted (court staff)


class ParticipantReconnected(_Event):
    type: Literal["participant_reconnected"] = "participant_reconnected"
    participant_id: str


class ParticipantDisconnected(_Event):
    type: Literal["participant_disconnected"] = "participant_disconnected"
    participant_id: str


class ParticipantLeft(_Event):
    type: Literal["participant_left"] = "participant_left"
    participant_id: str
    reason: str


class ParticipantAdmitted(_Event):
    type: Literal["participant_admitted"] = "participant_admitted"
    participant_id: str
    presence: str  # admitted, or outside for a witness (who waits until called)


class ParticipantRejected(_Event):
    type: Literal["participant_rejected"] = "participant_rejected"
    participant_id: str
    reason: str


class ParticipantRemoved(_Event):
    type: Literal["participant_removed"] = "participant_removed"
    participant_id: str
    reason: str


class ParticipantMuted(_Event):
    type: Literal["participant_muted"] = "participant_muted"
    participant_id: str
    audio: bool
    video: bool


class ParticipantUnmuted(_Event):
    type: Literal["participant_unmuted"] = "participant_unmuted"
    participant_id: str
    audio: bool
    video: bool


class RoomLocked(_Event):
    type: Literal["room_locked"] = "room_locked"


class RoomUnlocked(_Event):
    type: Literal["room_unlocked"] = "room_unlocked"


class WitnessCalled(_Event):
    type: Literal["witness_called"] = "witness_called"
    participant_id: str


class ParticipantSentOut(_Event):
    type: Literal["participant_sent_out"] = "participant_sent_out"
    participant_id: str


class MovedToConsultation(_Event):
    type: Literal["moved_to_consultation"] = "moved_to_consultation"
    participant_ids: tuple[str, ...]
    consultation_room: str


class ReturnedFromConsultation(_Event):
    type: Literal["returned_from_consultation"] = "returned_from_consultation"
    participant_ids: tuple[str, ...]


class IdentityChecked(_Event):
    type: Literal["identity_checked"] = "identity_checked"
    participant_id: str
    checked_by: str  # the name of the staff member, as it goes into the record
    document: str  # what was checked, e.g. "CCCD 001234567890"
    verified: bool
    notes: str = ""


class WitnessScreened(_Event):
    type: Literal["witness_screened"] = "witness_screened"
    participant_id: str
    hidden_from: tuple[str, ...]


class InterpreterLinked(_Event):
    type: Literal["interpreter_linked"] = "interpreter_linked"
    interpreter_id: str
    participant_id: str


class RecordingStarted(_Event):
    type: Literal["recording_started"] = "recording_started"


class RecordingStopped(_Event):
    type: Literal["recording_stopped"] = "recording_stopped"
    reason: str | None = None


class RecordingSaved(_Event):
    """Recorded only: one finished recording file and its SHA-256, so the record vouches for
    the file (a changed or swapped file no longer matches the chained hash)."""

    type: Literal["recording_saved"] = "recording_saved"
    speaker_id: str  # whose track (not `participant_id`: the file is not news for them)
    kind: str  # audio or video
    file: str  # path under the recordings directory
    sha256: str
    bytes: int
    started_at: datetime
    ended_at: datetime


class JoinRefused(_Event):
    """Recorded only: someone with a real link for this hearing was turned away."""

    type: Literal["join_refused"] = "join_refused"
    participant_id: str
    reason: str


class CommandRefused(_Event):
    """Recorded only: a command from someone in the room was refused."""

    type: Literal["command_refused"] = "command_refused"
    action: str
    reason: str
    participant_id: str | None = None


RoomEvent = Annotated[
    HearingStateChanged
    | ParticipantJoined
    | ParticipantReconnected
    | ParticipantDisconnected
    | ParticipantLeft
    | ParticipantAdmitted
    | ParticipantRejected
    | ParticipantRemoved
    | ParticipantMuted
    | ParticipantUnmuted
    | RoomLocked
    | RoomUnlocked
    | WitnessCalled
    | ParticipantSentOut
    | MovedToConsultation
    | ReturnedFromConsultation
    | IdentityChecked
    | WitnessScreened
    | InterpreterLinked
    | RecordingStarted
    | RecordingStopped
    | RecordingSaved
    | JoinRefused
    | CommandRefused,
    Field(discriminator="type"),
]

# Events that only go into the record: the room itself does not change.
RECORDED_ONLY = (JoinRefused, CommandRefused, RecordingSaved)

EVENT_ADAPTER: TypeAdapter[RoomEvent] = TypeAdapter(RoomEvent)


def event_from_record(type_: str, data: dict[str, object]) -> RoomEvent:
    return EVENT_ADAPTER.validate_python({**data, "type": type_})


def subject_ids(event: RoomEvent) -> tuple[str, ...]:
    """The participants an event is about (their roster entries change)."""
    if isinstance(event, MovedToConsultation | ReturnedFromConsultation):
        return event.participant_ids
    if isinstance(event, InterpreterLinked):
        return (event.interpreter_id,)
    pid = getattr(event, "participant_id", None)
    return (pid,) if isinstance(pid, str) else ()
