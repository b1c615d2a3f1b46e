"""The bus between nodes: room events, relayed messages, live room state and presence.

One small interface, two implementations: in-process (one node, the default) and Redis (many
nodes; signaling/redis_bus.py). Both pass tests/signaling/test_bus.py.

Consistency: every change to a hearing's room happens under that hearing's lock
(`async with bus.lock(hearing_id)`); the holder loads the room (or trusts its replica when the
stored version matches), applies a command, writes the record, saves the room with its new
version and publishes the events. Nodes apply published events to their replicas in version
order and reload the stored room when they notice a gap.

Nodes: each node beats (says it is alive, with an expiry) and lists the hearings where it holds
connections or grace timers. When one stops beating, one of the others claims it (once, even
with several survivors) and sweeps those hearings (signaling/nodes.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

# A handler gets every message available at once for its hearing, in publication order
# (batches let a busy node send each connection one frame for many events).
Handler = Callable[[list[dict[str, Any]]], Awaitable[None]]
MAX_BATCH = 1000


class Bus(ABC):
    # False when every node shares this process's memory: the hub's replica is the room, so it
    # is not serialised on every change (after a failed change it is rebuilt from the record).
    stores_room_data = True

    def __init__(self) -> None:
        self.node_id = uuid.uuid4().hex[:12]
        self.beaten = False  # this node has said it is alive at least once

    async def start(self) -> None:  # noqa: B027 - optional hook
        pass

    async def close(self) -> None:  # noqa: B027 - optional hook
        pass

    @abstractmethod
    def lock(self, hearing_id: str) -> contextlib.AbstractAsyncContextManager[None]:
        """Exclusive across every node, for one hearing's room."""

    @abstractmethod
    async def load_room(self, hearing_id: str) -> tuple[int, str] | None:
        """(version, JSON) of the stored room, if any."""

    @abstractmethod
    async def room_version(self, hearing_id: str) -> int | None: ...

    @abstractmethod
    async def save_room(self, hearing_id: str, version: int, data: str, ttl: int) -> None: ...

    @abstractmethod
    async def publish(self, hearing_id: str, message: dict[str, Any]) -> None:
        """Deliver to every node's subscriber of this hearing (this node's too), in order."""

    @abstractmethod
    async def subscribe(self, hearing_id: str, handler: Handler) -> None: ...

    @abstractmethod
    async def unsubscribe(self, hearing_id: str) -> None: ...

    @abstractmethod
    async def set_presence(self, hearing_id: str, participant_id: str, conn: str, ttl: int) -> None:
        """Say which connection holds this participant (expires unless refreshed)."""

    @abstractmethod
    async def presence(self, hearing_id: str, participant_id: str) -> str | None: ...

    @abstractmethod
    async def clear_presence(self, hearing_id: str, participant_id: str, conn: str) -> bool:
        """Forget the participant's connection if it is still `conn`; True if it was."""

    # --- nodes ------------------------------------------------------------------------------

    @abstractmethod
    async def beat(self, ttl: float) -> bool:
        """Say this node is alive for `ttl` seconds more. True when it had been given up for
        dead (another node claimed it) since its last beat: its people were marked
        disconnected, so it must let them rejoin."""

    @abstractmethod
    async def gone_nodes(self) -> list[str]:
        """Nodes that beat once and have stopped (not yet swept up after)."""

    @abstractmethod
    async def claim_node(self, node_id: str, ttl: float) -> bool:
        """The right to sweep up after a gone node: True for one caller only (until `ttl`
        passes, so a sweeper that dies is replaced); False while the node is alive."""

    @abstractmethod
    async def node_alive(self, node_id: str) -> bool: ...

    @abstractmethod
    async def hold(self, hearing_id: str) -> None:
        """This node holds connections or grace timers in the hearing: sweep it if I die."""

    @abstractmethod
    async def release(self, hearing_id: str, node_id: str | None = None) -> None:
        """This node (or the gone `node_id`, once swept) no longer holds anything there. A
        gone node that beats again keeps its list."""

    @abstractmethod
    async def holdings(self, node_id: str) -> set[str]: ...

    @abstractmethod
    async def forget_node(self, node_id: str) -> None:
        """A gone node is swept: forget it and what it held (unless it beats again)."""


def holder(node_id: str, conn_id: str) -> str:
    """The presence value: which node, and which connection on it, holds a participant."""
    return f"{node_id}/{conn_id}"


def node_of(held_by: str | None) -> str | None:
    return held_by.split("/", 1)[0] if held_by else None


@dataclass
class InProcessBroker:
    """What several in-process buses share (tests run two 'nodes' in one process)."""

    locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    rooms: dict[str, tuple[int, str]] = field(default_factory=dict)
    presence: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)
    subscribers: dict[str, list[InProcessBus]] = field(default_factory=dict)
    alive_until: dict[str, float] = field(default_factory=dict)  # node → loop time
    claims: dict[str, float] = field(default_factory=dict)  # gone node → claim expiry
    holdings: dict[str, set[str]] = field(default_factory=dict)  # node → hearing ids


