"""The busy intervals follow every change of a hearing — move, participant edits, cancel,
close — so conflicts and free slots stay right; and on PostgreSQL a booking saved by someone
else between the check and the save is refused in the same words as any clash."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.domain import room_events as ev
from conference.domain.booking import Resource
from conference.domain.clock import COURT_TZ
from conference.domain.errors import Conflict
from conference.domain.hearings import HearingKind, HearingPlan, HearingState, Participant, Role
from conference.settings import Settings
from conference.store import hearing_record, hearings_repo
from conference.store.bookings import ValidBooking
from conference.store.busy import BusyIntervalRow, clashing_resource, is_double_booking
from conference.store.db import create_engine
from conference.store.tables import HearingRow
from scheduler.booking import book
from tests.fixtures.scheduling import AddHearing
from tests.web.helpers import Client, Headers, add_case, add_registry, hearing_body, ok

Busy = set[tuple[str, str, str]]  # (kind, key, "HH:MM-HH:MM" court time)


async def busy_of(settings: Settings, hearing_id: str) -> Busy:
    engine = create_engine(settings.effective_database_url)
    b = BusyIntervalRow
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(b.resource_kind, b.resource_key, b.starts_at, b.ends_at).where(
                    b.hearing_id == hearing_id
                )
            )
            return {
                (kind, key, f"{a.astimezone(COURT_TZ):%H:%M}-{z.astimezone(COURT_TZ):%H:%M}")
                for kind, key, a, z in rows
            }
    finally:
        await engine.dispose()


def each(span: str, *resources: tuple[str, str]) -> Busy:
    return {(kind, key, span) for kind, key in resources}


async def probe(
    client: Client, admin: Headers, start: str, people: list[dict[str, Any]], minutes: int = 60
) -> Any:
    """The dry run a clerk makes: a one-room meeting in courtroom 2 with these people."""
    body = {
        "kind": "meeting",
        "title": "Họp thử",
        "starts_at": f"2030-03-15T{start}:00",
        "duration_minutes": minutes,
        "central_endpoint": "TAND-HN-P2",
        "participants": people,
    }
    return await ok(await client.post("/api/v1/bookings/check", json=body, headers=admin))


def lawyer(name: str) -> dict[str, str]:
    return {"role": "lawyer", "name": name}


JUDGE = {"role": "presiding_judge", "name": "Trần Quốc Hùng", "staff_username": "hung.tq"}


async def test_conflicts_and_free_slots_follow_moves_people_and_cancel(
    client: Client, admin: Headers, settings: Settings
) -> None:
    await add_registry(client, admin)
    await add_case(client, admin)
    # 09:00-11:00 in courtroom 1 with the detention facility; a judge, a panel member, a clerk,
    # the defendant at the facility, a lawyer (tests/web/helpers.py hearing_body).
    hearing = await ok(
        await client.post("/api/v1/hearings", json=hearing_body(), headers=admin), 201
    )
    url = f"/api/v1/hearings/{hearing['id']}"
    people = [("staff", "hung.tq"), ("staff", "lan.ntp"), ("staff", "ha.vt")]
    rooms = [("endpoint", "TAND-HN-P1"), ("endpoint", "TAND-HN-TTG")]
    tuan = ("lawyer", "phạm minh tuấn")
    assert await busy_of(settings, hearing["id"]) == each("09:00-11:00", *people, *rooms, tuan)

    # The lawyer, written differently, is busy; the first free half hour is at 11:00.
    check = await probe(client, admin, "10:00", [lawyer("PHẠM  Minh Tuấn")], minutes=30)
    assert [c["code"] for c in check["conflicts"]] == ["person_busy"]
    assert check["free_slots"][0] == "2030-03-15T11:00:00+07:00"

    # Moved to the afternoon: the morning is free, the afternoon is not.
    await ok(await client.patch(url, json={"starts_at": "2030-03-15T14:00:00"}, headers=admin))
    assert await busy_of(settings, hearing["id"]) == each("14:00-16:00", *people, *rooms, tuan)
    assert (await probe(client, admin, "10:00", [JUDGE]))["ok"] is True
    check = await probe(client, admin, "14:30", [JUDGE])
    assert [c["other_hearing_id"] for c in check["conflicts"]] == [hearing["id"]]
    assert check["free_slots"][:2] == ["2030-03-15T16:00:00+07:00", "2030-03-18T07:30:00+07:00"]

    # Another lawyer instead: the first is free then, the second is not; removed, nor is he.
    listed = await ok(await client.get(f"{url}/participants", headers=admin))
    (counsel,) = [p for p in listed["items"] if p["role"] == "lawyer"]
    changed = {"name": "Lê Văn Cường"}
    await ok(await client.patch(f"{url}/participants/{counsel['id']}", json=changed, headers=admin))
    assert (await probe(client, admin, "14:30", [lawyer("Phạm Minh Tuấn")]))["ok"] is True
    assert (await probe(client, admin, "14:30", [lawyer("lê văn cường")]))["ok"] is False
    await ok(await client.delete(f"{url}/participants/{counsel['id']}", headers=admin), 204)
    assert (await probe(client, admin, "14:30", [lawyer("lê văn cường")]))["ok"] is True
    assert await busy_of(settings, hearing["id"]) == each("14:00-16:00", *people, *rooms)

    # Cancelled: it ties up nobody and nothing.
    await ok(await client.post(f"{url}/cancel", json={"reason": "hoãn"}, headers=admin))
    assert await busy_of(settings, hearing["id"]) == set()
    assert (await probe(client, admin, "14:30", [JUDGE]))["ok"] is True


NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=COURT_TZ)
AN = ("presiding_judge", "Nguyễn Văn An", "an.nv", None, None, None)


async def test_a_closed_hearing_frees_its_room_and_judge(
    sessions: async_sessionmaker[AsyncSession], add_hearing: AddHearing, settings: Settings
) -> None:
    hearing_id = await add_hearing(MONDAY_9, 60, central="HN-P1", people=(AN,), state="open")
    expected = each("09:00-10:00", ("staff", "an.nv"), ("endpoint", "HN-P1"))
    assert await busy_of(settings, hearing_id) == expected
    async with sessions() as s, s.begin():  # the path signalling and the jobs take
        step = ev.HearingStateChanged(
            at=NOW, actor=None, old=HearingState.OPEN, new=HearingState.IN_SESSION
        )
        await hearing_record.append(s, hearing_id, [step])
    assert await busy_of(settings, hearing_id) == expected
    async with sessions() as s, s.begin():
        close = ev.HearingStateChanged(
            at=NOW, actor=None, old=HearingState.IN_SESSION, new=HearingState.CLOSED
        )
        await hearing_record.append(s, hearing_id, [close])
    assert await busy_of(settings, hearing_id) == set()


def _plan(title: str) -> HearingPlan:
    return HearingPlan(
        kind=HearingKind.HEARING,
        title=title,
        starts_at=MONDAY_9,
        duration=timedelta(hours=1),
        central_endpoint="HN-P1",
        case_number="12/2026/TLST-DS",
        participants=(Participant(Role.PRESIDING_JUDGE, "Nguyễn Văn An", staff_username="an.nv"),),
    )


def _insert(session: AsyncSession) -> Any:
    def insert(valid: ValidBooking) -> HearingRow:
        case_id = valid.case.id if valid.case else None
        return hearings_repo.insert_hearing(
            session, valid.plan, case_id=case_id, court_code=valid.court_code, now=NOW
        )

    return insert


async def _wait_for_a_lock_wait(settings: Settings) -> None:
    """Until a PostgreSQL backend waits for another transaction's lock (the second save,
    held by the exclusion constraint until the first booking commits or rolls back)."""
    url = make_url(settings.effective_database_url)
    conn = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, database=url.database
    )
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'"
    try:
        for _ in range(3000):  # about 30 s
            if await conn.fetchval(query, url.database):
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the second booking never waited for the first")
    finally:
        await conn.close()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_a_booking_saved_meanwhile_by_someone_else_is_refused_in_words(
    sessions: async_sessionmaker[AsyncSession], registry: None, settings: Settings
) -> None:
    async with sessions() as first:
        await first.begin()
        await book(first, _plan("Vụ thứ nhất"), _insert(first), settings=settings, now=None)

        async def second() -> None:
            async with sessions() as s, s.begin():
                await book(s, _plan("Vụ thứ hai"), _insert(s), settings=settings, now=None)

        # The second checks before the first commits, so only the database can stop it.
        attempt = asyncio.create_task(second())
        await _wait_for_a_lock_wait(settings)
        await first.commit()
        with pytest.raises(Conflict) as refused:
            await attempt
    at = "2026-11-23 09:00-10:00"
    assert refused.value.message == (
        f"the booking conflicts: endpoint HN-P1 is already booked for 'Vụ thứ nhất' at {at};"
        f" judge Nguyễn Văn An is already booked for 'Vụ thứ nhất' at {at}"
        " (POST /api/v1/bookings/check offers free slots)"
    )
    async with sessions() as s:
        titles = (await s.scalars(select(HearingRow.title))).all()
    assert titles == ["Vụ thứ nhất"]


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_postgresql_itself_refuses_overlapping_use_of_one_room(
    add_hearing: AddHearing,
) -> None:
    await add_hearing(MONDAY_9, 60, central="HN-P1")
    # Written around the booking check: the exclusion constraint still says no.
    with pytest.raises(IntegrityError) as refused:
        await add_hearing(MONDAY_9 + timedelta(minutes=59), 30, central="HN-P1")
    assert is_double_booking(refused.value)
    assert clashing_resource(refused.value) == Resource("endpoint", "HN-P1")
    # Touching is not overlapping.
    await add_hearing(MONDAY_9 + timedelta(minutes=60), 30, central="HN-P1")
