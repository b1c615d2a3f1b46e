"""Bulk import of cases from JSON and CSV: a report per row, good rows written, bad rows not."""

from __future__ import annotations

import io
from typing import Any

from conference.domain.access import ApiRole
from conference.domain.cases import EXPECTED_FORM
from tests.fixtures.app import MakeToken
from tests.web.helpers import Client, Headers, add_registry, book, case_body, ok

IMPORT = "/api/v1/cases/import"


async def numbers(client: Client, headers: Headers) -> list[str]:
    body = await ok(await client.get("/api/v1/cases?limit=100", headers=headers))
    return sorted(c["case_number"] for c in body["items"])


def errors_of(row: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in row["errors"]}


async def test_json_import_reports_each_row(client: Client, admin: Headers) -> None:
    await add_registry(client, admin)
    rows: list[Any] = [
        case_body(case_number="1/2026/TLST-DS", title="Vay tài sản", judges=[]),
        case_body(case_number="1/2026", court_code="TAND-XX"),
        case_body(case_number="2/2026/TLST-HS", parties=[{"name": "A", "role": "hero"}]),
        "not a case",
        case_body(case_number="3/2026/TLST-LD", case_type="civil"),
        case_body(case_number="4/2026/TLST-HNGD", confidentiality="closed", judges=["lan.ntp"]),
    ]
    report = await ok(await client.post(IMPORT, json=rows, headers=admin))
    assert (report["total"], report["created"], report["error"]) == (6, 2, 4)
    statuses = [(r["row"], r["case_number"], r["status"]) for r in report["rows"]]
    assert statuses == [
        (1, "1/2026/TLST-DS", "created"),
        (2, "1/2026", "error"),
        (3, "2/2026/TLST-HS", "error"),
        (4, None, "error"),
        (5, "3/2026/TLST-LD", "error"),
        (6, "4/2026/TLST-HNGĐ", "created"),
    ]
    bad = report["rows"]
    assert EXPECTED_FORM in errors_of(bad[1])["case_number"]
    assert errors_of(bad[1])["court_code"] == "court 'TAND-XX' does not exist"
    assert "parties.0.role" in errors_of(bad[2])
    assert errors_of(bad[3]) == {"row": "a case is a JSON object"}
    assert "labour case" in errors_of(bad[4])["case_type"]
    assert await numbers(client, admin) == ["1/2026/TLST-DS", "4/2026/TLST-HNGĐ"]

    # The same file again changes nothing; a changed title updates that case only.
    again = await ok(await client.post(IMPORT, json=[rows[0], rows[5]], headers=admin))
    assert [r["status"] for r in again["rows"]] == ["unchanged", "unchanged"]
    rows[0]["title"] = "Tranh chấp hợp đồng vay tài sản"
    third = await ok(await client.post(IMPORT, json=[rows[0], rows[5]], headers=admin))
    assert (third["updated"], third["unchanged"]) == (1, 1)
    case = await ok(await client.get(f"/api/v1/cases/{third['rows'][0]['case_id']}", headers=admin))
    assert case["title"] == "Tranh chấp hợp đồng vay tài sản"

    resp = await client.post(IMPORT, json={"cases": rows}, headers=admin)
    assert resp.status == 422
    resp = await client.post(IMPORT, json=[], headers=admin)
    assert resp.status == 422


CSV = (
    "\ufeffcase_number,court_code,title,confidentiality,judges,"
    "party1_name,party1_role,party1_email,party2_name,party2_role,party2_phone\n"
    "125/2026/TLST-DS,TAND-HN,Tranh chấp hợp đồng vay tài sản,public,hung.tq;lan.ntp,"
    "Nguyễn Văn Bình,plaintiff,binh.nv@example.vn,Trần Thị Hoa,defendant,0912 345 678\n"
    "126/2026/TLST-DS,TAND-HN,Thiếu tòa,public,,Ông A,plaintiff,,,,\n"
    "12/24/TLST-DS,TAND-HN,Số sai,public,,,,,,,\n"
    '"48/2026/TLST-HNGD",TAND-HN,"Ly hôn, nuôi con",closed,lan.ntp,'
    "Hoàng Thị Thu,plaintiff,thu@example.com,,,\n"
    "127/2026/TLST-DS,TAND-HN,Thừa ô,public,,,,,,,,extra\n"
    "128/2026/TLST-DS,TAND-XX,Tòa lạ,secret,ghost,Bà B,queen,not-an-email,,,\n"
)


