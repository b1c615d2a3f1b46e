"""The hearing API refuses a booking that clashes, in plain words, and writes nothing."""

from __future__ import annotations

from typing import Any

from tests.web.helpers import Client, Headers, add_case, add_registry, book, hearing_body, ok


async def refused(client: Client, admin: Headers, method: str, url: str, body: Any) -> str:
    resp = await client.request(method, url, json=body, headers=admin)
    assert resp.status == 409, (resp.status, await resp.text())
    detail: str = (await resp.json())["detail"]
    return detail


async def snapshot(client: Client, admin: Headers) -> Any:
    return await ok(await client.get("/api/v1/hearings?limit=100", headers=admin))


async def test_double_bookings_and_days_off_are_refused(client: Client, admin: Headers) -> None:
    await add_registry(client, admin)
    await add_case(client, admin)
    await add_case(client, admin, case_number="7/2026/TLST-DS", title="Vay tài sản", judges=[])
    first = await book(client, admin)  # Friday 15 March 2030, 09:00-11:00, judge hung.tq, P1
    before = await snapshot(client, admin)

    other_case = {"case_number": "7/2026/TLST-DS", "component_endpoints": []}
    judge = hearing_body(
        **other_case,
        starts_at="2030-03-15T10:00:00",
        central_endpoint="TAND-HN-P2",
        participants=[{"role": "presiding_judge", "staff_username": "hung.tq"}],
    )
    says = await refused(client, admin, "POST", "/api/v1/hearings", judge)
    assert "judge Trần Quốc Hùng is already booked for 'Xét xử sơ thẩm vụ Nguyễn Văn Khánh'" in says
    assert "at 2030-03-15 09:00-11:00" in says

    room = hearing_body(
        **other_case,
        starts_at="2030-03-15T10:30:00",
        duration_minutes=60,
        participants=[],
    )
    says = await refused(client, admin, "POST", "/api/v1/hearings", room)
    assert says == (
        "the booking conflicts: endpoint TAND-HN-P1 is already booked for"
        " 'Xét xử sơ thẩm vụ Nguyễn Văn Khánh' at 2030-03-15 09:00-11:00"
        " (POST /api/v1/bookings/check offers free slots)"
    )

    tet = hearing_body(
        **other_case,
        starts_at="2030-02-04T09:00:00",
        participants=[{"role": "presiding_judge", "staff_username": "lan.ntp"}],
    )
    says = await refused(client, admin, "POST", "/api/v1/hearings", tet)
    assert "2030-02-04 is a public holiday (Third Day of Lunar New Year)" in says
    evening = {**tet, "starts_at": "2030-03-14T16:00:00"}
    says = await refused(client, admin, "POST", "/api/v1/hearings", evening)
    assert "16:00-18:00 on Thu 2030-03-14 is outside court hours (07:30-11:30, 13:30-17:00)" in says

    # A second hearing at another time can be booked, then not moved onto the first...
    second = await book(
        client, admin, **other_case, starts_at="2030-03-15T14:00:00", participants=[]
    )
    url = f"/api/v1/hearings/{second['id']}"
    says = await refused(client, admin, "PATCH", url, {"starts_at": "2030-03-15T09:30:00"})
    assert "endpoint TAND-HN-P1 is already booked" in says
    # ...and once beside it in another room, not given the first hearing's judge or lawyer.
    beside = {"starts_at": "2030-03-15T09:30:00", "central_endpoint": "TAND-HN-P2"}
    await ok(await client.patch(url, json=beside, headers=admin))
    people = f"{url}/participants"
    says = await refused(
        client, admin, "POST", people, {"role": "panel_member", "staff_username": "hung.tq"}
    )
    assert says.startswith(
        "the booking conflicts: panel member Trần Quốc Hùng is already booked for"
    )
    lawyer = await ok(
        await client.post(people, json={"role": "lawyer", "name": "Luật sư Hà"}, headers=admin),
        201,
    )
    says = await refused(
        client, admin, "PATCH", f"{people}/{lawyer['id']}", {"name": "phạm  minh tuấn"}
    )
    assert "lawyer phạm  minh tuấn is already booked for 'Xét xử sơ thẩm vụ" in says

    after = await snapshot(client, admin)
    by_id = {h["id"]: h for h in after["items"]}
    assert by_id[first["id"]] == before["items"][0]  # the first hearing is untouched
    assert by_id[second["id"]]["starts_at"] == "2030-03-15T09:30:00+07:00"
    assert [p["name"] for p in by_id[second["id"]]["participants"]] == ["Luật sư Hà"]
    assert after["total"] == 2  # nothing refused was written
