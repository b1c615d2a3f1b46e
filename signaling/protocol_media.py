"""The media messages of the signalling protocol: a participant's two connections (one per
kind) to the court's media server, and the quality the server measures on them.

Import them from signaling.protocol, which re-exports them; docs/signaling.md and
docs/media.md describe the exchange.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from signaling.protocol_base import KIND, SDP, IceCandidate, Message


class MediaOffer(Message):
    """Negotiate one of your two media connections (`kind`) with the server's media server;
    a new offer for a kind replaces that connection (rejoin after a failure)."""

    type: Literal["media.offer"]
    to: Literal["server"] = "server"
    kind: KIND
    sdp: SDP


class MediaAnswer(Message):
    """Your answer to an offer the server sent on the `kind` connection."""

    type: Literal["media.answer"]
    to: Literal["server"] = "server"
    kind: KIND
    sdp: SDP


class MediaCandidate(Message):
    type: Literal["media.candidate"]
    to: Literal["server"] = "server"
    kind: KIND
    candidate: IceCandidate


class _FromServer(Message):
    """Sent by the media server itself on one of the participant's two connections."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)
    from_: Literal["server"] = Field(default="server", alias="from")
    kind: KIND


class ServerMediaAnswer(_FromServer):
    type: Literal["media.answer"] = "media.answer"
    sdp: str


class ServerMediaOffer(_FromServer):
    type: Literal["media.offer"] = "media.offer"
    sdp: str


class ServerMediaCandidate(_FromServer):
    type: Literal["media.candidate"] = "media.candidate"
    candidate: IceCandidate


class MediaQuality(Message):
    """A participant's media connection as the server sees it: sent every few seconds to
    court staff and to the participant, and at once when a connection fails."""

    type: Literal["media.quality"] = "media.quality"
    participant_id: str
    state: str  # connecting, connected, failed, closed
    fraction_lost: float  # upstream loss, 0..1, over the last interval
    round_trip_ms: float | None
    bitrate_in_kbps: float
    bitrate_out_kbps: float
    receiving: bool  # their media reached the server in the last interval
