"""Forward encoded media through aiortc without decoding it: the ONE module on aiortc internals.

aiortc's RTCRtpReceiver always decodes (a thread per track, `decoder_worker`, feeding an
unbounded queue), and the maintainer said there is no public way around it (aiortc #449). Its
RTCRtpSender, though, packs pre-encoded `av.Packet`s as they are (`_next_encoded_frame` ->
`Encoder.pack`). So:

- `install_receiver` swaps the receiver's decoder queue for a `PassThroughSource` before
  `receive()` starts: each complete encoded frame from the jitter buffer becomes an `av.Packet`
  handed, on the event loop, to the sinks (subscribers' queues, the recorder). The decoder
  thread aiortc starts anyway only waits for the end of the track.
- `ForwardedTrack` is what a subscriber's RTCRtpSender reads: a bounded queue of packets that
  drops the oldest on overflow (counted), so a slow subscriber never grows memory.
- `PassThroughSource.request_keyframe` sends aiortc's PLI for the media SSRC, never the RTX one
  aiortc also lists among its synchronization sources.
- `attach_sender` replaces the sender's keyframe flag (useless when nothing is encoded) by a
  callback, so a subscriber's PLI/FIR becomes a PLI to the publisher.
- `create_reoffer` keeps a connection's negotiated payload types and RTP header extension ids
  when the server renegotiates (aiortc would renumber them; browsers refuse or follow that,
  and aiortc's receiver then drops the renumbered packets).

Everything here was read against and tested with the aiortc/aioice versions below; an upgrade
means re-reading `rtcrtpreceiver.py` (`receive`, `_handle_rtp_packet`, `__stop_decoder`),
`rtcrtpsender.py` (`_handle_rtcp_packet`, `_next_encoded_frame`) and aioice's `ice.py`, then
adding the version to `pinned.py`. (aioice's sockets are `network.py`'s business.)
"""

from __future__ import annotations

import asyncio
import copy
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import aiortc
import aiortc.sdp
import av
from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcpeerconnection import filter_preferred_codecs

from conference.media.pinned import UntestedAiortc, check_versions  # noqa: F401  (the pin)

log = logging.getLogger(__name__)

Sink = Callable[[av.Packet], None]


def is_vp8_keyframe(data: bytes) -> bool:
    """A VP8 frame is a keyframe when bit 0 of its first byte is clear (RFC 6386 9.1)."""
    return bool(data) and not data[0] & 0x01


