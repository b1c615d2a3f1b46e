"""`next=` after sign-in only ever leads to a path on this site: every hostile form falls back
to the landing page, through the form and through the already-signed-in redirect."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from conference.settings import Settings
from tests.pages.helpers import add_staff, csrf_from
from web.pages.signin import safe_next

Client = TestClient[Any, Any]
PASSWORD = "correct horse battery"

HOSTILE = [
    "//evil.example/x",
    "/\t/evil.example/x",  # browsers drop the tab: //evil.example/x
    "/\n/evil.example/x",
    "/\r\n/evil.example/x",
    "\t//evil.example/x",
    " //evil.example/x",
    "/ /evil.example/x",
    "///evil.example/x",
    "/\\evil.example/x",  # a backslash reads as a slash
    "\\\\evil.example/x",
    "/\\/evil.example/x",
    "https://evil.example/x",
    "HTTPS://evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example/x",
    "x/../..//evil.example",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "/\u2028/evil.example",
    "/\uff0f\uff0fevil.example",  # fullwidth solidus
    "/" + "a" * 2001,
]
CLEAN = [
    "/schedule",
    "/hearings/7f3a?lang=en",
    "/schedule?date=2026-12-01&view=week",
    "/hearings/%C3%A1n",
    "/fleet#top",
]


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url  # the redirect rule does not depend on the database


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_next_is_refused(value: str) -> None:
    assert safe_next(value) is None


@pytest.mark.parametrize("value", CLEAN)
def test_a_path_on_this_site_is_kept(value: str) -> None:
    assert safe_next(value) == value


async def sign_in(client: Client, value: str) -> Any:
    client.session.cookie_jar.clear()
    html = await (await client.get("/signin", params={"next": value})).text()
    return await client.post(
        "/signin",
        data={
            "username": "thu.le",
            "password": PASSWORD,
            "csrf_token": csrf_from(html),
            "next": value,
        },
        allow_redirects=False,
    )


@pytest.mark.parametrize(
    "value",
    [
        "/\t/evil.example/x",
        "/\\evil.example/x",
        "https://evil.example/x",
        "//evil.example/x",
        "/schedule",
    ],
)
async def test_signing_in_never_redirects_off_site(
    client: Client, settings: Settings, value: str
) -> None:
    await add_staff(settings.effective_database_url, "thu.le", PASSWORD)
    response = await sign_in(client, value)
    assert response.status == 303
    assert response.headers["Location"] == (value if value in CLEAN else "/")


async def test_signed_in_already_the_redirect_follows_the_same_rule(
    client: Client, settings: Settings
) -> None:
    await add_staff(settings.effective_database_url, "thu.le", PASSWORD)
    assert (await sign_in(client, "")).status == 303
    for value in [*HOSTILE, *CLEAN]:
        response = await client.get("/signin", params={"next": value}, allow_redirects=False)
        assert response.status == 303
        assert response.headers["Location"] == (value if value in CLEAN else "/"), repr(value)
    # the form in the security review: a tab after the first slash, percent-encoded
    response = await client.get("/signin?next=/%09/evil.example/x", allow_redirects=False)
    assert response.headers["Location"] == "/"
