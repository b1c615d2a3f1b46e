"""Wire signalling into the app: the bus, the hub, /ws, and the printable hearing record."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web

from conference.store.db import create_engine, session_factory
from signaling.bus import Bus, InProcessBus
from signaling.hub import Hub
from signaling.media import MEDIA_BACKEND, MediaBackend
from signaling.nodes import NodeWatch
from web.keys import CLOCK, RECORD_PARTS, ROOM_CONTROL, SERVICES, SETTINGS

BUS = web.AppKey("signaling_bus", Bus)
HUB = web.AppKey("signaling_hub", Hub)


def setup(app: web.Application) -> None:
    """Add routes, keys and cleanup_ctx entries for this area."""
    from signaling.record_page import record_page
    from signaling.session import websocket

    app.router.add_get("/ws", websocket)
    app.router.add_get("/hearings/{hearing_id}/record", record_page)
    app.cleanup_ctx.append(_signaling)
    from signaling.seams import hearing_record_part

    app[RECORD_PARTS].append(hearing_record_part)  # the case system gets the real record


def make_bus(redis_url: str | None) -> Bus:
    if redis_url:
        from signaling.redis_bus import RedisBus

        return RedisBus(redis_url)
    return InProcessBus()


async def _signaling(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    bus = make_bus(settings.redis_url)
    await bus.start()

    def media() -> MediaBackend | None:
        backend: MediaBackend | None = app[SERVICES].get(MEDIA_BACKEND)
        return backend

    # The record is written inside each hearing's critical section: it gets its own small
    # connection pool, so a crowd of people joining (reading links) never makes it wait.
    record_engine = create_engine(settings.effective_database_url, pool_size=2, max_overflow=2)
    hub = Hub(settings, bus, session_factory(record_engine), app[CLOCK], media)
    app[BUS], app[HUB] = bus, hub
    from signaling.seams import HubRoomControl, site_stays

    hub.listeners.append(site_stays(app))  # endpoints' stays → per-site attendance
    app[ROOM_CONTROL] = HubRoomControl(hub)  # scheduled jobs move the live room
    # beats for this node, sweeps up after gone ones, keeps presence keys alive
    refresher = asyncio.create_task(NodeWatch(hub).run())
    yield
    refresher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await refresher
    await hub.close()
    await bus.close()
    await record_engine.dispose()