def vp8_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a VP8 keyframe header, or None for an inter frame."""
    if len(data) < 10 or not is_vp8_keyframe(data) or data[3:6] != b"\x9d\x01\x2a":
        return None
    width = int.from_bytes(data[6:8], "little") & 0x3FFF
    height = int.from_bytes(data[8:10], "little") & 0x3FFF
    return width, height


class PacketQueue:
    """A bounded FIFO of packets on the event loop; when full, the oldest is dropped."""

    def __init__(self, maxlen: int) -> None:
        self._items: deque[av.Packet] = deque()
        self._maxlen = maxlen
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._items)

    def put(self, packet: av.Packet) -> None:
        if self._closed:
            return
        if len(self._items) >= self._maxlen:
            self._items.popleft()
            self.dropped += 1
        self._items.append(packet)
        self._wake()

    def clear(self) -> None:
        self._items.clear()

    def close(self) -> None:
        self._closed = True
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def get(self) -> av.Packet | None:
        """The next packet, or None once closed."""
        while not self._items:
            if self._closed:
                return None
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.popleft()


class PassThroughSource:
    """Stands in for an RTCRtpReceiver's decoder queue; hands encoded frames to sinks.

    aiortc calls `put((codec, encoded_frame))` on the event loop for every complete frame and
    `put(None)` when the receiver stops; its decoder thread calls `get()`, which here only
    blocks until the end and then returns None (which ends the remote track as usual).
    """

    def __init__(self, receiver: RTCRtpReceiver, kind: str, *, keyframe_interval: float) -> None:
        self.receiver = receiver
        self.kind = kind
        self.codec_name: str | None = None
        self.clock_rate = 0
        self.frames = 0
        self.bytes = 0
        self.sink_errors = 0
        self.last_frame_at: float | None = None  # time.monotonic()
        self.size: tuple[int, int] | None = None  # video: from the last keyframe
        self._sinks: dict[object, Sink] = {}
        self._ended = threading.Event()
        self._keyframe_interval = keyframe_interval
        self._last_keyframe_request = -1e9
        self._pending_keyframe: asyncio.TimerHandle | None = None
        self._on_end: list[Callable[[], None]] = []

    # -- the queue.Queue face aiortc uses -----------------------------------------------------

    def put(self, task: Any) -> None:
        if task is None:
            self._end()
            return
        codec, encoded = task
        data = bytes(encoded.data)
        packet = av.Packet(data)
        packet.pts = packet.dts = encoded.timestamp
        packet.time_base = Fraction(1, codec.clockRate)
        if self.kind == "video":
            packet.is_keyframe = is_vp8_keyframe(data)
            if packet.is_keyframe:
                self.size = vp8_size(data) or self.size
        else:
            packet.is_keyframe = True
        self.codec_name = codec.name
        self.clock_rate = codec.clockRate
        self.frames += 1
        self.bytes += len(data)
        self.last_frame_at = time.monotonic()
        for sink in list(self._sinks.values()):
            try:
                sink(packet)
            except Exception:  # one bad consumer must not stop the others' media
                self.sink_errors += 1
                log.exception("media sink failed on a %s packet; continuing", self.kind)

    def get(self, block: bool = True, timeout: float | None = None) -> None:
        self._ended.wait()
        return None

    # -- for the server ------------------------------------------------------------------------

    @property
    def ended(self) -> bool:
        return self._ended.is_set()

    def add_sink(self, key: object, sink: Sink) -> None:
        self._sinks[key] = sink

    def remove_sink(self, key: object) -> None:
        self._sinks.pop(key, None)

    def on_end(self, callback: Callable[[], None]) -> None:
        self._on_end.append(callback)

    def request_keyframe(self) -> None:
        """Ask the publisher for a keyframe (RTCP PLI), at most once per keyframe_interval."""
        if self.kind != "video" or self.ended:
            return
        now = time.monotonic()
        wait = self._last_keyframe_request + self._keyframe_interval - now
        if wait > 0:
            # too soon after the last one: send it when the interval is over (once)
            if self._pending_keyframe is None:
                loop = asyncio.get_running_loop()
                self._pending_keyframe = loop.call_later(wait, self._send_pending_keyframe)
            return
        ssrc = self._media_ssrc()
        if ssrc is None:
            return
        self._last_keyframe_request = now
        task = asyncio.ensure_future(self.receiver._send_rtcp_pli(ssrc))
        task.add_done_callback(_log_failure)

    def _media_ssrc(self) -> int | None:
        """The SSRC a PLI must name. aiortc's synchronization sources also list the RTX
        stream (Chrome sends its bandwidth probes there, often first); a PLI naming it is
        ignored, so an RTX SSRC is mapped to the media SSRC it repairs."""
        sources = self.receiver.getSynchronizationSources()
        if not sources:
            return None
        rtx: dict[int, int] = getattr(self.receiver, "_RTCRtpReceiver__rtx_ssrc", {})
        media = [rtx.get(s.source, s.source) for s in sources]
        return next((m for m in media if m not in rtx), media[0])

    def _send_pending_keyframe(self) -> None:
        self._pending_keyframe = None
        self.request_keyframe()

    def _end(self) -> None:
        if self._pending_keyframe is not None:
            self._pending_keyframe.cancel()
            self._pending_keyframe = None
        if self._ended.is_set():
            return
        self._ended.set()
        for callback in self._on_end:
            try:
                callback()
            except Exception:
                log.exception("media source end callback failed")


def _log_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("keyframe request failed: %s", task.exception())


def install_receiver(
    receiver: RTCRtpReceiver, kind: str, *, keyframe_interval: float = 0.5
) -> PassThroughSource:
    """Make this receiver pass encoded frames through. Call from the `track` event, before
    aiortc starts the receiver (it starts it after setRemoteDescription returns)."""
    if getattr(receiver, "_RTCRtpReceiver__started", True):
        raise RuntimeError("install_receiver must run before the receiver starts")
    if not hasattr(receiver, "_RTCRtpReceiver__decoder_queue"):
        raise UntestedAiortc("RTCRtpReceiver has no __decoder_queue: aiortc internals changed")
    source = PassThroughSource(receiver, kind, keyframe_interval=keyframe_interval)
    receiver._RTCRtpReceiver__decoder_queue = source  # type: ignore[attr-defined]
    return source


def attach_sender(sender: RTCRtpSender, on_keyframe_request: Callable[[], None]) -> None:
    """Route the subscriber's PLI/FIR (which aiortc turns into `_send_keyframe()`) upstream."""
    sender._send_keyframe = on_keyframe_request  # type: ignore[method-assign]


