"""The app factory: the one place where every part is wired, each resource set up and torn
down in reverse order through cleanup_ctx."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiohttp import web

from conference.domain.clock import Clock, system_clock
from conference.media import setup as media_setup
from conference.settings import Settings
from conference.store.db import create_engine, session_factory
from conference.wiring.hooks import (
    HEARING_HOOKS,
    LINK_OPENED_HOOKS,
    RECORD_PARTS,
    SITE_STAY_HOOKS,
    HearingHook,
)
from conference.wiring.keys import CLOCK, ENGINE, SESSIONS, SETTINGS
from conference.wiring.principals import AUTHENTICATORS, Authenticator
from scheduler import setup as scheduler_setup
from signaling import setup as signaling_setup
from web import headers
from web.api import (
    attendance,
    case_links,
    cases,
    courts,
    docs,
    hearings,
    media,
    meetings,
    notices,
    records,
    scheduling,
    staff,
)
from web.api.registry import ApiRoutes
from web.api.registry import attach as attach_api
from web.auth import bearer_authenticator
from web.ops import metrics_middleware, setup_ops
from web.pages import setup as pages_setup
from web.problems import problem_middleware

# Every API route table, in the order they appear in the OpenAPI document.
API_TABLES: list[ApiRoutes] = [
    courts.routes,
    cases.routes,
    hearings.routes,
    staff.routes,
    scheduling.routes,  # booking checks and free slots, then the rest of scheduling:
    attendance.routes,
    case_links.routes,
    meetings.routes,
    notices.routes,
    records.routes,
    media.routes,
]

# Feature areas plug in here: each is `setup(app)` adding routes, keys and cleanup_ctx entries.
# Their cleanup contexts start in this order (after the database's) and stop in reverse: media
# first (signalling connects its hub to the media server), then signalling (scheduling's jobs
# move its live rooms), then scheduling.
FEATURES: list[Callable[[web.Application], None]] = [
    media_setup.setup,
    signaling_setup.setup,
    scheduler_setup.setup,
    pages_setup.setup,
]


def create_app(settings: Settings, *, clock: Clock = system_clock) -> web.Application:
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[metrics_middleware, problem_middleware],
    )
    app[SETTINGS] = settings
    app[CLOCK] = clock
    authenticators: list[Authenticator] = [bearer_authenticator]
    app[AUTHENTICATORS] = authenticators
    hearing_hooks: list[HearingHook] = []  # scheduling appends its own (conference/wiring/hooks.py)
    app[HEARING_HOOKS] = hearing_hooks
    app[LINK_OPENED_HOOKS], app[SITE_STAY_HOOKS], app[RECORD_PARTS] = [], [], []
    app.cleanup_ctx.append(_database)
    headers.setup(app)
    setup_ops(app)
    attach_api(app, API_TABLES)
    docs.setup(app, API_TABLES)
    for setup in FEATURES:
        setup(app)
    return app


async def _database(app: web.Application) -> AsyncIterator[None]:
    engine = create_engine(app[SETTINGS].effective_database_url)
    app[ENGINE] = engine
    app[SESSIONS] = session_factory(engine)
    yield
    await engine.dispose()
