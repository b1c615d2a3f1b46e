"""Decoded frames on demand: for a consumer that needs pictures or sound (a transcript, a
snapshot), never for forwarding or recording.

A DecodedTrack is one more sink on a publisher's PassThroughSource. Decoding runs in its own
thread with aiortc's decoders; both queues are bounded and drop the oldest item when full, so a
slow consumer costs frames, never memory or the event loop's time.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections import deque

import av
from aiortc.codecs import get_decoder
from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from conference.domain.media_routing import MediaKind
from conference.media.passthrough import PassThroughSource

log = logging.getLogger(__name__)

CODECS = {
    MediaKind.AUDIO: RTCRtpCodecParameters(mimeType="audio/opus", clockRate=48000, channels=2),
    MediaKind.VIDEO: RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000),
}


class DecodedTrack(MediaStreamTrack):
    def __init__(self, source: PassThroughSource, kind: MediaKind, *, maxlen: int = 30) -> None:
        super().__init__()
        self.kind = kind.value
        self.dropped = 0
        self._source = source
        self._event_loop = asyncio.get_running_loop()
        self._in: queue.Queue[av.Packet | None] = queue.Queue(maxlen)
        self._out: deque[av.frame.Frame] = deque(maxlen=maxlen)
        self._ready = asyncio.Event()
        self._decoder = get_decoder(CODECS[kind])
        self._thread = threading.Thread(target=self._run, name=f"decode-{kind}", daemon=True)
        self._thread.start()
        source.add_sink(("decoded", id(self)), self._push)
        if kind is MediaKind.VIDEO:
            source.request_keyframe()  # decoding starts at a keyframe

    def _push(self, packet: av.Packet) -> None:
        try:
            self._in.put_nowait(packet)
        except queue.Full:
            self.dropped += 1

    def _run(self) -> None:
        while (packet := self._in.get()) is not None:
            assert packet.pts is not None
            try:
                frames = self._decoder.decode(JitterFrame(bytes(packet), packet.pts))
            except av.FFmpegError as exc:
                log.debug("could not decode a %s frame: %s", self.kind, exc)
                continue
            for frame in frames:
                self._event_loop.call_soon_threadsafe(self._deliver, frame)

    def _deliver(self, frame: av.frame.Frame) -> None:
        if len(self._out) == self._out.maxlen:
            self.dropped += 1
        self._out.append(frame)
        self._ready.set()

    async def recv(self) -> av.frame.Frame:  # type: ignore[override]
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            if self._out:
                return self._out.popleft()
            if self._source.ended:
                raise MediaStreamError
            self._ready.clear()
            await self._ready.wait()

    def stop(self) -> None:
        if self.readyState == "live":
            self._source.remove_sink(("decoded", id(self)))
            self._in.put(None)
            self._ready.set()
        super().stop()
