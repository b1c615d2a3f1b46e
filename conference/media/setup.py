"""Wire the embedded media server into the app.

`app[MEDIA_SERVER]` is the engine signalling drives (see conference/media/server.py), through
the MediaBridge registered as signalling's media backend. Finished recordings are stored in the
`recordings` table here; the bridge then writes each file's hash into the hearing record.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web

from conference.media.recorder import RecordingInfo
from conference.media.server import MediaServer
from conference.media.store import store_recording

log = logging.getLogger(__name__)

MEDIA_SERVER = web.AppKey("media_server", MediaServer)


def setup(app: web.Application) -> None:
    """Add routes, keys and cleanup_ctx entries for this area."""
    app.cleanup_ctx.append(_media)


async def _media(app: web.Application) -> AsyncIterator[None]:
    from conference.wiring.keys import CLOCK, SESSIONS, SETTINGS
    from signaling.media import MEDIA_BACKEND
    from signaling.media_bridge import MediaBridge
    from signaling.setup import HUB
    from web.keys import SERVICES

    settings = app[SETTINGS]
    server = MediaServer(settings, clock=app[CLOCK])
    sessions = app[SESSIONS]

    async def store(info: RecordingInfo) -> None:
        await store_recording(sessions, settings.recordings_path, info)

    server.recording_listeners.append(store)  # first the table, then the record's chain
    app[MEDIA_SERVER] = server
    # signalling's cleanup context ran first (FEATURES order), so its hub exists
    if settings.media_enabled:
        app[SERVICES][MEDIA_BACKEND] = MediaBridge(server, app[HUB], app[CLOCK])
    yield
    app[SERVICES].pop(MEDIA_BACKEND, None)
    await server.shutdown()
