"""Meeting series benchmark: a weekly training to every endpoint of the demo registry.

    python -m bench meetings [--db sqlite+aiosqlite:///var/bench-meetings.db] [--weeks 26]

Seeds the demo registry (~1,100 endpoints; a fresh database each run is best), then books
one day's ordinary hearings on a third of the courtrooms (so some sites are busy), then times
the dry run (`POST /meetings/check`'s function) and the booking of a weekly series targeting
`all`, and reads the attendance report of one occurrence with a stay per site.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from conference.domain.clock import COURT_TZ
from conference.domain.hearings import HearingKind, HearingPlan
from conference.domain.meetings import TargetKind, attendance
from conference.settings import load_settings
from conference.store import hearings_repo
from conference.store.db import create_engine, session_factory, upgrade
from conference.store.tables import EndpointRow
from scheduler.attendance import invited_sites, record_site_attendance, stays_of
from scheduler.meetings import SeriesPlan, Target, book_series
from web.seed.loader import seed_registry

NOW = datetime(2027, 1, 1, tzinfo=UTC)
FIRST = datetime(2027, 1, 8, 14, 0, tzinfo=COURT_TZ)  # a Friday afternoon


async def run(url: str, weeks: int) -> dict[str, object]:
    settings = load_settings(database_url=url, secret_key="bench")
    engine = create_engine(url)
    sessions = session_factory(engine)
    async with sessions() as s:
        await seed_registry(s)
    async with sessions() as s, s.begin():
        codes = list(await s.scalars(select(EndpointRow.code).where(EndpointRow.enabled)))
        central = next(c for c in codes if c.startswith("TANDTC"))
        busy = [c for c in codes if c != central][::3]
        for code in busy:  # a hearing at the series' first hour in a third of the rooms
            ep = await s.get(EndpointRow, code)
            assert ep is not None
            hearings_repo.insert_hearing(
                s,
                HearingPlan(HearingKind.MEETING, "busy", FIRST, timedelta(minutes=60), code),
                case_id=None,
                court_code=ep.court_code,
                now=NOW,
            )
    plan = SeriesPlan(
        title="Tập huấn",
        court_code="TANDTC",
        central_endpoint=central,
        target=Target(TargetKind.ALL),
        rrule=f"FREQ=WEEKLY;COUNT={weeks}",
        first_start=FIRST,
        duration=timedelta(minutes=120),
    )
    timings: dict[str, object] = {"endpoints": len(codes), "busy_first_week": len(busy)}
    async with sessions() as s:
        t = time.perf_counter()
        dry = await book_series(s, plan, settings=settings, now=NOW, dry_run=True)
        timings["dry_run_s"] = round(time.perf_counter() - t, 2)
        await s.rollback()
    async with sessions() as s, s.begin():
        t = time.perf_counter()
        made = await book_series(s, plan, settings=settings, now=NOW)
        timings["book_s"] = round(time.perf_counter() - t, 2)
    first = made.occurrences[0]
    timings["sites"] = made.sites
    timings["first_week_sites"] = first.sites
    timings["booked"] = sum(o.hearing_id is not None for o in made.occurrences)
    assert [o.sites for o in dry.occurrences] == [o.sites for o in made.occurrences]
    assert first.hearing_id is not None
    async with sessions() as s, s.begin():
        row = await hearings_repo.get_hearing(s, first.hearing_id)
        assert row is not None
        for c in row.components:
            await record_site_attendance(s, row.id, c.endpoint_code, row.starts_at, row.ends_at)
    async with sessions() as s:
        t = time.perf_counter()
        row = await hearings_repo.get_hearing(s, first.hearing_id)
        assert row is not None
        report = attendance(
            await invited_sites(s, row), await stays_of(s, row.id), ends_at=row.ends_at
        )
        timings["attendance_report_s"] = round(time.perf_counter() - t, 2)
        timings["attendance_rows"] = len(report)
    await engine.dispose()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite+aiosqlite:///var/bench-meetings.db")
    parser.add_argument("--weeks", type=int, default=26)
    args = parser.parse_args(argv)
    upgrade(args.db)
    print(asyncio.run(run(args.db, args.weeks)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
