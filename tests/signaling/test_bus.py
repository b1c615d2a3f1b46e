"""One contract for every bus: in-process and Redis (a real redis-server)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from signaling.bus import Bus, InProcessBroker, InProcessBus
from signaling.redis_bus import RedisBus
from tests.fixtures.servers import RedisServer

Pair = tuple[Bus, Bus]  # two nodes


@pytest.fixture(params=["in-process", pytest.param("redis", marks=pytest.mark.redis)])
async def nodes(request: pytest.FixtureRequest) -> AsyncIterator[Pair]:
    make: Callable[[], Bus]
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        make = lambda: RedisBus(server.url)  # noqa: E731
    else:
        broker = InProcessBroker()
        make = lambda: InProcessBus(broker)  # noqa: E731
    a, b = make(), make()
    await a.start()
    await b.start()
    yield a, b
    await a.close()
    await b.close()


def hid() -> str:
    import uuid

    return uuid.uuid4().hex


async def test_published_messages_reach_every_node_in_order(nodes: Pair) -> None:
    a, b = nodes
    h = hid()
    got: dict[str, list[Any]] = {"a": [], "b": []}
    done = asyncio.Event()

    async def on(name: str, message: dict[str, Any]) -> None:
        got[name].append(message["n"])
        if len(got["a"]) == 20 and len(got["b"]) == 20:
            done.set()

    async def on_a(batch: list[dict[str, Any]]) -> None:
        for m in batch:
            await on("a", m)

    async def on_b(batch: list[dict[str, Any]]) -> None:
        for m in batch:
            await on("b", m)

    await a.subscribe(h, on_a)
    await b.subscribe(h, on_b)
    for n in range(10):
        await a.publish(h, {"n": n})
        await b.publish(h, {"n": 10 + n})
    await asyncio.wait_for(done.wait(), 10)
    expected = [n for pair in zip(range(10), range(10, 20), strict=True) for n in pair]
    assert got["a"] == got["b"] == expected


async def test_other_hearings_are_not_delivered(nodes: Pair) -> None:
    a, b = nodes
    h1, h2 = hid(), hid()
    got: list[Any] = []
    arrived = asyncio.Event()

    async def on(batch: list[dict[str, Any]]) -> None:
        got.extend(batch)
        arrived.set()

    await b.subscribe(h1, on)
    await a.publish(h2, {"x": 1})
    await a.publish(h1, {"x": 2})
    await asyncio.wait_for(arrived.wait(), 10)
    assert got == [{"x": 2}]
    await b.unsubscribe(h1)


async def test_the_lock_excludes_the_other_node(nodes: Pair) -> None:
    a, b = nodes
    h = hid()
    trace: list[str] = []

    async def hold(bus: Bus, name: str) -> None:
        async with bus.lock(h):
            trace.append(f"{name} in")
            await asyncio.sleep(0.05)
            trace.append(f"{name} out")

    await asyncio.gather(hold(a, "a"), hold(b, "b"), hold(a, "c"))
    for i in range(0, 6, 2):  # never interleaved
        assert trace[i].split()[0] == trace[i + 1].split()[0]


async def test_room_state_is_shared_with_its_version(nodes: Pair) -> None:
    a, b = nodes
    h = hid()
    assert await b.load_room(h) is None and await b.room_version(h) is None
    await a.save_room(h, 3, '{"state": "open"}', ttl=60)
    assert await b.room_version(h) == 3
    assert await b.load_room(h) == (3, '{"state": "open"}')


async def test_presence_belongs_to_one_connection_and_expires(nodes: Pair) -> None:
    a, b = nodes
    h = hid()
    await a.set_presence(h, "p1", "conn-1", ttl=60)
    assert await b.presence(h, "p1") == "conn-1"
    await b.set_presence(h, "p1", "conn-2", ttl=60)  # the participant joined again elsewhere
    assert not await a.clear_presence(h, "p1", "conn-1")  # the old connection may not clear it
    assert await a.presence(h, "p1") == "conn-2"
    assert await b.clear_presence(h, "p1", "conn-2")
    assert await a.presence(h, "p1") is None
    await a.set_presence(h, "p2", "conn-3", ttl=1)
    await asyncio.sleep(1.1)  # expiry is the behaviour under test
    assert await b.presence(h, "p2") is None


async def test_a_node_that_stops_beating_is_claimed_once_and_forgotten(nodes: Pair) -> None:
    a, b = nodes
    h = hid()
    assert not await a.beat(ttl=0.5)
    assert not await b.beat(ttl=30)
    await a.hold(h)
    assert a.node_id not in await b.gone_nodes()
    assert not await b.claim_node(a.node_id, ttl=30)  # alive: nobody may sweep up after it
    await asyncio.sleep(0.6)  # a says nothing more: expiry is the behaviour under test
    assert a.node_id in await b.gone_nodes()
    assert b.node_id not in await b.gone_nodes()
    assert await b.holdings(a.node_id) == {h}
    assert await b.claim_node(a.node_id, ttl=30)
    assert not await b.claim_node(a.node_id, ttl=30)  # once, however many survivors ask
    await b.release(h, a.node_id)
    assert await b.holdings(a.node_id) == set()
    await b.forget_node(a.node_id)
    assert a.node_id not in await b.gone_nodes()
    assert await a.beat(ttl=30)  # it was only stalled: it learns it was given up for dead
    assert not await a.beat(ttl=30)
    assert a.node_id not in await b.gone_nodes()


async def test_a_stalled_node_claimed_mid_sweep_learns_it_and_keeps_its_list(nodes: Pair) -> None:
    a, b = nodes
    h1, h2 = hid(), hid()
    await a.beat(ttl=0.3)
    await a.hold(h1)
    await a.hold(h2)
    await asyncio.sleep(0.4)
    assert await b.claim_node(a.node_id, ttl=30)
    await b.release(h1, a.node_id)  # swept before it woke
    assert await a.beat(ttl=30)  # its next beat tells it
    await a.hold(h1)  # it lists again what it holds
    await b.release(h2, a.node_id)  # the sweeper, late, changes nothing any more
    await b.forget_node(a.node_id)
    assert await b.holdings(a.node_id) == {h1, h2}
    assert not await a.beat(ttl=30)
    assert not await b.claim_node(a.node_id, ttl=30)
