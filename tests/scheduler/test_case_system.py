"""The case management system over real HTTP: cases pulled from it (through the API and the
CLI), and each closed hearing's record pushed to its webhook, signed, until acknowledged —
including its failures (500s, no answer) and recovery, across a restart."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.settings import Settings
from conference.store.db import create_engine, session_factory
from conference.store.scheduling import RecordOutboxRow, SiteAttendanceRow
from conference.store.tables import CaseRow
from scheduler.jobs import JobContext
from scheduler.records import enqueue_closed_records, push_due_records
from tests.fixtures.scheduling import NOW, AddHearing
from tests.fixtures.servers import free_port

REPO = Path(__file__).resolve().parents[2]
SECRET = "webhook-shared-secret"

GOOD = {
    "case_number": "31/2026/TLST-DS",
    "court_code": "TAND-HN",
    "title": "Tranh chấp quyền sử dụng đất",
    "judges": ["an.nv"],
    "parties": [{"name": "Đặng Văn Tư", "role": "plaintiff", "email": "tu.dv@example.vn"}],
}
BAD_COURT = {**GOOD, "case_number": "32/2026/TLST-DS", "court_code": "TAND-XX"}
CSV = (
    "case_number,court_code,title,judges,party1_name,party1_role\n"
    "33/2026/TLST-DS,TAND-HN,Vay tài sản,hoa.lt,Lý Thị Mến,plaintiff\n"
    "34/2026/TLST-DS,TAND-HN,Thiếu tên bị đơn,nobody,Ai Đó,plaintiff\n"
)


@dataclass
class Remote:
    """A small HTTP server playing the case system (GET) or its record webhook (POST):
    scripted answers ("500", "hang", "csv", "ok"), then "ok"; every request kept raw."""

    script: list[str] = field(default_factory=list)
    cases: Any = None
    seen: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""
    runner: web.AppRunner | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append((dict(request.headers), await request.read()))
        self.arrived.set()
        step = self.script.pop(0) if self.script else "ok"
        if step == "hang":
            await asyncio.Event().wait()  # never answers; the client's timeout ends it
        if step == "500":
            return web.Response(status=500, text="maintenance")
        if step == "csv":
            return web.Response(text=CSV, content_type="text/csv")
        if request.method == "GET":
            return web.json_response(self.cases)
        return web.json_response({"received": True})

    async def start(self) -> Remote:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self.runner.setup()
        port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/hook"
        return self


@pytest.fixture
async def remote() -> AsyncIterator[Remote]:
    r = await Remote().start()
    try:
        yield r
    finally:
        assert r.runner is not None
        await r.runner.cleanup()


def configured(settings: Settings, **over: Any) -> Settings:
    """The test's settings with more configuration, validated like any other."""
    return Settings(**{**settings.model_dump(), **over})


def verified(headers: dict[str, str], body: bytes, secret: str = SECRET) -> bool:
    """What the receiver does: recompute the MAC over timestamp and raw body."""
    stamp = headers["X-Vcourt-Timestamp"]
    mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-Vcourt-Signature"], f"sha256={mac}")


