"""Nodes watch each other: each one beats, and when one stops, a survivor sweeps up after it.

A node that dies (kill -9, a crash, a lost machine) cannot record that its people dropped, and
their grace timers die with it. So every node says it is alive every
`VCOURT_SIGNALING_NODE_HEARTBEAT_SECONDS` (on the bus, with an expiry of
`VCOURT_SIGNALING_NODE_DEAD_AFTER_SECONDS`) and lists the hearings where it holds connections
or grace timers. On each beat it also looks for nodes that stopped beating; one survivor claims
each (once, even with several survivors) and, in every hearing that node held, runs one command
under the hearing's lock like any other:

- everyone the room shows connected whose presence key names the dead node (or has expired)
  is marked disconnected: `participant_disconnected`, in the hash-chained record and shown to
  court staff, as if their connection had dropped;
- everyone dropped gets a grace timer on the sweeper (timers the dead node held run on with the
  time they had left): back within the grace period through any node, they return to their
  place; otherwise they have left.

A node that was only stalled and finds it was given up for dead drops its connections without
a `bye`; clients rejoin and return to their place.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable

from conference.domain import room_events as ev
from conference.domain.room import Room
from conference.store.tables import HearingRow
from signaling.bus import node_of
from signaling.hub import Hub
from signaling.live import FINAL

log = logging.getLogger(__name__)


class NodeWatch:
    def __init__(self, hub: Hub) -> None:
        settings = hub.settings
        self.hub, self.bus = hub, hub.bus
        self.every = settings.signaling_node_heartbeat_seconds
        self.dead_after = settings.signaling_node_dead_after_seconds
        self.presence_every = settings.signaling_heartbeat_seconds
        # A sweeper that dies mid-sweep is replaced once its claim runs out.
        self.claim_ttl = max(10.0, 2 * self.dead_after)
        self.sweeping: asyncio.Task[None] | None = None

    async def run(self) -> None:
        """The node's refresher: beat and look for gone nodes every node heartbeat; refresh
        this node's presence keys every connection heartbeat."""
        loop = asyncio.get_running_loop()
        presence_due = loop.time() + self.presence_every
        try:
            while True:
                await _quietly(self.beat(), "could not say this node is alive")
                if self.sweeping is None or self.sweeping.done():
                    # apart from the beat, so a long sweep never makes this node look dead
                    self.sweeping = asyncio.create_task(
                        _quietly(self.sweep(), "sweeping up after a gone node failed")
                    )
                if loop.time() >= presence_due:
                    presence_due = loop.time() + self.presence_every
                    await _quietly(self.hub.refresh_presence(), "could not refresh presence")
                await asyncio.sleep(self.every)
        finally:
            if self.sweeping is not None:
                self.sweeping.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self.sweeping

    async def beat(self) -> None:
        if not await self.bus.beat(self.dead_after):
            return
        log.warning(
            "this node was given up for dead (no heartbeat for %s s): dropping its"
            " connections so that people rejoin",
            self.dead_after,
        )
        connections = []
        for live in list(self.hub.rooms.values()):
            await self.bus.hold(live.hearing_id)  # its holdings were forgotten
            connections += list(live.connections.values())
        await asyncio.gather(*(conn.drop() for conn in connections), return_exceptions=True)

    async def sweep(self) -> None:
        for node in await self.bus.gone_nodes():
            if node == self.bus.node_id or not await self.bus.claim_node(node, self.claim_ttl):
                continue
            started = asyncio.get_running_loop().time()
            hearings = sorted(await self.bus.holdings(node))
            complete, back = True, False
            for hearing_id in hearings:
                try:
                    back = not await self.take_over(node, hearing_id)
                    if back:
                        break
                    await self.bus.release(hearing_id, node)
                except Exception:  # the claim runs out and a later sweep tries again
                    complete = False
                    log.exception("sweeping hearing %s after node %s failed", hearing_id, node)
            if back:
                log.warning("node %s beats again: it keeps its people", node)
                continue
            if complete:
                await self.bus.forget_node(node)
            log.warning(
                "node %s stopped beating: swept %d hearing(s) in %.3f s",
                node,
                len(hearings),
                asyncio.get_running_loop().time() - started,
            )

    async def take_over(self, node: str, hearing_id: str) -> bool:
        """Mark the gone node's people in one hearing disconnected and run the grace timers it
        held; False if the node turned out to be alive."""
        hub = self.hub
        async with hub.sessions() as session:
            if await session.get(HearingRow, hearing_id) is None:
                return True  # deleted since: nobody to mark
        stranded: dict[str, str | None] = {}  # participant → the presence key's value
        alive = False

        async def still_gone() -> bool:  # under the hearing's lock, before the command
            nonlocal alive
            alive = await self.bus.node_alive(node)
            room = hub.rooms[hearing_id].room
            if alive or room is None:
                return False
            for pid, seat in room.seats.items():
                if seat.connected:
                    held = await self.bus.presence(hearing_id, pid)
                    if node_of(held) in (None, node):
                        stranded[pid] = held
            return True

        def disconnect(room: Room) -> list[ev.RoomEvent]:
            if room.state in FINAL:
                return []
            now = hub.clock()
            return [event for pid in stranded for event in room.disconnect(pid, now)]

        async def keep_grace(room: Room) -> None:
            if alive:
                return
            for pid, held in stranded.items():
                if held is not None:
                    await self.bus.clear_presence(hearing_id, pid, held)
            hub.keep_grace(hub.rooms[hearing_id], room)

        try:
            # alone: a join just run here has registered its connection (presence) first
            await hub.execute(hearing_id, disconnect, guard=still_gone, then=keep_grace, alone=True)
        finally:
            await hub.detach_if_idle(hearing_id)
        return not alive


async def _quietly(work: Awaitable[None], failure: str) -> None:
    try:
        await work
    except asyncio.CancelledError:
        raise
    except Exception:  # Redis or the database away for a moment: try again next beat
        log.exception(failure)
