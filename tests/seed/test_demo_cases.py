"""`vcourt seed` adds demo staff, cases and today's hearings once, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from conference.domain.cases import STATE_SECRET_REASON
from conference.settings import Settings
from conference.store.db import create_engine, session_factory
from conference.store.tables import CaseRow, HearingRow, ParticipantRow, StaffRow
from tests.web.helpers import Client, Headers, hearing_body, ok
from web.seed.demo import seed_all

# 07:30 in Hà Nội on 23 November 2026 (still the 23rd in UTC too).
NOW = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)


async def counts(settings: Settings) -> tuple[int, ...]:
    engine = create_engine(settings.effective_database_url)
    try:
        async with session_factory(engine)() as s:
            return tuple(
                [
                    await s.scalar(select(func.count()).select_from(table)) or 0
                    for table in (StaffRow, CaseRow, HearingRow, ParticipantRow)
                ]
            )
    finally:
        await engine.dispose()


async def test_demo_is_seeded_once_and_is_usable(
    settings: Settings, client: Client, admin: Headers
) -> None:
    first = await seed_all(settings, now=NOW)
    assert "demo: 9 staff, 6 cases, 5 hearings for 2026-11-23 added" in first
    after_first = await counts(settings)
    second = await seed_all(settings, now=NOW)
    assert "demo: 0 staff, 0 cases, 0 hearings" in second
    assert await counts(settings) == after_first

    today = await ok(await client.get("/api/v1/hearings?day=2026-11-23", headers=admin))
    assert today["total"] == 5
    starts = [h["starts_at"][11:] for h in today["items"]]
    assert starts == [
        "08:30:00+07:00",
        "09:00:00+07:00",
        "10:00:00+07:00",
        "14:00:00+07:00",
        "15:00:00+07:00",
    ]
    by_title = {h["title"]: h for h in today["items"]}
    criminal = next(h for h in today["items"] if h["case"] and h["case"]["case_type"] == "criminal")
    roles = {p["role"] for p in criminal["participants"]}
    assert {
        "presiding_judge",
        "panel_member",
        "clerk",
        "procurator",
        "defendant",
        "lawyer",
        "witness",
        "party",
    } <= roles
    assert [e["kind"] for e in criminal["component_endpoints"]] == ["detention_facility"]
    family = next(h for h in today["items"] if h["case"] and h["case"]["case_type"] == "family")
    assert family["case"]["confidentiality"] == "closed"
    meeting = next(h for h in by_title.values() if h["kind"] == "meeting")
    assert meeting["central_endpoint"]["kind"] == "training_hall"
    assert len(meeting["component_endpoints"]) == 6
    judge = await ok(
        await client.get("/api/v1/hearings?day=2026-11-23&judge=dung.lv", headers=admin)
    )
    assert judge["total"] == 1

    secret = await ok(await client.get("/api/v1/cases?confidentiality=state_secret", headers=admin))
    assert [c["case_number"] for c in secret["items"]] == ["15/2026/TLST-HS"]
    resp = await client.post(
        "/api/v1/hearings",
        json=hearing_body(case_number="15/2026/TLST-HS", participants=[]),
        headers=admin,
    )
    assert resp.status == 409
    assert (await resp.json())["detail"] == STATE_SECRET_REASON


async def test_registry_only_adds_no_cases(settings: Settings) -> None:
    report = await seed_all(settings, registry_only=True, now=NOW)
    assert "demo:" not in report
    assert (await counts(settings))[:3] == (0, 0, 0)


async def test_a_demo_started_on_a_day_off_books_the_next_working_day(
    settings: Settings, client: Client, admin: Headers
) -> None:
    # 09:00 court time on Friday 5 February 2027: Tết eve; Tết runs to Wednesday the 10th.
    report = await seed_all(settings, now=datetime(2027, 2, 5, 2, 0, tzinfo=UTC))
    assert "5 hearings for 2027-02-11 added" in report
    listed = await ok(await client.get("/api/v1/hearings?day=2027-02-11", headers=admin))
    assert listed["total"] == 5
    # The demo hearings obey the booking rules: the same judge cannot be booked over them.
    criminal = next(h for h in listed["items"] if h["starts_at"].endswith("08:30:00+07:00"))
    assert criminal["case"]["case_number"] == "210/2027/TLST-HS"
    resp = await client.post(
        "/api/v1/hearings",
        json=hearing_body(
            case_number="210/2027/TLST-HS",
            starts_at="2027-02-11T09:00:00",
            central_endpoint="TAND-HN-P2",
            component_endpoints=[],
            participants=[
                {"role": "presiding_judge", "staff_username": "hung.tq"},
                {"role": "clerk", "staff_username": "ha.vt"},
            ],
        ),
        headers=admin,
    )
    assert resp.status == 409
    assert "judge Trần Quốc Hùng is already booked" in (await resp.json())["detail"]
