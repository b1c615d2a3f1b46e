"""The seam to the media server: media.* messages reach the registered backend, and after every
change it is told the routing facts (zone, who may send, who is screened from whom)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from conference.domain.roster import Routing
from signaling import protocol as p
from signaling.keys import HUB
from tests.fixtures.signaling import Hearing, JoinAs


class RecordingBackend:
    """A stand-in media server that answers offers and remembers what it was told."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.routing: dict[str, Routing] = {}
        self.recording = False
        self.routed = asyncio.Event()

    async def connect(self, hearing_id: str, participant_id: str, kind: str, offer_sdp: str) -> str:
        self.calls.append(("connect", f"{kind} {offer_sdp}"))
        return f"v=0 answer {kind}"

    async def accept_answer(
        self, hearing_id: str, participant_id: str, kind: str, answer_sdp: str
    ) -> None:
        self.calls.append(("accept_answer", answer_sdp))

    async def add_candidate(
        self, hearing_id: str, participant_id: str, kind: str, candidate: p.IceCandidate
    ) -> None:
        self.calls.append(("add_candidate", f"{kind} {candidate.candidate}"))

    async def close(self, hearing_id: str, participant_id: str) -> None:
        self.calls.append(("close", participant_id))

    async def apply_room(
        self, hearing_id: str, routing: dict[str, Routing], recording: bool
    ) -> None:
        self.routing, self.recording = routing, recording
        self.routed.set()

    async def end_hearing(self, hearing_id: str) -> None:
        self.calls.append(("end_hearing", hearing_id))


async def test_media_messages_reach_the_backend_with_routing_facts(
    hearing: Hearing, join: JoinAs, client: TestClient[Any, Any]
) -> None:
    backend = RecordingBackend()
    client.app[HUB].media = lambda: backend  # in place of the media server's bridge
    judge = await join("judge")
    answer = await judge.request("media.offer", kind="audio", sdp="v=0 offer")
    assert isinstance(answer, p.ServerMediaAnswer)
    assert (answer.kind, answer.sdp) == ("audio", "v=0 answer audio")
    again = await judge.request("media.offer", kind="video", sdp="v=0 offer 2")
    assert isinstance(again, p.ServerMediaAnswer) and again.sdp == "v=0 answer video"
    await judge.request("media.candidate", kind="video", candidate={"candidate": "candidate:1"})
    await judge.request("open")
    await judge.request("start")
    clerk = await join("clerk")
    await judge.request("mute", participant_id=hearing.pid["clerk"], audio=False, video=True)

    def clerk_muted() -> bool:
        facts = backend.routing.get(hearing.pid["clerk"])
        return facts is not None and facts.zone == "main" and not facts.may_send_video

    while not clerk_muted():
        backend.routed.clear()
        await asyncio.wait_for(backend.routed.wait(), 10)
    facts = backend.routing[hearing.pid["clerk"]]
    assert facts.may_send_audio  # only the camera was turned off
    assert backend.routing[hearing.pid["judge"]].may_send_video
    assert backend.routing[hearing.pid["plaintiff"]].zone == "none"
    await judge.close()
    await clerk.wait_for_event("participant_disconnected", participant_id=hearing.pid["judge"])
    assert backend.calls == [
        ("connect", "audio v=0 offer"),
        ("connect", "video v=0 offer 2"),
        ("add_candidate", "video candidate:1"),
        ("close", hearing.pid["judge"]),
    ]
