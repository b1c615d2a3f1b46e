"""Wire scheduling into the app: the job runner, notices, delivery channels.

`SCHEDULING` holds the area's services; the hearing API reaches them through
`scheduler.hooks` (check before save, plan jobs and notices after)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from conference.wiring.hooks import (
    HEARING_HOOKS,
    LINK_OPENED_HOOKS,
    RECORD_PARTS,
    ROOM_CONTROL,
    SITE_STAY_HOOKS,
)
from conference.wiring.keys import CLOCK, SESSIONS, SETTINGS
from scheduler.attendance import record_site_stay
from scheduler.hooks import on_hearing_changed
from scheduler.jobs import JobContext
from scheduler.notices import record_link_opened
from scheduler.runner import JobRunner, worker_name
from scheduler.services import SCHEDULING, SchedulingServices, periodic_jobs


def setup(app: web.Application) -> None:
    """Add routes, keys and cleanup_ctx entries for this area."""
    app.cleanup_ctx.append(_scheduling)
    app[HEARING_HOOKS].append(on_hearing_changed)
    # What signalling reports back (conference/wiring/hooks.py): a link used → its notice opened; an
    # endpoint's stays → the per-site attendance.
    app[LINK_OPENED_HOOKS].append(record_link_opened)
    app[SITE_STAY_HOOKS].append(record_site_stay)


async def _scheduling(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    ctx = JobContext(app[SESSIONS], settings, app[CLOCK], worker_name(settings.node_name))
    ctx.room_control = app.get(ROOM_CONTROL)  # signalling's live rooms, set up before us
    services = SchedulingServices(ctx)
    for part in app[RECORD_PARTS]:  # signalling's hearing record
        services.record_hooks.append(part)
    app[SCHEDULING] = services
    if settings.scheduler_enabled:
        services.runner = JobRunner(ctx, periodic_jobs(services))
        await services.runner.start()
    yield
    if services.runner is not None:
        await services.runner.stop()
