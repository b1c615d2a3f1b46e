"""The fleet page's live sources: endpoints connected to a hearing on this node, this node's
load, and what the page says about what nobody reports yet."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import update

from conference.settings import Settings
from conference.store.db import create_engine, session_factory
from conference.store.tables import ParticipantRow
from signaling.client import SignalingClient
from tests.fixtures.servers import RedisServer
from tests.fixtures.signaling import book_hearing
from tests.pages.test_staff_pages import seeded, signed_in
from web.app import create_app

Client = TestClient[Any, Any]
SITE = "TAND-HN-P2"  # a courtroom of the demo registry that no hearing books


def cell_state(html: str, code: str) -> str:
    found = re.search(rf'class="cell state-(\w+)" role="img" data-code="{code}"', html)
    assert found, f"no cell for {code}"
    return found.group(1)


def node_row(html: str, name: str) -> list[str]:
    found = re.search(rf'<tr data-node="{re.escape(name)}">(.*?)</tr>', html, re.S)
    assert found, f"no row for node {name}"
    return re.findall(r"<td[^>]*>([^<]*)</td>", found.group(1))


async def test_an_endpoint_connected_to_a_hearing_shows_in_session_with_this_nodes_load(
    client: Client,
    settings: Settings,
    connect: Callable[[], Awaitable[SignalingClient]],
) -> None:
    url = settings.effective_database_url
    await seeded(url)
    # An open hearing whose site joins by its link; the booking names no endpoint, so only
    # the live connection can tell the page that the site is in the hearing.
    hearing = await book_hearing(
        settings, state="open", people={"site": ("endpoint", "Phòng xử án số 2", False)}
    )
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session, session.begin():
            await session.execute(
                update(ParticipantRow)
                .where(ParticipantRow.id == hearing.pid["site"])
                .values(endpoint_code=SITE)
            )
    finally:
        await engine.dispose()
    await signed_in(client, url, "admin")

    before = await (await client.get("/fleet")).text()
    assert cell_state(before, SITE) == "unknown"
    assert node_row(before, settings.node_name)[1:3] == ["0", "0"]

    site = await connect()
    await site.join(token=hearing.links["site"])
    during = await (await client.get("/fleet")).text()
    assert cell_state(during, SITE) == "in_session"
    assert node_row(during, settings.node_name)[1:3] == ["1", "1"]  # one hearing, one socket
    assert 'id="nodes-partial"' not in during  # one node: the list is complete
    assert "cần có phần mềm chạy tại từng điểm cầu" in during  # why the rest is unknown

    await site.close()
    for _ in range(100):  # the hub forgets the connection once the socket has closed
        after = await (await client.get("/fleet?lang=en")).text()
        if cell_state(after, SITE) == "unknown":
            break
        await asyncio.sleep(0.05)
    assert cell_state(after, SITE) == "unknown"
    assert "that needs an agent at each site" in after


@pytest.mark.redis
async def test_with_several_nodes_the_page_says_it_lists_only_its_own(
    settings: Settings, redis_server: RedisServer, aiohttp_client: Any
) -> None:
    clustered = settings.model_copy(update={"redis_url": redis_server.url})
    client = await aiohttp_client(create_app(clustered))
    await signed_in(client, settings.effective_database_url, "admin")
    html = await (await client.get("/fleet")).text()
    assert "Chỉ hiển thị máy chủ này: các máy chủ chưa báo tải cho nhau." in html
    english = await (await client.get("/fleet?lang=en")).text()
    assert "Only this node is listed" in english
    assert node_row(english, settings.node_name)[1:3] == ["0", "0"]
