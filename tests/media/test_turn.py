"""A participant who can only go through TURN (relay candidates only) still gets media."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiortc import RTCIceServer

from conference.domain.media_routing import MediaFacts, MediaKind
from conference.media.ice import turn_credentials
from conference.media.server import MediaServer
from tests.fixtures.media import TurnServer
from tests.media.peers import Peer, Signalling


async def test_a_relay_only_participant_exchanges_media_through_coturn(
    media_server: MediaServer, turn_server: TurnServer
) -> None:
    creds = turn_credentials(
        turn_server.secret.encode(), "remote", datetime.now(UTC), timedelta(minutes=10)
    )
    relay = [RTCIceServer(urls=turn_server.url, username=creds.username, credential=creds.password)]
    sig = Signalling(media_server)
    judge = sig.add(Peer(media_server, "h", "judge", luma=40))
    remote = sig.add(
        Peer(media_server, "h", "remote", luma=200, ice_servers=relay, relay_only=True)
    )
    await media_server.apply_routing(
        "h", [MediaFacts("judge", True, True), MediaFacts("remote", True, True)]
    )
    await judge.join()
    await remote.join()
    await remote.wait_for("judge", MediaKind.VIDEO, 10)
    await judge.wait_for("remote", MediaKind.VIDEO, 10)
    await judge.wait_for("remote", MediaKind.AUDIO, 10)
    # every candidate pair the remote participant uses is a relayed one
    for pc in remote.pcs.values():
        for transceiver in pc.getTransceivers():
            ice = transceiver.sender.transport.transport
            assert ice.iceGatherer.getLocalCandidates()
            assert {c.type for c in ice.iceGatherer.getLocalCandidates()} == {"relay"}
    assert abs(judge.lumas["remote"] - 200) < 15
    for peer in (judge, remote):
        await peer.leave()
