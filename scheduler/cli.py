"""`vcourt scheduler run`: the job runner on its own (no web server), until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import signal

from conference.domain.clock import system_clock
from conference.settings import Settings
from conference.store.db import create_engine, session_factory, upgrade
from scheduler.jobs import JobContext
from scheduler.runner import JobRunner, worker_name
from scheduler.services import SchedulingServices, periodic_jobs


async def run_scheduler(settings: Settings) -> None:
    engine = create_engine(settings.effective_database_url)
    ctx = JobContext(
        session_factory(engine), settings, system_clock, worker_name(settings.node_name)
    )
    services = SchedulingServices(ctx)
    runner = JobRunner(ctx, periodic_jobs(services))
    services.runner = runner
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await runner.start()
    try:
        await stop.wait()
    finally:
        await runner.stop()
        await engine.dispose()


def main(settings: Settings) -> int:
    from web.logs import configure_logging

    configure_logging(settings.log_format, settings.log_level)
    upgrade(settings.effective_database_url)
    asyncio.run(run_scheduler(settings))
    return 0
