"""A hearing's recording: one TrackWriter per participant and kind, opened and closed as people
come and go, gated by what the routing says is recorded (the hearing room only)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from conference.domain.clock import Clock
from conference.domain.media_routing import MediaKind
from conference.media.passthrough import PassThroughSource
from conference.media.recorder import RecordingInfo, TrackWriter
from conference.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["HearingRecording", "RecordingInfo"]


class HearingRecording:
    def __init__(
        self,
        hearing_id: str,
        settings: Settings,
        clock: Clock,
        on_finished: Callable[[RecordingInfo], Awaitable[None]],
    ) -> None:
        self.hearing_id = hearing_id
        self.started_at = clock()
        self._settings = settings
        self._clock = clock
        self._on_finished = on_finished
        self._writers: dict[tuple[str, MediaKind], tuple[TrackWriter, PassThroughSource]] = {}
        self._directory = settings.recordings_path / hearing_id

    def add(self, participant_id: str, kind: MediaKind, source: PassThroughSource) -> None:
        key = (participant_id, kind)
        if key in self._writers:
            return
        now = self._clock()
        path = self._directory / f"{now:%Y%m%dT%H%M%S%fZ}-{participant_id}-{kind.value}.webm"
        writer = TrackWriter(
            hearing_id=self.hearing_id,
            participant_id=participant_id,
            kind=kind,
            path=path,
            started_at=now,
            now=self._clock,
            max_queue=self._settings.media_recorder_queue_packets,
            request_keyframe=source.request_keyframe,
        )
        self._writers[key] = (writer, source)
        source.add_sink(("recorder", self.hearing_id), writer)

    def apply(self, recorded: frozenset[tuple[str, MediaKind]]) -> None:
        for key, (writer, _source) in self._writers.items():
            enabled = key in recorded
            if enabled and not writer.enabled and key[1] is MediaKind.VIDEO:
                writer.keyframe_seen = False  # resume at a keyframe, not mid-picture
            writer.enabled = enabled

    async def remove(self, participant_id: str, kind: MediaKind) -> RecordingInfo | None:
        entry = self._writers.pop((participant_id, kind), None)
        if entry is None:
            return None
        return await self._finish(*entry)

    async def stop(self) -> list[RecordingInfo]:
        entries = list(self._writers.values())
        self._writers.clear()
        results = await asyncio.gather(*(self._finish(w, s) for w, s in entries))
        return [r for r in results if r is not None]

    async def _finish(self, writer: TrackWriter, source: PassThroughSource) -> RecordingInfo | None:
        source.remove_sink(("recorder", self.hearing_id))
        info = await writer.finish()
        if info is not None:
            log.info("recorded %s (%d bytes, sha256 %s)", info.path, info.bytes, info.sha256)
            await self._on_finished(info)
        return info
