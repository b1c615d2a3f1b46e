"""Staff sign-in over HTTP: passwords, sessions, cookies, CSRF, lockout, sign-out, and the API
accepting a signed-in staff member. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from conference.settings import Settings, load_settings
from conference.store.accounts import SignInAttemptRow
from conference.store.db import create_engine, session_factory
from tests.pages.helpers import add_staff, csrf_from

Client = TestClient[Any, Any]
PASSWORD = "correct horse battery"


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Small lockout limits, so the lockout tests need few (slow, argon2) attempts."""
    return load_settings(
        data_dir=tmp_path / "data",
        database_url=db_url,
        secret_key="test-signing-secret",
        log_format="text",
        signin_max_failures=3,
        signin_account_max_failures=5,
    )


class StepClock:
    """The app's clock, moved on by the test."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def attempts_of(settings: Settings, username: str) -> list[bool]:
    engine = create_engine(settings.effective_database_url)
    try:
        async with session_factory(engine)() as s:
            rows = await s.scalars(
                select(SignInAttemptRow.succeeded).where(SignInAttemptRow.username == username)
            )
            return list(rows)
    finally:
        await engine.dispose()


async def open_form(client: Client) -> str:
    response = await client.get("/signin")
    assert response.status == 200
    return csrf_from(await response.text())


async def post_signin(client: Client, username: str, password: str, token: str) -> Any:
    return await client.post(
        "/signin",
        data={"username": username, "password": password, "csrf_token": token, "next": ""},
        allow_redirects=False,
    )


async def test_staff_signs_in_and_out(client: Client, settings: Settings) -> None:
    await add_staff(settings.effective_database_url, "thu.le", PASSWORD, role="clerk")
    token = await open_form(client)
    response = await post_signin(client, "thu.le", PASSWORD, token)
    assert response.status == 303
    assert response.headers["Location"] == "/"
    cookie = response.cookies["vcourt_session"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # plain http in tests; https public_url sets Secure

    home = await client.get("/", allow_redirects=False)
    assert home.headers["Location"] == "/schedule"
    page = await client.get("/schedule")
    html = await page.text()
    assert "Lê Văn Test" in html

    out = await client.post("/signout", data={"csrf_token": csrf_from(html)}, allow_redirects=False)
    assert out.status == 303
    again = await client.get("/schedule", allow_redirects=False)
    assert again.status == 303
    assert again.headers["Location"].startswith("/signin?next=")


async def test_the_session_cookie_is_useless_after_sign_out(
    client: Client, settings: Settings
) -> None:
    await add_staff(settings.effective_database_url, "thu.le", PASSWORD)
    response = await post_signin(client, "thu.le", PASSWORD, await open_form(client))
    stolen = response.cookies["vcourt_session"].value
    html = await (await client.get("/schedule")).text()
    await client.post("/signout", data={"csrf_token": csrf_from(html)})
    replay = await client.get(
        "/schedule", cookies={"vcourt_session": stolen}, allow_redirects=False
    )
    assert replay.status == 303


async def test_a_wrong_password_is_refused_with_a_clear_message(
    client: Client, settings: Settings
) -> None:
    await add_staff(settings.effective_database_url, "thu.le", PASSWORD)
    response = await post_signin(client, "thu.le", "wrong", await open_form(client))
    assert response.status == 401
    assert "vcourt_session" not in response.cookies
    html = await response.text()
    assert 'role="alert"' in html
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html  # Vietnamese by default


async def test_an_unknown_user_gets_the_same_answer(client: Client) -> None:
    response = await post_signin(client, "nobody", PASSWORD, await open_form(client))
    assert response.status == 401


async def test_a_post_without_the_csrf_token_is_refused(client: Client, settings: Settings) -> None:
    await add_staff(settings.effective_database_url, "thu.le", PASSWORD)
    await open_form(client)  # the pre-sign-in cookie is set, but the form field is missing
    response = await post_signin(client, "thu.le", PASSWORD, "forged")
    assert response.status == 403
    assert "vcourt_session" not in response.cookies

    ok = await post_signin(client, "thu.le", PASSWORD, await open_form(client))
    assert ok.status == 303
    refused = await client.post("/signout", data={}, allow_redirects=False)
    assert refused.status == 403
    still = await client.get("/schedule", allow_redirects=False)
    assert still.status == 200  # the forged sign-out did nothing


async def test_lockout_after_repeated_failures_names_the_time(
    client: Client, settings: Settings
) -> None:
    await add_staff(settings.effective_database_url, "thu.le", PASSWORD)
    token = await open_form(client)
    for _ in range(settings.signin_max_failures - 1):
        assert (await post_signin(client, "thu.le", "wrong", token)).status == 401
    last = await post_signin(client, "thu.le", "wrong", token)
    assert last.status == 429
    assert "until" in (await last.text()) or "đến" in (await last.text())
    # Even the right password is refused while locked, and no session is opened.
    locked = await post_signin(client, "thu.le", PASSWORD, token)
    assert locked.status == 429
    assert "vcourt_session" not in locked.cookies
    # Another person at the same computer is not affected by this account's lock.
    await add_staff(settings.effective_database_url, "an.tran", PASSWORD)
    assert (await post_signin(client, "an.tran", PASSWORD, token)).status == 303


async def test_guessing_from_one_address_does_not_lock_the_court_out(
    client: Client, settings: Settings
) -> None:
    """Twenty wrong passwords from one address (behind nginx with no trusted proxy, that is
    every staff member's address) lock nobody but the guessed account."""
    for name in ("thu.le", "an.tran", "minh.vo"):
        await add_staff(settings.effective_database_url, name, PASSWORD)
    token = await open_form(client)
    for i in range(20):
        await post_signin(client, "thu.le" if i % 2 else f"guess{i}", "wrong", token)
    for name, status in (("an.tran", 303), ("minh.vo", 303), ("thu.le", 429)):
        client.session.cookie_jar.clear()  # each at their own desk, behind the same address
        assert (await post_signin(client, name, PASSWORD, await open_form(client))).status == status


async def signin_from(client: Client, address: str, username: str, password: str) -> int:
    token = await open_form(client)
    response = await client.post(
        "/signin",
        data={"username": username, "password": password, "csrf_token": token},
        headers={"X-Forwarded-For": address},
        allow_redirects=False,
    )
    return response.status


async def test_behind_a_trusted_proxy_each_client_address_counts_alone(
    aiohttp_client: Any, settings: Settings
) -> None:
    from web.app import create_app

    behind = settings.model_copy(update={"trusted_proxies": ["127.0.0.1"]})
    client = await aiohttp_client(create_app(behind))
    await add_staff(settings.effective_database_url, "thu.le", PASSWORD)
    attacker = "203.0.113.9"
    for _ in range(settings.signin_max_failures):
        assert await signin_from(client, attacker, "thu.le", "x") in (401, 429)
    assert await signin_from(client, attacker, "thu.le", PASSWORD) == 429
    # A forged first hop does not escape: the proxy appends the real address last.
    assert await signin_from(client, f"198.51.100.1, {attacker}", "thu.le", PASSWORD) == 429
    # The judge at her own computer signs in while the attacker is locked out.
    assert await signin_from(client, "198.51.100.7", "thu.le", PASSWORD) == 303


async def test_guesses_from_many_addresses_lock_the_account_until_the_lockout_ends(
    aiohttp_client: Any, settings: Settings
) -> None:
    from web.app import create_app

    clock = StepClock()
    behind = settings.model_copy(update={"trusted_proxies": ["127.0.0.1"]})
    client = await aiohttp_client(create_app(behind, clock=clock))
    await add_staff(settings.effective_database_url, "thu.le", PASSWORD)
    await add_staff(settings.effective_database_url, "an.tran", PASSWORD)
    for n in range(settings.signin_account_max_failures):
        await signin_from(client, f"203.0.113.{n}", "thu.le", "x")
        clock.advance(seconds=1)
    assert await signin_from(client, "198.51.100.7", "thu.le", PASSWORD) == 429
    assert await signin_from(client, "198.51.100.7", "an.tran", PASSWORD) == 303
    clock.advance(minutes=settings.signin_lockout_minutes)
    assert await signin_from(client, "198.51.100.7", "thu.le", PASSWORD) == 303


async def test_parallel_guesses_check_no_more_passwords_than_the_limit(
    client: Client, settings: Settings
) -> None:
    await add_staff(settings.effective_database_url, "thu.le", PASSWORD)
    token = await open_form(client)
    answers = await asyncio.gather(
        *(post_signin(client, "thu.le", f"guess-{i}", token) for i in range(12))
    )
    assert {a.status for a in answers} <= {401, 429}
    # The audit trail holds one row per password checked: never more than the limit. (A burst
    # may be refused before the limit while its guesses see each other's reservations; then
    # guesses one by one are checked until the limit, and not one more.)
    assert len(await attempts_of(settings, "thu.le")) <= settings.signin_max_failures
    for _ in range(settings.signin_max_failures):
        if (await post_signin(client, "thu.le", "one more guess", token)).status == 429:
            break
    assert await attempts_of(settings, "thu.le") == [False] * settings.signin_max_failures
    assert (await post_signin(client, "thu.le", PASSWORD, token)).status == 429


async def test_the_api_accepts_a_signed_in_staff_member_with_csrf_header(
    client: Client, settings: Settings
) -> None:
    await add_staff(settings.effective_database_url, "it.admin", PASSWORD, role="admin")
    await post_signin(client, "it.admin", PASSWORD, await open_form(client))
    listed = await client.get("/api/v1/courts?limit=1")
    assert listed.status == 200
    body = {"code": "TEST-C1", "name": "Tòa thử", "level": "supreme", "province": "Hà Nội"}
    refused = await client.post("/api/v1/courts", json=body)
    assert refused.status == 403
    assert "X-CSRF-Token" in (await refused.json())["detail"]
    html = await (await client.get("/fleet")).text()
    created = await client.post(
        "/api/v1/courts", json=body, headers={"X-CSRF-Token": csrf_from(html)}
    )
    assert created.status == 201, await created.text()


async def test_a_clerk_session_carries_the_clerk_role_to_the_api(
    client: Client, settings: Settings
) -> None:
    await add_staff(settings.effective_database_url, "thu.le", PASSWORD, role="clerk")
    await post_signin(client, "thu.le", PASSWORD, await open_form(client))
    html = await (await client.get("/schedule")).text()
    body = {"code": "TEST-C1", "name": "Tòa thử", "level": "supreme", "province": "Hà Nội"}
    refused = await client.post(
        "/api/v1/courts", json=body, headers={"X-CSRF-Token": csrf_from(html)}
    )
    assert refused.status == 403
    assert "clerk" in (await refused.json())["detail"]


async def test_sign_in_does_not_redirect_off_site(client: Client, settings: Settings) -> None:
    await add_staff(settings.effective_database_url, "thu.le", PASSWORD)
    token = await open_form(client)
    response = await client.post(
        "/signin",
        data={
            "username": "thu.le",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/"
