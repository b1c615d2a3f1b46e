"""The signalling protocol: every message over /ws, as one discriminated union per direction.

Each frame is a JSON object with `v` (protocol version, 1), `type`, and an optional `id` the
sender chooses; the server answers a request carrying an `id` with `ack` or `error` whose `re`
is that id. docs/signaling.md describes each message: who sends it, when, who may.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from conference.domain.roster import RosterEntry
from signaling.protocol_base import ID as ID
from signaling.protocol_base import KIND as KIND
from signaling.protocol_base import SDP as SDP
from signaling.protocol_base import TEXT as TEXT
from signaling.protocol_base import VERSION as VERSION
from signaling.protocol_base import IceCandidate as IceCandidate
from signaling.protocol_base import Message as Message
from signaling.protocol_media import MediaAnswer as MediaAnswer
from signaling.protocol_media import MediaCandidate as MediaCandidate
from signaling.protocol_media import MediaOffer as MediaOffer
from signaling.protocol_media import MediaQuality as MediaQuality
from signaling.protocol_media import ServerMediaAnswer as ServerMediaAnswer
from signaling.protocol_media import ServerMediaCandidate as ServerMediaCandidate
from signaling.protocol_media import ServerMediaOffer as ServerMediaOffer

# --- client → server ------------------------------------------------------------------------


class Join(Message):
    """First message: who I am. A link token (from the join link), or staff credentials."""

    type: Literal["join"]
    token: Annotated[str, Field(max_length=2000)] | None = None  # the join link's token
    pin: Annotated[str, Field(max_length=20)] | None = None
    bearer: Annotated[str, Field(max_length=200)] | None = None  # staff API token
    hearing_id: ID | None = None  # staff: which hearing


class Ping(Message):
    type: Literal["ping"]


class Leave(Message):
    type: Literal["leave"]


class GetRoom(Message):
    type: Literal["room.get"]


class _Target(Message):
    participant_id: ID


class Admit(_Target):
    type: Literal["admit"]


class Reject(_Target):
    type: Literal["reject"]
    reason: TEXT = "not admitted by the court"


class Mute(_Target):
    type: Literal["mute"]
    audio: bool = True
    video: bool = False


class Unmute(_Target):
    type: Literal["unmute"]
    audio: bool = True
    video: bool = False


class Remove(_Target):
    type: Literal["remove"]
    reason: TEXT = "removed by the court"


class Lock(Message):
    type: Literal["lock"]


class Unlock(Message):
    type: Literal["unlock"]


class StartRecording(Message):
    type: Literal["start_recording"]


class StopRecording(Message):
    type: Literal["stop_recording"]


class CallWitness(_Target):
    type: Literal["call_witness"]


class SendOut(_Target):
    type: Literal["send_out"]


class MoveToConsultation(Message):
    type: Literal["move_to_consultation"]
    participant_ids: Annotated[list[ID], Field(min_length=1, max_length=20)]


class ReturnFromConsultation(Message):
    type: Literal["return_from_consultation"]
    participant_ids: Annotated[list[ID], Field(min_length=1, max_length=20)]


class OpenRoom(Message):
    type: Literal["open"]


class Start(Message):
    type: Literal["start"]


class Pause(Message):
    type: Literal["pause"]
    reason: TEXT | None = None


class Resume(Message):
    type: Literal["resume"]


class Adjourn(Message):
    type: Literal["adjourn"]
    reason: TEXT | None = None


class Close(Message):
    type: Literal["close"]
    reason: TEXT | None = None


class RecordIdentityCheck(_Target):
    type: Literal["identity_check"]
    document: Annotated[str, Field(min_length=1, max_length=200)]
    verified: bool
    notes: TEXT = ""


class ScreenWitness(_Target):
    type: Literal["screen_witness"]
    hidden_from: Annotated[list[ID], Field(max_length=50)]


class LinkInterpreter(Message):
    type: Literal["link_interpreter"]
    interpreter_id: ID
    participant_id: ID


class SignalOffer(Message):
    """WebRTC offer to a peer; `complete` false when candidates follow (trickle)."""

    type: Literal["signal.offer"]
    to: ID
    sdp: SDP
    complete: bool = True


class SignalAnswer(Message):
    type: Literal["signal.answer"]
    to: ID
    sdp: SDP
    complete: bool = True


class SignalCandidate(Message):
    type: Literal["signal.candidate"]
    to: ID
    candidate: IceCandidate


Command = (
    Admit
    | Reject
    | Mute
    | Unmute
    | Remove
    | Lock
    | Unlock
    | CallWitness
    | SendOut
    | MoveToConsultation
    | ReturnFromConsultation
    | OpenRoom
    | Start
    | Pause
    | Resume
    | Adjourn
    | Close
    | RecordIdentityCheck
    | ScreenWitness
    | LinkInterpreter
    | StartRecording
    | StopRecording
)

ClientMessage = Annotated[
    Join
    | Ping
    | Leave
    | GetRoom
    | Command
    | SignalOffer
    | SignalAnswer
    | SignalCandidate
    | MediaOffer
    | MediaAnswer
    | MediaCandidate,
    Field(discriminator="type"),
]
CLIENT: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)  # type: ignore[arg-type]
COMMAND_TYPES = frozenset(
    m.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
    for m in Command.__args__  # type: ignore[attr-defined]
)


# --- server → client ------------------------------------------------------------------------


class HearingView(BaseModel):
    hearing_id: str
    title: str
    state: str
    locked: bool
    version: int
    recording: bool = False  # the court is recording: every page shows it


class Welcome(Message):
    type: Literal["welcome"] = "welcome"
    participant_id: str
    role: str
    name: str
    hearing: HearingView
    roster: list[RosterEntry]
    heartbeat_seconds: float
    reconnect_grace_seconds: float
    # For RTCPeerConnection({iceServers}): STUN, and TURN with credentials that expire.
    ice_servers: list[dict[str, Any]] = Field(default_factory=list)
    media: bool = False  # the server forwards media: send media.offer for audio and video


class RoomSnapshot(Message):
    type: Literal["room.snapshot"] = "room.snapshot"
    hearing: HearingView
    roster: list[RosterEntry]


class RoomEventMessage(Message):
    """Something happened; `entries` are the changed roster lines this viewer may see."""

    type: Literal["room.event"] = "room.event"
    event: dict[str, Any]
    entries: list[RosterEntry]
    hidden: list[str] = Field(default_factory=list)  # participants this viewer may no longer see
    hearing: HearingView


class Ack(Message):
    type: Literal["ack"] = "ack"
    re: str | None
    re_type: str


class Error(Message):
    type: Literal["error"] = "error"
    code: str
    message: str
    re: str | None = None  # the id of the message that caused it, if it had one
    re_type: str | None = None  # its type, if it had a readable one
    field: str | None = None


class Pong(Message):
    type: Literal["pong"] = "pong"
    re: str | None = None


class Bye(Message):
    """The server is ending this connection, and why (removed, rejected, closed, replaced)."""

    type: Literal["bye"] = "bye"
    reason: str
    message: str


class RelayedOffer(Message):
    type: Literal["signal.offer"] = "signal.offer"
    from_: str = Field(alias="from")
    sdp: str
    complete: bool = True
    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)


class RelayedAnswer(Message):
    type: Literal["signal.answer"] = "signal.answer"
    from_: str = Field(alias="from")
    sdp: str
    complete: bool = True
    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)


class RelayedCandidate(Message):
    type: Literal["signal.candidate"] = "signal.candidate"
    from_: str = Field(alias="from")
    candidate: IceCandidate
    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)


class Batch(Message):
    """Several server messages in one frame, in order (sent when a busy server has more than
    one message ready for a connection). Clients handle each as if it came alone."""

    type: Literal["batch"] = "batch"
    messages: list[dict[str, Any]]


ServerMessage = Annotated[
    Batch
    | Welcome
    | RoomSnapshot
    | RoomEventMessage
    | Ack
    | Error
    | Pong
    | Bye
    | RelayedOffer
    | RelayedAnswer
    | RelayedCandidate
    | ServerMediaAnswer
    | ServerMediaOffer
    | ServerMediaCandidate
    | MediaQuality,
    Field(discriminator="type"),
]
SERVER: TypeAdapter[ServerMessage] = TypeAdapter(ServerMessage)  # type: ignore[arg-type]


def encode(message: BaseModel) -> str:
    return orjson.dumps(message.model_dump(mode="json", by_alias=True)).decode()


class FrameError(Exception):
    """A frame the server cannot accept; becomes an `error` message."""

    def __init__(
        self,
        code: str,
        message: str,
        re: str | None = None,
        re_type: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.re, self.re_type, self.field = (
            code,
            message,
            re,
            re_type,
            field,
        )

    def reply(self) -> Error:
        return Error(
            v=1,
            code=self.code,
            message=self.message,
            re=self.re,
            re_type=self.re_type,
            field=self.field,
        )


def decode(frame: str | bytes, max_bytes: int) -> ClientMessage:
    """Parse and validate one client frame, or raise FrameError saying exactly what is wrong."""
    size = len(frame.encode() if isinstance(frame, str) else frame)
    if size > max_bytes:
        raise FrameError(
            "frame_too_large", f"a message may be at most {max_bytes} bytes (got {size})"
        )
    try:
        raw = orjson.loads(frame)
    except orjson.JSONDecodeError as exc:
        raise FrameError("bad_json", f"the message is not valid JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise FrameError("bad_message", "a message must be a JSON object with v, type and fields")
    ref = raw.get("id") if isinstance(raw.get("id"), str) else None
    ref = ref[:64] if ref else None
    kind = raw.get("type") if isinstance(raw.get("type"), str) else None
    kind = kind[:64] if kind else None
    if raw.get("v") != VERSION:
        raise FrameError(
            "unsupported_version",
            f'this server speaks protocol version {VERSION}; send "v": {VERSION}',
            ref,
            kind,
            "v",
        )
    try:
        return CLIENT.validate_python(raw)
    except ValidationError as exc:
        err = exc.errors(include_url=False, include_input=False)[0]
        loc = ".".join(str(p) for p in err["loc"])
        if err["type"] == "union_tag_invalid" or err["type"] == "union_tag_not_found":
            raise FrameError(
                "unknown_type", f"unknown message type {kind!r}", ref, kind, "type"
            ) from None
        # the first location element is the union tag (which may hold a dot: media.offer)
        field = ".".join(str(part) for part in err["loc"][1:]) or loc
        raise FrameError(
            "invalid_message", f"{kind}: {field}: {err['msg']}", ref, kind, field
        ) from None