async def count_cases(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as s:
        return await s.scalar(select(func.count()).select_from(CaseRow)) or 0


async def test_cases_are_pulled_with_a_report_per_row(
    settings: Settings,
    aiohttp_client: Any,
    remote: Remote,
    registry: None,
    sessions: async_sessionmaker[AsyncSession],
    admin: dict[str, str],
) -> None:
    from web.app import create_app

    pulling = configured(
        settings,
        case_pull_url=remote.url,
        case_pull_key="pull-key",
        channel_timeout_s=0.5,
        scheduler_enabled=False,
    )
    client: TestClient[Any, Any] = await aiohttp_client(create_app(pulling, clock=lambda: NOW))
    before = await count_cases(sessions)
    remote.cases = [GOOD, BAD_COURT, "not a case"]
    remote.script = ["500", "hang"]
    for says in ("answered HTTP 500: maintenance", "did not answer within 0.5 s"):
        resp = await client.post("/api/v1/cases/pull", headers=admin)
        assert resp.status == 502, await resp.text()
        assert says in (await resp.json())["detail"]
        assert await count_cases(sessions) == before  # nothing written
    assert remote.seen[0][0]["Authorization"] == "Bearer pull-key"

    resp = await client.post("/api/v1/cases/pull", headers=admin)
    assert resp.status == 200, await resp.text()
    out = await resp.json()
    assert out["source"] == remote.url
    report = out["report"]
    assert (report["created"], report["error"], report["total"]) == (1, 2, 3)
    rows = report["rows"]
    assert rows[0]["case_number"] == "31/2026/TLST-DS" and rows[0]["status"] == "created"
    assert rows[1]["status"] == "error" and "TAND-XX" in rows[1]["errors"][0]["message"]
    assert rows[2]["status"] == "error"
    again = await (await client.post("/api/v1/cases/pull", headers=admin)).json()
    assert [r["status"] for r in again["report"]["rows"]] == ["unchanged", "error", "error"]
    assert await count_cases(sessions) == before + 1

    # The same pull from the command line, here with CSV; exit 1 because a row was refused.
    remote.script = ["csv"]
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "VCOURT_DATABASE_URL": pulling.effective_database_url,
        "VCOURT_DATA_DIR": str(pulling.data_dir),
        "VCOURT_SECRET_KEY": "test-signing-secret",
        "VCOURT_CASE_PULL_URL": remote.url,
        "VCOURT_LOG_FORMAT": "text",
    }
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "web.cli", "scheduler", "pull-cases"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "row 1\t33/2026/TLST-DS\tcreated"
    assert lines[1].startswith("row 2\t34/2026/TLST-DS\terror\t") and "nobody" in lines[1]
    assert lines[-1] == "2 rows: 1 created, 0 updated, 0 unchanged, 1 refused"
    assert await count_cases(sessions) == before + 2


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def test_a_closed_hearings_record_is_signed_and_retried_until_acknowledged(
    settings: Settings,
    remote: Remote,
    add_hearing: AddHearing,
    sessions: async_sessionmaker[AsyncSession],
    sched_client: TestClient[Any, Any],
    clerk: dict[str, str],
) -> None:
    start = NOW - timedelta(hours=3)
    judge = ("presiding_judge", "Nguyễn Văn An", "an.nv", None, "an@example.vn", None)
    closed = await add_hearing(
        start, 90, components=("TG-1",), people=(judge,), state="closed", title="Vụ 12"
    )
    await add_hearing(start, 60, central="HN-P2", state="scheduled", title="Chưa xong")
    async with sessions() as s, s.begin():
        for code, joined, left in (("HN-P1", 0, 95), ("TG-1", 5, 50), ("TG-1", 55, 95)):
            s.add(
                SiteAttendanceRow(
                    hearing_id=closed,
                    endpoint_code=code,
                    joined_at=start + timedelta(minutes=joined),
                    left_at=start + timedelta(minutes=left),
                )
            )
    webhook = configured(
        settings,
        record_webhook_url=remote.url,
        record_webhook_secret=SECRET,
        channel_timeout_s=0.5,
        delivery_backoff_s=[30, 120],
    )
    clock = Clock(NOW)
    ctx = JobContext(sessions, webhook, clock, "test-worker")

    assert await enqueue_closed_records(ctx, []) == 1
    assert await enqueue_closed_records(ctx, []) == 0  # one record per hearing
    remote.script = ["500", "hang"]
    assert await push_due_records(ctx) == 0
    assert await push_due_records(ctx) == 0  # not due again before the backoff
    assert len(remote.seen) == 1
    resp = await sched_client.get(f"/api/v1/hearings/{closed}/record-delivery", headers=clerk)
    state = await resp.json()
    assert (state["state"], state["attempts"], state["last_status"]) == ("pending", 1, 500)
    assert state["last_error"] == "the receiver answered HTTP 500: maintenance"
    assert state["next_attempt_at"] == "2026-11-20T08:00:30+07:00"

    clock.now += timedelta(seconds=30)
    assert await push_due_records(ctx) == 0
    async with sessions() as s:
        row = await s.scalar(select(RecordOutboxRow))
        assert row is not None and row.last_error == "the receiver did not answer within 0.5 s"
        assert row.next_attempt_at == clock.now + timedelta(seconds=120)

    # A restart: a new engine and context, nothing but the database carried over.
    engine = create_engine(webhook.effective_database_url)
    try:
        clock.now += timedelta(seconds=120)
        fresh = JobContext(session_factory(engine), webhook, clock, "after-restart")
        assert await push_due_records(fresh) == 1
        clock.now += timedelta(hours=1)
        assert await push_due_records(fresh) == 0  # acknowledged: never sent again
    finally:
        await engine.dispose()
    assert len(remote.seen) == 3
    bodies = {body for _, body in remote.seen}
    assert len(bodies) == 1  # every attempt carries the same record
    assert len({h["X-Vcourt-Delivery"] for h, _ in remote.seen}) == 1
    for headers, body in remote.seen:
        assert verified(headers, body)
        assert not verified(headers, body.replace(b"Vu", b"Vu"[::-1]) + b" ")
        assert not verified(headers, body, secret="another secret")
    stamps = [int(h["X-Vcourt-Timestamp"]) for h, _ in remote.seen]
    assert stamps == [int(NOW.timestamp()), int(NOW.timestamp()) + 30, int(NOW.timestamp()) + 150]

    record = json.loads(next(iter(bodies)))
    assert record["hearing_id"] == closed and record["state"] == "closed"
    assert record["title"] == "Vụ 12" and record["type"] == "hearing.record"
    assert record["duration_minutes"] == 95  # first join to last leave
    assert [(a["endpoint_code"], a["minutes"]) for a in record["attendance"]] == [
        ("HN-P1", 95),
        ("TG-1", 45),
        ("TG-1", 40),
    ]
    assert record["participants"] == [
        {
            "role": "presiding_judge",
            "name": "Nguyễn Văn An",
            "staff_username": "an.nv",
            "endpoint_code": None,
            "language": None,
        }
    ]  # no e-mail addresses or phone numbers leave
    resp = await sched_client.get(f"/api/v1/hearings/{closed}/record-delivery", headers=clerk)
    assert (await resp.json())["state"] == "acknowledged"


