"""Keyframe requests name the publisher's media stream, not its retransmission stream.

Chrome sends bandwidth probes on its RTX SSRC, often before any media, so aiortc lists that
SSRC among the receiver's synchronization sources, sometimes first. A PLI naming it is
ignored: a subscriber's video then stayed black until some other change asked again."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from conference.media.passthrough import PassThroughSource

MEDIA, RTX = 1111, 2222


@dataclass
class Source:
    source: int


class ReceiverSeeingProbesFirst:
    """What aiortc's RTCRtpReceiver holds after Chrome's probes: RTX seen first."""

    def __init__(self) -> None:
        self._RTCRtpReceiver__rtx_ssrc = {RTX: MEDIA}
        self.plis: list[int] = []

    def getSynchronizationSources(self) -> list[Source]:  # aiortc's name
        return [Source(RTX), Source(MEDIA)]

    async def _send_rtcp_pli(self, media_ssrc: int) -> None:
        self.plis.append(media_ssrc)


async def test_the_pli_names_the_media_ssrc_even_when_rtx_was_seen_first() -> None:
    receiver = ReceiverSeeingProbesFirst()
    source = PassThroughSource(receiver, "video", keyframe_interval=0.05)  # type: ignore[arg-type]
    source.request_keyframe()
    await asyncio.sleep(0.01)
    assert receiver.plis == [MEDIA]


async def test_requests_within_the_interval_become_one_later_request() -> None:
    receiver = ReceiverSeeingProbesFirst()
    source = PassThroughSource(receiver, "video", keyframe_interval=0.05)  # type: ignore[arg-type]
    for _ in range(5):
        source.request_keyframe()
    await asyncio.sleep(0.1)
    assert receiver.plis == [MEDIA, MEDIA]
