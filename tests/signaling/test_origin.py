"""The hearing socket checks who opened it: a page of another site is refused at the handshake
(cross-site WebSocket hijacking), a signed-in cookie counts only with this site's Origin, and
programs without an Origin join with a link or a bearer token."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from conference.settings import Settings, load_settings
from conference.store.db import create_engine, session_factory
from conference.store.tables import ParticipantRow
from signaling.client import SignalingClient, SignalingError
from tests.fixtures.servers import free_port
from tests.fixtures.signaling import Hearing
from tests.pages.helpers import csrf_from
from web.app import create_app
from web.pages.accounts import set_password

Client = TestClient[Any, Any]
EVIL = "https://evil.example"
DESK = "https://desk.toaan.example"  # a second name of the court's server, configured
PASSWORD = "judge's own passphrase"


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def settings(db_url: str, tmp_path: Path, port: int) -> Settings:
    return load_settings(
        data_dir=tmp_path / "data",
        database_url=db_url,
        secret_key="test-signing-secret",
        log_format="text",
        public_url=f"http://127.0.0.1:{port}",  # the site's own pages are served from here
        allowed_origins=[DESK + "/"],
    )


@pytest.fixture
async def client(settings: Settings, port: int, aiohttp_client: Any) -> Client:
    return await aiohttp_client(create_app(settings), server_kwargs={"port": port})


def base(client: Client) -> str:
    return str(client.make_url("/")).rstrip("/")


async def sign_in_judge(client: Client, hearing: Hearing, settings: Settings) -> None:
    """Give the hearing's judge a password and sign in; the client's jar keeps the cookie."""
    engine = create_engine(settings.effective_database_url)
    try:
        async with session_factory(engine)() as s, s.begin():
            username = await s.scalar(
                select(ParticipantRow.staff_username).where(
                    ParticipantRow.id == hearing.pid["judge"]
                )
            )
            assert username is not None
            await set_password(s, username, PASSWORD)
    finally:
        await engine.dispose()
    token = csrf_from(await (await client.get("/signin")).text())
    signed_in = await client.post(
        "/signin",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert signed_in.status == 303
    assert "vcourt_session" in client.session.cookie_jar.filter_cookies(client.make_url("/"))


async def cookie_socket(client: Client, origin: str | None) -> SignalingClient:
    headers = {"Origin": origin} if origin else None
    return await SignalingClient.connect(base(client), session=client.session, headers=headers)


def handshake_headers(origin: str) -> dict[str, str]:
    return {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
        "Origin": origin,
    }


async def test_another_sites_page_cannot_join_as_the_signed_in_judge(
    client: Client, hearing: Hearing, settings: Settings
) -> None:
    await sign_in_judge(client, hearing, settings)
    judge = await cookie_socket(client, base(client))
    try:
        welcome = await judge.join(hearing_id=hearing.id)
        assert welcome.role == "presiding_judge"

        # The attacker's page: the browser adds the judge's cookie and its own Origin.
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.session.ws_connect(str(client.make_url("/ws")), headers={"Origin": EVIL})
        assert refused.value.status == 403
        answer = await client.get("/ws", headers=handshake_headers(EVIL))
        assert answer.status == 403
        assert answer.content_type == "application/problem+json"
        problem = await answer.json()
        assert problem["title"] == "Origin not allowed"
        assert EVIL in problem["detail"] and "VCOURT_ALLOWED_ORIGINS" in problem["detail"]

        # The real judge is still in the room, not "replaced".
        assert (await judge.request("ping")).type == "pong"
        room = await judge.request("room.get")
        assert room.type == "room.snapshot"
        assert judge.roster[hearing.pid["judge"]].connection == "connected"
        assert judge.closed_reason is None
    finally:
        await judge.close()


async def test_a_cookie_without_an_origin_is_not_a_sign_in(
    client: Client, hearing: Hearing, settings: Settings
) -> None:
    await sign_in_judge(client, hearing, settings)
    socket = await cookie_socket(client, None)
    try:
        with pytest.raises(SignalingError) as refused:
            await socket.join(hearing_id=hearing.id)
        assert refused.value.code == "unauthenticated"
        assert "Origin" in refused.value.error.message
    finally:
        await socket.close()


@pytest.mark.parametrize(
    "origin",
    [
        "null",  # a sandboxed frame or a file: page
        "http://evil.example",
        "https://desk.toaan.example.evil.example",
        "https://evil.example:443@desk.toaan.example",
        "not a url",
    ],
)
async def test_foreign_and_opaque_origins_are_refused_at_the_handshake(
    client: Client, hearing: Hearing, origin: str
) -> None:
    answer = await client.get("/ws", headers=handshake_headers(origin))
    assert answer.status == 403
    # not even a party's own link gets in from there
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await client.session.ws_connect(str(client.make_url("/ws")), headers={"Origin": origin})


@pytest.mark.parametrize("origin", [DESK, "HTTPS://Desk.ToaAn.example:443"])
async def test_a_configured_origin_is_one_of_the_sites_own(
    client: Client, hearing: Hearing, settings: Settings, origin: str
) -> None:
    await sign_in_judge(client, hearing, settings)
    judge = await cookie_socket(client, origin)
    try:
        assert (await judge.join(hearing_id=hearing.id)).role == "presiding_judge"
    finally:
        await judge.close()


async def test_programs_without_an_origin_join_with_a_link_or_a_bearer_token(
    client: Client, hearing: Hearing
) -> None:
    async with await SignalingClient.connect(base(client)) as judge:
        welcome = await judge.join(bearer=hearing.bearers["judge"], hearing_id=hearing.id)
        assert welcome.role == "presiding_judge"
        await judge.request("open")
        async with await SignalingClient.connect(base(client)) as party:
            welcome = await party.join(token=hearing.links["plaintiff"])
            assert welcome.participant_id == hearing.pid["plaintiff"]
