"""PIN guessing is bounded exactly: of many wrong PINs sent at once on separate sockets, the
limit are checked and the rest are told the link is locked; the right PIN waits out the lock.
Runs on SQLite and PostgreSQL (the counter is one conditional UPDATE on both)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from conference.settings import Settings, load_settings
from signaling.client import SignalingClient, SignalingError
from tests.fixtures.database import fresh_postgres_db, fresh_sqlite_db
from tests.fixtures.signaling import Hearing
from web.app import create_app

Client = TestClient[Any, Any]
PIN = "482913"
GUESSERS = 24


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return fresh_sqlite_db(sqlite_template, tmp_path)
    return fresh_postgres_db(request.getfixturevalue("postgres_template"))


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        data_dir=tmp_path / "data",
        database_url=db_url,
        secret_key="test-signing-secret",
        log_format="text",
        signaling_pin_max_attempts=5,
        signaling_pin_lockout_seconds=300,
    )


class StepClock:
    """The server's clock, moved on by the test (the lockout is 5 minutes long)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
async def client(settings: Settings, clock: StepClock, aiohttp_client: Any) -> Client:
    return await aiohttp_client(create_app(settings, clock=clock))


async def link_with_pin(client: Client, hearing: Hearing) -> str:
    judge = {"Authorization": f"Bearer {hearing.bearers['judge']}"}
    async with await SignalingClient.connect(_base(client), headers=judge) as opener:
        await opener.join(hearing_id=hearing.id)
        await opener.request("open")
    clerk = {"Authorization": f"Bearer {hearing.bearers['clerk']}"}
    url = f"/api/v1/hearings/{hearing.id}/participants/{hearing.pid['plaintiff']}/link"
    issued = await (await client.post(url, json={"pin": PIN}, headers=clerk)).json()
    assert issued["has_pin"] is True
    token: str = issued["token"]
    return token


def _base(client: Client) -> str:
    return str(client.make_url("/")).rstrip("/")


async def refusal(client: Client, token: str, pin: str) -> SignalingError:
    async with await SignalingClient.connect(_base(client)) as c:
        with pytest.raises(SignalingError) as refused:
            await c.join(token=token, pin=pin)
        return refused.value


def kind(error: SignalingError) -> str:
    """What the person was told: their PIN was checked and wrong, their PIN was checked and
    the link is now locked, or the link was locked and their PIN was not checked at all."""
    message = error.error.message
    if error.code == "link_pin_wrong" and "attempt(s) left" in message:
        return "checked, wrong"
    if error.code == "link_pin_locked" and message.startswith("wrong PIN"):
        return "checked, now locked"
    if error.code == "link_pin_locked" and message.startswith("too many wrong PINs"):
        return "not checked, locked"
    return f"unexpected {error.code}: {message}"


async def test_parallel_wrong_pins_get_exactly_the_limit_of_checks(
    client: Client, hearing: Hearing, settings: Settings, clock: StepClock
) -> None:
    token = await link_with_pin(client, hearing)
    limit = settings.signaling_pin_max_attempts
    sockets = [await SignalingClient.connect(_base(client)) for _ in range(GUESSERS)]
    try:

        async def guess(c: SignalingClient, n: int) -> SignalingError:
            with pytest.raises(SignalingError) as refused:
                await c.join(token=token, pin=f"{n:06d}")
            return refused.value

        answers = await asyncio.gather(*(guess(c, n) for n, c in enumerate(sockets)))
    finally:
        for c in sockets:
            await c.close()
    told = Counter(kind(a) for a in answers)
    assert told == {
        "checked, wrong": limit - 1,
        "checked, now locked": 1,
        "not checked, locked": GUESSERS - limit,
    }

    # The right PIN is refused until the lockout ends, then lets the party in.
    assert kind(await refusal(client, token, PIN)) == "not checked, locked"
    clock.now += timedelta(seconds=settings.signaling_pin_lockout_seconds - 1)
    assert kind(await refusal(client, token, PIN)) == "not checked, locked"
    clock.now += timedelta(seconds=1)
    async with await SignalingClient.connect(_base(client)) as party:
        welcome = await party.join(token=token, pin=PIN)
        assert welcome.participant_id == hearing.pid["plaintiff"]


async def test_a_right_pin_clears_the_count_of_wrong_ones(
    client: Client, hearing: Hearing, settings: Settings
) -> None:
    token = await link_with_pin(client, hearing)
    limit = settings.signaling_pin_max_attempts
    for _ in range(limit - 1):
        assert kind(await refusal(client, token, "000000")) == "checked, wrong"
    async with await SignalingClient.connect(_base(client)) as party:
        await party.join(token=token, pin=PIN)
    told = [kind(await refusal(client, token, "000000")) for _ in range(limit)]
    assert told == ["checked, wrong"] * (limit - 1) + ["checked, now locked"]
