"""Wire signalling into the app: the bus, the hub, /ws, the printable hearing record, the
bridge to the media server, and what this node tells the IT view.

Runs after conference/media's cleanup context (it reads MEDIA_SERVER) and before
scheduling's (which reads ROOM_CONTROL); see web/app.py's FEATURES.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web

from conference.media.setup import MEDIA_SERVER
from conference.store.db import create_engine, session_factory
from conference.wiring.hooks import RECORD_PARTS, ROOM_CONTROL
from conference.wiring.keys import CLOCK, SESSIONS, SETTINGS
from signaling.bus import Bus, InProcessBus
from signaling.fleet import FleetView
from signaling.hub import Hub
from signaling.keys import BUS, FLEET, HUB, MEDIA_BACKEND
from signaling.media_bridge import MediaBridge
from signaling.nodes import NodeWatch
from signaling.record_page import record_page
from signaling.seams import HubRoomControl, hearing_record_part, site_stays
from signaling.session import websocket


def setup(app: web.Application) -> None:
    """Add routes, keys and cleanup_ctx entries for this area."""
    app.router.add_get("/ws", websocket)
    app.router.add_get("/hearings/{hearing_id}/record", record_page)
    app.cleanup_ctx.append(_signaling)
    app[RECORD_PARTS].append(hearing_record_part)  # the case system gets the real record


def make_bus(redis_url: str | None) -> Bus:
    if redis_url:
        from signaling.redis_bus import RedisBus  # only nodes that use Redis import its client

        return RedisBus(redis_url)
    return InProcessBus()


async def _signaling(app: web.Application) -> AsyncIterator[None]:
    settings, clock = app[SETTINGS], app[CLOCK]
    bus = make_bus(settings.redis_url)
    await bus.start()
    # The record is written inside each hearing's critical section: it gets its own small
    # connection pool, so a crowd of people joining (reading links) never makes it wait.
    record_engine = create_engine(settings.effective_database_url, pool_size=2, max_overflow=2)
    hub = Hub(settings, bus, session_factory(record_engine), clock, lambda: app.get(MEDIA_BACKEND))
    app[BUS], app[HUB] = bus, hub
    app[FLEET] = FleetView(hub, app[SESSIONS], settings.node_name)
    bridge = None
    server = app.get(MEDIA_SERVER)
    if settings.media_enabled and server is not None:
        bridge = MediaBridge(server, hub, clock)
        app[MEDIA_BACKEND] = bridge
    hub.listeners.append(site_stays(app))  # endpoints' stays → per-site attendance
    app[ROOM_CONTROL] = HubRoomControl(hub)  # scheduled jobs move the live room
    # beats for this node, sweeps up after gone ones, keeps presence keys alive
    refresher = asyncio.create_task(NodeWatch(hub).run())
    yield
    refresher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await refresher
    if bridge is not None:
        await bridge.detach()
    await hub.close()
    await bus.close()
    await record_engine.dispose()
