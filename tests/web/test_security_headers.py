"""Every response carries the security headers: each GET route of the app (pages, the printable
hearing record, the API and its docs page, static files, health), errors aiohttp makes itself,
and the refused WebSocket handshake — requested for real, signed in as an administrator."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from multidict import CIMultiDictProxy
from sqlalchemy import select

from conference.settings import Settings
from conference.store.db import create_engine, session_factory
from conference.store.tables import HearingRow
from tests.fixtures.signaling import Hearing, book_hearing
from tests.pages.helpers import add_staff, csrf_from

Client = TestClient[Any, Any]
PASSWORD = "correct horse battery"


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url  # headers do not depend on the database


def assert_secure(headers: CIMultiDictProxy[str], what: str) -> None:
    csp = {
        d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else ""
        for d in (p.strip() for p in headers.get("Content-Security-Policy", "").split(";"))
        if d
    }
    assert csp.get("frame-ancestors") == "'none'", what
    assert csp.get("default-src") == "'self'", what
    assert csp.get("script-src") == "'self'", what  # no inline script, no eval
    style = csp.get("style-src", "")
    assert style.startswith("'self'") and "unsafe" not in style, what
    assert re.fullmatch(r"'self'( 'sha256-[A-Za-z0-9+/]+=*')+", style), what
    assert csp.get("object-src") == "'none'" and csp.get("base-uri") == "'none'", what
    assert csp.get("form-action") == "'self'" and csp.get("connect-src") == "'self'", what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("Referrer-Policy") == "no-referrer", what  # join links carry tokens
    policy = headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "display-capture"):
        assert f"{feature}=(self)" in policy, what
    assert "geolocation=()" in policy, what
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", what


async def sign_in_admin(client: Client, settings: Settings) -> None:
    await add_staff(settings.effective_database_url, "it.admin", PASSWORD, role="admin")
    token = csrf_from(await (await client.get("/signin")).text())
    response = await client.post(
        "/signin",
        data={"username": "it.admin", "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status == 303


async def case_of(settings: Settings, hearing: Hearing) -> str:
    engine = create_engine(settings.effective_database_url)
    try:
        async with session_factory(engine)() as s:
            case_id = await s.scalar(select(HearingRow.case_id).where(HearingRow.id == hearing.id))
    finally:
        await engine.dispose()
    assert case_id is not None
    return case_id


async def test_every_get_route_answers_with_the_security_headers(
    client: Client, settings: Settings
) -> None:
    hearing = await book_hearing(settings)
    await sign_in_admin(client, settings)
    values = {
        "hearing_id": hearing.id,
        "case_id": await case_of(settings, hearing),
        "token": hearing.links["plaintiff"],
    }
    statuses: dict[str, int] = {}
    for route in client.app.router.routes():
        if route.method != "GET":
            continue
        path = route.resource.canonical if route.resource is not None else ""
        if path == "/static":
            path = "/static/css/vcourt.css"
        path = re.sub(r"{(\w+)}", lambda m: values.get(m.group(1), "unknown"), path)
        params = {"token": hearing.links["plaintiff"]} if path.endswith("ice-servers") else None
        response = await client.get(path, params=params, allow_redirects=False)
        await response.read()
        statuses[path] = response.status
        assert_secure(response.headers, f"GET {path} → {response.status}")
    # The pages a reviewer opens, answered for real (not only errors carrying headers):
    for page in (
        "/signin",
        "/fleet",
        f"/join/{hearing.links['plaintiff']}",
        f"/hearings/{hearing.id}/record",
        "/api/v1/docs",
        "/api/v1/openapi.json",
        "/static/css/vcourt.css",
    ):
        assert statuses[page] in (200, 303), (page, statuses[page])
    assert statuses["/signin"] == 303  # signed in: on to the landing page
    assert statuses[f"/hearings/{hearing.id}/record"] == 200
    assert statuses["/api/v1/docs"] == 200


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "/no/such/page", {}),
        ("POST", "/healthz", {}),
        ("GET", "/api/v1/hearings", {}),  # 401 problem document
        ("GET", "/ws", {}),  # not a WebSocket handshake
        (
            "GET",
            "/ws",
            {
                "Upgrade": "websocket",
                "Connection": "Upgrade",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                "Origin": "https://evil.example",
            },
        ),
    ],
)
async def test_errors_carry_the_headers_too(
    client: Client, method: str, path: str, headers: dict[str, str]
) -> None:
    response = await client.request(method, path, headers=headers, allow_redirects=False)
    assert response.status >= 400
    assert_secure(response.headers, f"{method} {path} → {response.status}")
