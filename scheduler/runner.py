"""The job runner: APScheduler 3 (AsyncIOScheduler) with its job store in the product's
database, run by exactly one process.

- Exactly one: APScheduler's job store cannot be shared by two schedulers, so the runner first
  takes a leader lock — a PostgreSQL session advisory lock, or an exclusive file lock next to
  the SQLite file — and stays a standby (polling) until it gets it.
- Nothing lost: the timers live in `apscheduler_jobs` (see `jobstore_url`); every `sync`
  re-arms a timer for each pending row of `planned_jobs` that has none (a crash between
  APScheduler taking a due job out and running it); the job itself runs at most once.
- Periodic work (retrying deliveries, pushing hearing records, purging) is registered by the
  features as `Periodic` entries.
- No module state: the runner holds its context and its periodic work; the stored timers name
  a job function and its plain arguments, and the runner's executor passes the runner in.
"""

from __future__ import annotations

import asyncio
import fcntl
import functools
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.job import Job
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select
from sqlalchemy.engine import make_url

from conference.domain.jobs import JobState
from conference.store.scheduling import PlannedJobRow
from scheduler.jobs import JobContext, fire

log = logging.getLogger("vcourt.scheduler")

JOBSTORE_TABLE = "apscheduler_jobs"


@dataclass(frozen=True)
class Periodic:
    name: str
    every_s: float
    run: Callable[[JobContext], Awaitable[Any]]


# The job store pickles each timer as a reference to a module-level function and its
# arguments (a planned job's id, a periodic job's name); the runner that the function needs
# is handed to it, as `runner=`, by the runner's own executor (_RunnerExecutor), so no module
# state holds it. Keep these two names: timers stored by earlier versions refer to them.


async def run_planned_job(job_id: str, runner: JobRunner | None = None) -> None:
    await fire(_given(runner).ctx, job_id)


async def _periodic(name: str, runner: JobRunner | None = None) -> None:
    job = _given(runner).periodic_by_name.get(name)
    if job is None:  # a timer left by a version that had this job; it is replaced at start
        return
    try:
        await job.run(_given(runner).ctx)
    except Exception:
        log.exception("periodic job %s failed", name)


def _given(runner: JobRunner | None) -> JobRunner:
    if runner is None:  # pragma: no cover - only a JobRunner's scheduler runs these
        raise RuntimeError("a job function was run outside a JobRunner's scheduler")
    return runner


class _RunnerExecutor(AsyncIOExecutor):  # type: ignore[misc]  # APScheduler 3 is untyped
    """APScheduler's asyncio executor, giving each job of this runner's scheduler the runner
    (the job's stored arguments stay as they are)."""

    def __init__(self, runner: JobRunner) -> None:
        super().__init__()
        self.runner = runner

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        super()._do_submit_job(_WithRunner(job, self.runner), run_times)


class _WithRunner:
    """A stored job as the executor runs it: the same job, its function bound to the runner."""

    def __init__(self, job: Job, runner: JobRunner) -> None:
        self._job = job
        self.func = functools.partial(job.func, runner=runner)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._job, name)

    def __str__(self) -> str:
        return str(self._job)


