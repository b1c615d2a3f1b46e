"""A small registry (three courts, a few endpoints, staff) and cases built through the API."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

Client = TestClient[Any, Any]
Headers = dict[str, str]

COURTS = [
    {"code": "TANDTC", "name": "Tòa án nhân dân tối cao", "level": "supreme", "province": "Hà Nội"},
    {
        "code": "TANDCC-HN",
        "name": "Tòa án nhân dân cấp cao tại Hà Nội",
        "level": "high",
        "province": "Hà Nội",
        "parent_code": "TANDTC",
    },
    {
        "code": "TAND-HN",
        "name": "Tòa án nhân dân thành phố Hà Nội",
        "level": "provincial",
        "province": "Hà Nội",
        "parent_code": "TANDCC-HN",
    },
]
ENDPOINTS = [
    ("TAND-HN-P1", "Phòng xử án số 1", "courtroom", True),
    ("TAND-HN-P2", "Phòng xử án số 2", "courtroom", True),
    ("TAND-HN-TTG", "Trại tạm giam số 1 Công an thành phố Hà Nội", "detention_facility", True),
    ("TAND-HN-HT", "Hội trường", "training_hall", False),
    ("TANDCC-HN-HOP", "Phòng họp trực tuyến", "meeting_room", True),
]
STAFF = [
    ("hung.tq", "Trần Quốc Hùng", "judge", "TAND-HN"),
    ("lan.ntp", "Nguyễn Thị Phương Lan", "judge", "TAND-HN"),
    ("ha.vt", "Vũ Thu Hà", "clerk", "TAND-HN"),
]


async def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status == status, (resp.status, await resp.text())
    return None if status == 204 else await resp.json()


async def add_registry(client: Client, admin: Headers) -> None:
    for court in COURTS:
        await ok(await client.post("/api/v1/courts", json=court, headers=admin), 201)
    for code, site, kind, enabled in ENDPOINTS:
        ep = {
            "code": code,
            "court_code": code.rsplit("-", 1)[0],
            "site_name": site,
            "kind": kind,
            "enabled": enabled,
        }
        await ok(await client.post("/api/v1/endpoints", json=ep, headers=admin), 201)
    for username, name, role, court_code in STAFF:
        body = {"username": username, "full_name": name, "role": role, "court_code": court_code}
        await ok(await client.post("/api/v1/staff", json=body, headers=admin), 201)


def case_body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "case_number": "210/2026/TLST-HS",
        "court_code": "TAND-HN",
        "title": "Nguyễn Văn Khánh, lừa đảo chiếm đoạt tài sản",
        "judges": ["hung.tq"],
        "parties": [
            {"name": "Nguyễn Văn Khánh", "role": "defendant", "id_number": "001090012345"},
            {"name": "Lê Thị Hồng", "role": "victim", "email": "hong.lt@example.vn"},
            {"name": "Luật sư Phạm Minh Tuấn", "role": "lawyer", "phone": "0912 345 678"},
        ],
    }
    body.update(over)
    return body


async def add_case(client: Client, headers: Headers, **over: Any) -> Any:
    return await ok(
        await client.post("/api/v1/cases", json=case_body(**over), headers=headers), 201
    )


def hearing_body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "case_number": "210/2026/TLST-HS",
        "title": "Xét xử sơ thẩm vụ Nguyễn Văn Khánh",
        "starts_at": "2030-03-15T09:00:00",
        "duration_minutes": 120,
        "central_endpoint": "TAND-HN-P1",
        "component_endpoints": ["TAND-HN-TTG"],
        "participants": [
            {"role": "presiding_judge", "staff_username": "hung.tq"},
            {"role": "panel_member", "staff_username": "lan.ntp"},
            {"role": "clerk", "staff_username": "ha.vt"},
            {"role": "defendant", "name": "Nguyễn Văn Khánh", "endpoint_code": "TAND-HN-TTG"},
            {"role": "lawyer", "name": "Phạm Minh Tuấn", "email": "tuan.pm@example.vn"},
        ],
    }
    body.update(over)
    return body


async def book(client: Client, headers: Headers, **over: Any) -> Any:
    resp = await client.post("/api/v1/hearings", json=hearing_body(**over), headers=headers)
    return await ok(resp, 201)
