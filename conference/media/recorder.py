"""Record received packets to WebM files as they are: no decoding, no encoding, off the loop.

One file per participant and kind (`<hearing>/<start>-<participant>-audio.webm`, `-video.webm`):
each speaker's audio stays separable for a certified transcript, each file has its own SHA-256,
and a participant who joins late or reconnects just gets their own file (started_at says where
it sits on the hearing's timeline). Opus and VP8 go into WebM (Matroska) unchanged.

The event loop only copies bytes into a bounded queue; a writer thread muxes with PyAV, closes
the file and hashes it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import queue
import struct
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import av

from conference.domain.media_routing import MediaKind
from conference.media.passthrough import vp8_size

log = logging.getLogger(__name__)

# Matroska needs Opus's identification header (RFC 7845 5.1): version 1, 2 channels,
# 312 samples pre-skip, 48 kHz, no gain, mapping family 0.
OPUS_HEAD = b"OpusHead" + struct.pack("<BBHIhB", 1, 2, 312, 48000, 0, 0)
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class RecordingInfo:
    hearing_id: str
    participant_id: str
    kind: MediaKind
    path: Path
    started_at: datetime
    ended_at: datetime
    bytes: int
    sha256: str
    packets: int
    dropped: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


_Item = tuple[bytes, int, Fraction, bool]


class TrackWriter:
    """Writes one participant's audio or video; call it with packets on the loop."""

    def __init__(
        self,
        *,
        hearing_id: str,
        participant_id: str,
        kind: MediaKind,
        path: Path,
        started_at: datetime,
        now: Callable[[], datetime],
        max_queue: int,
        request_keyframe: Callable[[], None] = lambda: None,
    ) -> None:
        self.hearing_id = hearing_id
        self.participant_id = participant_id
        self.kind = kind
        self.path = path
        self.started_at = started_at
        self.enabled = True
        self.keyframe_seen = kind is MediaKind.AUDIO
        self._request_keyframe = request_keyframe
        self.packets = 0
        self.dropped = 0
        self._now = now
        self._queue: queue.Queue[_Item | None] = queue.Queue(max_queue)
        self._done: Future[RecordingInfo | None] = Future()
        self._thread = threading.Thread(
            target=self._run, name=f"recorder-{participant_id}-{kind}", daemon=True
        )
        self._thread.start()

    def __call__(self, packet: av.Packet) -> None:
        if not self.enabled:
            return
        if not self.keyframe_seen:
            if not packet.is_keyframe:
                self._request_keyframe()  # rate-limited by the source
                return
            self.keyframe_seen = True
        assert packet.pts is not None and packet.time_base is not None
        item = (bytes(packet), packet.pts, packet.time_base, packet.is_keyframe)
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self.dropped += 1  # the disk cannot keep up: counted and reported, never blocking

    async def finish(self) -> RecordingInfo | None:
        """Close the file, hash it (in the writer thread) and describe it; None if nothing
        was ever written (the participant sent nothing while recording)."""
        await asyncio.get_running_loop().run_in_executor(None, self._queue.put, None)
        return await asyncio.wrap_future(self._done)

    # -- the writer thread ---------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._done.set_result(self._write())
        except Exception as exc:
            log.exception("recording %s failed", self.path)
            self._done.set_exception(exc)

    def _write(self) -> RecordingInfo | None:
        container: av.container.OutputContainer | None = None
        stream: av.stream.Stream | None = None
        first_pts: int | None = None
        last_pts = -1
        while True:
            item = self._queue.get()
            if item is None:
                break
            data, pts, time_base, keyframe = item
            if container is None:
                if self.kind is MediaKind.VIDEO and (not keyframe or vp8_size(data) is None):
                    continue  # a video file starts at a keyframe, whose header gives the size
                container, stream = self._open(data, time_base)
                first_pts = pts
            assert stream is not None and first_pts is not None
            rebased = max(pts - first_pts, last_pts + 1)
            last_pts = rebased
            packet = av.Packet(data)
            packet.pts = packet.dts = rebased
            packet.time_base = time_base
            packet.is_keyframe = keyframe
            packet.stream = stream
            container.mux(packet)
            self.packets += 1
        if container is None:
            return None
        container.close()
        return RecordingInfo(
            hearing_id=self.hearing_id,
            participant_id=self.participant_id,
            kind=self.kind,
            path=self.path,
            started_at=self.started_at,
            ended_at=self._now(),
            bytes=self.path.stat().st_size,
            sha256=sha256_of(self.path),
            packets=self.packets,
            dropped=self.dropped,
        )

    def _open(
        self, first: bytes, time_base: Fraction
    ) -> tuple[av.container.OutputContainer, av.stream.Stream]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        container = av.open(str(self.path), "w", format="webm")
        stream: av.stream.Stream
        if self.kind is MediaKind.VIDEO:
            size = vp8_size(first)
            assert size is not None
            video = container.add_stream("vp8", rate=30)
            video.width, video.height = size
            stream = video
        else:
            audio = container.add_stream("opus", rate=48000)
            audio.codec_context.layout = "stereo"
            audio.codec_context.extradata = OPUS_HEAD
            stream = audio
        stream.time_base = time_base
        return container, stream
