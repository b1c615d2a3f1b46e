"""The Redis bus: pub/sub for events, keys (with expiry) for room state and presence, and a
per-hearing lock (SET NX with a token, released by a compare-and-delete script).

Nodes: `vcourt:nodes` (set of node ids), `vcourt:node:{id}` (alive while it exists; set with
an expiry on every beat), `vcourt:node:{id}:hearings` (what it holds), `vcourt:node:{id}:claim`
(who sweeps up after it). Beating and claiming are scripts, so a node beats either before the
claim (then nobody may claim it) or after it (then it learns it was given up for dead)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from signaling.bus import MAX_BATCH, Bus, Handler, deliver

log = logging.getLogger(__name__)

PREFIX = "vcourt:"
_CLEAR_IF_OWNER = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
# KEYS: alive, nodes, claim; ARGV: node id, ttl ms, "1" if it has beaten before
_BEAT = """
local claimed = redis.call('del', KEYS[3])
local known = redis.call('sismember', KEYS[2], ARGV[1])
redis.call('set', KEYS[1], '1', 'PX', ARGV[2])
redis.call('sadd', KEYS[2], ARGV[1])
if claimed == 1 or (known == 0 and ARGV[3] == '1') then return 1 end
return 0
"""
# KEYS: alive, claim; ARGV: ttl ms, claimant
_CLAIM = """
if redis.call('exists', KEYS[1]) == 1 then return 0 end
if redis.call('set', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[1]) then return 1 end
return 0
"""
# A gone node's hearings, once swept, and the node itself are forgotten only while it stays
# gone: a node that beats again keeps (and re-lists) what it holds.
# KEYS: alive, hearings; ARGV: hearing id
_RELEASE_GONE = """
if redis.call('exists', KEYS[1]) == 1 then return 0 end
return redis.call('srem', KEYS[2], ARGV[1])
"""
# KEYS: alive, nodes, hearings; ARGV: node id
_FORGET = """
if redis.call('exists', KEYS[1]) == 1 then return 0 end
redis.call('srem', KEYS[2], ARGV[1])
return redis.call('del', KEYS[3])
"""
NODES = f"{PREFIX}nodes"


def _node(node_id: str, part: str = "") -> str:
    return f"{PREFIX}node:{node_id}{':' if part else ''}{part}"


class RedisBus(Bus):
    def __init__(self, url: str, lock_timeout: float = 10.0) -> None:
        super().__init__()
        self.redis: Redis = Redis.from_url(url, decode_responses=True)
        self.pubsub: PubSub = self.redis.pubsub(ignore_subscribe_messages=True)
        self.handlers: dict[str, Handler] = {}
        self.lock_timeout = lock_timeout
        self.task: asyncio.Task[None] | None = None
        self._clear = self.redis.register_script(_CLEAR_IF_OWNER)
        self._beat = self.redis.register_script(_BEAT)
        self._claim = self.redis.register_script(_CLAIM)
        self._release_gone = self.redis.register_script(_RELEASE_GONE)
        self._forget = self.redis.register_script(_FORGET)

    async def start(self) -> None:
        await self.redis.ping()

    async def close(self) -> None:
        if self.beaten:  # stopped: the others sweep up after this node at once
            with contextlib.suppress(Exception):
                await self.redis.delete(_node(self.node_id))
        if self.task:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self.pubsub.aclose()
        await self.redis.aclose()

    @contextlib.asynccontextmanager
    async def lock(self, hearing_id: str) -> AsyncIterator[None]:
        lock = self.redis.lock(
            f"{PREFIX}lock:{hearing_id}",
            timeout=self.lock_timeout,
            sleep=0.002,
            blocking_timeout=self.lock_timeout * 2,
        )
        async with lock:
            yield

    async def load_room(self, hearing_id: str) -> tuple[int, str] | None:
        version, data = await self.redis.mget(
            f"{PREFIX}room:{hearing_id}:v", f"{PREFIX}room:{hearing_id}"
        )
        if version is None or data is None:
            return None
        return int(version), str(data)

    async def room_version(self, hearing_id: str) -> int | None:
        version = await self.redis.get(f"{PREFIX}room:{hearing_id}:v")
        return None if version is None else int(version)

    async def save_room(self, hearing_id: str, version: int, data: str, ttl: int) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(f"{PREFIX}room:{hearing_id}", data, ex=ttl)
            pipe.set(f"{PREFIX}room:{hearing_id}:v", version, ex=ttl)
            await pipe.execute()

    async def publish(self, hearing_id: str, message: dict[str, Any]) -> None:
        await self.redis.publish(f"{PREFIX}hearing:{hearing_id}", orjson.dumps(message))

    async def subscribe(self, hearing_id: str, handler: Handler) -> None:
        self.handlers[hearing_id] = handler
        await self.pubsub.subscribe(f"{PREFIX}hearing:{hearing_id}")
        if self.task is None:
            self.task = asyncio.create_task(self._listen(), name="redis-bus-listen")

    async def unsubscribe(self, hearing_id: str) -> None:
        self.handlers.pop(hearing_id, None)
        await self.pubsub.unsubscribe(f"{PREFIX}hearing:{hearing_id}")

    async def set_presence(self, hearing_id: str, participant_id: str, conn: str, ttl: int) -> None:
        await self.redis.set(f"{PREFIX}presence:{hearing_id}:{participant_id}", conn, ex=ttl)

    async def presence(self, hearing_id: str, participant_id: str) -> str | None:
        value = await self.redis.get(f"{PREFIX}presence:{hearing_id}:{participant_id}")
        return None if value is None else str(value)

    async def clear_presence(self, hearing_id: str, participant_id: str, conn: str) -> bool:
        key = f"{PREFIX}presence:{hearing_id}:{participant_id}"
        return bool(await self._clear(keys=[key], args=[conn]))

    async def beat(self, ttl: float) -> bool:
        keys = [_node(self.node_id), NODES, _node(self.node_id, "claim")]
        swept = await self._beat(
            keys=keys, args=[self.node_id, max(1, int(ttl * 1000)), int(self.beaten)]
        )
        self.beaten = True
        return bool(swept)

    async def gone_nodes(self) -> list[str]:
        nodes = sorted(str(node) for node in await self.redis.smembers(NODES))
        async with self.redis.pipeline(transaction=False) as pipe:
            for node in nodes:
                pipe.exists(_node(node))
            alive = await pipe.execute()
        return [node for node, exists in zip(nodes, alive, strict=True) if not exists]

    async def claim_node(self, node_id: str, ttl: float) -> bool:
        keys = [_node(node_id), _node(node_id, "claim")]
        return bool(await self._claim(keys=keys, args=[max(1, int(ttl * 1000)), self.node_id]))

    async def node_alive(self, node_id: str) -> bool:
        return bool(await self.redis.exists(_node(node_id)))

    async def hold(self, hearing_id: str) -> None:
        await self.redis.sadd(_node(self.node_id, "hearings"), hearing_id)

    async def release(self, hearing_id: str, node_id: str | None = None) -> None:
        if node_id is None or node_id == self.node_id:
            await self.redis.srem(_node(self.node_id, "hearings"), hearing_id)
        else:
            keys = [_node(node_id), _node(node_id, "hearings")]
            await self._release_gone(keys=keys, args=[hearing_id])

    async def holdings(self, node_id: str) -> set[str]:
        return {str(h) for h in await self.redis.smembers(_node(node_id, "hearings"))}

    async def forget_node(self, node_id: str) -> None:
        keys = [_node(node_id), NODES, _node(node_id, "hearings")]
        await self._forget(keys=keys, args=[node_id])

    async def _listen(self) -> None:
        prefix = f"{PREFIX}hearing:"
        while True:
            try:
                batch: list[tuple[str, dict[str, Any]]] = []
                message = await self.pubsub.get_message(timeout=1.0)
                while message is not None and len(batch) < MAX_BATCH:
                    if message.get("type") == "message":
                        hearing_id = str(message["channel"])[len(prefix) :]
                        batch.append((hearing_id, orjson.loads(message["data"])))
                    message = await self.pubsub.get_message(timeout=0.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("redis bus: lost the subscription; retrying")
                await asyncio.sleep(0.5)
                continue
            if batch:
                await deliver(self.handlers, batch)
