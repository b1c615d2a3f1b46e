"""Jobs survive a crash of the runner process: a real `vcourt scheduler run` process, killed
with SIGKILL mid-schedule while a second node stands by, then started again; every job fires
exactly once (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.store.scheduling import EndpointPrecheckRow, PlannedJobRow
from conference.store.tables import HearingRow
from tests.fixtures.scheduling import AddHearing
from tests.fixtures.servers import stop_process

ROOT = Path(__file__).resolve().parents[2]


def start_runner(settings: Any, name: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "VCOURT_DATABASE_URL": settings.effective_database_url,
        "VCOURT_DATA_DIR": str(settings.data_dir),
        "VCOURT_SECRET_KEY": "test-signing-secret",
        "VCOURT_SCHEDULER_SYNC_INTERVAL_S": "0.3",
        "VCOURT_NODE_NAME": name,
        "VCOURT_LOG_FORMAT": "text",
    }
    env.pop("VCOURT_CONFIG", None)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with (settings.data_dir / f"{name}.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "web.cli", "scheduler", "run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def logs(settings: Any) -> str:
    return "\n".join(
        f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(settings.data_dir.glob("*.log"))
    )


async def done_by(sessions: async_sessionmaker[AsyncSession]) -> list[str | None]:
    async with sessions() as s:
        return list(
            await s.scalars(select(PlannedJobRow.fired_by).where(PlannedJobRow.state == "done"))
        )


async def wait_until(
    check: Any, what: str, procs: list[subprocess.Popen[bytes]], settings: Any
) -> None:
    for _ in range(600):
        if await check():
            return
        for p in procs:
            if p.poll() not in (None, -signal.SIGKILL):
                raise AssertionError(f"a runner died:\n{logs(settings)}")
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting until {what}:\n{logs(settings)}")


async def test_every_job_fires_once_across_a_crash_and_a_restart(
    settings: Any, sessions: async_sessionmaker[AsyncSession], add_hearing: AddHearing
) -> None:
    now = datetime.now(UTC)
    jobs = 12
    hearing_ids = []
    for i in range(jobs // 2):  # one after another: the endpoints cannot be double-booked
        start = now + timedelta(hours=1 + 2 * i)
        hearing_ids.append(await add_hearing(start, central="HN-P1", components=("DN-P1",)))
    async with sessions() as s, s.begin():
        for i, hid in enumerate(hearing_ids):
            for k, kind in enumerate(("precheck", "open_room")):
                s.add(
                    PlannedJobRow(
                        id=f"{hid}:{kind}",
                        hearing_id=hid,
                        kind=kind,
                        due_at=now + timedelta(seconds=4 + (2 * i + k) * 1.5),
                        state="pending",
                        args={},
                        created_at=now,
                    )
                )
    first, standby = start_runner(settings, "node-a"), start_runner(settings, "node-b")
    procs = [first, standby]
    restarted = None
    try:

        async def some_fired() -> bool:
            return len(await done_by(sessions)) >= 1

        await wait_until(some_fired, "the first job fired", procs, settings)
        fired_before = await done_by(sessions)
        leader = first if fired_before[0] and fired_before[0].startswith("node-a") else standby
        os.kill(leader.pid, signal.SIGKILL)  # a crash: no clean shutdown
        leader.wait()
        restarted = start_runner(settings, "node-c")
        procs.append(restarted)

        async def all_fired() -> bool:
            return len(await done_by(sessions)) == jobs

        await wait_until(all_fired, "every job fired", procs, settings)
    finally:
        for p in procs:
            stop_process(p)
    workers = await done_by(sessions)
    assert len(fired_before) < jobs, "the crash came after everything had fired"
    assert len({w.split(":")[0] for w in workers if w}) >= 2  # the standby took over
    async with sessions() as s:
        prechecks = await s.execute(
            select(EndpointPrecheckRow.hearing_id, func.count()).group_by(
                EndpointPrecheckRow.hearing_id
            )
        )
        assert dict(prechecks.all()) == {hid: 2 for hid in hearing_ids}  # 2 endpoints, once
        states = set(await s.scalars(select(HearingRow.state)))
        assert states == {"open"}
        left = await s.scalar(
            select(func.count()).select_from(PlannedJobRow).where(PlannedJobRow.state != "done")
        )
        assert left == 0
