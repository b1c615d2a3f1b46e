"""Booking benchmark: checks against a year of bookings, and simultaneous bookings.

    python -m bench booking [--db sqlite+aiosqlite:///var/bench-booking.db] [--checks 200]
                            [--rounds 5] [--clerks 20] [--pg postgresql+asyncpg://…] [--days 365]

Seeds the demo registry (web/seed/registry_data.build_registry(): ~1,100 endpoints), then one
hearing per working day per courtroom endpoint for a year (each with a judge, a clerk and a
lawyer, some with a remote component endpoint; their busy intervals written by the product's
own `conference.store.busy.rebuild`). Then it times `check_booking`, the check every booking
passes, two ways: the conflict check alone, on random proposals; and the check that also
finds the next 5 free slots, on proposals that clash (same courtroom and judge as a booked
hearing, at its time). Last, `--clerks` clerks book one courtroom, judge and time at once
through the HTTP API, `--rounds` times, on SQLite and on PostgreSQL (bench/_booking_race.py):
each round must make exactly one booking.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from functools import partial
from typing import Any

from sqlalchemy import func, insert, select

from conference.domain.calendar import CourtCalendar
from conference.domain.clock import COURT_TZ
from conference.domain.hearings import HearingKind, HearingPlan, Participant, Role
from conference.settings import load_settings
from conference.store.busy import BusyIntervalRow, rebuild
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


async def seed(url: str, days: int = 365) -> tuple[int, int]:
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as s:
        if await s.scalar(select(func.count()).select_from(HearingRow)):
            n = await s.scalar(select(func.count()).select_from(HearingRow)) or 0
            courtrooms = select(func.count()).where(EndpointRow.kind == "courtroom")
            e = await s.scalar(courtrooms) or 0
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
    for offset in range(days):
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
        ids = [str(h["id"]) for h in hearings]
        async with engine.begin() as conn:
            await conn.execute(insert(HearingRow), hearings)
            if comps:
                await conn.execute(insert(HearingEndpointRow), comps)
            await conn.execute(insert(ParticipantRow), parts)
            # Core inserts bypass the session hook: write the busy intervals as it would.
            await conn.run_sync(partial(rebuild, hearing_ids=ids))
        n += len(hearings)
    await engine.dispose()
    return len(eps), n


def proposal(code: str, other: str, judge: str, lawyer: str, start: datetime) -> HearingPlan:
    return HearingPlan(
        kind=HearingKind.HEARING,
        title="bench",
        starts_at=start,
        duration=timedelta(minutes=90),
        central_endpoint=code,
        component_endpoints=(other,),
        case_number="1/2027/TLST-DS",
        participants=(
            Participant(Role.PRESIDING_JUDGE, "J", staff_username=judge),
            Participant(Role.LAWYER, lawyer),
        ),
    )


def summary(timings: list[float], cpu: list[float], **extra: Any) -> dict[str, Any]:
    """Wall-clock percentiles, and the process's CPU per check (all threads: aiosqlite runs
    SQLite in its own), which depends less on what else the machine is doing."""
    timings = sorted(timings)
    return {
        "checks": len(timings),
        **extra,
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.99))], 2),
        "max_ms": round(timings[-1], 2),
        "cpu_ms_per_check": round(statistics.mean(cpu), 2),
    }


async def measure(url: str, checks: int) -> dict[str, dict[str, Any]]:
    settings = load_settings(database_url=url, secret_key="bench")
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as s:
        eps = list(
            (await s.scalars(select(EndpointRow.code).where(EndpointRow.kind == "courtroom"))).all()
        )
        last = await s.scalar(select(func.max(HearingRow.starts_at))) or datetime.now(UTC)
    days = max(1, (last.date() - START).days - 30)  # leave a month for the free-slot search
    rng = random.Random(11)
    now = datetime(2027, 1, 1, tzinfo=UTC)

    cpu: dict[int, list[float]] = {0: [], 5: []}

    async def timed(plan: HearingPlan, slots: int) -> tuple[float, int, int]:
        t0, c0 = time.perf_counter(), time.process_time()
        async with sessions() as s:
            result = await check_booking(s, plan, settings=settings, now=now, slots=slots)
        cpu[slots].append((time.process_time() - c0) * 1000)
        return (time.perf_counter() - t0) * 1000, len(result.conflicts), len(result.free_slots)

    # The conflict check alone: random proposals, some clash, most do not.
    plain: list[float] = []
    clashing = 0
    for k in range(checks):
        i = rng.randrange(len(eps))
        day = START + timedelta(days=rng.randrange(days))
        while CourtCalendar().day_off_reason(day):
            day += timedelta(days=1)
        start = datetime(day.year, day.month, day.day, 9, 30, tzinfo=COURT_TZ)
        plan = proposal(eps[i], eps[(i + 7) % len(eps)], f"judge{i:04d}", f"Luật sư {k}", start)
        ms, conflicts, _ = await timed(plan, 0)
        plain.append(ms)
        clashing += conflicts > 0

    # The check that offers 5 free slots: each proposal takes a booked hearing's courtroom,
    # judge and time, so it always clashes and the 30-day free-slot search always runs.
    with_slots: list[float] = []
    found: list[int] = []
    for k in range(checks):
        i = rng.randrange(len(eps))
        after = datetime.combine(
            START + timedelta(days=rng.randrange(days)), clock_time(0), COURT_TZ
        )
        async with sessions() as s:
            booked = await s.scalar(
                select(HearingRow.starts_at)
                .where(HearingRow.central_endpoint == eps[i], HearingRow.starts_at >= after)
                .order_by(HearingRow.starts_at)
                .limit(1)
            )
        assert booked is not None
        plan = proposal(eps[i], eps[(i + 7) % len(eps)], f"judge{i:04d}", f"Luật sư {k}", booked)
        ms, conflicts, slots = await timed(plan, 5)
        assert conflicts, "the proposal was meant to clash"
        with_slots.append(ms)
        found.append(slots)
    async with sessions() as s:
        intervals = await s.scalar(select(func.count()).select_from(BusyIntervalRow)) or 0
    await engine.dispose()
    return {
        "conflict check": summary(plain, cpu[0], with_conflicts=clashing),
        "check + 5 free slots": summary(with_slots, cpu[5], slots_found_min=min(found)),
        "busy intervals": {"rows": intervals},
    }


def main(argv: list[str] | None = None) -> int:
    from bench._booking_race import run_race

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite+aiosqlite:///var/bench-booking.db")
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--days", type=int, default=365, help="days of bookings to seed")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of simultaneous bookings")
    parser.add_argument("--clerks", type=int, default=20, help="simultaneous bookings per round")
    parser.add_argument("--pg", help="PostgreSQL server URL for the race (default: throwaway)")
    args = parser.parse_args(argv)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    t0 = time.perf_counter()
    upgrade(args.db)  # an old bench database gets its busy intervals from the migration
    endpoints, hearings = asyncio.run(seed(args.db, args.days))
    took = time.perf_counter() - t0
    print(f"{hearings} hearings on {endpoints} courtroom endpoints (ready in {took:.0f} s)")
    for name, figures in asyncio.run(measure(args.db, args.checks)).items():
        print(f"{name}: {figures}")
    for backend, rounds in run_race(args.pg, rounds=args.rounds, clerks=args.clerks).items():
        made = [r[201] for r in rounds]
        refused = [r[409] for r in rounds]
        other = sum(sum(n for status, n in r.items() if status not in (201, 409)) for r in rounds)
        print(
            f"{args.clerks} simultaneous bookings, {backend}: created per round {made},"
            f" refused with 409 per round {refused}, other answers {other}"
        )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
