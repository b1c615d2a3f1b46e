"""Part of `python -m bench booking`: clerks booking the same courtroom, judge and time at the
same moment, through the HTTP API of the running app, on SQLite and on PostgreSQL. Counts how
many bookings each round makes (one is right) and how many are refused with a 409.

PostgreSQL: a throwaway cluster (initdb + pg_ctl from Debian's postgresql package, on
loopback, in a temporary directory) unless a server URL is given.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

from conference.domain.access import ApiRole
from conference.domain.calendar import CourtCalendar
from conference.settings import load_settings
from conference.store.db import create_engine, session_factory, upgrade_async
from conference.store.tables import CaseRow, CourtRow, EndpointRow, StaffRow
from web.app import create_app
from web.auth import create_token

CASE = "1/2030/TLST-DS"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_binary(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None
    )
    if found is None:
        raise SystemExit(f"{name} not found: apt-get install -y postgresql, or pass --pg URL")
    return found


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb refuses to run as root: run the cluster as the postgres system user then.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL cluster on a free loopback port; yields its server URL (no database)."""
    root = Path(tempfile.mkdtemp(prefix="vcourt-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()
    initdb = [_pg_binary("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
    subprocess.run(
        _as_postgres([*initdb, "-E", "UTF8", "--no-sync"]), check=True, capture_output=True
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200"
    pg_ctl = _pg_binary("pg_ctl")
    subprocess.run(
        _as_postgres(
            [pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(data), "-m", "fast", "stop"]), capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


async def fresh_postgres_db(server_url: str) -> str:
    import asyncpg

    name = f"bench_race_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(
        server_url.replace("postgresql+asyncpg", "postgresql") + "/postgres"
    )
    try:
        await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()
    return f"{server_url}/{name}"


def working_days(count: int) -> list[date]:
    cal, day = CourtCalendar(), date(2030, 3, 11)
    days: list[date] = []
    while len(days) < count:
        if cal.day_off_reason(day) is None:
            days.append(day)
        day += timedelta(days=1)
    return days


async def race(url: str, *, rounds: int, clerks: int, data_dir: Path) -> list[Counter[int]]:
    """Each round: `clerks` POST /api/v1/hearings at once, one courtroom, one judge, one time
    (a new working day per round). Returns the HTTP statuses counted per round."""
    await upgrade_async(url)
    engine = create_engine(url)
    now = datetime.now(UTC)
    async with session_factory(engine)() as s, s.begin():
        s.add(CourtRow(code="TAND-B", name="TAND bench", level="provincial", province="Hà Nội"))
        await s.flush()
        s.add(
            EndpointRow(
                code="TAND-B-P1",
                court_code="TAND-B",
                site_name="Phòng 1",
                kind="courtroom",
                capabilities={},
            )
        )
        s.add(
            StaffRow(username="judge.b", full_name="Thẩm phán B", role="judge", court_code="TAND-B")
        )
        s.add(
            CaseRow(
                case_number=CASE,
                case_type="civil",
                court_code="TAND-B",
                title="Bench",
                confidentiality="public",
                judges=[],
                created_at=now,
                updated_at=now,
            )
        )
        token = await create_token(s, role=ApiRole.CLERK, name="bench", now=now)
    await engine.dispose()

    settings = load_settings(
        data_dir=data_dir,
        database_url=url,
        secret_key="bench",
        scheduler_enabled=False,
        log_format="text",
    )
    runner = web.AppRunner(create_app(settings), shutdown_timeout=1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    results: list[Counter[int]] = []
    try:
        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}", headers=headers) as http:
            for day in working_days(rounds):

                async def post(i: int, day: date = day) -> int:
                    body = {
                        "case_number": CASE,
                        "title": f"Phiên {i}",
                        "starts_at": f"{day.isoformat()}T09:00:00",
                        "duration_minutes": 90,
                        "central_endpoint": "TAND-B-P1",
                        "participants": [{"role": "presiding_judge", "staff_username": "judge.b"}],
                    }
                    async with http.post("/api/v1/hearings", json=body) as resp:
                        await resp.read()
                        return resp.status

                results.append(Counter(await asyncio.gather(*(post(i) for i in range(clerks)))))
    finally:
        await runner.cleanup()
    return results


def run_race(pg_url: str | None, *, rounds: int, clerks: int) -> dict[str, list[Counter[int]]]:
    out: dict[str, list[Counter[int]]] = {}
    with tempfile.TemporaryDirectory(prefix="vcourt-bench-race-") as tmp:
        sqlite_url = f"sqlite+aiosqlite:///{Path(tmp) / 'race.db'}"
        out["sqlite"] = asyncio.run(
            race(sqlite_url, rounds=rounds, clerks=clerks, data_dir=Path(tmp))
        )
        if pg_url:
            db = asyncio.run(fresh_postgres_db(pg_url))
            out["postgresql"] = asyncio.run(
                race(db, rounds=rounds, clerks=clerks, data_dir=Path(tmp))
            )
        else:
            with throwaway_postgres() as server:
                db = asyncio.run(fresh_postgres_db(server))
                out["postgresql"] = asyncio.run(
                    race(db, rounds=rounds, clerks=clerks, data_dir=Path(tmp))
                )
    return out
