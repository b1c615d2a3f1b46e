"""Dropped connections: heartbeats find dead ones, the roster shows them, and a participant who
comes back with the same link within the grace period returns to where they were."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from conference.settings import Settings, load_settings
from tests.fixtures.signaling import Hearing, JoinAs


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        data_dir=tmp_path / "data",
        database_url=db_url,
        secret_key="test-signing-secret",
        log_format="text",
        signaling_heartbeat_seconds=0.4,
        signaling_reconnect_grace_seconds=1.5,
    )


async def admitted_plaintiff(hearing: Hearing, join: JoinAs) -> Any:
    judge, clerk = await join("judge"), await join("clerk")
    await judge.request("open")
    await judge.request("start")
    plaintiff = await join("plaintiff")
    pid = hearing.pid["plaintiff"]
    await clerk.request("identity_check", participant_id=pid, document="CCCD 9", verified=True)
    await clerk.request("admit", participant_id=pid)
    return judge, plaintiff


async def test_a_returning_participant_goes_back_where_they_were(
    hearing: Hearing, join: JoinAs
) -> None:
    judge, plaintiff = await admitted_plaintiff(hearing, join)
    pid = hearing.pid["plaintiff"]
    await plaintiff.close()
    await judge.wait_for_event("participant_disconnected", participant_id=pid)
    assert judge.roster[pid].connection == "disconnected"
    assert judge.roster[pid].presence == "admitted"
    again = await join("plaintiff")
    assert again.roster[pid].presence == "admitted"  # not back to the waiting room
    assert pid in again.roster and hearing.pid["judge"] in again.roster
    await judge.wait_for_event("participant_reconnected", participant_id=pid)
    assert judge.roster[pid].connection == "connected"


async def test_after_the_grace_period_they_have_left(hearing: Hearing, join: JoinAs) -> None:
    judge, plaintiff = await admitted_plaintiff(hearing, join)
    pid = hearing.pid["plaintiff"]
    await plaintiff.close()
    left = await judge.wait_for_event("participant_left", participant_id=pid)
    assert "not restored in time" in left.event["reason"]
    assert judge.roster[pid].connection == "away"
    again = await join("plaintiff")
    assert again.roster[pid].presence == "waiting"


async def test_heartbeats_find_a_dead_connection(
    hearing: Hearing, join: JoinAs, client: TestClient[Any, Any]
) -> None:
    judge = await join("judge")
    await judge.request("open")
    # a client that never answers pings (its network is gone)
    session = aiohttp.ClientSession()
    try:
        ws = await session.ws_connect(client.make_url("/ws"), autoping=False)
        token = hearing.links["plaintiff"]
        await ws.send_str(f'{{"v": 1, "type": "join", "token": "{token}"}}')
        pid = hearing.pid["plaintiff"]
        await judge.wait_for_event("participant_joined", participant_id=pid)
        await judge.wait_for_event("participant_disconnected", participant_id=pid)
        assert judge.roster[pid].connection == "disconnected"
    finally:
        await session.close()


async def test_a_second_connection_replaces_the_first(hearing: Hearing, join: JoinAs) -> None:
    judge, plaintiff = await admitted_plaintiff(hearing, join)
    second = await join("plaintiff")
    bye = await plaintiff.wait_for("bye")
    assert bye.reason == "replaced"
    assert second.roster[hearing.pid["plaintiff"]].presence == "admitted"
    await judge.request("room.get")
    assert judge.roster[hearing.pid["plaintiff"]].connection == "connected"