def jobstore_url(async_url: str) -> str:
    """The job store is synchronous. PostgreSQL: the product database through psycopg.
    SQLite: a sibling file `<db>.jobs` — a synchronous write on the event loop into the same
    file while an aiosqlite transaction of the same process is open would deadlock."""
    url = make_url(async_url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{url.database}.jobs"
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


class LeaderLock:
    """Held for the life of the runner; released by closing (or by the process dying).

    `try_acquire` runs in a thread, which a stopping runner cannot cancel: `release` marks the
    lock closed under a guard, so an acquisition that finishes after it lets go at once
    instead of leaking the file or connection."""

    def __init__(self, async_url: str, data_dir: Path) -> None:
        self.url = make_url(async_url)
        self.data_dir = data_dir
        self._handle: Any = None
        self._guard = threading.Lock()
        self._closed = False

    def try_acquire(self) -> bool:
        with self._guard:
            return not self._closed and self._acquire()

    def _acquire(self) -> bool:
        if self.url.get_backend_name() == "sqlite":
            path = Path(f"{self.url.database}.scheduler.lock")
            handle = path.open("a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                return False
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            self._handle = handle
            return True
        import psycopg

        conninfo = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = psycopg.connect(conninfo, autocommit=True)
        got = conn.execute("SELECT pg_try_advisory_lock(hashtext('vcourt-scheduler'))").fetchone()
        if got and got[0]:
            self._handle = conn
            return True
        conn.close()
        return False

    def release(self) -> None:
        with self._guard:
            self._closed = True
            if self._handle is not None:
                self._handle.close()
                self._handle = None


class JobRunner:
    def __init__(self, ctx: JobContext, periodic: list[Periodic] | None = None) -> None:
        self.ctx = ctx
        self.periodic = periodic or []
        self.periodic_by_name = {p.name: p for p in self.periodic}
        settings = ctx.settings
        self.lock = LeaderLock(settings.effective_database_url, settings.data_dir)
        self.scheduler: AsyncIOScheduler | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self.leading = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="vcourt-scheduler")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.lock.release()

    def poke(self) -> None:
        """Something changed in planned_jobs: sync now rather than at the next interval."""
        self._wake.set()

    async def _run(self) -> None:
        interval = self.ctx.settings.scheduler_sync_interval_s
        while not await asyncio.to_thread(self.lock.try_acquire):
            log.info("another node runs the jobs; standing by")
            await asyncio.sleep(interval)
        log.info("this node (%s) runs the jobs", self.ctx.worker)
        store = SQLAlchemyJobStore(
            url=jobstore_url(self.ctx.settings.effective_database_url), tablename=JOBSTORE_TABLE
        )
        self.scheduler = AsyncIOScheduler(
            jobstores={"default": store},
            executors={"default": _RunnerExecutor(self)},
            job_defaults={
                "misfire_grace_time": self.ctx.settings.scheduler_misfire_grace_s,
                "coalesce": True,
                "max_instances": 1,
            },
            timezone="UTC",
        )
        self.scheduler.start()
        for p in self.periodic:
            self.scheduler.add_job(
                _periodic,
                "interval",
                seconds=p.every_s,
                id=f"periodic:{p.name}",
                args=[p.name],
                replace_existing=True,
            )
        self.leading.set()
        while True:
            try:
                await self.sync()
            except Exception:  # a database hiccup must not stop the runner
                log.exception("syncing planned jobs failed; retrying")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), interval)
            except TimeoutError:
                pass

    async def sync(self) -> int:
        """Arm a timer for every pending planned job; drop timers of cancelled ones."""
        assert self.scheduler is not None
        async with self.ctx.sessions() as s:
            pending = {
                r.id: r.due_at
                for r in await s.scalars(
                    select(PlannedJobRow).where(PlannedJobRow.state == JobState.PENDING)
                )
            }
        armed = {j.id: j for j in self.scheduler.get_jobs() if not j.id.startswith("periodic:")}
        now = self.ctx.clock()
        added = 0
        for job_id, due in pending.items():
            job = armed.get(job_id)
            run_at = max(due, now + timedelta(milliseconds=10))
            moved = (
                job is not None
                and due > now
                and job.next_run_time is not None
                and abs(job.next_run_time - due) > timedelta(seconds=1)
            )
            if job is None or moved:
                self.scheduler.add_job(
                    run_planned_job,
                    "date",
                    run_date=run_at,
                    id=job_id,
                    args=[job_id],
                    replace_existing=True,
                )
                added += 1
        for job_id in armed.keys() - pending.keys():
            try:
                self.scheduler.remove_job(job_id)
            except JobLookupError:  # it fired meanwhile
                pass
        return added


def worker_name(node: str) -> str:
    return f"{node}:{os.getpid()}"
