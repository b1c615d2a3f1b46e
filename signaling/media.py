"""The seam to the media server: the signalling hub routes `media.*` messages to a backend.

The media area registers one with `app[SERVICES]["media_backend"] = backend` in its setup; until
then `media.offer` is answered with the error `media_unavailable`. After every change to a room
the hub calls `apply_routing` with the pure routing facts (conference.domain.roster.routing).
To push an offer to a participant (renegotiation), a backend calls
`Hub.send_to(hearing_id, participant_id, ServerMediaOffer(...))`.
"""

from __future__ import annotations

from typing import Protocol

from conference.domain.roster import Routing
from signaling.protocol import IceCandidate

MEDIA_BACKEND = "media_backend"  # key in app[SERVICES]


class MediaBackend(Protocol):
    async def connect(self, hearing_id: str, participant_id: str, offer_sdp: str) -> str:
        """First offer from a participant: return the answer SDP."""

    async def renegotiate(self, hearing_id: str, participant_id: str, offer_sdp: str) -> str:
        """A later offer from the same participant: return the answer SDP."""

    async def accept_answer(self, hearing_id: str, participant_id: str, answer_sdp: str) -> None:
        """The participant's answer to an offer the server pushed."""

    async def add_candidate(
        self, hearing_id: str, participant_id: str, candidate: IceCandidate
    ) -> None: ...

    async def close(self, hearing_id: str, participant_id: str) -> None: ...

    async def apply_routing(self, hearing_id: str, routing: dict[str, Routing]) -> None:
        """Who may send what, in which zone, hidden from whom: apply it to the media routes."""
