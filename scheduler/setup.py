"""Wire scheduling into the app: the job runner, notices, delivery channels.

`SCHEDULING` holds the area's services; the hearing API reaches them through
`scheduler.hooks` (check before save, plan jobs and notices after)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from scheduler.hooks import on_hearing_changed
from scheduler.jobs import JobContext
from scheduler.runner import JobRunner, worker_name
from scheduler.services import SCHEDULING, SchedulingServices, periodic_jobs
from web.api.hooks import HEARING_HOOKS
from web.keys import CLOCK, SESSIONS, SETTINGS


def setup(app: web.Application) -> None:
    """Add routes, keys and cleanup_ctx entries for this area."""
    app.cleanup_ctx.append(_scheduling)
    app[HEARING_HOOKS].append(on_hearing_changed)


async def _scheduling(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    ctx = JobContext(app[SESSIONS], settings, app[CLOCK], worker_name(settings.node_name))
    services = SchedulingServices(ctx)
    app[SCHEDULING] = services
    if settings.scheduler_enabled:
        services.runner = JobRunner(ctx, periodic_jobs(services))
        await services.runner.start()
    yield
    if services.runner is not None:
        await services.runner.stop()
