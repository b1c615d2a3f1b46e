"""What a node can tell the IT view (web/pages/fleet.py): its own load, and which endpoints
are connected to the hearings it holds.

A node knows its own connections only. With one node (the in-process bus) that is the whole
picture; with several (the Redis bus) the other nodes are not listed, because nodes do not
yet report their load to each other — `all_nodes` says which case the page is in. Whether an
endpoint outside a hearing is switched on nobody reports yet: that needs an agent at the site.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.domain.hearings import Role
from conference.store.tables import ParticipantRow
from signaling.bus import InProcessBus
from signaling.hub import Hub


@dataclass(frozen=True)
class NodeLoad:
    name: str
    sessions: int | None  # live hearings with someone connected on the node; None: unknown
    connections: int | None  # open WebSockets; None when unknown
    load: float | None  # 1-minute load average per core


def load_per_core() -> float | None:
    try:
        return os.getloadavg()[0] / (os.cpu_count() or 1)
    except OSError:  # not every platform has a load average
        return None


class FleetView:
    def __init__(
        self, hub: Hub, sessions: async_sessionmaker[AsyncSession], node_name: str
    ) -> None:
        self.hub, self.sessions, self.node_name = hub, sessions, node_name

    @property
    def all_nodes(self) -> bool:
        """True when this node is the only one (the in-process bus reaches no other)."""
        return isinstance(self.hub.bus, InProcessBus)

    async def nodes(self) -> list[NodeLoad]:
        rooms = [live for live in self.hub.rooms.values() if live.connections]
        connections = sum(len(live.connections) for live in rooms)
        return [NodeLoad(self.node_name, len(rooms), connections, load_per_core())]

    async def connected_endpoints(self) -> set[str]:
        """Codes of the endpoints connected to a hearing on this node right now."""
        participants = {
            pid
            for live in self.hub.rooms.values()
            if live.room is not None
            for pid in live.connections
            if (seat := live.room.seats.get(pid)) is not None and seat.role is Role.ENDPOINT
        }
        if not participants:
            return set()
        async with self.sessions() as session:
            codes = await session.scalars(
                select(ParticipantRow.endpoint_code).where(ParticipantRow.id.in_(participants))
            )
            return {code for code in codes if code}