class InProcessBus(Bus):
    stores_room_data = False

    def __init__(self, broker: InProcessBroker | None = None) -> None:
        super().__init__()
        self.broker = broker or InProcessBroker()
        self.handlers: dict[str, Handler] = {}
        self.queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self._deliver(), name="bus-deliver")

    async def close(self) -> None:
        for subs in self.broker.subscribers.values():
            if self in subs:
                subs.remove(self)
        if self.node_id in self.broker.alive_until:  # stopped: the others sweep up at once
            self.broker.alive_until[self.node_id] = 0.0
        if self.task:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    @contextlib.asynccontextmanager
    async def lock(self, hearing_id: str) -> AsyncIterator[None]:
        lock = self.broker.locks.setdefault(hearing_id, asyncio.Lock())
        async with lock:
            yield

    async def load_room(self, hearing_id: str) -> tuple[int, str] | None:
        stored = self.broker.rooms.get(hearing_id)
        return stored if stored and stored[1] else None

    async def room_version(self, hearing_id: str) -> int | None:
        stored = self.broker.rooms.get(hearing_id)
        return stored[0] if stored else None

    async def save_room(self, hearing_id: str, version: int, data: str, ttl: int) -> None:
        self.broker.rooms[hearing_id] = (version, data)

    async def publish(self, hearing_id: str, message: dict[str, Any]) -> None:
        for bus in self.broker.subscribers.get(hearing_id, []):
            bus.queue.put_nowait((hearing_id, message))

    async def subscribe(self, hearing_id: str, handler: Handler) -> None:
        self.handlers[hearing_id] = handler
        subs = self.broker.subscribers.setdefault(hearing_id, [])
        if self not in subs:
            subs.append(self)

    async def unsubscribe(self, hearing_id: str) -> None:
        self.handlers.pop(hearing_id, None)
        subs = self.broker.subscribers.get(hearing_id, [])
        if self in subs:
            subs.remove(self)

    async def set_presence(self, hearing_id: str, participant_id: str, conn: str, ttl: int) -> None:
        loop = asyncio.get_running_loop()
        self.broker.presence[(hearing_id, participant_id)] = (conn, loop.time() + ttl)

    async def presence(self, hearing_id: str, participant_id: str) -> str | None:
        held = self.broker.presence.get((hearing_id, participant_id))
        if held is None or held[1] <= asyncio.get_running_loop().time():
            return None
        return held[0]

    async def clear_presence(self, hearing_id: str, participant_id: str, conn: str) -> bool:
        if await self.presence(hearing_id, participant_id) != conn:
            return False
        del self.broker.presence[(hearing_id, participant_id)]
        return True

    async def beat(self, ttl: float) -> bool:
        claimed = self.broker.claims.pop(self.node_id, None) is not None
        forgotten = self.beaten and self.node_id not in self.broker.alive_until
        self.broker.alive_until[self.node_id] = asyncio.get_running_loop().time() + ttl
        self.beaten = True
        return claimed or forgotten

    async def gone_nodes(self) -> list[str]:
        now = asyncio.get_running_loop().time()
        return [node for node, until in self.broker.alive_until.items() if until <= now]

    async def claim_node(self, node_id: str, ttl: float) -> bool:
        now = asyncio.get_running_loop().time()
        if await self.node_alive(node_id) or self.broker.claims.get(node_id, 0.0) > now:
            return False
        self.broker.claims[node_id] = now + ttl
        return True

    async def node_alive(self, node_id: str) -> bool:
        return self.broker.alive_until.get(node_id, 0.0) > asyncio.get_running_loop().time()

    async def hold(self, hearing_id: str) -> None:
        self.broker.holdings.setdefault(self.node_id, set()).add(hearing_id)

    async def release(self, hearing_id: str, node_id: str | None = None) -> None:
        if node_id in (None, self.node_id) or not await self.node_alive(node_id or ""):
            self.broker.holdings.get(node_id or self.node_id, set()).discard(hearing_id)

    async def holdings(self, node_id: str) -> set[str]:
        return set(self.broker.holdings.get(node_id, set()))

    async def forget_node(self, node_id: str) -> None:
        if not await self.node_alive(node_id):
            self.broker.alive_until.pop(node_id, None)
            self.broker.holdings.pop(node_id, None)

    async def _deliver(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while not self.queue.empty() and len(batch) < MAX_BATCH:
                batch.append(self.queue.get_nowait())
            await deliver(self.handlers, batch)


async def deliver(handlers: dict[str, Handler], batch: list[tuple[str, dict[str, Any]]]) -> None:
    by_hearing: dict[str, list[dict[str, Any]]] = {}
    for hearing_id, message in batch:
        by_hearing.setdefault(hearing_id, []).append(message)
    for hearing_id, messages in by_hearing.items():
        handler = handlers.get(hearing_id)
        if handler is None:
            continue
        try:
            await handler(messages)
        except Exception:  # one bad delivery must not stop the bus
            log.exception("bus handler failed for hearing %s", hearing_id)
