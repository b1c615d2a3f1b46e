"""The embedded media server (SFU) for hearings: the engine signalling drives.

Signalling owns the protocol and the room's rules; it calls this engine:

- `connect(hearing_id, participant_id, kind, offer_sdp) -> answer_sdp` for each of the
  participant's two connections (kind audio and kind video); calling it again for the same
  participant and kind replaces the old connection (rejoin after a failure).
- `on_offer(hearing_id, participant_id, kind, sdp)` is awaited when the server must renegotiate
  (someone new joined): signalling sends the offer to the participant and hands the answer back
  through `accept_answer(participant_id, kind, answer_sdp)`.
- `apply_routing(hearing_id, facts)` whenever the room changes (mute, call in, consultation
  room, screen): only gates open and close, nothing is renegotiated.
- `close(participant_id)`, `quality(participant_id)`, `start_recording(hearing_id)`,
  `stop_recording(hearing_id)`, and listeners for connection state, quality and finished
  recordings.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime

from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpReceiver,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamTrack
from aiortc.sdp import candidate_from_sdp

from conference.domain.clock import Clock, system_clock
from conference.domain.errors import InvalidValue, NotFound
from conference.domain.media_routing import Forward, MediaFacts, MediaKind, recorded, route
from conference.media.connection import Connection, LinkState, Quality, Slot
from conference.media.decoding import DecodedTrack
from conference.media.forwarding import Gate
from conference.media.network import configure_network
from conference.media.passthrough import (
    FORWARDED_CODECS,
    ForwardedTrack,
    PassThroughSource,
    attach_sender,
    create_reoffer,
    install_receiver,
    label_sender,
    restrict_codecs,
)
from conference.media.quality import measure
from conference.media.recording import HearingRecording, RecordingInfo
from conference.settings import Settings

log = logging.getLogger(__name__)

OfferHandler = Callable[[str, str, MediaKind, str], Awaitable[None]]
StateListener = Callable[[str, str, MediaKind, LinkState], Awaitable[None]]
QualityListener = Callable[[str, Quality], Awaitable[None]]
RecordingListener = Callable[[RecordingInfo], Awaitable[None]]


class Hearing:
    def __init__(self, hearing_id: str) -> None:
        self.id = hearing_id
        self.connections: dict[tuple[str, MediaKind], Connection] = {}
        self.facts: list[MediaFacts] = []
        self.forwards: frozenset[Forward] = frozenset()
        self.recorded: frozenset[tuple[str, MediaKind]] = frozenset()
        self.recording: HearingRecording | None = None

    def publishers(self, kind: MediaKind) -> list[Connection]:
        return [
            c for c in self.connections.values() if c.kind is kind and c.remote_track is not None
        ]


class MediaServer:
    def __init__(self, settings: Settings, *, clock: Clock = system_clock) -> None:
        self.settings = settings
        self.clock = clock
        self.hearings: dict[str, Hearing] = {}
        self.on_offer: OfferHandler | None = None
        self.state_listeners: list[StateListener] = []
        self.quality_listeners: list[QualityListener] = []
        self.recording_listeners: list[RecordingListener] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._undo_network = configure_network(
            settings.media_gather_addresses, settings.media_udp_rcvbuf_bytes
        )
        self._watcher: asyncio.Task[None] | None = None

    # -- connections ---------------------------------------------------------------------------

    async def connect(
        self, hearing_id: str, participant_id: str, kind: MediaKind, offer_sdp: str
    ) -> str:
        """Answer a participant's offer for their `kind` connection; returns the answer SDP."""
        _check_offer(offer_sdp, kind)
        hearing = self.hearings.setdefault(hearing_id, Hearing(hearing_id))
        old = hearing.connections.get((participant_id, kind))
        if old is not None:
            await self._drop(hearing, old)
        pc = RTCPeerConnection(RTCConfiguration(iceServers=self._server_ice()))
        conn = Connection(hearing_id, participant_id, kind, pc)
        hearing.connections[conn.key] = conn
        self._watch_state(hearing, conn)

        refused: list[str] = []

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            for t in pc.getTransceivers():
                if t.receiver.track is track and track.kind == kind.value:
                    if not restrict_codecs(t, kind.value):
                        refused.append(FORWARDED_CODECS[kind.value])
                        return
                    conn.remote_track = track
                    conn.source = self._make_source(t.receiver, kind)

        try:
            await pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
            if refused:
                raise InvalidValue(f"the {kind.value} offer must include {refused[0]}", field="sdp")
            await pc.setLocalDescription(await pc.createAnswer())
        except InvalidValue:
            await self._drop(hearing, conn)
            raise
        except Exception as exc:
            await self._drop(hearing, conn)
            raise InvalidValue(
                f"the {kind.value} offer cannot be used: {exc}", field="sdp"
            ) from exc
        conn.set_state(LinkState.CONNECTING)
        self._start_watcher()
        self._spawn(self._after_connect(hearing, conn))
        return str(pc.localDescription.sdp)

    async def accept_answer(self, participant_id: str, kind: MediaKind, answer_sdp: str) -> None:
        conn = self._find(participant_id, kind)
        if conn.answer is None or conn.answer.done():
            raise InvalidValue(
                f"no offer is waiting for an answer on {participant_id}'s {kind.value} connection",
                field="sdp",
            )
        conn.answer.set_result(answer_sdp)

    async def add_candidate(
        self,
        participant_id: str,
        kind: MediaKind,
        candidate: str,
        sdp_mid: str | None,
        sdp_mline_index: int | None,
    ) -> None:
        """A trickled remote candidate ("candidate:..." as in the browser's event)."""
        conn = self._find(participant_id, kind)
        if not candidate:
            return  # end of candidates: aiortc needs no marker
        try:
            parsed = candidate_from_sdp(candidate.removeprefix("candidate:"))
        except (ValueError, IndexError) as exc:
            raise InvalidValue(f"cannot read the candidate: {exc}", field="candidate") from exc
        parsed.sdpMid, parsed.sdpMLineIndex = sdp_mid, sdp_mline_index
        if parsed.sdpMid is None and parsed.sdpMLineIndex is None:
            parsed.sdpMLineIndex = 0
        await conn.pc.addIceCandidate(parsed)

    async def close(self, participant_id: str) -> None:
        """The participant left: close their connections; others keep their media."""
        for hearing in list(self.hearings.values()):
            for conn in [
                c for c in hearing.connections.values() if c.participant_id == participant_id
            ]:
                await self._drop(hearing, conn)

    async def end_hearing(self, hearing_id: str) -> list[RecordingInfo]:
        """The hearing is over: stop its recording, close every connection, forget it."""
        hearing = self.hearings.get(hearing_id)
        if hearing is None:
            return []
        infos = await self.stop_recording(hearing_id)
        for conn in list(hearing.connections.values()):
            await self._drop(hearing, conn)
        del self.hearings[hearing_id]
        return infos

    async def shutdown(self) -> None:
        for hearing in list(self.hearings.values()):
            if hearing.recording is not None:
                await self.stop_recording(hearing.id)
            for conn in list(hearing.connections.values()):
                await self._drop(hearing, conn)
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._undo_network()

    # -- routing -------------------------------------------------------------------------------

    async def apply_routing(self, hearing_id: str, facts: Iterable[MediaFacts]) -> None:
        hearing = self.hearings.setdefault(hearing_id, Hearing(hearing_id))
        hearing.facts = list(facts)
        hearing.forwards = route(hearing.facts)  # checks the facts before anything changes
        hearing.recorded = recorded(hearing.facts)
        self._apply_gates(hearing)

    def _apply_gates(self, hearing: Hearing) -> None:
        for conn in hearing.connections.values():
            for slot in conn.slots.values():
                slot.gate.set_open(
                    Forward(slot.publisher_id, conn.participant_id, conn.kind) in hearing.forwards
                )
        if hearing.recording is not None:
            hearing.recording.apply(hearing.recorded)

    def decoded(self, participant_id: str, kind: MediaKind) -> DecodedTrack:
        """Decoded frames of what a participant sends, for a consumer that needs them (a
        transcript). Call .stop() on the track when done."""
        conn = self._find(participant_id, kind)
        if conn.source is None:
            raise NotFound(f"participant {participant_id} sends no {kind.value}")
        return DecodedTrack(conn.source, kind)

    # -- recording -----------------------------------------------------------------------------

    async def start_recording(self, hearing_id: str) -> None:
        hearing = self._hearing(hearing_id)
        if hearing.recording is not None:
            return
        hearing.recording = HearingRecording(
            hearing_id, self.settings, self.clock, self._recording_finished
        )
        for conn in hearing.connections.values():
            if conn.source is not None:
                hearing.recording.add(conn.participant_id, conn.kind, conn.source)
        hearing.recording.apply(hearing.recorded)

    async def stop_recording(self, hearing_id: str) -> list[RecordingInfo]:
        """Stop, close and hash every file of this recording; returns them (also announced to
        the recording listeners)."""
        hearing = self._hearing(hearing_id)
        recording, hearing.recording = hearing.recording, None
        if recording is None:
            return []
        return await recording.stop()

    async def _recording_finished(self, info: RecordingInfo) -> None:
        for listener in list(self.recording_listeners):
            try:
                await listener(info)
            except Exception:
                log.exception("recording listener failed for %s", info.path)

    # -- quality -------------------------------------------------------------------------------

    async def quality(self, participant_id: str) -> Quality:
        conns = [
            c
            for h in self.hearings.values()
            for c in h.connections.values()
            if c.participant_id == participant_id
        ]
        if not conns:
            raise NotFound(f"participant {participant_id} has no media connection")
        return await measure(participant_id, conns, self.settings.media_stats_interval_seconds)

    def _start_watcher(self) -> None:
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.ensure_future(self._watch_quality())

    async def _watch_quality(self) -> None:
        while True:
            await asyncio.sleep(self.settings.media_stats_interval_seconds)
            for hearing in list(self.hearings.values()):
                by_participant: dict[str, list[Connection]] = {}
                for conn in hearing.connections.values():
                    by_participant.setdefault(conn.participant_id, []).append(conn)
                for pid, conns in by_participant.items():
                    try:
                        q = await measure(pid, conns, self.settings.media_stats_interval_seconds)
                    except Exception:
                        log.exception("could not read media stats for %s", pid)
                        continue
                    was = conns[0].last
                    for c in conns:
                        c.last = q
                    if (
                        was is not None
                        and was.receiving
                        and not q.receiving
                        and q.state == "connected"
                    ):
                        log.warning(
                            "no media from %s in hearing %s for %.1f s",
                            pid,
                            hearing.id,
                            2 * self.settings.media_stats_interval_seconds,
                        )
                    for listener in list(self.quality_listeners):
                        try:
                            await listener(hearing.id, q)
                        except Exception:
                            log.exception("quality listener failed")

    # -- internals -----------------------------------------------------------------------------

    def _server_ice(self) -> list[RTCIceServer]:
        urls = list(self.settings.media_stun_urls)
        return [RTCIceServer(urls=urls)] if urls else []

    def _hearing(self, hearing_id: str) -> Hearing:
        try:
            return self.hearings[hearing_id]
        except KeyError:
            raise NotFound(f"hearing {hearing_id} has no media session") from None

    def _find(self, participant_id: str, kind: MediaKind) -> Connection:
        for hearing in self.hearings.values():
            conn = hearing.connections.get((participant_id, kind))
            if conn is not None:
                return conn
        raise NotFound(f"participant {participant_id} has no {kind.value} connection")

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _watch_state(self, hearing: Hearing, conn: Connection) -> None:
        @conn.pc.on("connectionstatechange")
        async def changed() -> None:
            mapping = {
                "connected": LinkState.CONNECTED,
                "failed": LinkState.FAILED,
                "closed": LinkState.CLOSED,
            }
            new = mapping.get(conn.pc.connectionState)
            if new is not None and new is not LinkState.CLOSED:
                await self._set_state(hearing, conn, new)

    async def _set_state(self, hearing: Hearing, conn: Connection, new: LinkState) -> None:
        if new is LinkState.CONNECTED:
            conn.connected.set()
        if conn.set_state(new):
            for listener in list(self.state_listeners):
                try:
                    await listener(hearing.id, conn.participant_id, conn.kind, new)
                except Exception:
                    log.exception("state listener failed")

    async def _after_connect(self, hearing: Hearing, conn: Connection) -> None:
        """Once connected (so the participant has applied our answer), wire the newcomer in:
        a slot for them on everyone else's connection, and slots for everyone on theirs."""
        try:
            await asyncio.wait_for(
                conn.connected.wait(), self.settings.media_connect_timeout_seconds
            )
        except TimeoutError:
            log.warning(
                "media %s/%s %s did not connect within %.0f s",
                hearing.id,
                conn.participant_id,
                conn.kind.value,
                self.settings.media_connect_timeout_seconds,
            )
            await self._set_state(hearing, conn, LinkState.FAILED)
            return
        if hearing.connections.get(conn.key) is not conn:
            return  # replaced or closed meanwhile
        if conn.source is not None:
            if hearing.recording is not None:
                hearing.recording.add(conn.participant_id, conn.kind, conn.source)
                hearing.recording.apply(hearing.recorded)
            for other in list(hearing.connections.values()):
                if other is not conn and other.kind is conn.kind:
                    self._spawn(self._sync_slots(hearing, other))
        await self._sync_slots(hearing, conn)

    async def _sync_slots(self, hearing: Hearing, conn: Connection) -> None:
        """Give `conn` a slot for every publisher of its kind; renegotiate if any is new."""
        async with conn.lock:
            if conn.state is LinkState.CLOSED or not conn.connected.is_set():
                return
            added = False
            for pub in hearing.publishers(conn.kind):
                if pub.participant_id == conn.participant_id:
                    continue
                slot = conn.slots.get(pub.participant_id)
                if slot is None:
                    conn.slots[pub.participant_id] = slot = self._new_slot(hearing, conn, pub)
                    added = True
                if pub.source is not None and slot.fed_by is not pub.source:
                    if slot.fed_by is not None:
                        slot.gate.resync()  # the publisher rejoined: start at a keyframe
                    slot.fed_by = pub.source
                    pub.source.add_sink(("slot", conn.participant_id), slot.gate)
            self._apply_gates(hearing)
            if added:
                await self._renegotiate(hearing, conn)

    def _make_source(self, receiver: RTCRtpReceiver, kind: MediaKind) -> PassThroughSource | None:
        """Called from the track event, before aiortc starts the receiver."""
        return install_receiver(
            receiver, kind.value, keyframe_interval=self.settings.media_keyframe_interval_seconds
        )

    def _new_slot(self, hearing: Hearing, conn: Connection, pub: Connection) -> Slot:
        kind = conn.kind.value
        maxlen = (
            self.settings.media_video_queue_packets
            if conn.kind is MediaKind.VIDEO
            else self.settings.media_audio_queue_packets
        )
        track = ForwardedTrack(kind, pub.participant_id, maxlen=maxlen)
        transceiver = conn.pc.addTransceiver(track, direction="sendonly")
        caps = RTCRtpSender.getCapabilities(kind).codecs
        mime = FORWARDED_CODECS[kind].lower()
        chosen = [c for c in caps if c.mimeType.lower() == mime]
        chosen += [c for c in caps if c.mimeType.lower().endswith("/rtx")]
        transceiver.setCodecPreferences(chosen)
        label_sender(transceiver.sender, pub.participant_id)
        publisher_id = pub.participant_id

        def request_keyframe() -> None:
            current = hearing.connections.get((publisher_id, conn.kind))
            if current is not None and current.source is not None:
                current.source.request_keyframe()

        attach_sender(transceiver.sender, request_keyframe)
        gate = Gate(
            track.queue.put, video=conn.kind is MediaKind.VIDEO, request_keyframe=request_keyframe
        )
        return Slot(publisher_id, transceiver, track, gate)

    async def _renegotiate(self, hearing: Hearing, conn: Connection) -> None:
        if self.on_offer is None:
            log.warning("no signalling attached: cannot renegotiate %s", conn.participant_id)
            return
        pc = conn.pc
        await pc.setLocalDescription(await create_reoffer(pc))
        conn.answer = asyncio.get_running_loop().create_future()
        await self.on_offer(hearing.id, conn.participant_id, conn.kind, pc.localDescription.sdp)
        try:
            sdp = await asyncio.wait_for(
                conn.answer, self.settings.media_negotiation_timeout_seconds
            )
            await pc.setRemoteDescription(RTCSessionDescription(sdp, "answer"))
        except TimeoutError:
            log.warning("%s did not answer the renegotiation in time", conn.participant_id)
            await self._set_state(hearing, conn, LinkState.FAILED)
        except Exception:
            log.exception("renegotiation with %s failed", conn.participant_id)
            await self._set_state(hearing, conn, LinkState.FAILED)
        finally:
            conn.answer = None

    async def _drop(self, hearing: Hearing, conn: Connection) -> None:
        if hearing.connections.get(conn.key) is conn:
            del hearing.connections[conn.key]
        if conn.source is not None:
            if hearing.recording is not None:
                await hearing.recording.remove(conn.participant_id, conn.kind)
        for other in hearing.connections.values():
            if other.source is not None:
                other.source.remove_sink(("slot", conn.participant_id))
        for slot in conn.slots.values():
            slot.track.stop()
        if conn.answer is not None and not conn.answer.done():
            conn.answer.cancel()
        await self._set_state(hearing, conn, LinkState.CLOSED)
        conn.state = LinkState.CLOSED
        await conn.pc.close()


def _check_offer(sdp: str, kind: MediaKind) -> None:
    kinds = [line.split()[0][2:] for line in sdp.splitlines() if line.startswith("m=")]
    if not kinds:
        raise InvalidValue("the offer has no media section", field="sdp")
    wrong = sorted({k for k in kinds if k != kind.value})
    if wrong:
        raise InvalidValue(
            f"the {kind.value} connection carries {kind.value} only; the offer also has"
            f" {', '.join(wrong)} (use one connection per kind)",
            field="sdp",
        )


def now_utc(clock: Clock) -> datetime:
    return clock()
