"""A whole hearing over real WebSockets: waiting room, identity check, admission, a witness
called in and sent out, a consultation room and back, pause and resume, close, the record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from conference.settings import Settings, load_settings
from signaling.client import SignalingClient
from tests.fixtures.signaling import Hearing, JoinAs


@pytest.fixture(params=["in-process", pytest.param("redis", marks=pytest.mark.redis)])
def settings(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> Settings:
    """The journey runs on both buses."""
    redis_url = request.getfixturevalue("redis_server").url if request.param == "redis" else None
    return load_settings(
        data_dir=tmp_path / "data",
        database_url=db_url,
        secret_key="test-signing-secret",
        log_format="text",
        redis_url=redis_url,
    )


async def test_full_hearing_journey(
    hearing: Hearing, join: JoinAs, client: TestClient[Any, Any]
) -> None:
    pid = hearing.pid
    judge = await join("judge")
    clerk = await join("clerk")
    assert judge.hearing is not None and judge.hearing.state == "scheduled"
    await judge.request("open")
    await clerk.wait_for_event("hearing_state_changed", new="open")

    plaintiff = await join("plaintiff")
    assert plaintiff.roster[pid["plaintiff"]].presence == "waiting"
    assert list(plaintiff.roster) == [pid["plaintiff"]]  # the waiting room sees only itself
    await judge.wait_for_event("participant_joined", participant_id=pid["plaintiff"])
    assert judge.roster[pid["plaintiff"]].presence == "waiting"

    await clerk.request(
        "identity_check",
        participant_id=pid["plaintiff"],
        document="CCCD 001085012345",
        verified=True,
    )
    await clerk.request("admit", participant_id=pid["plaintiff"])
    await plaintiff.wait_for("room.snapshot")  # now inside, they see the room
    assert plaintiff.roster[pid["plaintiff"]].presence == "admitted"
    assert pid["judge"] in plaintiff.roster  # now inside: sees the court

    await judge.request("start")
    await plaintiff.wait_for_event("hearing_state_changed", new="in_session")

    witness = await join("witness")
    await clerk.request(
        "identity_check", participant_id=pid["witness"], document="CCCD 0791", verified=True
    )
    await clerk.request("admit", participant_id=pid["witness"])
    await witness.wait_for_event("participant_admitted", participant_id=pid["witness"])
    assert witness.roster[pid["witness"]].presence == "outside"
    await judge.request("call_witness", participant_id=pid["witness"])
    await plaintiff.wait_for_event("witness_called", participant_id=pid["witness"])
    assert plaintiff.roster[pid["witness"]].presence == "admitted"
    await judge.request("send_out", participant_id=pid["witness"])
    await plaintiff.wait_for_event("participant_sent_out")
    assert pid["witness"] not in plaintiff.roster

    lawyer = await join("lawyer")
    await clerk.request("admit", participant_id=pid["lawyer"])
    await judge.request("move_to_consultation", participant_ids=[pid["plaintiff"], pid["lawyer"]])
    moved = await lawyer.wait_for_event("moved_to_consultation")
    assert moved.event["consultation_room"] == "c1"
    assert judge.roster[pid["lawyer"]].presence == "in_consultation"
    await judge.request(
        "return_from_consultation", participant_ids=[pid["plaintiff"], pid["lawyer"]]
    )
    await lawyer.wait_for_event("returned_from_consultation")

    await judge.request("pause", reason="recess")
    await plaintiff.wait_for_event("hearing_state_changed", new="paused")
    await judge.request("resume")
    await judge.request("close", reason="judgment pronounced")
    bye = await plaintiff.wait_for("bye")
    assert bye.reason == "closed"

    headers = {"Authorization": f"Bearer {hearing.bearers['clerk']}"}
    response = await client.get(f"/api/v1/hearings/{hearing.id}/record", headers=headers)
    assert response.status == 200
    report = await response.json()
    assert report["final"] is True
    assert [s["to"] for s in report["state_history"]] == [
        "open",
        "in_session",
        "paused",
        "in_session",
        "closed",
    ]
    (check, _) = report["identity_checks"]
    assert check["document"] == "CCCD 001085012345" and check["checked_by"] == "Thư ký Trần Thị B"
    by_name = {a["participant_id"]: a for a in report["attendance"]}
    assert by_name[pid["plaintiff"]]["total_seconds"] > 0
    assert by_name[pid["observer"]]["periods"] == []
    assert report["duration_seconds"] > 0
    page = await client.get(f"/hearings/{hearing.id}/record", headers=headers)
    assert page.status == 200
    html = await page.text()
    assert "Nguyên đơn Hoàng E" in html and "CCCD 001085012345" in html
    assert "unbroken hash chain" in html
    await _closed(plaintiff)


async def _closed(c: SignalingClient) -> None:
    assert c.closed_reason == "closed"
