"""The registry API end to end over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from typing import Any

from aiohttp.test_utils import TestClient

from conference.domain.access import ApiRole
from tests.fixtures.app import MakeToken

Client = TestClient[Any, Any]

SUPREME = {
    "code": "TANDTC",
    "name": "Tòa án nhân dân tối cao",
    "level": "supreme",
    "province": "Hà Nội",
}
HIGH = {
    "code": "TANDCC-HN",
    "name": "Tòa án nhân dân cấp cao tại Hà Nội",
    "level": "high",
    "province": "Hà Nội",
    "parent_code": "TANDTC",
}


async def add_courts(client: Client, admin: dict[str, str]) -> None:
    for court in (SUPREME, HIGH):
        resp = await client.post("/api/v1/courts", json=court, headers=admin)
        assert resp.status == 201, await resp.text()


async def test_courts_are_created_and_listed(client: Client, admin: dict[str, str]) -> None:
    await add_courts(client, admin)
    resp = await client.get("/api/v1/courts?level=high", headers=admin)
    assert resp.status == 200
    body = await resp.json()
    assert body["total"] == 1
    assert body["items"][0]["name"] == "Tòa án nhân dân cấp cao tại Hà Nội"
    assert body["items"][0]["parent_code"] == "TANDTC"


async def test_a_court_must_sit_under_the_level_above(
    client: Client, admin: dict[str, str]
) -> None:
    await add_courts(client, admin)
    district = {
        "code": "TAND-X",
        "name": "Huyện X",
        "level": "district",
        "province": "Hà Nội",
        "parent_code": "TANDCC-HN",
    }
    resp = await client.post("/api/v1/courts", json=district, headers=admin)
    assert resp.status == 422
    assert resp.content_type == "application/problem+json"
    problem = await resp.json()
    assert "must sit under a provincial court" in problem["detail"]
    listed = await (await client.get("/api/v1/courts", headers=admin)).json()
    assert listed["total"] == 2  # nothing written


async def test_endpoints_filter_and_page(client: Client, admin: dict[str, str]) -> None:
    await add_courts(client, admin)
    for i in range(5):
        ep = {
            "code": f"TANDCC-HN-P{i}",
            "court_code": "TANDCC-HN",
            "site_name": f"Phòng {i}",
            "kind": "courtroom" if i < 3 else "meeting_room",
        }
        assert (await client.post("/api/v1/endpoints", json=ep, headers=admin)).status == 201
    resp = await client.get(
        "/api/v1/endpoints?kind=courtroom&level=high&limit=2&offset=1", headers=admin
    )
    body = await resp.json()
    assert body["total"] == 3
    assert [e["code"] for e in body["items"]] == ["TANDCC-HN-P1", "TANDCC-HN-P2"]
    assert body["items"][0]["province"] == "Hà Nội"


async def test_bad_input_gets_a_problem_naming_the_field(
    client: Client, admin: dict[str, str]
) -> None:
    await add_courts(client, admin)
    cases: list[tuple[Any, str]] = [
        (
            {"code": "x", "court_code": "TANDCC-HN", "site_name": "Phòng", "kind": "courtroom"},
            "code",
        ),
        (
            {"code": "EP-1", "court_code": "NOPE", "site_name": "Phòng", "kind": "courtroom"},
            "court 'NOPE' does not exist",
        ),
        (
            {"code": "EP-1", "court_code": "TANDCC-HN", "site_name": "Phòng", "kind": "kitchen"},
            "kind",
        ),
        (
            {
                "code": "EP-1",
                "court_code": "TANDCC-HN",
                "site_name": "Phòng",
                "kind": "courtroom",
                "colour": "red",
            },
            "colour",
        ),
        (
            {
                "code": "EP-1",
                "court_code": "TANDCC-HN",
                "site_name": "Phòng",
                "kind": "courtroom",
                "capabilities": {"max_resolution": "8k"},
            },
            "max_resolution",
        ),
    ]
    for body, mentioned in cases:
        resp = await client.post("/api/v1/endpoints", json=body, headers=admin)
        assert resp.status in (404, 422), (body, resp.status)
        problem = await resp.json()
        assert mentioned in problem["detail"], problem
    resp = await client.post(
        "/api/v1/endpoints",
        data=b"{not json",
        headers={**admin, "Content-Type": "application/json"},
    )
    assert resp.status == 400
    assert "not valid JSON" in (await resp.json())["detail"]
    listed = await (await client.get("/api/v1/endpoints", headers=admin)).json()
    assert listed["total"] == 0


async def test_oversized_body_is_refused(client: Client, admin: dict[str, str]) -> None:
    huge = b'{"code": "' + b"A" * (3 * 1024 * 1024) + b'"}'
    resp = await client.post(
        "/api/v1/courts",
        data=io.BytesIO(huge),
        headers={**admin, "Content-Type": "application/json"},
    )
    assert resp.status == 413
    assert "at most" in (await resp.json())["detail"]


async def test_authorisation(client: Client, make_token: MakeToken) -> None:
    resp = await client.get("/api/v1/courts")
    assert resp.status == 401
    assert resp.headers["WWW-Authenticate"] == "Bearer"
    resp = await client.get("/api/v1/courts", headers={"Authorization": "Bearer vct_forged"})
    assert resp.status == 401
    assert "unknown or revoked" in (await resp.json())["detail"]
    judge = await make_token(ApiRole.JUDGE)
    assert (await client.get("/api/v1/courts", headers=judge)).status == 200
    resp = await client.post("/api/v1/courts", json=SUPREME, headers=judge)
    assert resp.status == 403
    assert "judge role may not edit registry" in (await resp.json())["detail"]


async def test_openapi_describes_the_routes(client: Client) -> None:
    doc = await (await client.get("/api/v1/openapi.json")).json()
    assert doc["openapi"].startswith("3.")
    assert "get" in doc["paths"]["/api/v1/endpoints"]
    params = {p["name"] for p in doc["paths"]["/api/v1/endpoints"]["get"]["parameters"]}
    assert {"court_code", "province", "level", "kind", "limit", "offset"} <= params
    page = await client.get("/api/v1/docs")
    assert "List endpoints" in await page.text()


async def test_operations_endpoints(client: Client) -> None:
    assert (await (await client.get("/healthz")).json())["status"] == "ok"
    assert (await (await client.get("/readyz")).json())["database"] == "ok"
    await client.get("/api/v1/courts")
    metrics = await (await client.get("/metrics")).text()
    assert 'vcourt_http_requests_total{method="GET",route="/api/v1/courts",status="401"}' in metrics
