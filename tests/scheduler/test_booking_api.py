"""The booking dry run and free slots over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp.test_utils import TestClient

from conference.domain.clock import COURT_TZ
from tests.fixtures.scheduling import AddHearing


def court(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=COURT_TZ)


JUDGE = ("presiding_judge", "Nguyễn Văn An", "an.nv", None, None, None)
LAWYER = ("lawyer", "Trần Minh", None, None, None, None)


def plan(start: str, minutes: int = 60, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "12/2026/TLST-DS",
        "case_number": "12/2026/TLST-DS",
        "starts_at": start,
        "duration_minutes": minutes,
        "central_endpoint": "HN-P1",
    }
    body.update(extra)
    return body


async def test_check_explains_clashes_and_offers_free_slots(
    sched_client: TestClient[Any, Any], clerk: dict[str, str], add_hearing: AddHearing
) -> None:
    other = await add_hearing(
        court("2026-11-23T09:00"), 90, central="HN-P1", people=(JUDGE, LAWYER), title="Vụ 7"
    )
    await add_hearing(court("2026-11-23T09:00"), 60, central="DN-P1", state="cancelled")
    body = plan(
        "2026-11-23T10:00:00+07:00",
        participants=[
            {"role": "presiding_judge", "name": "Nguyễn Văn An", "staff_username": "an.nv"},
            {"role": "lawyer", "name": "trần minh"},
        ],
        component_endpoints=["DN-P1"],
    )
    resp = await sched_client.post("/api/v1/bookings/check", json=body, headers=clerk)
    assert resp.status == 200, await resp.text()
    out = await resp.json()
    assert out["ok"] is False
    assert [c["code"] for c in out["conflicts"]] == ["endpoint_busy", "person_busy", "person_busy"]
    assert {c["other_hearing_id"] for c in out["conflicts"]} == {other}
    assert out["conflicts"][0]["message"] == (
        "endpoint HN-P1 is already booked for 'Vụ 7' at 2026-11-23 09:00-10:30"
    )
    # the next free starts come after the other hearing, in court time, skipping lunch
    assert out["free_slots"][:3] == [
        "2026-11-23T10:30:00+07:00",
        "2026-11-23T13:30:00+07:00",
        "2026-11-23T14:00:00+07:00",
    ]


async def test_check_passes_a_free_booking_and_a_moved_hearing_does_not_clash_with_itself(
    sched_client: TestClient[Any, Any], clerk: dict[str, str], add_hearing: AddHearing
) -> None:
    own = await add_hearing(court("2026-11-23T09:00"), 60, central="HN-P1", people=(JUDGE,))
    judge = [{"role": "presiding_judge", "name": "An", "staff_username": "an.nv"}]
    moved = plan("2026-11-23T09:30:00+07:00", participants=judge, hearing_id=own)
    resp = await sched_client.post("/api/v1/bookings/check", json=moved, headers=clerk)
    assert (await resp.json()) == {"ok": True, "conflicts": [], "free_slots": []}
    clash = plan("2026-11-23T09:30:00+07:00", participants=judge)
    resp = await sched_client.post("/api/v1/bookings/check", json=clash, headers=clerk)
    assert [c["code"] for c in (await resp.json())["conflicts"]] == [
        "endpoint_busy",
        "person_busy",
    ]


async def test_check_refuses_holidays_disabled_endpoints_and_bad_input(
    sched_client: TestClient[Any, Any], clerk: dict[str, str], registry: None
) -> None:
    body = plan("2027-02-08T09:00:00", central_endpoint="HN-OFF")  # Tết 2027, naive = court time
    resp = await sched_client.post("/api/v1/bookings/check", json=body, headers=clerk)
    out = await resp.json()
    assert [c["code"] for c in out["conflicts"]] == ["outside_hours", "endpoint_disabled"]
    assert "public holiday" in out["conflicts"][0]["message"]
    resp = await sched_client.post(
        "/api/v1/bookings/check", json=plan("2026-11-23T09:00", 2), headers=clerk
    )
    assert resp.status == 422
    assert "duration_minutes" in await resp.text()
    resp = await sched_client.post(
        "/api/v1/bookings/check", json=plan("2026-11-23T09:00", case_number=None), headers=clerk
    )
    assert resp.status == 422
    assert "give case_number" in (await resp.json())["detail"]
    resp = await sched_client.post("/api/v1/bookings/check", json=plan("2026-11-23T09:00"))
    assert resp.status == 401


async def test_free_slots_for_people_and_rooms(
    sched_client: TestClient[Any, Any], clerk: dict[str, str], add_hearing: AddHearing
) -> None:
    await add_hearing(court("2026-11-23T07:30"), 240, central="HN-P2")
    await add_hearing(court("2026-11-23T13:30"), 60, central="DN-P1", people=(JUDGE,))
    resp = await sched_client.get(
        "/api/v1/bookings/free-slots",
        params={
            "endpoints": "HN-P2",
            "staff": "an.nv",
            "duration_minutes": "60",
            "after": "2026-11-23T07:00:00",
            "count": "2",
        },
        headers=clerk,
    )
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["free_slots"] == [
        "2026-11-23T14:30:00+07:00",
        "2026-11-23T15:00:00+07:00",
    ]
