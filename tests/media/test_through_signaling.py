"""Media through /ws: real aiortc participants join a hearing over the signalling WebSocket, and
the room's commands (admit, mute, consultation, recording, close) decide what reaches whom."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from conference.domain.media_routing import MediaKind
from conference.media.setup import MEDIA_SERVER
from conference.settings import Settings, load_settings
from conference.store.db import create_engine, session_factory
from conference.store.media import RecordingRow
from signaling import protocol as p
from signaling import record
from signaling.client import SignalingError
from tests.fixtures.signaling import Hearing, JoinAs
from tests.media.peers import WsPeer
from tests.media.probe import ffprobe, sha256_file

A, V = MediaKind.AUDIO, MediaKind.VIDEO


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def settings(db_url: str, tmp_path: Path, loopback_ice: None) -> Settings:
    return load_settings(
        data_dir=tmp_path / "data",
        database_url=db_url,
        secret_key="test-signing-secret",
        log_format="text",
        media_gather_addresses=["127.0.0.1"],
        media_stats_interval_seconds=0.5,
        media_connect_timeout_seconds=10,
    )


async def admitted(hearing: Hearing, join: JoinAs, judge: Any, key: str) -> Any:
    person = await join(key)
    await judge.request(
        "identity_check", participant_id=hearing.pid[key], document="CCCD 0010", verified=True
    )
    await judge.request("admit", participant_id=hearing.pid[key])
    await person.wait_for("room.snapshot")
    return person


async def stays_silent(peer: WsPeer, publisher: str, kind: MediaKind, seconds: float) -> None:
    before = peer.got(publisher, kind)
    await asyncio.sleep(seconds)
    # a frame or two may have been in flight when the gate closed
    assert peer.got(publisher, kind) - before <= 2, (
        f"{peer.id} still got {kind.value} from {publisher}"
    )


async def test_hearing_media_recording_and_quality_over_ws(
    hearing: Hearing, join: JoinAs, client: TestClient[Any, Any], settings: Settings
) -> None:
    pid = hearing.pid
    judge = await join("judge")
    welcome = next(m for m in judge.received if isinstance(m, p.Welcome))
    assert welcome.media  # the app's own media server is there
    await judge.request("open")
    await judge.request("start")
    plaintiff = await join("plaintiff")
    judge_media = WsPeer(judge, luma=40)
    plaintiff_media = WsPeer(plaintiff, luma=200)
    await judge_media.join()
    await plaintiff_media.join()  # allowed in the waiting room; nothing is forwarded yet
    await asyncio.sleep(1.5)
    assert plaintiff_media.got(pid["judge"], V) == 0
    assert judge_media.got(pid["plaintiff"], V) == 0

    # Admitted: each sees and hears the other, the server renegotiated to add the tracks.
    await judge.request(
        "identity_check", participant_id=pid["plaintiff"], document="CCCD 0010", verified=True
    )
    await judge.request("admit", participant_id=pid["plaintiff"])
    await judge_media.wait_for(pid["plaintiff"], V, 10, within=15)
    await judge_media.wait_for(pid["plaintiff"], A, 10)
    await plaintiff_media.wait_for(pid["judge"], V, 10)
    assert abs(judge_media.lumas[pid["plaintiff"]] - 200) < 15

    # The judge sees the plaintiff's connection on the roster; the plaintiff sees only their own.
    quality = await judge.wait_for(
        "media.quality",
        lambda m: m.participant_id == pid["plaintiff"] and m.bitrate_in_kbps > 0,
        within=10,
    )
    assert quality.state == "connected" and quality.receiving
    own = await plaintiff.wait_for("media.quality", within=10)
    assert own.participant_id == pid["plaintiff"]
    assert not any(
        isinstance(m, p.MediaQuality) and m.participant_id == pid["judge"]
        for m in plaintiff.received
    )

    # Muted: the plaintiff's microphone reaches no one, their camera still does.
    await judge.request("mute", participant_id=pid["plaintiff"], audio=True, video=False)
    await asyncio.sleep(0.5)
    await stays_silent(judge_media, pid["plaintiff"], A, 1.5)
    await judge_media.wait_for(pid["plaintiff"], V, 10)
    await judge.request("unmute", participant_id=pid["plaintiff"], audio=True, video=False)
    await judge_media.wait_for(pid["plaintiff"], A, 10)

    # A party may not record; the judge may, and everyone is told.
    with pytest.raises(SignalingError) as refused:
        await plaintiff.request("start_recording")
    assert refused.value.error.code == "not_allowed"
    await judge.request("start_recording")
    await plaintiff.wait_for_event("recording_started")
    assert plaintiff.hearing is not None and plaintiff.hearing.recording
    await asyncio.sleep(2.5)
    await judge.request("stop_recording")
    saved = [(await judge.wait_for_event("recording_saved", within=15)).event for _ in range(4)]
    assert {(e["speaker_id"], e["kind"]) for e in saved} == {
        (pid[k], kind) for k in ("judge", "plaintiff") for kind in ("audio", "video")
    }
    root = settings.recordings_path
    for event in saved:
        path = root / event["file"]
        assert sha256_file(path) == event["sha256"]  # the record vouches for this very file
        probe = ffprobe(path)
        assert probe["streams"][0]["codec_type"] == event["kind"]
        assert float(probe["format"]["duration"]) > 1.0
    assert not any(  # the hashes are for court staff, not announced to the parties
        isinstance(m, p.RoomEventMessage) and m.event["type"] == "recording_saved"
        for m in plaintiff.received
    )

    # The chain holds the hashes and still verifies.
    record = await client.get(
        f"/api/v1/hearings/{hearing.id}/record",
        headers={"Authorization": f"Bearer {hearing.bearers['judge']}"},
    )
    assert record.status == 200, await record.text()
    body = await record.json()
    assert body["verification"]["ok"], body["verification"]
    assert {r["sha256"] for r in body["recordings"]} == {e["sha256"] for e in saved}
    assert [d["decision"] for d in body["decisions"] if "recording" in d["decision"]] == [
        "recording_started",
        "recording_stopped",
    ]

    # Closing ends everyone's media on the server.
    await judge.request("close")
    await plaintiff.wait_for("bye")
    server = client.app[MEDIA_SERVER]
    for _ in range(50):
        if hearing.id not in server.hearings:
            break
        await asyncio.sleep(0.1)
    assert hearing.id not in server.hearings
    await judge_media.leave()
    await plaintiff_media.leave()


async def test_consultation_room_media_stays_inside(
    hearing: Hearing, join: JoinAs, client: TestClient[Any, Any]
) -> None:
    pid = hearing.pid
    judge = await join("judge")
    await judge.request("open")
    await judge.request("start")
    plaintiff = await admitted(hearing, join, judge, "plaintiff")
    lawyer = await admitted(hearing, join, judge, "lawyer")
    peers = {
        "judge": WsPeer(judge, luma=40),
        "plaintiff": WsPeer(plaintiff, luma=120),
        "lawyer": WsPeer(lawyer, luma=220),
    }
    for peer in peers.values():
        await peer.join()
    await peers["judge"].wait_for(pid["lawyer"], A, 10, within=20)
    await peers["judge"].wait_for(pid["plaintiff"], A, 10, within=20)

    await judge.request("move_to_consultation", participant_ids=[pid["plaintiff"], pid["lawyer"]])
    await peers["lawyer"].wait_for(pid["plaintiff"], A, 10)  # they still hear each other
    await asyncio.sleep(0.5)
    await stays_silent(peers["judge"], pid["lawyer"], A, 1.5)  # the courtroom does not
    await stays_silent(peers["lawyer"], pid["judge"], A, 0.1)

    await judge.request(
        "return_from_consultation", participant_ids=[pid["plaintiff"], pid["lawyer"]]
    )
    await peers["judge"].wait_for(pid["lawyer"], A, 10)
    for peer in peers.values():
        await peer.leave()


async def test_media_messages_need_a_kind_and_a_pending_offer(join: JoinAs) -> None:
    judge = await join("judge")
    await judge.send_raw('{"v":1,"id":"m1","type":"media.offer","sdp":"v=0"}')
    error = await judge.wait_for("error")
    assert error.code == "invalid_message" and error.field == "kind"
    with pytest.raises(SignalingError) as nothing_pending:
        await judge.request("media.answer", kind="video", sdp="v=0")
    assert nothing_pending.value.error.code == "not_found"
    assert "video connection" in nothing_pending.value.error.message
    with pytest.raises(SignalingError) as wrong_kind:
        await judge.request(
            "media.offer", kind="audio", sdp="v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
        )
    assert "audio only" in wrong_kind.value.error.message


async def test_a_recording_running_when_the_server_stops_still_reaches_the_record(
    hearing: Hearing, join: JoinAs, client: TestClient[Any, Any], settings: Settings
) -> None:
    """Signalling stops before the media server: its bridge finishes the recording first, so
    each file's hash is in the hearing record's chain, as when the judge stops recording."""
    judge = await join("judge")
    await judge.request("open")
    await judge.request("start")
    judge_media = WsPeer(judge, luma=40)
    await judge_media.join()
    await judge.request("start_recording")
    await judge.wait_for(  # the server receives the judge's media, so the files have content
        "media.quality",
        lambda m: m.participant_id == hearing.pid["judge"] and m.bitrate_in_kbps > 0,
        within=10,
    )
    await client.close()  # the app shuts down with the recording running
    await judge_media.leave()

    engine = create_engine(settings.effective_database_url)
    try:
        async with session_factory(engine)() as session:
            entries = await record.entries(session, hearing.id)
            files = (
                await session.scalars(
                    select(RecordingRow.sha256).where(RecordingRow.hearing_id == hearing.id)
                )
            ).all()
            verification = await record.verify(session, hearing.id)
    finally:
        await engine.dispose()
    saved = [e.data for e in entries if e.type == "recording_saved"]
    assert {(e["speaker_id"], e["kind"]) for e in saved} == {
        (hearing.pid["judge"], "audio"),
        (hearing.pid["judge"], "video"),
    }
    assert {e["sha256"] for e in saved} == set(files)  # the table and the chain agree
    assert verification.ok, verification.problem
