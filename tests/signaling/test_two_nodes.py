"""Two real `vcourt serve` processes over one Redis serve the same hearing: people on different
nodes see each other, and the judge on one node admits a party waiting on the other."""

from __future__ import annotations

import asyncio

import pytest

from conference.settings import Settings
from signaling.client import SignalingClient
from tests.fixtures.signaling import Node, book_hearing

pytestmark = pytest.mark.redis


async def test_a_hearing_served_by_two_nodes(
    settings: Settings, two_nodes: tuple[Node, Node]
) -> None:
    a, b = two_nodes
    hearing = await book_hearing(settings)
    pid = hearing.pid
    async with (
        await SignalingClient.connect(a.url) as judge,
        await SignalingClient.connect(b.url) as clerk,
        await SignalingClient.connect(b.url) as plaintiff,
        await SignalingClient.connect(a.url) as lawyer,
    ):
        await judge.join(bearer=hearing.bearers["judge"], hearing_id=hearing.id)
        await clerk.join(bearer=hearing.bearers["clerk"], hearing_id=hearing.id)
        assert pid["judge"] in clerk.roster  # node B sees who joined on node A
        await judge.request("open")
        await clerk.wait_for_event("hearing_state_changed", new="open")

        await plaintiff.join(token=hearing.links["plaintiff"])  # waiting on node B
        await judge.wait_for_event("participant_joined", participant_id=pid["plaintiff"])
        await clerk.request(
            "identity_check", participant_id=pid["plaintiff"], document="CCCD 0123", verified=True
        )
        await judge.wait_for_event("identity_checked", participant_id=pid["plaintiff"])
        await judge.request("admit", participant_id=pid["plaintiff"])  # judge on A admits
        await plaintiff.wait_for_event("participant_admitted", participant_id=pid["plaintiff"])
        await plaintiff.wait_for("room.snapshot")
        assert plaintiff.roster[pid["plaintiff"]].presence == "admitted"
        assert pid["judge"] in plaintiff.roster

        await lawyer.join(token=hearing.links["lawyer"])
        await clerk.request("admit", participant_id=pid["lawyer"])  # clerk on B, lawyer on A
        await lawyer.wait_for(
            "room.snapshot", lambda m: pid["plaintiff"] in {e.participant_id for e in m.roster}
        )

        # WebRTC relay across nodes
        await judge.request("start")
        await plaintiff.wait_for_event("hearing_state_changed", new="in_session")
        await judge.send(judge.message("signal.offer", to=pid["plaintiff"], sdp="v=0 judge"))
        offer = await plaintiff.wait_for("signal.offer")
        assert offer.from_ == pid["judge"]
        await plaintiff.send(plaintiff.message("signal.answer", to=pid["judge"], sdp="v=0 party"))
        answer = await judge.wait_for("signal.answer")
        assert answer.sdp == "v=0 party"

        # both nodes agree on the room
        snapshots = await asyncio.gather(judge.request("room.get"), clerk.request("room.get"))
        (ra, rb) = [
            {e.participant_id: (e.presence, e.connection) for e in s.roster} for s in snapshots
        ]  # type: ignore[union-attr]
        assert ra == rb
        assert snapshots[0].hearing.version == snapshots[1].hearing.version  # type: ignore[union-attr]

        # a participant moving from node B to node A keeps their place
        await plaintiff.close()
        await judge.wait_for_event("participant_disconnected", participant_id=pid["plaintiff"])
        async with await SignalingClient.connect(a.url) as again:
            await again.join(token=hearing.links["plaintiff"])
            assert again.roster[pid["plaintiff"]].presence == "admitted"
            await clerk.wait_for_event("participant_reconnected", participant_id=pid["plaintiff"])
