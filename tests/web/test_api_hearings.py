"""Hearings, meetings and participants over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from conference.domain.access import ApiRole
from conference.domain.cases import STATE_SECRET_REASON
from conference.settings import Settings
from conference.wiring.hooks import HEARING_HOOKS, HearingChange, HearingChanged
from tests.fixtures.app import MakeToken
from tests.web.helpers import Client, Headers, add_case, add_registry, book, hearing_body, ok
from web.app import create_app


async def ready(client: Client, admin: Headers) -> None:
    await add_registry(client, admin)
    await add_case(client, admin)


async def problem(resp: Any, status: int) -> str:
    assert resp.status == status, (resp.status, await resp.text())
    assert resp.content_type == "application/problem+json"
    detail: str = (await resp.json())["detail"]
    return detail


async def test_a_hearing_is_booked_in_court_time(client: Client, admin: Headers) -> None:
    await ready(client, admin)
    hearing = await book(client, admin)
    assert hearing["state"] == "scheduled" and hearing["version"] == 1
    assert hearing["starts_at"] == "2030-03-15T09:00:00+07:00"  # naive input = court time
    assert hearing["ends_at"] == "2030-03-15T11:00:00+07:00"
    assert hearing["duration_minutes"] == 120
    assert hearing["court_code"] == "TAND-HN"
    assert hearing["case"]["case_number"] == "210/2026/TLST-HS"
    assert hearing["central_endpoint"]["site_name"] == "Phòng xử án số 1"
    assert [e["code"] for e in hearing["component_endpoints"]] == ["TAND-HN-TTG"]
    people = [(p["role"], p["name"]) for p in hearing["participants"]]
    assert people[:3] == [
        ("presiding_judge", "Trần Quốc Hùng"),  # names from the staff accounts
        ("panel_member", "Nguyễn Thị Phương Lan"),
        ("clerk", "Vũ Thu Hà"),
    ]
    read = await ok(await client.get(f"/api/v1/hearings/{hearing['id']}", headers=admin))
    assert read == hearing

    # An instant with another offset is the same instant, shown in court time.
    utc = await book(client, admin, starts_at="2030-03-18T01:30:00Z", title="Phiên 2")
    assert utc["starts_at"] == "2030-03-18T08:30:00+07:00"


async def test_the_days_list_filters(
    settings: Settings, aiohttp_client: Any, admin: Headers
) -> None:
    # A court that sits round the clock (the calendar is configuration), so that bookings
    # near midnight can show which day they belong to.
    always = settings.model_copy(update={"court_hours": "mon-sun 00:00-23:59"})
    client = await aiohttp_client(create_app(always))
    await ready(client, admin)
    await add_case(client, admin, case_number="7/2026/TLST-DS", title="Vay tài sản", judges=[])
    first = await book(client, admin, starts_at="2030-03-15T08:00:00+07:00")
    # 23:30 court time on the 15th is the 15th in Hà Nội, though the 15th 16:30 in UTC.
    late = await book(
        client,
        admin,
        case_number="7/2026/TLST-DS",
        starts_at="2030-03-15T16:30:00Z",
        duration_minutes=25,
        central_endpoint="TAND-HN-P2",
        component_endpoints=[],
        participants=[
            {"role": "presiding_judge", "staff_username": "lan.ntp"},
            {"role": "clerk", "staff_username": "ha.vt"},
        ],
    )
    # 06:30 court time on the 16th is still the 15th in UTC.
    await book(client, admin, starts_at="2030-03-15T23:30:00Z", title="Hôm sau")
    meeting = await book(
        client,
        admin,
        kind="meeting",
        case_number=None,
        title="Tập huấn",
        central_endpoint="TANDCC-HN-HOP",
        component_endpoints=["TAND-HN-P1", "TAND-HN-P2"],
        participants=[{"role": "presiding_judge", "staff_username": "hung.tq"}],
        starts_at="2030-03-15T14:00:00",
    )
    assert meeting["court_code"] == "TANDCC-HN" and meeting["case"] is None

    async def ids(query: str) -> list[str]:
        body = await ok(await client.get(f"/api/v1/hearings?{query}", headers=admin))
        assert body["total"] == len(body["items"]) or "limit" in query
        return [h["id"] for h in body["items"]]

    assert await ids("day=2030-03-15") == [first["id"], meeting["id"], late["id"]]
    assert await ids("day=2030-03-15&judge=lan.ntp") == [first["id"], late["id"]]
    assert await ids("day=2030-03-15&endpoint=TAND-HN-P2") == [meeting["id"], late["id"]]
    assert await ids("day=2030-03-15&kind=meeting") == [meeting["id"]]
    assert await ids("day=2030-03-15&court_code=TANDCC-HN") == [meeting["id"]]
    assert await ids("day=2030-03-15&limit=1&offset=1") == [meeting["id"]]
    assert await ids("judge=ha.vt&state=cancelled") == []
    resp = await client.get("/api/v1/hearings?day=15/03/2030", headers=admin)
    assert resp.status == 422
    assert (await resp.json())["errors"][0]["field"] == "day"


async def test_a_state_secret_case_cannot_be_heard_online(client: Client, admin: Headers) -> None:
    await ready(client, admin)
    await add_case(client, admin, case_number="15/2026/TLST-HS", confidentiality="state_secret")
    resp = await client.post(
        "/api/v1/hearings", json=hearing_body(case_number="15/2026/TLST-HS"), headers=admin
    )
    assert await problem(resp, 409) == STATE_SECRET_REASON
    listed = await ok(await client.get("/api/v1/hearings", headers=admin))
    assert listed["total"] == 0

    # Nor can a case become a state secret while an online hearing of it is planned.
    hearing = await book(client, admin)
    case_id = hearing["case"]["id"]
    resp = await client.patch(
        f"/api/v1/cases/{case_id}", json={"confidentiality": "state_secret"}, headers=admin
    )
    assert "cancel them before classifying" in await problem(resp, 409)


async def test_bookings_that_cannot_be_made(client: Client, admin: Headers) -> None:
    await ready(client, admin)
    judge_only = [{"role": "presiding_judge", "staff_username": "hung.tq"}]
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"case_number": "99/2026/TLST-DS"}, 422, "case '99/2026/TLST-DS' does not exist"),
        ({"case_number": "99-2026"}, 422, "is malformed; expected"),
        ({"case_number": None, "case_id": "nope"}, 422, "case 'nope' does not exist"),
        ({"central_endpoint": "TAND-HN-P9"}, 422, "endpoint 'TAND-HN-P9' does not exist"),
        ({"component_endpoints": ["TAND-HN-HT"]}, 409, "TAND-HN-HT (Hội trường, Tòa án"),
        (
            {"participants": [{"role": "presiding_judge", "staff_username": "ha.vt"}]},
            422,
            "ha.vt (Vũ Thu Hà) is a clerk, so cannot take part as presiding judge",
        ),
        (
            {"participants": [{"role": "clerk", "staff_username": "nobody"}]},
            422,
            "staff member 'nobody' does not exist",
        ),
        (
            {"participants": [{"role": "presiding_judge", "name": "Ông A"}]},
            422,
            "give staff_username",
        ),
        (
            {"participants": [*judge_only, {"role": "witness", "endpoint_code": "TAND-HN-P2"}]},
            422,
            "which is not one of this hearing's endpoints",
        ),
        ({"participants": [*judge_only, *judge_only]}, 422, "one presiding judge"),
        ({"participants": [{"role": "interpreter", "name": "Y"}]}, 422, "language"),
        ({"kind": "meeting"}, 422, "a meeting does not belong to a case"),
        ({"case_number": None}, 422, "a hearing belongs to a case"),
        ({"starts_at": "2020-01-01T09:00:00"}, 422, "starts_at is in the past"),
        ({"starts_at": "tomorrow"}, 422, "starts_at"),
        ({"duration_minutes": 2}, 422, "between 5 minutes and 12 hours"),
        ({"duration_minutes": "two hours"}, 422, "duration_minutes"),
        ({"room": "P1"}, 422, "room"),
        ({"court_code": "TANDTC"}, 422, "belongs to court TAND-HN, not TANDTC"),
    ]
    for over, status, says in cases:
        resp = await client.post("/api/v1/hearings", json=hearing_body(**over), headers=admin)
        assert says in await problem(resp, status), over
    listed = await ok(await client.get("/api/v1/hearings", headers=admin))
    assert listed["total"] == 0  # nothing written by any of them


async def test_change_move_and_cancel(client: Client, admin: Headers) -> None:
    await ready(client, admin)
    seen: list[HearingChanged] = []

    async def hook(app: web.Application, event: HearingChanged) -> None:
        seen.append(event)

    async def broken(app: web.Application, event: HearingChanged) -> None:
        raise RuntimeError("scheduler down")

    assert client.app is not None
    client.app[HEARING_HOOKS].extend([broken, hook])
    hearing = await book(client, admin)
    url = f"/api/v1/hearings/{hearing['id']}"
    moved = await ok(
        await client.patch(
            url, json={"starts_at": "2030-03-18T14:00:00", "version": 1}, headers=admin
        )
    )
    assert (moved["starts_at"], moved["ends_at"], moved["version"]) == (
        "2030-03-18T14:00:00+07:00",
        "2030-03-18T16:00:00+07:00",
        2,
    )
    resp = await client.patch(url, json={"title": "Cũ", "version": 1}, headers=admin)
    assert "changed since you read it (version 1, now 2)" in await problem(resp, 409)
    # The defendant takes part from the detention facility: it cannot be dropped under them.
    resp = await client.patch(url, json={"component_endpoints": []}, headers=admin)
    assert "which is not one of this hearing's endpoints" in await problem(resp, 422)
    changed = await ok(
        await client.patch(
            url,
            json={"title": "Xét xử lại", "component_endpoints": ["TAND-HN-TTG", "TAND-HN-P2"]},
            headers=admin,
        )
    )
    assert changed["title"] == "Xét xử lại" and changed["version"] == 3
    assert [e["code"] for e in changed["component_endpoints"]] == ["TAND-HN-P2", "TAND-HN-TTG"]
    without_central = await ok(
        await client.patch(url, json={"central_endpoint": None}, headers=admin)
    )
    assert without_central["central_endpoint"] is None and without_central["version"] == 4
    resp = await client.patch(url, json={"central_endpoint": "TAND-HN-HT"}, headers=admin)
    assert "is disabled" in await problem(resp, 409)

    cancelled = await ok(
        await client.post(f"{url}/cancel", json={"reason": "Bị cáo ốm nặng"}, headers=admin)
    )
    assert cancelled["state"] == "cancelled" and cancelled["cancel_reason"] == "Bị cáo ốm nặng"
    resp = await client.post(f"{url}/cancel", json={"reason": "lần nữa"}, headers=admin)
    assert "cannot go from cancelled to cancelled" in await problem(resp, 409)
    resp = await client.patch(url, json={"title": "x"}, headers=admin)
    assert "only scheduled or adjourned hearings can be changed" in await problem(resp, 409)
    resp = await client.post(f"{url}/cancel", json={}, headers=admin)
    assert resp.status == 422
    assert [e.change for e in seen] == [
        HearingChange.CREATED,
        HearingChange.MOVED,
        HearingChange.UPDATED,
        HearingChange.UPDATED,
        HearingChange.CANCELLED,
    ]
    assert seen[1].previous_starts_at is not None and seen[1].version == 2
    assert (await client.get("/api/v1/hearings/nope", headers=admin)).status == 404


async def test_participants(client: Client, admin: Headers) -> None:
    await ready(client, admin)
    hearing = await book(client, admin)
    url = f"/api/v1/hearings/{hearing['id']}/participants"
    listed = await ok(await client.get(url, headers=admin))
    assert listed["total"] == 5

    witness = await ok(
        await client.post(
            url,
            json={"role": "witness", "name": "Đỗ Văn Lâm", "phone": "0987 654 321"},
            headers=admin,
        ),
        201,
    )
    interpreter = {"role": "interpreter", "name": "Y Điêng", "language": "Ê Đê"}
    added = await ok(await client.post(url, json=interpreter, headers=admin), 201)
    resp = await client.post(
        url, json={"role": "presiding_judge", "staff_username": "lan.ntp"}, headers=admin
    )
    assert "one presiding judge" in await problem(resp, 422)

    moved = await ok(
        await client.patch(
            f"{url}/{witness['id']}",
            json={"endpoint_code": "TAND-HN-TTG", "email": "lam.dv@example.vn"},
            headers=admin,
        )
    )
    assert moved["endpoint_code"] == "TAND-HN-TTG" and moved["name"] == "Đỗ Văn Lâm"
    resp = await client.patch(f"{url}/{witness['id']}", json={"language": 3}, headers=admin)
    assert resp.status == 422
    resp = await client.patch(
        f"{url}/{witness['id']}", json={"endpoint_code": "TAND-HN-P2"}, headers=admin
    )
    assert "not one of this hearing's endpoints" in await problem(resp, 422)

    resp = await client.delete(f"{url}/{added['id']}", headers=admin)
    assert resp.status == 204
    resp = await client.delete(f"{url}/{added['id']}", headers=admin)
    assert "does not exist" in await problem(resp, 404)

    after = await ok(await client.get(f"/api/v1/hearings/{hearing['id']}", headers=admin))
    assert [p["name"] for p in after["participants"]][-1] == "Đỗ Văn Lâm"
    assert len(after["participants"]) == 6
    assert after["version"] == 5  # booked, then add, add, change, remove
    await ok(
        await client.post(
            f"/api/v1/hearings/{hearing['id']}/cancel", json={"reason": "Hoãn"}, headers=admin
        )
    )
    resp = await client.post(url, json={"role": "observer", "name": "Nhà báo"}, headers=admin)
    assert "only scheduled or adjourned" in await problem(resp, 409)


async def test_roles_on_hearings(client: Client, admin: Headers, make_token: MakeToken) -> None:
    await ready(client, admin)
    hearing = await book(client, admin)
    assert (await client.get("/api/v1/hearings")).status == 401
    judge = await make_token(ApiRole.JUDGE)
    integration = await make_token(ApiRole.INTEGRATION)
    clerk = await make_token(ApiRole.CLERK)
    url = f"/api/v1/hearings/{hearing['id']}"
    for reader in (judge, integration, clerk):
        assert (await client.get(url, headers=reader)).status == 200
    for headers in (judge, integration):
        resp = await client.post("/api/v1/hearings", json=hearing_body(), headers=headers)
        assert "may not edit hearings" in await problem(resp, 403)
        resp = await client.post(f"{url}/cancel", json={"reason": "không"}, headers=headers)
        assert resp.status == 403
        resp = await client.post(
            f"{url}/participants", json={"role": "observer", "name": "A"}, headers=headers
        )
        assert resp.status == 403
    await ok(await client.post(f"{url}/cancel", json={"reason": "Hoãn"}, headers=clerk))


async def test_staff(client: Client, admin: Headers, make_token: MakeToken) -> None:
    await add_registry(client, admin)
    judges = await ok(await client.get("/api/v1/staff?role=judge", headers=admin))
    assert [s["username"] for s in judges["items"]] == ["hung.tq", "lan.ntp"]
    clerk = await make_token(ApiRole.CLERK)
    body = {"username": "thao.lt", "full_name": "Lê Thu Thảo", "role": "clerk"}
    resp = await client.post("/api/v1/staff", json=body, headers=clerk)
    assert resp.status == 403
    resp = await client.post("/api/v1/staff", json=body, headers=admin)
    assert "give court_code" in await problem(resp, 422)
    resp = await client.post(
        "/api/v1/staff", json={**body, "court_code": "TAND-HN", "password": "x"}, headers=admin
    )
    assert resp.status == 422  # passwords are not set here
    resp = await client.post(
        "/api/v1/staff",
        json={**body, "username": "Thảo LT", "court_code": "TAND-HN"},
        headers=admin,
    )
    assert resp.status == 422
    await ok(
        await client.post("/api/v1/staff", json={**body, "court_code": "TAND-HN"}, headers=admin),
        201,
    )
    resp = await client.post("/api/v1/staff", json={**body, "court_code": "TAND-HN"}, headers=admin)
    assert "already exists" in await problem(resp, 409)
    listed = await ok(
        await client.get("/api/v1/staff?court_code=TAND-HN&role=clerk", headers=clerk)
    )
    assert [s["username"] for s in listed["items"]] == ["ha.vt", "thao.lt"]
