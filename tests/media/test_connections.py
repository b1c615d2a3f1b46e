"""Connection health: failures marked, rejoin recovers, stats for the roster, bad input refused."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiortc import RTCPeerConnection, RTCRtpSender

from conference.domain.errors import InvalidValue
from conference.domain.media_routing import MediaFacts, MediaKind
from conference.media import network, pinned
from conference.media.connection import LinkState, Quality
from conference.media.server import MediaServer
from conference.settings import Settings
from tests.media.peers import Peer, Signalling

A, V = MediaKind.AUDIO, MediaKind.VIDEO


async def test_a_participant_that_never_connects_is_marked_failed(
    media_settings: Settings,
) -> None:
    server = MediaServer(media_settings.model_copy(update={"media_connect_timeout_seconds": 0.5}))
    states: list[tuple[str, MediaKind, LinkState]] = []
    failed = asyncio.Event()

    async def on_state(hearing_id: str, pid: str, kind: MediaKind, state: LinkState) -> None:
        states.append((pid, kind, state))
        if state is LinkState.FAILED:
            failed.set()

    server.state_listeners.append(on_state)
    pc = RTCPeerConnection()
    pc.addTransceiver("audio", direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    await server.connect("h", "ghost", A, pc.localDescription.sdp)  # answer never applied
    await asyncio.wait_for(failed.wait(), 10)
    assert ("ghost", A, LinkState.FAILED) in states
    quality = await server.quality("ghost")
    assert quality.state == "failed"
    await pc.close()
    await server.shutdown()


async def test_rejoining_replaces_the_connection_and_media_flows_again(
    media_server: MediaServer,
) -> None:
    sig = Signalling(media_server)
    judge = sig.add(Peer(media_server, "h", "judge", luma=40))
    party = sig.add(Peer(media_server, "h", "party", luma=200))
    await media_server.apply_routing("h", [MediaFacts(i, True, True) for i in ("judge", "party")])
    await judge.join()
    await party.join()
    await judge.wait_for("party", V, 5)
    # the party's network drops; they come back with new connections under the same id
    await party.leave()
    party2 = sig.add(Peer(media_server, "h", "party", luma=200))
    await party2.join()
    await judge.wait_for("party", V, 10)
    await party2.wait_for("judge", V, 10)
    await party2.wait_for("judge", A, 10)
    assert len(media_server.hearings["h"].connections) == 4
    for peer in (judge, party2):
        await peer.leave()


async def test_quality_is_reported_for_the_roster(media_server: MediaServer) -> None:
    sig = Signalling(media_server)
    seen: dict[str, Quality] = {}
    flowing = asyncio.Event()

    async def on_quality(hearing_id: str, q: Quality) -> None:
        seen[q.participant_id] = q
        if q.bitrate_in_kbps > 0 and q.state == "connected" and q.receiving:
            flowing.set()

    media_server.quality_listeners.append(on_quality)
    judge = sig.add(Peer(media_server, "h", "judge"))
    party = sig.add(Peer(media_server, "h", "party"))
    await media_server.apply_routing("h", [MediaFacts(i, True, True) for i in ("judge", "party")])
    await judge.join()
    await party.join()
    await asyncio.wait_for(flowing.wait(), 10)
    q = await media_server.quality("judge")
    assert q.state == "connected"
    assert q.receiving
    assert q.packets_lost == 0
    assert 0 <= q.fraction_lost <= 1
    with pytest.raises(Exception, match="no media connection"):
        await media_server.quality("nobody")
    for peer in (judge, party):
        await peer.leave()


async def test_an_offer_with_the_wrong_kind_or_codec_is_refused(media_server: MediaServer) -> None:
    pc = RTCPeerConnection()
    pc.addTransceiver("audio", direction="sendonly")
    pc.addTransceiver("video", direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    with pytest.raises(InvalidValue, match="carries audio only; the offer also has video"):
        await media_server.connect("h", "p", A, pc.localDescription.sdp)
    await pc.close()

    pc = RTCPeerConnection()
    t = pc.addTransceiver("video", direction="sendonly")
    h264 = [c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType == "video/H264"]
    t.setCodecPreferences(h264)
    await pc.setLocalDescription(await pc.createOffer())
    with pytest.raises(InvalidValue, match="must include video/VP8"):
        await media_server.connect("h", "p", V, pc.localDescription.sdp)
    await pc.close()
    with pytest.raises(InvalidValue, match="no media section"):
        await media_server.connect("h", "p", V, "v=0\r\n")
    assert ("p", V) not in media_server.hearings["h"].connections


async def test_malformed_datagrams_do_not_break_a_connection(
    media_server: MediaServer, caplog: pytest.LogCaptureFixture
) -> None:
    sig = Signalling(media_server)
    judge = sig.add(Peer(media_server, "h", "judge"))
    party = sig.add(Peer(media_server, "h", "party"))
    await media_server.apply_routing("h", [MediaFacts(i, True, True) for i in ("judge", "party")])
    await judge.join()
    await party.join()
    await judge.wait_for("party", V, 5)
    conn = media_server.hearings["h"].connections[("party", V)]
    ports = {
        c.port
        for t in conn.pc.getTransceivers()
        for c in t.receiver.transport.transport.iceGatherer.getLocalCandidates()
    }
    before = network.dropped_datagrams["stun"]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for port in ports:
            # a STUN binding request whose PRIORITY attribute is 2 bytes instead of 4:
            # aioice's parser raises struct.error inside datagram_received
            bad = (
                bytes.fromhex("000100082112a442") + b"\x01" * 12 + bytes.fromhex("00240002abcd0000")
            )
            s.sendto(bad, ("127.0.0.1", port))
    await judge.wait_for("party", V, 15)  # media still flows on that very socket
    assert network.dropped_datagrams["stun"] > before
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    for peer in (judge, party):
        await peer.leave()


def test_an_untested_aiortc_version_fails_loudly() -> None:
    with pytest.raises(pinned.UntestedAiortc, match=r"aiortc 9\.9\.9.*TESTED_AIORTC"):
        pinned.check_versions("9.9.9", "0.13.0")
    pinned.check_versions("1.16.0", "0.13.0")


async def test_ending_a_hearing_stops_its_recording_and_closes_everyone(
    media_server: MediaServer,
) -> None:
    sig = Signalling(media_server)
    judge = sig.add(Peer(media_server, "h", "judge"))
    party = sig.add(Peer(media_server, "h", "party"))
    await media_server.apply_routing("h", [MediaFacts(i, True, True) for i in ("judge", "party")])
    await judge.join()
    await party.join()
    await media_server.start_recording("h")
    await judge.wait_for("party", V, 15)
    infos = await media_server.end_hearing("h")
    assert {(i.participant_id, i.kind) for i in infos} == {
        ("judge", A),
        ("judge", V),
        ("party", A),
        ("party", V),
    }
    assert "h" not in media_server.hearings
    assert await media_server.end_hearing("h") == []
    for peer in (judge, party):
        await peer.leave()
