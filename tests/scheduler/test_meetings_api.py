"""Multi-site meeting series and attendance per site over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.domain.clock import COURT_TZ
from scheduler.attendance import record_site_attendance
from tests.fixtures.scheduling import AddHearing

Client = TestClient[Any, Any]
CHAIR = {"role": "presiding_judge", "name": "Nguyễn Văn An", "staff_username": "an.nv"}


def court(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=COURT_TZ)


def series(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Tập huấn trực tuyến",
        "court_code": "TAND-HN",
        "central_endpoint": "HN-P1",
        "target": {"kind": "all"},
        "rrule": "FREQ=WEEKLY;BYDAY=FR;COUNT=4",
        "starts_at": "2030-01-25T09:00:00",
        "duration_minutes": 60,
        "participants": [CHAIR],
    }
    body.update(over)
    return body


async def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status == status, (resp.status, await resp.text())
    return await resp.json() if resp.content_type.endswith("json") else await resp.text()


async def test_a_weekly_series_reaches_every_site_around_holidays_and_clashes(
    sched_client: Client,
    clerk: dict[str, str],
    add_hearing: AddHearing,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    client = sched_client
    busy_site = await add_hearing(court("2030-01-25T09:30"), 60, central="DN-P1", title="Vụ ĐN")
    chair_away = ("presiding_judge", "Nguyễn Văn An", "an.nv", None, None, None)
    await add_hearing(court("2030-02-08T08:30"), 60, central="HN-P2", people=(chair_away,))

    dry = await ok(await client.post("/api/v1/meetings/check", json=series(), headers=clerk))
    listed = await ok(await client.get("/api/v1/hearings?kind=meeting", headers=clerk))
    assert dry["series_id"] is None and listed["total"] == 0  # a dry run writes nothing

    made = await ok(await client.post("/api/v1/meetings", json=series(), headers=clerk), 201)
    assert made["sites"] == 3  # every enabled endpoint (HN-OFF is disabled) but the central one
    assert (made["booked"], made["skipped"]) == (2, 2)
    first, tet, clash, last = made["occurrences"]
    assert first["booked"] and first["sites"] == 2
    assert [c["message"] for c in first["left_out"]] == [
        "endpoint DN-P1 is already booked for 'Vụ ĐN' at 2030-01-25 09:30-10:30"
    ]
    assert first["left_out"][0]["other_hearing_id"] == busy_site
    assert tet["skipped"] == "2030-02-01 is a public holiday (Lunar New Year's Eve)"
    assert tet["hearing_id"] is None
    assert clash["skipped"].startswith("judge Nguyễn Văn An is already booked for 'Phiên tòa'")
    assert [c["code"] for c in clash["conflicts"]] == ["person_busy"]
    assert [c["params"]["endpoint"] for c in clash["left_out"]] == ["HN-P2"]
    assert (
        last["booked"] and last["sites"] == 3 and last["starts_at"] == "2030-02-15T09:00:00+07:00"
    )
    for name, dry_occ, occ in zip("1234", dry["occurrences"], made["occurrences"], strict=True):
        assert (dry_occ["skipped"], dry_occ["sites"]) == (occ["skipped"], occ["sites"]), name

    read = await ok(await client.get(f"/api/v1/meetings/{made['series_id']}", headers=clerk))
    assert [(o["sequence"], o["hearing_id"]) for o in read["occurrences"]] == [
        (1, first["hearing_id"]),
        (4, last["hearing_id"]),
    ]
    assert read["target"] == {"kind": "all", "values": []}
    hearing = await ok(await client.get(f"/api/v1/hearings/{first['hearing_id']}", headers=clerk))
    assert hearing["kind"] == "meeting" and hearing["court_code"] == "TAND-HN"
    assert [e["code"] for e in hearing["component_endpoints"]] == ["HN-P2", "TG-1"]

    # The series moves from its next occurrence on: a Thursday afternoon instead.
    await add_hearing(court("2030-02-14T14:30"), 30, central="TG-1", title="Trích xuất")
    url = f"/api/v1/meetings/{made['series_id']}"
    moved = await ok(
        await client.post(f"{url}/move", json={"starts_at": "2030-01-24T14:00:00"}, headers=clerk)
    )
    assert [
        (o["sequence"], o["starts_at"], o["booked"], o["sites"]) for o in moved["occurrences"]
    ] == [
        (1, "2030-01-24T14:00:00+07:00", True, 2),
        (4, "2030-02-14T14:00:00+07:00", True, 2),
    ]
    assert [c["params"]["endpoint"] for c in moved["occurrences"][1]["left_out"]] == ["TG-1"]
    hearing = await ok(await client.get(f"/api/v1/hearings/{last['hearing_id']}", headers=clerk))
    assert [e["code"] for e in hearing["component_endpoints"]] == ["DN-P1", "HN-P2"]
    # A week later would put the first on the eve of Tết: it stays, the other moves.
    moved = await ok(
        await client.post(f"{url}/move", json={"starts_at": "2030-01-31T14:00:00"}, headers=clerk)
    )
    first_now, last_now = moved["occurrences"]
    assert first_now["skipped"] == "2030-01-31 is a public holiday (29 of Lunar New Year)"
    assert last_now["booked"] and last_now["starts_at"] == "2030-02-21T14:00:00+07:00"
    read = await ok(await client.get(url, headers=clerk))
    assert [o["starts_at"] for o in read["occurrences"]] == [
        "2030-01-24T14:00:00+07:00",
        "2030-02-21T14:00:00+07:00",
    ]

    # Which sites a target reaches.
    for target, sites in [
        ({"kind": "court", "values": ["TAND-DN"]}, 1),
        ({"kind": "province", "values": ["Hà Nội"]}, 2),  # HN-P2, TG-1 (+ the central HN-P1)
        ({"kind": "level", "values": ["provincial"]}, 3),
        ({"kind": "list", "values": ["TG-1"]}, 1),
    ]:
        body = series(target=target, starts_at="2030-03-15T14:00:00", rrule=None)
        out = await ok(await client.post("/api/v1/meetings/check", json=body, headers=clerk))
        assert out["sites"] == sites, target
    for target, says in [
        ({"kind": "list", "values": ["HN-OFF"]}, "HN-OFF are disabled"),
        ({"kind": "list", "values": ["XX-1"]}, "XX-1 do not exist"),
        ({"kind": "province", "values": ["Huế"]}, "reaches no enabled endpoint"),
        ({"kind": "court"}, "needs values"),
    ]:
        resp = await client.post("/api/v1/meetings", json=series(target=target), headers=clerk)
        assert resp.status == 422 and says in (await resp.json())["detail"], target
    on_tet = series(starts_at="2030-02-01T09:00:00", rrule="FREQ=DAILY;COUNT=3")
    resp = await client.post("/api/v1/meetings", json=on_tet, headers=clerk)
    assert resp.status == 409
    assert (await resp.json())["detail"].startswith(
        "no occurrence of the series can be booked (#1: 2030-02-01 is a public holiday"
    )
    resp = await client.post("/api/v1/meetings", json=series(rrule="FREQ=OFTEN"), headers=clerk)
    assert resp.status == 422 and (await resp.json())["errors"][0]["field"] == "rrule"

    # Attendance per site, as signalling reports joins and leaves.
    hid = first["hearing_id"]
    async with sessions() as s, s.begin():
        await record_site_attendance(s, hid, "HN-P1", court("2030-01-25T09:00"), None)
        await record_site_attendance(s, hid, "TG-1", court("2030-01-25T09:05"), None)
        await record_site_attendance(
            s, hid, "HN-P1", court("2030-01-25T09:00"), court("2030-01-25T09:50")
        )
        await record_site_attendance(
            s, hid, "TG-1", court("2030-01-25T09:05"), court("2030-01-25T09:35")
        )
    report = await ok(await client.get(f"/api/v1/hearings/{hid}/attendance", headers=clerk))
    assert (report["sites"], report["present"]) == (3, 2)
    assert [(i["endpoint_code"], i["minutes"], i["attended"]) for i in report["items"]] == [
        ("HN-P1", 50, True),
        ("HN-P2", 0, False),
        ("TG-1", 30, True),
    ]
    resp = await client.get(f"/api/v1/hearings/{hid}/attendance.csv", headers=clerk)
    assert resp.status == 200 and resp.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(await resp.text())))
    assert [(r["endpoint_code"], r["attended"], r["minutes"]) for r in rows] == [
        ("HN-P1", "yes", "50"),
        ("HN-P2", "no", "0"),
        ("TG-1", "yes", "30"),
    ]
    assert rows[2]["first_joined"] == "2030-01-25T09:05:00+07:00"
    page = await ok(await client.get(f"/api/v1/hearings/{hid}/attendance.html", headers=clerk))
    assert "<h1>Điểm cầu tham dự</h1>" in page and "2/3 điểm cầu có mặt" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'data-site="HN-P1" data-minutes="50"' in page
    assert 'data-site="HN-P2" data-minutes="0"' in page
    english = await ok(
        await client.get(f"/api/v1/hearings/{hid}/attendance.html?lang=en", headers=clerk)
    )
    assert "Sites attending" in english and "2 of 3 sites present" in english

    # One occurrence is cancelled as any hearing; then the rest of the series.
    await ok(
        await client.post(
            f"/api/v1/hearings/{hid}/cancel", json={"reason": "Trùng lịch"}, headers=clerk
        )
    )
    done = await ok(
        await client.post(
            f"/api/v1/meetings/{made['series_id']}/cancel", json={"reason": "Hoãn"}, headers=clerk
        )
    )
    assert done["cancelled"] == [last["hearing_id"]]
    read = await ok(await client.get(f"/api/v1/meetings/{made['series_id']}", headers=clerk))
    assert [o["state"] for o in read["occurrences"]] == ["cancelled", "cancelled"]
    resp = await client.get("/api/v1/meetings/nope", headers=clerk)
    assert resp.status == 404
