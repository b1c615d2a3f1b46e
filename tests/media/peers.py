"""Real aiortc participants for the media tests: a synthetic camera (a flat picture whose
brightness says whose it is) and a sine microphone, one RTCPeerConnection per kind, answering
the server's renegotiations like a browser would."""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections import Counter
from collections.abc import Callable
from typing import Any

import av
from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import (
    AudioStreamTrack,
    MediaStreamError,
    MediaStreamTrack,
    VideoStreamTrack,
)

from conference.domain.media_routing import MediaKind
from conference.media.server import MediaServer
from signaling import protocol as p
from signaling.client import SignalingClient

WIDTH, HEIGHT = 320, 240


class ColourCamera(VideoStreamTrack):
    """Frames of one flat luma value: the receiver can tell whose picture it got."""

    def __init__(self, luma: int) -> None:
        super().__init__()
        self.luma = luma

    async def recv(self) -> av.VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
        frame.planes[0].update(bytes([self.luma]) * frame.planes[0].buffer_size)
        for plane in frame.planes[1:]:
            plane.update(bytes([128]) * plane.buffer_size)
        frame.pts, frame.time_base = pts, time_base
        return frame


class SineMicrophone(AudioStreamTrack):
    def __init__(self, hz: float) -> None:
        super().__init__()
        self.hz = hz
        self._n = 0

    async def recv(self) -> av.AudioFrame:
        frame = await super().recv()  # paced silence with the right timestamps
        assert isinstance(frame, av.AudioFrame)
        samples = frame.samples
        data = bytearray()
        for i in range(samples):
            v = int(8000 * math.sin(2 * math.pi * self.hz * (self._n + i) / 48000))
            data += v.to_bytes(2, "little", signed=True)
        self._n += samples
        frame.planes[0].update(bytes(data))
        return frame


def mean_luma(frame: av.VideoFrame) -> float:
    """Mean of the luma plane's middle row (no line padding, no edge effects)."""
    plane = frame.planes[0]
    row = bytes(plane)[plane.line_size * (frame.height // 2) :][: frame.width]
    return sum(row) / len(row)


class Peer:
    def __init__(
        self,
        server: MediaServer | None,
        hearing_id: str,
        participant_id: str,
        *,
        luma: int = 128,
        send_audio: bool = True,
        send_video: bool = True,
        ice_servers: list[RTCIceServer] | None = None,
        relay_only: bool = False,
    ) -> None:
        self.server = server
        self.hearing_id = hearing_id
        self.id = participant_id
        self.luma = luma
        self.sends = {MediaKind.AUDIO: send_audio, MediaKind.VIDEO: send_video}
        self.pcs: dict[MediaKind, RTCPeerConnection] = {}
        self.answers: dict[MediaKind, str] = {}  # the server's answer SDP per kind
        self.frames: Counter[tuple[str, MediaKind]] = Counter()
        self.lumas: dict[str, float] = {}
        self._changed = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._config = RTCConfiguration(
            iceServers=ice_servers or [],
            iceTransportPolicy=RTCIceTransportPolicy.RELAY
            if relay_only
            else RTCIceTransportPolicy.ALL,
        )

    async def join(self) -> None:
        for kind in MediaKind:
            pc = RTCPeerConnection(self._config)
            self.pcs[kind] = pc
            pc.on("track", self._on_track(kind))
            if self.sends[kind]:
                track: MediaStreamTrack = (
                    ColourCamera(self.luma) if kind is MediaKind.VIDEO else SineMicrophone(440)
                )
                pc.addTransceiver(track, direction="sendonly")
            else:
                pc.addTransceiver(kind.value, direction="recvonly")
            await pc.setLocalDescription(await pc.createOffer())
            answer = self.answers[kind] = await self.send_offer(kind, pc.localDescription.sdp)
            await pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))

    async def handle_offer(self, kind: MediaKind, sdp: str) -> None:
        pc = self.pcs[kind]
        await pc.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        await self.send_answer(kind, pc.localDescription.sdp)

    # How offers and answers travel: straight to the engine here; over /ws in WsPeer.
    async def send_offer(self, kind: MediaKind, sdp: str) -> str:
        assert self.server is not None
        return await self.server.connect(self.hearing_id, self.id, kind, sdp)

    async def send_answer(self, kind: MediaKind, sdp: str) -> None:
        assert self.server is not None
        await self.server.accept_answer(self.id, kind, sdp)

    def _on_track(self, kind: MediaKind) -> Callable[[MediaStreamTrack], None]:
        def on_track(track: MediaStreamTrack) -> None:
            self._tasks.append(asyncio.ensure_future(self._read(kind, track)))

        return on_track

    async def _read(self, kind: MediaKind, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                self.frames[(track.id, kind)] += 1
                if isinstance(frame, av.VideoFrame):
                    self.lumas[track.id] = mean_luma(frame)
                self._changed.set()

    def got(self, publisher: str, kind: MediaKind) -> int:
        return self.frames[(publisher, kind)]

    async def wait_for(
        self, publisher: str, kind: MediaKind, count: int, within: float = 10
    ) -> None:
        """Until `count` more frames of `kind` from `publisher` have arrived."""
        target = self.got(publisher, kind) + count

        async def until() -> None:
            while self.got(publisher, kind) < target:
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(until(), within)
        except TimeoutError:
            raise AssertionError(
                f"{self.id} got {self.got(publisher, kind)} {kind.value} frames from"
                f" {publisher}, wanted {target}; all: {dict(self.frames)}"
            ) from None

    async def leave(self) -> None:
        for task in self._tasks:
            task.cancel()
        for pc in self.pcs.values():
            await pc.close()
        await asyncio.gather(*self._tasks, return_exceptions=True)


class Signalling:
    """Stands in for the signalling area: delivers the server's offers to the right peer."""

    def __init__(self, server: MediaServer) -> None:
        self.peers: dict[str, Peer] = {}
        self.offers = 0
        server.on_offer = self.offer

    async def offer(self, hearing_id: str, participant_id: str, kind: MediaKind, sdp: str) -> None:
        self.offers += 1
        await self.peers[participant_id].handle_offer(kind, sdp)

    def add(self, peer: Peer) -> Peer:
        self.peers[peer.id] = peer
        return peer


class WsPeer(Peer):
    """A participant whose media is negotiated over the signalling WebSocket, as a browser's
    would be: media.offer per kind, and answers to the server's media.offer pushes."""

    def __init__(self, client: SignalingClient, **kw: Any) -> None:
        assert client.participant_id is not None and client.hearing is not None
        super().__init__(None, client.hearing.hearing_id, client.participant_id, **kw)
        self.client = client
        client.listeners.append(self._on_message)

    def _on_message(self, message: p.ServerMessage) -> None:
        if isinstance(message, p.ServerMediaOffer):
            self._tasks.append(
                asyncio.ensure_future(self.handle_offer(MediaKind(message.kind), message.sdp))
            )

    async def send_offer(self, kind: MediaKind, sdp: str) -> str:
        answer = await self.client.request("media.offer", kind=kind.value, sdp=sdp)
        assert isinstance(answer, p.ServerMediaAnswer) and answer.kind == kind.value
        return answer.sdp

    async def send_answer(self, kind: MediaKind, sdp: str) -> None:
        await self.client.send(self.client.message("media.answer", kind=kind.value, sdp=sdp))
