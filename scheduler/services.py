"""The scheduling area's live services, kept on the app under one typed key, and the
periodic work the runner does (deliveries, purge)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from aiohttp import web
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.store.scheduling import NoticeRow, PlannedJobRow
from scheduler.channels import Channel, configured_channels
from scheduler.jobs import JobContext
from scheduler.records import RecordHook
from scheduler.runner import JobRunner, Periodic


@dataclass
class SchedulingServices:
    ctx: JobContext
    runner: JobRunner | None = None
    channels: list[Channel] = field(default_factory=list)
    extra_periodic: list[Periodic] = field(default_factory=list)
    # Extend or replace the hearing record sent to the case system (scheduler/records.py).
    record_hooks: list[RecordHook] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.channels:
            self.channels = configured_channels(self.ctx.settings)
        self.ctx.reminder_hooks.append(self.queue_reminders)

    def poke(self) -> None:
        if self.runner is not None:
            self.runner.poke()

    async def queue_reminders(self, session: AsyncSession, hearing_id: str, minutes: int) -> int:
        from scheduler.delivery import queue_deliveries

        notices = await session.scalars(
            select(NoticeRow).where(
                NoticeRow.hearing_id == hearing_id, NoticeRow.superseded_at.is_(None)
            )
        )
        queued = 0
        for n in notices:
            made = await queue_deliveries(
                session, n, self.channels, self.ctx.clock(), purpose=f"reminder{minutes}"
            )
            queued += len(made)
        return queued


SCHEDULING = web.AppKey("scheduling", SchedulingServices)


async def purge(ctx: JobContext) -> int:
    """Drop finished job rows past the retention period (notices and deliveries are evidence
    and go with their hearing, whose retention belongs to the case record)."""
    cutoff = ctx.clock() - timedelta(days=ctx.settings.retention_days)
    async with ctx.sessions() as s, s.begin():
        result = await s.execute(
            delete(PlannedJobRow).where(
                PlannedJobRow.state != "pending", PlannedJobRow.due_at < cutoff
            )
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def periodic_jobs(services: SchedulingServices) -> list[Periodic]:
    from scheduler.case_pull import pull_job
    from scheduler.delivery import deliver_due
    from scheduler.records import enqueue_closed_records, push_due_records

    settings = services.ctx.settings
    every = settings.scheduler_sync_interval_s

    async def deliveries(ctx: JobContext) -> int:
        return await deliver_due(ctx, services.channels)

    async def records(ctx: JobContext) -> int:
        await enqueue_closed_records(ctx, services.record_hooks)
        return await push_due_records(ctx)

    jobs = [
        Periodic("deliveries", max(every, 1.0), deliveries),
        Periodic("purge", 24 * 3600, purge),
    ]
    if settings.record_webhook_url:
        jobs.append(Periodic("records", max(every, 1.0), records))
    if settings.case_pull_url and settings.case_pull_interval_min:
        jobs.append(Periodic("case_pull", settings.case_pull_interval_min * 60.0, pull_job))
    return [*jobs, *services.extra_periodic]
