"""The hearing record on both databases: written before it is announced, a hash chain that
`vcourt record verify` checks, and a tampered entry named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from conference.settings import Settings
from conference.store.db import create_engine, session_factory
from conference.store.records import HearingEventRow
from conference.store.tables import HearingRow
from tests.fixtures.database import fresh_postgres_db, fresh_sqlite_db
from tests.fixtures.signaling import Hearing, JoinAs

ROOT = Path(__file__).parents[2]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return fresh_sqlite_db(sqlite_template, tmp_path)
    return fresh_postgres_db(request.getfixturevalue("postgres_template"))


def vcourt(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "VCOURT_DATABASE_URL": settings.effective_database_url,
        "VCOURT_DATA_DIR": str(settings.data_dir),
        "VCOURT_SECRET_KEY": "test-signing-secret",
    }
    return subprocess.run(
        [sys.executable, "-m", "web.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def rows(settings: Settings, hearing_id: str) -> list[HearingEventRow]:
    engine = create_engine(settings.effective_database_url)
    try:
        async with session_factory(engine)() as session:
            found = await session.scalars(
                select(HearingEventRow)
                .where(HearingEventRow.hearing_id == hearing_id)
                .order_by(HearingEventRow.seq)
            )
            return list(found)
    finally:
        await engine.dispose()


async def test_record_is_written_before_it_is_announced_and_verifies(
    hearing: Hearing, join: JoinAs, settings: Settings, client: TestClient[Any, Any]
) -> None:
    judge = await join("judge")
    await judge.request("open")
    plaintiff = await join("plaintiff")
    seen = await judge.wait_for_event("participant_joined", participant_id=hearing.pid["plaintiff"])
    stored = await rows(settings, hearing.id)
    # by the time anyone hears of the join, it is in the record
    assert [r.type for r in stored] == [
        "participant_joined",
        "hearing_state_changed",
        "participant_joined",
    ]
    assert stored[-1].data["participant_id"] == seen.event["participant_id"]
    assert stored[1].prev_hash == stored[0].hash
    engine = create_engine(settings.effective_database_url)
    try:
        async with session_factory(engine)() as session:
            assert (await session.get(HearingRow, hearing.id)).state == "open"  # type: ignore[union-attr]
    finally:
        await engine.dispose()
    await plaintiff.close()
    await judge.wait_for_event("participant_disconnected")
    headers = {"Authorization": f"Bearer {hearing.bearers['clerk']}"}
    checked = await (
        await client.get(f"/api/v1/hearings/{hearing.id}/record/verify", headers=headers)
    ).json()
    assert checked == {"ok": True, "entries": 4, "problem": None, "seq": None}

    result = vcourt(settings, "record", "verify", hearing.id)
    assert result.returncode == 0, result.stderr
    assert "4 entries, chain intact" in result.stdout


async def test_a_tampered_entry_fails_verification_by_name(
    hearing: Hearing, join: JoinAs, settings: Settings
) -> None:
    judge = await join("judge")
    await judge.request("open")
    await judge.request("lock")
    engine = create_engine(settings.effective_database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            await session.execute(
                update(HearingEventRow)
                .where(HearingEventRow.hearing_id == hearing.id, HearingEventRow.seq == 2)
                .values(data={"old": "scheduled", "new": "in_session", "reason": None})
            )
    finally:
        await engine.dispose()
    result = vcourt(settings, "record", "verify", hearing.id)
    assert result.returncode == 1
    assert "entry 2 (hearing_state_changed" in result.stdout
    assert "was changed after it was written" in result.stdout
