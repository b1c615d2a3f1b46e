"""Wire the embedded media server into the app.

`app[MEDIA_SERVER]` is the engine signalling drives (see conference/media/server.py); this
area knows nothing of signalling: signalling's setup reads the key and connects its hub to
the server through signaling/media_bridge.py. So this cleanup context runs before
signalling's (web/app.py's FEATURES order), and is torn down after it. Finished recordings are
stored in the `recordings` table here; the bridge then writes each file's hash into the
hearing record.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web

from conference.media.recorder import RecordingInfo
from conference.media.server import MediaServer
from conference.media.store import store_recording
from conference.wiring.keys import CLOCK, SESSIONS, SETTINGS

log = logging.getLogger(__name__)

MEDIA_SERVER = web.AppKey("media_server", MediaServer)


def setup(app: web.Application) -> None:
    """Add routes, keys and cleanup_ctx entries for this area."""
    app.cleanup_ctx.append(_media)


async def _media(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    server = MediaServer(settings, clock=app[CLOCK])
    sessions = app[SESSIONS]

    async def store(info: RecordingInfo) -> None:
        await store_recording(sessions, settings.recordings_path, info)

    server.recording_listeners.append(store)  # first the table, then the record's chain
    app[MEDIA_SERVER] = server
    yield
    await server.shutdown()
