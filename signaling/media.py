"""The seam to the media server: the signalling hub routes `media.*` messages to a backend.

Signalling's setup puts one behind `signaling.keys.MEDIA_BACKEND`: the MediaBridge
(signaling/media_bridge.py) over the embedded aiortc server that conference/media's setup
created; without one, `media.offer` is answered with the error `media_unavailable`. After
every change to a room the hub calls `apply_room` with the pure routing facts
(conference.domain.roster.routing) and whether the court is recording. To push an offer to a
participant (renegotiation), a backend calls
`Hub.send_to(hearing_id, participant_id, ServerMediaOffer(...))`.
"""

from __future__ import annotations

from typing import Protocol

from conference.domain.roster import Routing
from signaling.protocol import IceCandidate


class MediaBackend(Protocol):
    async def connect(self, hearing_id: str, participant_id: str, kind: str, offer_sdp: str) -> str:
        """An offer for the participant's `kind` connection: return the answer SDP. A second
        offer for the same kind replaces that connection."""

    async def accept_answer(
        self, hearing_id: str, participant_id: str, kind: str, answer_sdp: str
    ) -> None:
        """The participant's answer to an offer the server pushed."""

    async def add_candidate(
        self, hearing_id: str, participant_id: str, kind: str, candidate: IceCandidate
    ) -> None: ...

    async def close(self, hearing_id: str, participant_id: str) -> None: ...

    async def apply_room(
        self, hearing_id: str, routing: dict[str, Routing], recording: bool
    ) -> None:
        """Who may send what, in which zone, hidden from whom, and whether to record: apply it
        to the media routes. Called after every change; must be idempotent."""

    async def end_hearing(self, hearing_id: str) -> None:
        """The hearing is closed: stop recording and drop every connection."""