async def test_csv_import(client: Client, admin: Headers, make_token: MakeToken) -> None:
    await add_registry(client, admin)
    integration = await make_token(ApiRole.INTEGRATION)
    headers = {**integration, "Content-Type": "text/csv; charset=utf-8"}
    report = await ok(await client.post(IMPORT, data=CSV.encode(), headers=headers))
    by_row = {r["row"]: r for r in report["rows"]}
    assert (report["total"], report["created"], report["error"]) == (6, 3, 3)
    assert [by_row[n]["status"] for n in range(1, 7)] == [
        "created",
        "created",
        "error",
        "created",
        "error",
        "error",
    ]
    assert EXPECTED_FORM in errors_of(by_row[3])["case_number"]
    assert errors_of(by_row[5]) == {"row": "the row has 1 more cell(s) than the header"}
    assert set(errors_of(by_row[6])) == {
        "confidentiality",
        "parties.0.role",
        "parties.0.email",
    }  # structure first; references are checked once the row is well formed
    case = await ok(await client.get(f"/api/v1/cases/{by_row[1]['case_id']}", headers=admin))
    assert case["judges"] == ["hung.tq", "lan.ntp"]
    assert [(p["name"], p["role"], p["email"], p["phone"]) for p in case["parties"]] == [
        ("Nguyễn Văn Bình", "plaintiff", "binh.nv@example.vn", None),
        ("Trần Thị Hoa", "defendant", None, "0912 345 678"),
    ]
    family = await ok(await client.get(f"/api/v1/cases/{by_row[4]['case_id']}", headers=admin))
    assert (family["case_number"], family["title"], family["confidentiality"]) == (
        "48/2026/TLST-HNGĐ",
        "Ly hôn, nuôi con",
        "closed",
    )
    assert await numbers(client, admin) == [
        "125/2026/TLST-DS",
        "126/2026/TLST-DS",
        "48/2026/TLST-HNGĐ",
    ]

    judge = await make_token(ApiRole.JUDGE)
    resp = await client.post(
        IMPORT, data=CSV.encode(), headers={**judge, "Content-Type": "text/csv"}
    )
    assert resp.status == 403


async def test_csv_files_that_cannot_be_read(client: Client, admin: Headers) -> None:
    await add_registry(client, admin)
    headers = {**admin, "Content-Type": "text/csv"}
    resp = await client.post(IMPORT, data=b"case_number,court,title\n", headers=headers)
    assert resp.status == 422
    detail = (await resp.json())["detail"]
    assert "unknown column(s): 'court'" in detail and "missing column(s): court_code" in detail
    resp = await client.post(
        IMPORT, data="case_number,court_code,title\n1,Tòa,Ý".encode("latin-1"), headers=headers
    )
    assert resp.status == 400
    assert "save it as 'CSV UTF-8'" in (await resp.json())["detail"]
    resp = await client.post(IMPORT, data=b"", headers=headers)
    assert resp.status == 422
    resp = await client.post(IMPORT, data=b"a;b", headers={**admin, "Content-Type": "text/plain"})
    assert resp.status == 415
    assert "application/json or text/csv (got text/plain)" in (await resp.json())["detail"]
    assert await numbers(client, admin) == []


async def test_oversized_import_is_refused(client: Client, admin: Headers) -> None:
    row = "1/2026/TLST-DS,TAND-HN," + "A" * 200 + "\n"
    body = ("case_number,court_code,title\n" + row * 15_000).encode()
    resp = await client.post(
        IMPORT, data=io.BytesIO(body), headers={**admin, "Content-Type": "text/csv"}
    )
    assert resp.status == 413
    assert "at most" in (await resp.json())["detail"]
    assert await numbers(client, admin) == []


async def test_openapi_documents_cases_hearings_and_csv(client: Client) -> None:
    doc = await ok(await client.get("/api/v1/openapi.json"))
    content = doc["paths"]["/api/v1/cases/import"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "text/csv"}
    assert "case_number,court_code" in content["text/csv"]["example"]
    assert content["application/json"]["schema"]["$ref"].endswith("/ImportRows")
    rows = doc["components"]["schemas"]["ImportRows"]
    assert rows["items"] == {"$ref": "#/components/schemas/CaseIn"}
    for path, method in [
        ("/api/v1/cases", "get"),
        ("/api/v1/cases/{case_id}", "patch"),
        ("/api/v1/hearings", "post"),
        ("/api/v1/hearings/{hearing_id}/cancel", "post"),
        ("/api/v1/hearings/{hearing_id}/participants/{participant_id}", "delete"),
        ("/api/v1/staff", "post"),
    ]:
        assert method in doc["paths"][path], path
    params = {p["name"] for p in doc["paths"]["/api/v1/hearings"]["get"]["parameters"]}
    assert {"day", "court_code", "judge", "endpoint", "state", "kind", "limit", "offset"} <= params


async def test_a_refused_row_changes_nothing_of_its_case(client: Client, admin: Headers) -> None:
    await add_registry(client, admin)
    await ok(await client.post(IMPORT, json=[case_body()], headers=admin))
    await book(client, admin)
    # New title and a new classification: the classification is refused (an online hearing is
    # planned), so the title must not change either.
    row = case_body(title="Tên mới", confidentiality="state_secret")
    report = await ok(await client.post(IMPORT, json=[row], headers=admin))
    assert report["rows"][0]["status"] == "error"
    assert "cancel them before classifying" in errors_of(report["rows"][0])["confidentiality"]
    listed = await ok(await client.get("/api/v1/cases", headers=admin))
    assert [(c["title"], c["confidentiality"]) for c in listed["items"]] == [
        (case_body()["title"], "public")
    ]
