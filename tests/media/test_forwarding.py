"""Real aiortc participants on loopback, their media forwarded through the server."""

from __future__ import annotations

import asyncio

import av
import pytest
from aiortc.mediastreams import MediaStreamError

from conference.domain.media_routing import MediaFacts, MediaKind
from conference.media.server import MediaServer
from tests.media.peers import HEIGHT, WIDTH, Peer, Signalling, mean_luma

A, V = MediaKind.AUDIO, MediaKind.VIDEO


def facts(*ids: str, **overrides: dict) -> list[MediaFacts]:
    return [MediaFacts(i, True, True, **overrides.get(i, {})) for i in ids]


async def test_two_participants_see_and_hear_each_other(media_server: MediaServer) -> None:
    sig = Signalling(media_server)
    judge = sig.add(Peer(media_server, "h1", "judge", luma=60))
    clerk = sig.add(Peer(media_server, "h1", "clerk", luma=200))
    await media_server.apply_routing("h1", facts("judge", "clerk"))
    await judge.join()
    await clerk.join()
    await clerk.wait_for("judge", V, 5)
    await judge.wait_for("clerk", V, 5)
    await clerk.wait_for("judge", A, 5)
    await judge.wait_for("clerk", A, 5)
    assert abs(clerk.lumas["judge"] - 60) < 12
    assert abs(judge.lumas["clerk"] - 200) < 12
    await judge.leave()
    await clerk.leave()


async def test_frames_are_decoded_only_for_a_consumer_that_asks(media_server: MediaServer) -> None:
    sig = Signalling(media_server)
    judge = sig.add(Peer(media_server, "h1", "judge", luma=60))
    await media_server.apply_routing("h1", facts("judge"))
    await judge.join()
    video = media_server.decoded("judge", V)
    audio = media_server.decoded("judge", A)
    frame = await asyncio.wait_for(video.recv(), 10)
    assert isinstance(frame, av.VideoFrame)
    assert (frame.width, frame.height) == (WIDTH, HEIGHT)
    assert abs(mean_luma(frame) - 60) < 12
    sound = await asyncio.wait_for(audio.recv(), 10)
    assert isinstance(sound, av.AudioFrame) and sound.sample_rate == 48000
    video.stop()
    audio.stop()
    with pytest.raises(MediaStreamError):
        await video.recv()
    await judge.leave()
