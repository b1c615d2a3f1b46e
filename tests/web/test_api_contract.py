"""The API keeps its word: the OpenAPI document it serves is valid and lists every status each
operation answers with; numbers have bounds; and a property-based run of the whole API, generated
from that document by Schemathesis against a real `vcourt serve`, meets no server error and no
status, content type or body the document does not describe."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from openapi_spec_validator import validate

from conference.settings import Settings
from tests.fixtures.live_api import LiveApi
from tests.web.helpers import Client, Headers, add_registry, ok
from web.app import create_app

# What the run proves. Each is a Schemathesis check: no 5xx; only documented statuses, content
# types, headers and bodies; a method a path does not take is a 405 that says what it takes.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "unsupported_method",
    "allow_header_conformance",
)
# Examples per operation and phase; with about 50 operations the run takes a few minutes on a
# 2-core machine. Raise it (and pick another seed) to search harder.
MAX_EXAMPLES = int(os.environ.get("VCOURT_API_FUZZ_EXAMPLES", "30"))
SEED = os.environ.get("VCOURT_API_FUZZ_SEED", "20261201")


async def test_the_served_document_is_valid_openapi(client: Client) -> None:
    doc = await ok(await client.get("/api/v1/openapi.json"))
    validate(doc)  # raises, naming the first fault, if the document is not valid OpenAPI 3.1
    assert "$defs" not in json.dumps(doc)  # every schema lives in components/schemas


async def test_every_error_is_a_documented_problem(client: Client) -> None:
    doc = await ok(await client.get("/api/v1/openapi.json"))
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            for status, answer in op["responses"].items():
                if int(status) >= 400:
                    assert answer["content"] == {"application/problem+json": {"schema": problem}}, (
                        where
                    )
            if "security" in op:
                assert {"401", "403"} <= set(op["responses"]), where
            if "{" in path:
                assert "404" in op["responses"], where
            if "requestBody" in op:
                assert {"400", "413", "415", "422"} <= set(op["responses"]), where
    hearing = doc["paths"]["/api/v1/hearings/{hearing_id}"]["patch"]["responses"]
    assert "stale" in hearing["409"]["description"]


async def test_numbers_have_bounds_that_the_document_and_the_refusal_name(
    client: Client, admin: Headers
) -> None:
    doc = await ok(await client.get("/api/v1/openapi.json"))
    params = {p["name"]: p["schema"] for p in doc["paths"]["/api/v1/courts"]["get"]["parameters"]}
    assert params["offset"]["maximum"] == 10_000_000
    assert params["limit"] == {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}
    hearing_in = doc["components"]["schemas"]["HearingIn"]["properties"]["duration_minutes"]
    assert (hearing_in["minimum"], hearing_in["maximum"]) == (5, 720)
    page = await (await client.get("/api/v1/docs")).text()
    assert "0–10000000, default 0" in page  # the readable page says the bounds too
    assert "supreme | high | provincial | district" in page  # an enum's choices

    for path in ("/api/v1/courts", "/api/v1/cases", "/api/v1/hearings", "/api/v1/staff"):
        resp = await client.get(path, params={"offset": "9223372036854775808"}, headers=admin)
        assert resp.status == 422, (path, await resp.text())
        body = await resp.json()
        assert body["errors"] == [
            {"field": "offset", "message": "Input should be less than or equal to 10000000"}
        ]
    await add_registry(client, admin)
    hearing = {
        "kind": "meeting",
        "title": "Tập huấn",
        "starts_at": "2030-03-04T09:00:00",
        "duration_minutes": 6402373705727999,
        "central_endpoint": "TAND-HN-P1",
    }
    resp = await client.post("/api/v1/hearings", json=hearing, headers=admin)
    assert resp.status == 422, await resp.text()
    assert "between 5 minutes and 12 hours (720 minutes)" in (await resp.json())["detail"]
    far = {**hearing, "duration_minutes": 60, "starts_at": "9999-12-31T23:59:59-23:59"}
    resp = await client.post("/api/v1/hearings", json=far, headers=admin)
    assert resp.status == 422, await resp.text()
    assert "years 2000 to 2099" in (await resp.json())["detail"]
    listed = await ok(await client.get("/api/v1/hearings", headers=admin))
    assert listed["total"] == 0  # nothing was booked by the refused calls


async def test_every_number_a_call_takes_has_both_bounds_in_the_document(client: Client) -> None:
    doc = await ok(await client.get("/api/v1/openapi.json"))
    components = doc["components"]["schemas"]
    unbounded: set[str] = set()

    def walk(schema: Any, where: str, seen: frozenset[str]) -> None:
        if isinstance(schema, list):
            for item in schema:
                walk(item, where, seen)
            return
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if ref is not None:
            name = ref.rsplit("/", 1)[1]
            if name not in seen:
                walk(components[name], name, seen | {name})
            return
        if schema.get("type") in ("integer", "number") and not (
            "minimum" in schema and "maximum" in schema
        ):
            unbounded.add(where)
        for key, value in schema.items():
            if key == "properties":
                for prop, sub in value.items():
                    walk(sub, f"{where}.{prop}", seen)
            elif key in ("items", "anyOf", "oneOf", "allOf", "additionalProperties"):
                walk(value, where, seen)

    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            for param in op["parameters"]:
                walk(param["schema"], f"{method.upper()} {path} {param['name']}", frozenset())
            for content in op.get("requestBody", {}).get("content", {}).values():
                walk(content["schema"], f"{method.upper()} {path} body", frozenset())
    assert not unbounded, sorted(unbounded)


async def test_a_method_a_path_does_not_take_is_a_405_that_names_the_allowed_ones(
    client: Client, admin: Headers
) -> None:
    resp = await client.put("/api/v1/courts", json={}, headers=admin)
    assert resp.status == 405
    assert set(resp.headers["Allow"].split(",")) == {"GET", "POST"}
    assert resp.content_type == "application/problem+json"
    assert "this path takes GET, POST" in (await resp.json())["detail"]
    # A literal path that a parameter path also matches keeps its own methods: GET
    # /cases/import is not a read of a case called "import".
    resp = await client.get("/api/v1/cases/import", headers=admin)
    assert resp.status == 405
    assert resp.headers["Allow"] == "POST"


async def test_a_signed_receipt_that_is_not_a_receipt_is_a_422_naming_the_field(
    settings: Settings, aiohttp_client: Any
) -> None:
    """The receipt callback reads its body itself (the signature covers the exact bytes); a
    body that is signed but malformed was a 500."""
    gateway = Settings(**{**settings.model_dump(), "sms_gateway_key": "sms-key"})
    client = await aiohttp_client(create_app(gateway))
    body = orjson.dumps({"message_id": "prov-1", "status": "lost"})
    signature = "sha256=" + hmac.new(b"sms-key", body, hashlib.sha256).hexdigest()
    resp = await client.post(
        "/api/v1/deliveries/receipts/sms",
        data=body,
        headers={"Content-Type": "application/json", "X-Vcourt-Signature": signature},
    )
    assert resp.status == 422, await resp.text()
    assert [e["field"] for e in (await resp.json())["errors"]] == ["status"]


# --- the property-based run ----------------------------------------------------------------


def _known_values(api: LiveApi) -> dict[str, list[str]]:
    """Real identifiers from the seeded data, so generated calls reach past the 404s into the
    handlers' own logic (a share of the calls still get generated values)."""
    hearings = api.get("/api/v1/hearings?limit=1000")["items"]
    scheduled = next(h["id"] for h in hearings if h["state"] == "scheduled")
    notices = api.call("POST", f"/api/v1/hearings/{scheduled}/notices", {"language": "vi"})
    return {
        "hearings": [h["id"] for h in hearings],
        "hearings_and_notices": [h["id"] for h in hearings] + [n["id"] for n in notices],
        "participants": [p["id"] for h in hearings for p in h["participants"]],
        "cases": [c["id"] for c in api.get("/api/v1/cases?limit=1000")["items"]],
        "courts": [c["code"] for c in api.get("/api/v1/courts?limit=40")["items"]],
        "endpoints": [e["code"] for e in api.get("/api/v1/endpoints?limit=40")["items"]],
        "staff": [s["username"] for s in api.get("/api/v1/staff?limit=100")["items"]],
    }


