"""Signalling's MediaBackend over the embedded aiortc media server (conference/media/server.py).

What crosses here: offers and answers per connection kind; the room's routing after every
change (mapped to MediaFacts by the pure roster.media_facts); the recording switch; offers the
server pushes when someone new arrives; connection quality for the roster; and each finished
recording file's SHA-256, written into the hearing record's hash chain.

The media server is this node's own: a hearing's media needs its participants on the node
that holds it (the proxy pins a hearing to a node; see docs/media.md).
"""

from __future__ import annotations

import contextlib
import logging

from conference.domain import room_events as ev
from conference.domain.clock import Clock
from conference.domain.errors import NotFound
from conference.domain.media_routing import MediaKind
from conference.domain.roster import Routing, media_facts
from conference.media.connection import LinkState, Quality
from conference.media.recorder import RecordingInfo
from conference.media.server import MediaServer
from signaling.hub import Hub
from signaling.protocol import IceCandidate, MediaQuality, ServerMediaOffer

log = logging.getLogger(__name__)


class MediaBridge:
    def __init__(self, server: MediaServer, hub: Hub, clock: Clock) -> None:
        self.server, self.hub, self.clock = server, hub, clock
        server.on_offer = self._push_offer
        server.quality_listeners.append(self._quality)
        server.state_listeners.append(self._state)
        server.recording_listeners.append(self._into_record)

    async def detach(self) -> None:
        """Signalling stops before the media server does: finish the recordings while the hub
        can still write their hashes into the hearing record, then stop listening."""
        for hearing_id in list(self.server.hearings):
            await self.server.stop_recording(hearing_id)
        self.server.on_offer = None
        self.server.quality_listeners.remove(self._quality)
        self.server.state_listeners.remove(self._state)
        self.server.recording_listeners.remove(self._into_record)

    # --- MediaBackend -----------------------------------------------------------------------

    async def connect(self, hearing_id: str, participant_id: str, kind: str, offer_sdp: str) -> str:
        return await self.server.connect(hearing_id, participant_id, MediaKind(kind), offer_sdp)

    async def accept_answer(
        self, hearing_id: str, participant_id: str, kind: str, answer_sdp: str
    ) -> None:
        await self.server.accept_answer(participant_id, MediaKind(kind), answer_sdp)

    async def add_candidate(
        self, hearing_id: str, participant_id: str, kind: str, candidate: IceCandidate
    ) -> None:
        await self.server.add_candidate(
            participant_id,
            MediaKind(kind),
            candidate.candidate,
            candidate.sdp_mid,
            candidate.sdp_mline_index,
        )

    async def close(self, hearing_id: str, participant_id: str) -> None:
        await self.server.close(participant_id)

    async def apply_room(
        self, hearing_id: str, routing: dict[str, Routing], recording: bool
    ) -> None:
        await self.server.apply_routing(hearing_id, [media_facts(r) for r in routing.values()])
        if recording:
            await self.server.start_recording(hearing_id)
        else:
            await self.server.stop_recording(hearing_id)

    async def end_hearing(self, hearing_id: str) -> None:
        await self.server.end_hearing(hearing_id)

    # --- from the media server --------------------------------------------------------------

    async def _push_offer(
        self, hearing_id: str, participant_id: str, kind: MediaKind, sdp: str
    ) -> None:
        await self.hub.send_to(
            hearing_id, participant_id, ServerMediaOffer(v=1, kind=kind.value, sdp=sdp)
        )

    async def _quality(self, hearing_id: str, quality: Quality) -> None:
        message = MediaQuality(
            v=1,
            participant_id=quality.participant_id,
            state=quality.state,
            fraction_lost=round(quality.fraction_lost, 4),
            round_trip_ms=None if quality.round_trip_ms is None else round(quality.round_trip_ms),
            bitrate_in_kbps=round(quality.bitrate_in_kbps, 1),
            bitrate_out_kbps=round(quality.bitrate_out_kbps, 1),
            receiving=quality.receiving,
        )
        for viewer in self._who_sees_quality(hearing_id, quality.participant_id):
            await self.hub.send_to(hearing_id, viewer, message)

    async def _state(
        self, hearing_id: str, participant_id: str, kind: MediaKind, state: LinkState
    ) -> None:
        """A failed connection is shown at once, not at the next stats round."""
        if state is not LinkState.FAILED:
            return
        with contextlib.suppress(NotFound):
            await self._quality(hearing_id, await self.server.quality(participant_id))

    def _who_sees_quality(self, hearing_id: str, participant_id: str) -> list[str]:
        """The participant themself, and court staff they are not hidden from."""
        live = self.hub.rooms.get(hearing_id)
        room = live.room if live is not None else None
        if room is None or participant_id not in room.seats:
            return []
        hidden = set(room.seats[participant_id].hidden_from)
        return [
            pid
            for pid, seat in room.seats.items()
            if seat.connected and (pid == participant_id or (seat.is_staff and pid not in hidden))
        ]

    async def _into_record(self, info: RecordingInfo) -> None:
        root = self.server.settings.recordings_path
        name = info.path.relative_to(root) if info.path.is_relative_to(root) else info.path.name
        event = ev.RecordingSaved(
            at=self.clock(),
            speaker_id=info.participant_id,
            kind=info.kind.value,
            file=str(name),
            sha256=info.sha256,
            bytes=info.bytes,
            started_at=info.started_at,
            ended_at=info.ended_at,
        )
        await self.hub.execute(info.hearing_id, lambda room: [event])
