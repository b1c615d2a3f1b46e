"""`seed_registry` inserts the demo registry once and never overwrites what is there."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, func, select

from conference.store.db import create_engine, session_factory, upgrade_async
from conference.store.tables import CourtRow, EndpointRow
from web.seed.loader import SeedReport, seed_registry
from web.seed.registry_data import build_registry


async def test_seed_twice_inserts_once_and_keeps_edits(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/t.db"
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    courts, endpoints = build_registry()
    try:
        async with sessions() as s:
            first = await seed_registry(s)
        assert (first.courts_inserted, first.courts_existing) == (len(courts), 0)
        assert (first.endpoints_inserted, first.endpoints_existing) == (len(endpoints), 0)

        async with sessions() as s:
            assert await s.scalar(select(func.count()).select_from(CourtRow)) == len(courts)
            assert await s.scalar(select(func.count()).select_from(EndpointRow)) == len(endpoints)
            row = await s.get(EndpointRow, "TAND-HN-BADINH-P1")
            assert row is not None
            assert row.court_code == "TAND-HN-BADINH" and row.kind == "courtroom"
            assert set(row.capabilities) == {"max_resolution", "codecs", "bandwidth_kbps"}
            assert isinstance(row.capabilities["codecs"], list)
            # An administrator edits a court and removes an endpoint.
            court = await s.get(CourtRow, "TAND-NA")
            assert court is not None and court.parent_code == "TANDCC-HN"
            court.name = "Tòa án nhân dân tỉnh Nghệ An (đã sửa)"
            await s.execute(delete(EndpointRow).where(EndpointRow.code == "TAND-NA-HT"))
            await s.commit()

        async with sessions() as s:
            second = await seed_registry(s)
        assert (second.courts_inserted, second.courts_existing) == (0, len(courts))
        assert (second.endpoints_inserted, second.endpoints_existing) == (1, len(endpoints) - 1)

        async with sessions() as s:
            third = await seed_registry(s)
            assert third.inserted == 0
            court = await s.get(CourtRow, "TAND-NA")
            assert court is not None and court.name.endswith("(đã sửa)")
            assert await s.get(EndpointRow, "TAND-NA-HT") is not None
            assert await s.scalar(select(func.count()).select_from(EndpointRow)) == len(endpoints)
    finally:
        await engine.dispose()


def test_report_reads_well() -> None:
    text = str(SeedReport(768, 0, 1100, 0))
    assert (
        text
        == "courts: 768 inserted, 0 already present; endpoints: 1100 inserted, 0 already present"
    )