class ForwardedTrack(MediaStreamTrack):
    """A track of pre-encoded packets; the RTCRtpSender packs them without encoding."""

    def __init__(self, kind: str, track_id: str, *, maxlen: int) -> None:
        super().__init__()
        self.kind = kind
        self._id = track_id
        self.queue = PacketQueue(maxlen)
        self.sent = 0

    async def recv(self) -> av.Packet:  # type: ignore[override]
        packet = await self.queue.get()
        if packet is None:
            raise MediaStreamError
        self.sent += 1
        return packet

    def stop(self) -> None:
        self.queue.close()
        super().stop()


# -- what is forwarded: one codec per kind, so every subscriber can take the publisher's bytes --

FORWARDED_CODECS = {"audio": "audio/opus", "video": "video/VP8"}


def restrict_codecs(transceiver: Any, kind: str) -> bool:
    """Keep only the forwarded codec (and its RTX) on a negotiated transceiver; False when the
    remote did not offer it. Runs between setRemoteDescription and createAnswer."""
    mime = FORWARDED_CODECS[kind].lower()
    base = [c for c in transceiver._codecs if c.mimeType.lower() == mime]
    if not base:
        return False
    types = {c.payloadType for c in base}
    rtx = [
        c
        for c in transceiver._codecs
        if c.mimeType.lower().endswith("/rtx") and c.parameters.get("apt") in types
    ]
    transceiver._codecs = base + rtx
    return True


def label_sender(sender: RTCRtpSender, stream_id: str) -> None:
    """Name the MediaStream (msid) a forwarded track belongs to: the publisher's id, so the
    subscriber's page knows whose picture it is."""
    sender._stream_id = stream_id


async def create_reoffer(pc: aiortc.RTCPeerConnection) -> aiortc.RTCSessionDescription:
    """An offer for a connection already negotiated, keeping what was agreed so far.

    aiortc's createOffer resets every transceiver to its own codec payload types and header
    extension ids. A browser that negotiated others refuses renumbered extensions ("RTP
    extension ID reassignment not supported") and, worse, switches its sending payload type
    to the offer's, which aiortc's receiver (registered once, with the first payload types)
    then drops. So the offer is rebuilt with aiortc's SDP model: negotiated sections keep
    their agreed codecs, new sections take the agreed payload types of their kind (one
    connection carries one kind, and a BUNDLE group must not map a type to two codecs), and
    every section keeps only the agreed extension ids.
    """
    negotiated = {
        t.mid: copy.deepcopy(t._codecs)
        for t in pc.getTransceivers()
        if t.mid is not None and t.currentDirection is not None and t._codecs
    }
    agreed_ids = {
        ext.uri: ext.id
        for t in pc.getTransceivers()
        if t.mid in negotiated
        for ext in t._headerExtensions
    }
    offer = await pc.createOffer()
    if not negotiated:
        return offer
    template = next(iter(negotiated.values()))
    # New transceivers get their mid only in setLocalDescription; createOffer gave each its
    # m-line index.
    by_index = {t._get_mline_index(): t for t in pc.getTransceivers()}
    description = aiortc.sdp.SessionDescription.parse(offer.sdp)
    for index, media in enumerate(description.media):
        mid = media.rtp.muxId
        transceiver = by_index.get(index)
        if transceiver is None or media.kind not in ("audio", "video"):
            continue
        codecs = negotiated.get(mid) or filter_preferred_codecs(
            copy.deepcopy(template), transceiver._preferred_codecs
        )
        if codecs:
            media.rtp.codecs = codecs
            media.fmt = [c.payloadType for c in codecs]
            transceiver._codecs = codecs
        media.rtp.headerExtensions = [
            aiortc.RTCRtpHeaderExtensionParameters(id=agreed_ids[ext.uri], uri=ext.uri)
            for ext in media.rtp.headerExtensions
            if ext.uri in agreed_ids
        ]
        transceiver._headerExtensions = media.rtp.headerExtensions
    return aiortc.RTCSessionDescription(str(description), "offer")