async def test_records_are_not_sent_unsigned(
    settings: Settings, remote: Remote, add_hearing: AddHearing, sessions: Any
) -> None:
    await add_hearing(NOW - timedelta(hours=2), 60, state="closed")
    unsigned = configured(settings, record_webhook_url=remote.url)
    ctx = JobContext(sessions, unsigned, lambda: NOW, "test-worker")

    async def add_outcome(session: AsyncSession, hearing: Any, record: dict[str, Any]) -> None:
        record["outcome"] = "adjourned"  # another area extends the record through a hook

    assert await enqueue_closed_records(ctx, [add_outcome]) == 1
    assert await push_due_records(ctx) == 0
    assert remote.seen == []
    async with sessions() as s:
        row = await s.scalar(select(RecordOutboxRow))
        assert row is not None and row.state == "pending" and row.payload["outcome"] == "adjourned"
        assert row.last_error is not None and "RECORD_WEBHOOK_SECRET is not set" in row.last_error


async def test_the_job_runner_pushes_records_by_itself(
    settings: Settings,
    aiohttp_client: Any,
    remote: Remote,
    add_hearing: AddHearing,
    clerk: dict[str, str],
) -> None:
    from web.app import create_app

    hid = await add_hearing(NOW - timedelta(hours=2), 60, state="closed", title="Đã xong")
    running = configured(
        settings,
        record_webhook_url=remote.url,
        record_webhook_secret=SECRET,
        scheduler_sync_interval_s=0.2,
    )
    client = await aiohttp_client(create_app(running, clock=lambda: NOW))
    await asyncio.wait_for(remote.arrived.wait(), 60)
    headers, body = remote.seen[0]
    assert verified(headers, body) and json.loads(body)["hearing_id"] == hid
    url = f"/api/v1/hearings/{hid}/record-delivery"
    for _ in range(200):  # the acknowledgement is stored right after the answer
        state = await (await client.get(url, headers=clerk)).json()
        if state.get("state") == "acknowledged":
            break
        await asyncio.sleep(0.05)
    assert state["state"] == "acknowledged" and state["attempts"] == 1
