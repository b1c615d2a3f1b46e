"""Recording: each participant's audio and video to its own WebM file, unchanged, hashed."""

from __future__ import annotations

from conference.domain.media_routing import MediaFacts, MediaKind, consultation_zone
from conference.media.recorder import RecordingInfo
from conference.media.server import MediaServer
from tests.media.peers import HEIGHT, WIDTH, Peer, Signalling
from tests.media.probe import ffprobe, sha256_file

A, V = MediaKind.AUDIO, MediaKind.VIDEO


async def test_a_recording_keeps_each_speaker_separately_and_plays(
    media_server: MediaServer,
) -> None:
    sig = Signalling(media_server)
    announced: list[RecordingInfo] = []

    async def hook(info: RecordingInfo) -> None:
        announced.append(info)

    media_server.recording_listeners.append(hook)
    judge = sig.add(Peer(media_server, "h", "judge", luma=40))
    lawyer = sig.add(Peer(media_server, "h", "lawyer", luma=200))
    room = [MediaFacts("judge", True, True), MediaFacts("lawyer", True, True)]
    await media_server.apply_routing("h", room)
    await judge.join()
    await lawyer.join()
    await judge.wait_for("lawyer", V, 3)

    await media_server.start_recording("h")
    await judge.wait_for("lawyer", V, 30)  # about a second
    await lawyer.wait_for("judge", A, 50)
    infos = await media_server.stop_recording("h")

    assert sorted((i.participant_id, i.kind) for i in infos) == [
        ("judge", A),
        ("judge", V),
        ("lawyer", A),
        ("lawyer", V),
    ]
    assert sorted(announced, key=str) == sorted(infos, key=str)
    for info in infos:
        assert info.path.is_file()
        assert info.path.is_relative_to(media_server.settings.recordings_path / "h")
        assert info.sha256 == sha256_file(info.path)
        assert info.bytes == info.path.stat().st_size
        probe = ffprobe(info.path)
        (stream,) = probe["streams"]
        duration = float(probe["format"]["duration"])
        assert 0.5 < duration < 30, duration
        if info.kind is V:
            assert (stream["codec_name"], stream["width"], stream["height"]) == (
                "vp8",
                WIDTH,
                HEIGHT,
            )
        else:
            assert (stream["codec_name"], stream["channels"]) == ("opus", 2)
    # stopping twice is harmless and finds nothing more
    assert await media_server.stop_recording("h") == []
    for peer in (judge, lawyer):
        await peer.leave()


async def test_a_consultation_room_is_not_recorded(media_server: MediaServer) -> None:
    sig = Signalling(media_server)
    judge = sig.add(Peer(media_server, "h", "judge", luma=40))
    lawyer = sig.add(Peer(media_server, "h", "lawyer", luma=120))
    client = sig.add(Peer(media_server, "h", "client", luma=200))
    room = consultation_zone("1")
    await media_server.apply_routing(
        "h",
        [
            MediaFacts("judge", True, True),
            MediaFacts("lawyer", True, True, zone=room),
            MediaFacts("client", True, True, zone=room),
        ],
    )
    for peer in (judge, lawyer, client):
        await peer.join()
    await media_server.start_recording("h")
    await client.wait_for("lawyer", V, 30)  # the consultation goes on for a second
    await client.wait_for("lawyer", A, 50)
    infos = await media_server.stop_recording("h")
    assert {i.participant_id for i in infos} == {"judge"}
    for peer in (judge, lawyer, client):
        await peer.leave()
