"""Booking check benchmark: one booking against the demo registry and a year of bookings.

    python -m bench.booking [--db sqlite+aiosqlite:///var/bench-booking.db] [--checks 200]

Seeds the demo registry (web/seed/registry_data.build_registry(): ~1,100 endpoints), then one
hearing per working day per courtroom endpoint for a year (each with a judge, a clerk and a
lawyer, some with a remote component endpoint), then times dry-run checks (the function the
hearing API calls: conflicts, and free slots when there is a conflict) and prints p50/p99.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select

from conference.domain.calendar import CourtCalendar
from conference.domain.clock import COURT_TZ
from conference.domain.hearings import HearingKind, HearingPlan, Participant, Role
from conference.settings import load_settings
from conference.store.db import create_engine, session_factory, upgrade
from conference.store.tables import (
    EndpointRow,
    HearingEndpointRow,
    HearingRow,
    ParticipantRow,
    StaffRow,
)
from scheduler.booking import check_booking
from web.seed.loader import seed_registry

START = date(2027, 1, 4)
SLOTS = [(8, 0), (9, 30), (14, 0)]


async def seed(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as s:
        if await s.scalar(select(func.count()).select_from(HearingRow)):
            n = await s.scalar(select(func.count()).select_from(HearingRow)) or 0
            e = await s.scalar(select(func.count()).select_from(EndpointRow)) or 0
            await engine.dispose()
            return e, n
        await seed_registry(s)
    async with sessions() as s:
        eps = (
            await s.execute(
                select(EndpointRow.code, EndpointRow.court_code).where(
                    EndpointRow.kind == "courtroom"
                )
            )
        ).all()
    rng = random.Random(7)
    cal = CourtCalendar()
    judges = [f"judge{i:04d}" for i in range(len(eps))]
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await conn.execute(
            insert(StaffRow),
            [{"username": j, "full_name": j, "role": "judge", "active": True} for j in judges],
        )
    n = 0
    for offset in range(365):
        day = START + timedelta(days=offset)
        if cal.day_off_reason(day):
            continue
        hearings, comps, parts = [], [], []
        for i, (code, court) in enumerate(eps):
            hh, mm = SLOTS[rng.randrange(len(SLOTS))]
            start = datetime(day.year, day.month, day.day, hh, mm, tzinfo=COURT_TZ)
            hid = f"h{offset:03d}{i:05d}"
            hearings.append(
                {
                    "id": hid,
                    "kind": "hearing",
                    "court_code": court,
                    "title": hid,
                    "starts_at": start.astimezone(UTC),
                    "ends_at": (start + timedelta(minutes=90)).astimezone(UTC),
                    "central_endpoint": code,
                    "state": "scheduled",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if i % 5 == 0:
                comps.append({"hearing_id": hid, "endpoint_code": eps[(i + 1) % len(eps)][0]})
            for pos, (role, name, user) in enumerate(
                [
                    ("presiding_judge", judges[i], judges[i]),
                    ("clerk", f"Thư ký {i}", None),
                    ("lawyer", f"Luật sư {rng.randrange(3000)}", None),
                ]
            ):
                parts.append(
                    {
                        "id": f"{hid}p{pos}",
                        "hearing_id": hid,
                        "position": pos,
                        "role": role,
                        "name": name,
                        "staff_username": user,
                        "created_at": now,
                    }
                )
        async with engine.begin() as conn:
            await conn.execute(insert(HearingRow), hearings)
            if comps:
                await conn.execute(insert(HearingEndpointRow), comps)
            await conn.execute(insert(ParticipantRow), parts)
        n += len(hearings)
    await engine.dispose()
    return len(eps), n


async def measure(url: str, checks: int) -> dict[str, float]:
    settings = load_settings(database_url=url, secret_key="bench")
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as s:
        eps = list(
            (await s.scalars(select(EndpointRow.code).where(EndpointRow.kind == "courtroom"))).all()
        )
    rng = random.Random(11)
    timings: list[float] = []
    conflicted = 0
    for k in range(checks):
        i = rng.randrange(len(eps))
        day = START + timedelta(days=rng.randrange(300))
        while CourtCalendar().day_off_reason(day):
            day += timedelta(days=1)
        start = datetime(day.year, day.month, day.day, 9, 30, tzinfo=COURT_TZ)
        plan = HearingPlan(
            kind=HearingKind.HEARING,
            title="bench",
            starts_at=start,
            duration=timedelta(minutes=90),
            central_endpoint=eps[i],
            component_endpoints=(eps[(i + 7) % len(eps)],),
            case_number="1/2027/TLST-DS",
            participants=(
                Participant(Role.PRESIDING_JUDGE, "J", staff_username=f"judge{i:04d}"),
                Participant(Role.LAWYER, f"Luật sư {k % 3000}"),
            ),
        )
        t0 = time.perf_counter()
        async with sessions() as s:
            result = await check_booking(
                s, plan, settings=settings, now=datetime(2027, 1, 1, tzinfo=UTC), slots=5
            )
        timings.append((time.perf_counter() - t0) * 1000)
        conflicted += not result.ok
    await engine.dispose()
    timings.sort()
    return {
        "checks": checks,
        "with_conflicts": conflicted,
        "p50_ms": statistics.median(timings),
        "p99_ms": timings[min(len(timings) - 1, int(len(timings) * 0.99))],
        "max_ms": timings[-1],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite+aiosqlite:///var/bench-booking.db")
    parser.add_argument("--checks", type=int, default=200)
    args = parser.parse_args(argv)
    upgrade(args.db)
    t0 = time.perf_counter()
    endpoints, hearings = asyncio.run(seed(args.db))
    took = time.perf_counter() - t0
    print(f"{hearings} hearings on {endpoints} courtroom endpoints (seeded in {took:.0f} s)")
    print(asyncio.run(measure(args.db, args.checks)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
