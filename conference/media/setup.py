"""Wire the embedded media server into the app.

`app[MEDIA_SERVER]` is the engine signalling drives (see conference/media/server.py). Finished
recordings are stored in the `recordings` table here; signalling appends its own listener to
`server.recording_listeners` to write each hash into the hearing record.
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
    from web.keys import CLOCK, SESSIONS, SETTINGS

    settings = app[SETTINGS]
    server = MediaServer(settings, clock=app[CLOCK])
    sessions = app[SESSIONS]

    async def store(info: RecordingInfo) -> None:
        await store_recording(sessions, settings.recordings_path, info)

    server.recording_listeners.append(store)
    app[MEDIA_SERVER] = server
    yield
    await server.shutdown()
