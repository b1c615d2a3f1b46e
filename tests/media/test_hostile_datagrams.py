"""Hostile datagrams are harmless: whatever reaches a media port is dropped or answered, and
every connection keeps its media.

Issue #12: one zero-length datagram sent to a port from an answer SDP ended aiortc's DTLS
receive task (IndexError on `data[0]`), and every connection on that port stopped for good.
Here a live hearing runs while more than 100,000 datagrams of every hostile kind hit every
media port of the server, from strangers' sockets (127.0.0.1, and 127.0.0.2+ when loopback
allows) and from the participants' own sockets (the address the server trusts for media).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
from collections.abc import Iterator

import pytest
from aiortc import RTCPeerConnection

from conference.domain.media_routing import MediaFacts, MediaKind
from conference.media import network
from conference.media.connection import LinkState
from conference.media.server import MediaServer
from tests.media.hostile import MAKERS, flood
from tests.media.peers import Peer, Signalling

A, V = MediaKind.AUDIO, MediaKind.VIDEO
DATAGRAMS = 120_000


def answer_ports(sdp: str) -> set[int]:
    """The server's media ports, as anyone who saw an answer SDP would find them."""
    return {int(m) for m in re.findall(r"^a=candidate:\S+ \d+ udp \d+ \S+ (\d+) typ", sdp, re.M)}


@contextlib.contextmanager
def stranger_sockets() -> Iterator[list[socket.socket]]:
    """Three sockets on 127.0.0.1 and one on each of 127.0.0.2 and 127.0.0.3 (Linux routes all
    of 127/8 to loopback; elsewhere those two are skipped)."""
    sockets: list[socket.socket] = []
    try:
        for host in ("127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.3"):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                s.bind((host, 0))
            except OSError:
                s.close()
                continue
            sockets.append(s)
        yield sockets
    finally:
        for s in sockets:
            s.close()


@contextlib.contextmanager
def peer_sockets(pcs: list[RTCPeerConnection]) -> Iterator[list[socket.socket]]:
    """Copies of the participants' own ICE sockets: datagrams from the very address and port
    the server receives their media from. Reached through aiortc's ICE transport, as only a
    test would."""
    sockets: list[socket.socket] = []
    try:
        for pc in pcs:
            ice = pc.getTransceivers()[0].sender.transport.transport
            for pair in ice._connection._nominated.values():
                fd = pair.protocol.transport.get_extra_info("socket").fileno()
                sockets.append(socket.fromfd(fd, socket.AF_INET, socket.SOCK_DGRAM))
        yield sockets
    finally:
        for s in sockets:
            s.close()


async def test_a_flood_of_hostile_datagrams_leaves_every_connection_carrying_media(
    media_server: MediaServer, caplog: pytest.LogCaptureFixture
) -> None:
    sig = Signalling(media_server)
    judge = sig.add(Peer(media_server, "h", "judge", luma=60))
    party = sig.add(Peer(media_server, "h", "party", luma=180))
    observer = sig.add(Peer(media_server, "h", "observer", send_audio=False, send_video=False))
    people = (judge, party, observer)
    facts = [MediaFacts("judge", True, True), MediaFacts("party", True, True)]
    await media_server.apply_routing("h", [*facts, MediaFacts("observer", False, False)])
    for peer in people:
        await peer.join()
    # every subscriber (the judge, the party, the observer) gets each publisher's both kinds
    flows = [(s, p, k) for s in people for p in (judge, party) if p is not s for k in (A, V)]
    for subscriber, publisher, kind in flows:
        await subscriber.wait_for(publisher.id, kind, 5, within=20)

    ports = sorted(
        {port for peer in people for sdp in peer.answers.values() for port in answer_ports(sdp)}
    )
    assert len(ports) == 6  # one per connection: three people, two kinds
    targets = [("127.0.0.1", port) for port in ports]
    before = network.dropped_datagrams.copy()
    with (
        stranger_sockets() as strangers,
        peer_sockets([pc for peer in people for pc in peer.pcs.values()]) as own,
    ):
        assert len(own) == 6
        sent = await asyncio.to_thread(flood, strangers + own, targets, DATAGRAMS)
    assert sum(sent.values()) >= 100_000
    assert set(sent) == {m.__name__ for m in MAKERS}

    # media still reaches every subscriber, from every publisher, in both kinds...
    for subscriber, publisher, kind in flows:
        await subscriber.wait_for(publisher.id, kind, 25 if kind is A else 15, within=30)
    # ...every connection, on both ends, still says connected...
    for conn in media_server.hearings["h"].connections.values():
        assert conn.state is LinkState.CONNECTED, (conn.participant_id, conn.kind)
        assert conn.pc.connectionState == "connected", (conn.participant_id, conn.kind)
    for peer in people:
        assert {pc.connectionState for pc in peer.pcs.values()} == {"connected"}, peer.id
    # ...the junk was dropped at the socket (empty ones included), and nothing raised
    dropped = network.dropped_datagrams - before
    assert dropped["empty"] > 0 and dropped["stranger"] > 0 and dropped["stun"] > 0
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    assert not [r for r in caplog.records if "Traceback" in r.getMessage()]

    for peer in people:
        await peer.leave()
