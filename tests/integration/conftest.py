"""The joins between signalling and scheduling, end to end over real servers (SQLite by
default: the storage paths are tested on both databases in the areas' own suites; the link
journey runs on PostgreSQL too)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.domain.access import ApiRole
from signaling.client import SignalingClient
from tests.fixtures.scheduling import NOW
from web.auth import create_token


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url


@dataclass
class Clock:
    """The app's clock: fixed, moved on by the test (so times in reports are ordered)."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


Connect = Callable[[TestClient[Any, Any]], Awaitable[SignalingClient]]


@pytest.fixture
async def connect(aiohttp_client: Any) -> AsyncIterator[Connect]:
    """A real WebSocket client (signaling/client.py) to a test server; closed at the end,
    before the server stops (which would otherwise wait for the open WebSockets)."""
    opened: list[SignalingClient] = []

    async def open_one(client: TestClient[Any, Any]) -> SignalingClient:
        c = await SignalingClient.connect(str(client.make_url("/")).rstrip("/"))
        opened.append(c)
        return c

    yield open_one
    for c in opened:
        await c.close()


StaffToken = Callable[[str], Awaitable[str]]


@pytest.fixture
def staff_token(sessions: async_sessionmaker[AsyncSession]) -> StaffToken:
    """An API token of a staff member (judge) of the small registry: they join /ws with it."""

    async def make(username: str) -> str:
        async with sessions() as s, s.begin():
            return await create_token(
                s, role=ApiRole.JUDGE, name=username, now=NOW, staff_username=username
            )

    return make
