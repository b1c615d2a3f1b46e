"""What signalling reports reaches scheduling: a hearing closed through /ws sends the case
system exactly one signed push of the real hearing record; endpoints joining and leaving a
multi-site meeting show in the per-site attendance report."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import hmac
import io
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.settings import Settings
from conference.store.scheduling import RecordOutboxRow
from conference.store.tables import CaseRow, HearingRow, ParticipantRow
from scheduler.records import enqueue_closed_records, push_due_records
from scheduler.services import SCHEDULING
from tests.fixtures.scheduling import NOW, AddHearing
from tests.fixtures.servers import free_port
from tests.integration.conftest import Clock, Connect, StaffToken
from web.app import create_app

SECRET = "case-system-webhook-secret"
JUDGE = ("presiding_judge", "Lê Văn An", "an.nv", None, None, None)
CLERK = ("clerk", "Trần Thị Hoa", "hoa.lt", None, None, None)
PARTY = ("party", "Nguyễn Thị Hồng", None, None, None, None)


class Receiver:
    """The case system's webhook: keeps every push, answers 200 only to a valid signature."""

    def __init__(self) -> None:
        self.pushes: list[tuple[dict[str, str], bytes, bool]] = []
        self.arrived = asyncio.Event()
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        stamp = request.headers.get("X-Vcourt-Timestamp", "")
        mac = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        good = hmac.compare_digest(request.headers.get("X-Vcourt-Signature", ""), f"sha256={mac}")
        self.pushes.append((dict(request.headers), body, good))
        self.arrived.set()
        return web.json_response({"ok": good}, status=200 if good else 401)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    app = web.Application()
    app.router.add_post("/records", r.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    r.url = f"http://127.0.0.1:{port}/records"
    try:
        yield r
    finally:
        await runner.cleanup()


async def link_for(client: TestClient[Any, Any], clerk: dict[str, str], hid: str, pid: str) -> str:
    url = f"/api/v1/hearings/{hid}/participants/{pid}/link"
    resp = await client.post(url, json={}, headers=clerk)
    assert resp.status == 201, await resp.text()
    token: str = (await resp.json())["token"]
    return token


async def pid_of(sessions: async_sessionmaker[AsyncSession], hid: str, role: str) -> list[str]:
    async with sessions() as s:
        rows = await s.scalars(
            select(ParticipantRow.id)
            .where(ParticipantRow.hearing_id == hid, ParticipantRow.role == role)
            .order_by(ParticipantRow.position)
        )
        return list(rows)


async def test_a_hearing_closed_over_ws_pushes_its_real_record_once_signed(
    settings: Settings,
    receiver: Receiver,
    add_hearing: AddHearing,
    sessions: async_sessionmaker[AsyncSession],
    clerk: dict[str, str],
    staff_token: StaffToken,
    connect: Connect,
    clock: Clock,
    aiohttp_client: Any,
) -> None:
    running = settings.model_copy(
        update={
            "record_webhook_url": receiver.url,
            "record_webhook_secret": SecretStr(SECRET),
            "scheduler_sync_interval_s": 0.2,  # the runner's `records` work, for real
        }
    )
    client: TestClient[Any, Any] = await aiohttp_client(create_app(running, clock=clock))
    hid = await add_hearing(NOW + timedelta(minutes=10), 60, people=(JUDGE, CLERK, PARTY))
    async with sessions() as s, s.begin():
        hearing = await s.get(HearingRow, hid)
        assert hearing is not None
        hearing.case_id = await s.scalar(select(CaseRow.id))
    [party_id] = await pid_of(sessions, hid, "party")

    judge = await connect(client)
    await judge.join(bearer=await staff_token("an.nv"), hearing_id=hid)
    court_clerk = await connect(client)
    await court_clerk.join(bearer=await staff_token("hoa.lt"), hearing_id=hid)
    await judge.request("open")
    party = await connect(client)
    await party.join(token=await link_for(client, clerk, hid, party_id))
    clock.advance(minutes=2)
    await court_clerk.request(
        "identity_check", participant_id=party_id, document="CCCD 001085012345", verified=True
    )
    await court_clerk.request("admit", participant_id=party_id)
    await judge.request("start")
    clock.advance(minutes=40)
    await judge.request("close", reason="Tuyên án: chấp nhận một phần yêu cầu")
    await asyncio.wait_for(receiver.arrived.wait(), 30)

    [(headers, body, signed)] = receiver.pushes
    assert signed
    sent = json.loads(body)
    assert sent["hearing_id"] == hid and sent["state"] == "closed"
    assert sent["case"]["case_number"] == "12/2026/TLST-DS"
    assert sent["outcome"] == "Tuyên án: chấp nhận một phần yêu cầu"
    rec = sent["hearing_record"]
    assert [(h["from"], h["to"]) for h in rec["state_history"]] == [
        ("scheduled", "open"),
        ("open", "in_session"),
        ("in_session", "closed"),
    ]
    assert rec["duration_seconds"] == 40 * 60  # session start to close
    people = {a["participant_id"]: a for a in rec["attendance"]}
    [stay] = people[party_id]["periods"]
    assert (
        stay["joined"] == NOW.isoformat()
        and stay["left"] == (NOW + timedelta(minutes=42)).isoformat()
    )  # UTC; joined before the check, until the close
    assert people[party_id]["total_seconds"] == 42 * 60
    [check] = rec["identity_checks"]
    assert check["verified"] is True and check["checked_by"] == "Trần Thị Hoa"
    assert check["document"] == "CCCD •••••••••345"  # ID numbers do not leave whole
    assert "001085012345" not in body.decode()
    assert rec["verification"]["ok"] is True and rec["entries"] >= 8
    # the same record GET /api/v1/hearings/{id}/record shows (there in court time)
    shown = await (await client.get(f"/api/v1/hearings/{hid}/record", headers=clerk)).json()
    assert shown["last_hash"] == rec["last_hash"] and shown["entries"] == rec["entries"]
    # attendance per person and per site have their own paths (they once shared one)
    per_person = await (
        await client.get(f"/api/v1/hearings/{hid}/record/attendance", headers=clerk)
    ).json()
    assert {a["participant_id"] for a in per_person} == set(people)
    per_site = await (await client.get(f"/api/v1/hearings/{hid}/attendance", headers=clerk)).json()
    assert per_site["hearing_id"] == hid and "items" in per_site

    # Exactly one push: acknowledged, and the records work finds nothing more to send.
    ctx = client.app[SCHEDULING].ctx
    for _ in range(200):  # the acknowledgement is stored right after the 200
        async with sessions() as s:
            row = await s.scalar(select(RecordOutboxRow).where(RecordOutboxRow.hearing_id == hid))
        if row is not None and row.state == "acknowledged":
            break
        await asyncio.sleep(0.05)
    assert row is not None and row.state == "acknowledged" and row.attempts == 1
    assert await enqueue_closed_records(ctx, client.app[SCHEDULING].record_hooks) == 0
    assert await push_due_records(ctx) == 0
    assert len(receiver.pushes) == 1
    assert headers["X-Vcourt-Delivery"] == row.id


async def test_endpoints_joining_and_leaving_a_meeting_fill_the_site_report(
    settings: Settings,
    add_hearing: AddHearing,
    sessions: async_sessionmaker[AsyncSession],
    clerk: dict[str, str],
    staff_token: StaffToken,
    connect: Connect,
    clock: Clock,
    aiohttp_client: Any,
) -> None:
    quiet = settings.model_copy(update={"scheduler_enabled": False})
    client: TestClient[Any, Any] = await aiohttp_client(create_app(quiet, clock=clock))
    hid = await add_hearing(
        NOW + timedelta(minutes=10),
        60,
        kind="meeting",
        central="HN-P1",
        components=("DN-P1", "TG-1"),
        people=(JUDGE,),
        title="Tập huấn trực tuyến",
    )
    async with sessions() as s, s.begin():
        for i, code in enumerate(("DN-P1", "TG-1"), start=1):
            s.add(
                ParticipantRow(
                    hearing_id=hid,
                    position=i,
                    role="endpoint",
                    name=f"Site {code}",
                    endpoint_code=code,
                    created_at=NOW,
                )
            )
    danang, tiengiang = await pid_of(sessions, hid, "endpoint")

    judge = await connect(client)
    await judge.join(bearer=await staff_token("an.nv"), hearing_id=hid)
    await judge.request("open")
    first = await connect(client)
    await first.join(token=await link_for(client, clerk, hid, danang))
    clock.advance(minutes=3)
    second = await connect(client)
    await second.join(token=await link_for(client, clerk, hid, tiengiang))
    clock.advance(minutes=30)
    await first.request("leave")
    await judge.wait_for_event("participant_left", participant_id=danang)

    report = await (await client.get(f"/api/v1/hearings/{hid}/attendance", headers=clerk)).json()
    sites = {i["endpoint_code"]: i for i in report["items"]}
    assert report["present"] == 2 and not sites["HN-P1"]["attended"]  # the court did not join
    dn, tg = sites["DN-P1"], sites["TG-1"]
    assert dn["attended"] and tg["attended"] and dn["joins"] == tg["joins"] == 1
    assert dn["first_joined"] < tg["first_joined"] < dn["last_left"]
    assert dn["minutes"] == 33  # joined, and left 33 minutes later by the app's clock
    csv_rows = {
        r["endpoint_code"]: r
        for r in csv.DictReader(
            io.StringIO(
                await (
                    await client.get(f"/api/v1/hearings/{hid}/attendance.csv", headers=clerk)
                ).text()
            )
        )
    }
    assert csv_rows["DN-P1"]["attended"] == csv_rows["TG-1"]["attended"] == "yes"
    page = await (await client.get(f"/api/v1/hearings/{hid}/attendance.html", headers=clerk)).text()
    assert 'data-site="DN-P1" data-minutes="33"' in page and 'data-site="TG-1"' in page

    # Closing the meeting ends the stay of the site still connected.
    clock.advance(minutes=10)
    await judge.request("close")
    await second.wait_for("bye")
    report = await (await client.get(f"/api/v1/hearings/{hid}/attendance", headers=clerk)).json()
    tg = next(i for i in report["items"] if i["endpoint_code"] == "TG-1")
    assert tg["first_joined"] < tg["last_left"] and tg["minutes"] == 40
