"""Scheduled jobs move the live room: the waiting room opens (and a room left open closes)
through signalling — connected staff see the change, and the record chain still verifies.
Where no room hub runs (`vcourt scheduler run`), the job appends to the chain itself and a
room rebuilt from the record agrees."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.domain.jobs import JobKind
from conference.settings import Settings
from conference.store.scheduling import PlannedJobRow
from conference.store.tables import HearingRow
from scheduler.jobs import JobContext, fire, plan_hearing_jobs
from scheduler.services import SCHEDULING
from tests.fixtures.scheduling import NOW, AddHearing
from tests.integration.conftest import Clock, Connect, StaffToken
from web.app import create_app

ROOT = Path(__file__).parents[2]
JUDGE = ("presiding_judge", "Lê Văn An", "an.nv", None, None, None)
CLERK = ("clerk", "Trần Thị Hoa", "hoa.lt", None, None, None)


def record_verify(settings: Settings, hearing_id: str) -> subprocess.CompletedProcess[str]:
    """`vcourt record verify` as an operator runs it (python -m web.cli, this checkout)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "VCOURT_DATABASE_URL": settings.effective_database_url,
        "VCOURT_DATA_DIR": str(settings.data_dir),
        "VCOURT_SECRET_KEY": "test-signing-secret",
    }
    return subprocess.run(
        [sys.executable, "-m", "web.cli", "record", "verify", hearing_id],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def job_id(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, hid: str, kind: JobKind
) -> str:
    async with sessions() as s, s.begin():
        await plan_hearing_jobs(s, hid, settings=settings, now=NOW)
        found = await s.scalar(
            select(PlannedJobRow.id).where(
                PlannedJobRow.hearing_id == hid, PlannedJobRow.kind == kind.value
            )
        )
    assert found is not None
    return found


async def test_the_open_and_close_jobs_go_through_the_live_room(
    settings: Settings,
    add_hearing: AddHearing,
    sessions: async_sessionmaker[AsyncSession],
    staff_token: StaffToken,
    connect: Connect,
    clock: Clock,
    aiohttp_client: Any,
) -> None:
    quiet = settings.model_copy(update={"scheduler_enabled": False})  # the test fires the jobs
    client: TestClient[Any, Any] = await aiohttp_client(create_app(quiet, clock=clock))
    ctx = client.app[SCHEDULING].ctx
    hid = await add_hearing(NOW + timedelta(minutes=20), 60, people=(JUDGE, CLERK))
    opening = await job_id(sessions, quiet, hid, JobKind.OPEN_ROOM)
    closing = await job_id(sessions, quiet, hid, JobKind.CLOSE_ROOM)

    clerk = await connect(client)  # staff may wait in a scheduled hearing's room
    welcome = await clerk.join(bearer=await staff_token("hoa.lt"), hearing_id=hid)
    assert welcome.hearing.state == "scheduled"

    clock.advance(minutes=5)  # 15 minutes before the start
    assert await fire(ctx, opening) is True
    seen = await clerk.wait_for_event("hearing_state_changed", new="open")
    assert seen.event["actor"] is None and "waiting room opens" in seen.event["reason"]
    assert clerk.hearing is not None and clerk.hearing.state == "open"
    assert await fire(ctx, opening) is False  # once
    async with sessions() as s:
        job = await s.get(PlannedJobRow, opening)
        hearing = await s.get(HearingRow, hid)
        assert job is not None and job.result == "scheduled -> open"
        assert hearing is not None and hearing.state == "open"

    clock.advance(minutes=90)  # left open after the planned end
    assert await fire(ctx, closing) is True
    bye = await clerk.wait_for("bye")
    assert bye.reason == "closed"
    verified = record_verify(quiet, hid)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "chain intact" in verified.stdout
    record = await (
        await client.get(
            f"/api/v1/hearings/{hid}/record",
            headers={"Authorization": f"Bearer {await staff_token('an.nv')}"},
        )
    ).json()
    assert [(h["from"], h["to"], h["by"]) for h in record["state_history"]] == [
        ("scheduled", "open", "system"),
        ("open", "closed", "system"),
    ]


async def test_without_a_hub_the_job_appends_to_the_record_and_the_rebuilt_room_agrees(
    settings: Settings,
    add_hearing: AddHearing,
    sessions: async_sessionmaker[AsyncSession],
    staff_token: StaffToken,
    connect: Connect,
    clock: Clock,
    aiohttp_client: Any,
) -> None:
    hid = await add_hearing(NOW + timedelta(minutes=20), 60, people=(JUDGE, CLERK))
    opening = await job_id(sessions, settings, hid, JobKind.OPEN_ROOM)
    standalone = JobContext(sessions, settings, clock, "scheduler-only")  # no room control
    assert await fire(standalone, opening) is True
    verified = record_verify(settings, hid)
    assert verified.returncode == 0 and "1 entries" in verified.stdout, verified.stdout

    quiet = settings.model_copy(update={"scheduler_enabled": False})
    client: TestClient[Any, Any] = await aiohttp_client(create_app(quiet, clock=clock))
    judge = await connect(client)
    welcome = await judge.join(bearer=await staff_token("an.nv"), hearing_id=hid)
    assert welcome.hearing.state == "open"  # the room rebuilt from the record
    await judge.request("start")  # and it goes on from there
    assert record_verify(settings, hid).returncode == 0
