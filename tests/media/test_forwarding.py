"""Real aiortc participants on loopback, their media forwarded through the server."""

from __future__ import annotations

from conference.domain.media_routing import MediaFacts, MediaKind
from conference.media.server import MediaServer
from tests.media.peers import Peer, Signalling

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
