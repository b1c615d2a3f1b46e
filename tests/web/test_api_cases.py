"""Cases over HTTP on SQLite and PostgreSQL: create, read, update, list, bad input, roles."""

from __future__ import annotations

from conference.domain.access import ApiRole
from conference.domain.cases import EXPECTED_FORM
from tests.fixtures.app import MakeToken
from tests.web.helpers import Client, Headers, add_case, add_registry, case_body, ok


async def test_a_case_is_created_read_and_changed(client: Client, admin: Headers) -> None:
    await add_registry(client, admin)
    created = await add_case(client, admin, case_number="48/2026/tlst-hngd", judges=[])
    assert created["case_number"] == "48/2026/TLST-HNGĐ"  # canonical, with Đ
    assert created["case_type"] == "family"  # from the type code
    assert created["created_at"].endswith("+07:00")
    assert created["parties"][0] == {
        "name": "Nguyễn Văn Khánh",
        "role": "defendant",
        "email": None,
        "phone": None,
        "address": None,
        "id_number": "001090012345",
    }
    url = f"/api/v1/cases/{created['id']}"
    assert await ok(await client.get(url, headers=admin)) == created

    patch = {
        "title": "Ly hôn, tranh chấp nuôi con chung",
        "confidentiality": "closed",
        "judges": ["lan.ntp"],
        "parties": [{"name": "Hoàng Thị Thu", "role": "plaintiff", "email": "thu@example.com"}],
    }
    changed = await ok(await client.patch(url, json=patch, headers=admin))
    assert changed["title"] == patch["title"]
    assert changed["confidentiality"] == "closed"
    assert changed["judges"] == ["lan.ntp"]
    assert [p["name"] for p in changed["parties"]] == ["Hoàng Thị Thu"]
    assert changed["case_number"] == "48/2026/TLST-HNGĐ"
    assert await ok(await client.get(url, headers=admin)) == changed

    # The number identifies the case: it is not a field you can change.
    resp = await client.patch(url, json={"case_number": "1/2026/TLST-DS"}, headers=admin)
    assert resp.status == 422
    assert "case_number" in (await resp.json())["detail"]


async def test_list_filters_and_pages(client: Client, admin: Headers) -> None:
    await add_registry(client, admin)
    await add_case(client, admin, case_number="1/2026/TLST-DS", title="Tranh chấp hợp đồng vay")
    await add_case(client, admin, case_number="2/2026/TLST-DS", title="Tranh chấp đất đai")
    await add_case(client, admin, case_number="3/2026/TLST-LD", title="Sa thải trái luật")
    await add_case(client, admin, confidentiality="state_secret", title="Tiết lộ bí mật nhà nước")

    async def numbers(query: str) -> tuple[int, list[str]]:
        body = await ok(await client.get(f"/api/v1/cases?{query}", headers=admin))
        return body["total"], sorted(c["case_number"] for c in body["items"])

    assert (await numbers("case_type=civil"))[0] == 2
    assert await numbers("case_type=labour") == (1, ["3/2026/TLST-LĐ"])
    assert await numbers("case_number=3/2026/TLST-LD") == (1, ["3/2026/TLST-LĐ"])
    assert await numbers("confidentiality=state_secret") == (1, ["210/2026/TLST-HS"])
    assert await numbers("q=tranh chấp") == (2, ["1/2026/TLST-DS", "2/2026/TLST-DS"])
    assert (await numbers("court_code=TAND-HN"))[0] == 4
    assert (await numbers("court_code=TANDTC"))[0] == 0
    page = await ok(await client.get("/api/v1/cases?limit=3&offset=2", headers=admin))
    assert (page["total"], len(page["items"]), page["limit"], page["offset"]) == (4, 2, 3, 2)

    resp = await client.get("/api/v1/cases?case_number=12-2024", headers=admin)
    assert resp.status == 422
    assert EXPECTED_FORM in (await resp.json())["detail"]
    resp = await client.get("/api/v1/cases?case_type=piracy&colour=red", headers=admin)
    problem = await resp.json()
    assert resp.status == 422
    assert {e["field"] for e in problem["errors"]} == {"case_type", "colour"}


async def test_bad_cases_are_refused_with_every_reason(client: Client, admin: Headers) -> None:
    await add_registry(client, admin)
    resp = await client.post(
        "/api/v1/cases",
        json=case_body(case_number="12/24/TLST-DS", court_code="TAND-XX", judges=["ha.vt", "ai"]),
        headers=admin,
    )
    assert resp.status == 422
    assert resp.content_type == "application/problem+json"
    problem = await resp.json()
    errors = {e["field"]: e["message"] for e in problem["errors"]}
    assert EXPECTED_FORM in errors["case_number"]
    assert errors["court_code"] == "court 'TAND-XX' does not exist"
    assert errors["judges.0"] == "ha.vt (Vũ Thu Hà) is a clerk, not a judge"
    assert errors["judges.1"] == "staff member 'ai' does not exist"

    resp = await client.post("/api/v1/cases", json=case_body(case_type="civil"), headers=admin)
    assert resp.status == 422
    assert (
        "is a criminal case (type code HS), but the case type says civil"
        in (await resp.json())["detail"]
    )

    wrong_types = case_body(title=5, judges="hung.tq", confidentiality="secret-ish")
    wrong_types["parties"] = [{"name": "A", "role": "king", "email": "nope", "id_number": "12"}]
    resp = await client.post("/api/v1/cases", json=wrong_types, headers=admin)
    fields = {e["field"] for e in (await resp.json())["errors"]}
    assert resp.status == 422
    assert {
        "title",
        "judges",
        "confidentiality",
        "parties.0.role",
        "parties.0.email",
        "parties.0.id_number",
    } <= fields

    resp = await client.post("/api/v1/cases", json=case_body(colour="red"), headers=admin)
    assert resp.status == 422
    assert (await resp.json())["errors"][0]["field"] == "colour"

    listed = await ok(await client.get("/api/v1/cases", headers=admin))
    assert listed["total"] == 0  # nothing written

    await add_case(client, admin)
    resp = await client.post("/api/v1/cases", json=case_body(), headers=admin)
    assert resp.status == 409
    assert "already exists" in (await resp.json())["detail"]
    resp = await client.get("/api/v1/cases/nope", headers=admin)
    assert resp.status == 404
    assert (await resp.json())["detail"] == "case 'nope' does not exist"


async def test_roles(client: Client, admin: Headers, make_token: MakeToken) -> None:
    await add_registry(client, admin)
    created = await add_case(client, admin)
    assert (await client.get("/api/v1/cases")).status == 401
    judge = await make_token(ApiRole.JUDGE)
    integration = await make_token(ApiRole.INTEGRATION)
    clerk = await make_token(ApiRole.CLERK)
    for reader in (judge, integration, clerk):
        assert (await client.get(f"/api/v1/cases/{created['id']}", headers=reader)).status == 200
    body = case_body(case_number="5/2026/TLST-DS")
    for role, headers in (("judge", judge), ("integration", integration)):
        resp = await client.post("/api/v1/cases", json=body, headers=headers)
        assert resp.status == 403
        assert f"the {role} role may not edit cases" in (await resp.json())["detail"]
        resp = await client.patch(
            f"/api/v1/cases/{created['id']}", json={"title": "x"}, headers=headers
        )
        assert resp.status == 403
    await ok(await client.post("/api/v1/cases", json=body, headers=clerk), 201)
