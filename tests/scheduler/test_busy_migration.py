"""The migration that adds busy intervals fills them from the hearings already stored, the
same rows the product writes; on PostgreSQL it refuses to add the double-booking guard over
double bookings made before it, says which, and changes nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import insert, select, text, update

from conference.domain.clock import COURT_TZ
from conference.store.busy import BusyIntervalRow, rebuild
from conference.store.db import create_engine, upgrade
from conference.store.tables import (
    CourtRow,
    EndpointRow,
    HearingEndpointRow,
    HearingRow,
    ParticipantRow,
    StaffRow,
)
from tests.fixtures.database import run_in_thread
from tests.fixtures.servers import PostgresServer

BEFORE = "c003_notice_secrets"  # the scheduling revision before busy intervals
NOW = datetime(2026, 11, 20, tzinfo=UTC)
NINE = datetime(2030, 3, 15, 9, 0, tzinfo=COURT_TZ)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database migrated only as far as the revision before busy intervals."""
    if request.param == "postgresql":
        return old_postgres(request.getfixturevalue("postgres_server"))
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    run_in_thread(lambda: upgrade(url, BEFORE))
    return url


def old_postgres(server: PostgresServer) -> str:
    name = f"m_{uuid.uuid4().hex[:12]}"

    async def create() -> None:
        conn = await asyncpg.connect(server.admin_url)
        try:
            await conn.execute(f"CREATE DATABASE {name}")
        finally:
            await conn.close()

    run_in_thread(lambda: asyncio.run(create()))
    url = server.url(name)
    run_in_thread(lambda: upgrade(url, BEFORE))
    return url


def hearing(hid: str, start: datetime, minutes: int, state: str = "scheduled") -> dict[str, Any]:
    return {
        "id": hid,
        "kind": "hearing",
        "court_code": "HN",
        "title": hid,
        "starts_at": start,
        "ends_at": start + timedelta(minutes=minutes),
        "central_endpoint": "P1",
        "state": state,
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
    }


def person(hid: str, n: int, role: str, name: str, **extra: str) -> dict[str, Any]:
    return {
        "id": f"{hid}-{n}",
        "hearing_id": hid,
        "position": n,
        "role": role,
        "name": name,
        "created_at": NOW,
        "staff_username": None,
        "language": None,
        "endpoint_code": None,
        **extra,
    }


async def store_old_rows(url: str, hearings: list[dict[str, Any]], people: list[Any]) -> None:
    """Rows as the old code stored them: plain inserts, no busy intervals anywhere."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                insert(CourtRow),
                [{"code": "HN", "name": "HN", "level": "provincial", "province": "HN"}],
            )
            await conn.execute(
                insert(EndpointRow),
                [
                    {
                        "code": c,
                        "court_code": "HN",
                        "site_name": c,
                        "kind": "courtroom",
                        "capabilities": {},
                        "enabled": True,
                    }
                    for c in ("P1", "P2", "TG")
                ],
            )
            await conn.execute(
                insert(StaffRow),
                [{"username": u, "full_name": u, "role": "judge"} for u in ("an.nv", "ha.vt")],
            )
            await conn.execute(insert(HearingRow), hearings)
            await conn.execute(
                insert(HearingEndpointRow), [{"hearing_id": "h1", "endpoint_code": "P2"}]
            )
            await conn.execute(insert(ParticipantRow), people)
    finally:
        await engine.dispose()


Row = tuple[str, str, str, datetime, datetime]


async def busy_rows(url: str, before: Callable[[Any], Any] | None = None) -> set[Row]:
    engine = create_engine(url)
    b = BusyIntervalRow
    try:
        async with engine.begin() as conn:
            if before is not None:
                await conn.run_sync(before)
            rows = await conn.execute(
                select(b.hearing_id, b.resource_kind, b.resource_key, b.starts_at, b.ends_at)
            )
            return {tuple(r) for r in rows}  # type: ignore[misc]
    finally:
        await engine.dispose()


async def test_migration_fills_busy_intervals_from_stored_hearings(old_db_url: str) -> None:
    afternoon = NINE + timedelta(hours=5)
    await store_old_rows(
        old_db_url,
        [
            hearing("h1", NINE, 120),
            hearing("h2", NINE, 120, state="cancelled"),
            hearing("h3", afternoon, 60, state="closed"),
            hearing("h4", afternoon, 60, state="adjourned"),
        ],
        [
            person("h1", 0, "presiding_judge", "An", staff_username="an.nv"),
            person("h1", 1, "clerk", "Hà", staff_username="ha.vt"),
            person("h1", 2, "lawyer", "Phạm  Minh TUẤN"),
            person("h1", 3, "lawyer", "phạm minh tuấn"),  # the same lawyer, listed twice
            person("h1", 4, "interpreter", "Lê Lan", language="EN"),
            person("h1", 5, "procurator", "Đỗ Văn Bình"),
            person("h1", 6, "defendant", "Bị cáo", endpoint_code="TG"),
            person("h1", 7, "witness", "Người làm chứng"),
            person("h2", 0, "presiding_judge", "An", staff_username="an.nv"),
            person("h3", 0, "presiding_judge", "An", staff_username="an.nv"),
            person("h4", 0, "panel_member", "An", staff_username="an.nv"),
        ],
    )
    run_in_thread(lambda: upgrade(old_db_url))

    filled = await busy_rows(old_db_url)
    end = NINE + timedelta(minutes=120)
    morning = {
        ("h1", kind, key, NINE, end)
        for kind, key in [
            ("endpoint", "P1"),
            ("endpoint", "P2"),
            ("endpoint", "TG"),
            ("staff", "an.nv"),
            ("staff", "ha.vt"),
            ("lawyer", "phạm minh tuấn"),
            ("interpreter", "lê lan|en"),
            ("person", "đỗ văn bình"),
        ]
    }
    later = {
        ("h4", kind, key, afternoon, afternoon + timedelta(minutes=60))
        for kind, key in [("endpoint", "P1"), ("staff", "an.nv")]
    }
    assert filled == morning | later
    # The product, rewriting every hearing's intervals, writes exactly the same rows.
    ids = ["h1", "h2", "h3", "h4"]
    assert await busy_rows(old_db_url, before=lambda conn: rebuild(conn, ids)) == filled


@pytest.mark.postgres
async def test_migration_refuses_the_guard_over_old_double_bookings(
    postgres_server: PostgresServer,
) -> None:
    url = old_postgres(postgres_server)
    judge = {"staff_username": "an.nv"}
    await store_old_rows(
        url,
        [hearing("h1", NINE, 120), hearing("h2", NINE + timedelta(hours=1), 60)],
        [person("h1", 0, "presiding_judge", "An", **judge)],
    )
    with pytest.raises(RuntimeError) as refused:
        run_in_thread(lambda: upgrade(url))
    assert (
        "endpoint P1: hearing h1 at 2030-03-15 02:00 UTC and hearing h2 at 2030-03-15 03:00 UTC"
        in str(refused.value)
    )
    assert "Move or cancel one hearing of each pair" in str(refused.value)
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:  # nothing changed: still at the old revision
            versions = set(await conn.scalars(text("SELECT version_num FROM alembic_version")))
            assert BEFORE in versions and "c004_busy_intervals" not in versions
            assert await conn.scalar(text("SELECT to_regclass('busy_intervals')")) is None
            await conn.execute(
                update(HearingRow).where(HearingRow.id == "h2").values(state="cancelled")
            )
    finally:
        await engine.dispose()
    run_in_thread(lambda: upgrade(url))
    assert {r[0] for r in await busy_rows(url)} == {"h1"}
