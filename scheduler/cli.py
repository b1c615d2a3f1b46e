"""`vcourt scheduler run`: the job runner on its own (no web server), until SIGTERM/SIGINT.
`vcourt scheduler pull-cases`: pull cases from the case system once, print the report."""

from __future__ import annotations

import asyncio
import signal
import sys

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
    from conference.wiring.logs import configure_logging

    configure_logging(settings.log_format, settings.log_level)
    upgrade(settings.effective_database_url, notice_keys=settings.notice_keys())
    asyncio.run(run_scheduler(settings))
    return 0


def pull_cases_main(settings: Settings) -> int:
    """Exit 0 when every row was taken, 1 when some were refused, 2 when the source failed."""
    from scheduler.case_pull import PullFailed, pull_cases

    upgrade(settings.effective_database_url, notice_keys=settings.notice_keys())

    async def run() -> int:
        engine = create_engine(settings.effective_database_url)
        try:
            pulled = await pull_cases(session_factory(engine), settings, system_clock())
        except PullFailed as exc:
            print(f"vcourt: case pull failed: {exc.reason}", file=sys.stderr)
            return 2
        finally:
            await engine.dispose()
        r = pulled.report
        for row in r.rows:
            why = "; ".join(f"{e.field}: {e.message}" for e in row.errors)
            print(f"row {row.row}\t{row.case_number or '-'}\t{row.status.value}\t{why}".rstrip())
        print(
            f"{r.total} rows: {r.created} created, {r.updated} updated,"
            f" {r.unchanged} unchanged, {r.error} refused"
        )
        return 1 if r.error else 0

    return asyncio.run(run())