# Which parameters draw from which known values, and how often.
_BINDINGS = {
    "path.hearing_id": "hearings",
    "path.id": "hearings_and_notices",
    "path.participant_id": "participants",
    "path.case_id": "cases",
    "path.code": "endpoints",
    "query.court_code": "courts",
    "query.case_id": "cases",
    "body.case_id": "cases",
    "body.court_code": "courts",
    "body.central_endpoint": "endpoints",
    "body.component_endpoints[*]": "endpoints",
    "body.judges[*]": "staff",
    "body.participants[*].staff_username": "staff",
}


def _config(values: dict[str, list[str]]) -> str:
    """schemathesis.toml; values are written as JSON strings, which TOML reads the same."""
    lines = ["[parameters]"]
    for key, dictionary in _BINDINGS.items():
        lines.append(
            f"{json.dumps(key)} = {{ dictionary = {json.dumps(dictionary)}, probability = 0.6 }}"
        )
    for name, items in values.items():
        lines += ["", f"[dictionaries.{name}]", f"values = {json.dumps(items or ['none'])}"]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_property_based_run_of_the_whole_api_meets_only_what_its_document_says(
    live_api: LiveApi, tmp_path: Path
) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(_known_values(live_api)), encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(config),
            "run",
            f"{live_api.url}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {live_api.token}",
            "--checks",
            ",".join(CHECKS),
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            SEED,
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--no-color",
        ],
        cwd=tmp_path,  # its cache of crashes stays out of the repository
        capture_output=True,
        text=True,
        timeout=840,
        check=False,
    )
    summary = _tail(run.stdout, 12000)
    assert run.returncode == 0, f"Schemathesis found failures:\n{summary}\n{run.stderr[-3000:]}"
    operations = sum(len(ops) for ops in live_api.get("/api/v1/openapi.json")["paths"].values())
    assert f"Tested: {operations}\n" in run.stdout, summary  # every operation, none skipped


def _tail(text: str, chars: int) -> str:
    return text if len(text) <= chars else "…" + text[-chars:]
