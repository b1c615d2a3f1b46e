"""What runs after a booking is saved (the booking itself: scheduler.booking.book).

row = await book(session, plan, save, settings=..., now=..., hearing_id=...)  # 409 on a clash
await after_hearing_saved(session, hearing_id, HearingChange.MOVED, settings=..., now=...,
                          before=(old_starts_at, old_ends_at))   # same transaction
notify(app)                                                       # after commit
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.notices import describe_changes
from conference.settings import Settings
from conference.store.scheduling import NoticeRow
from conference.store.tables import HearingRow
from conference.wiring.hooks import HearingChange as ApiChange
from conference.wiring.hooks import HearingChanged
from conference.wiring.keys import CLOCK, SESSIONS, SETTINGS
from scheduler.booking import BookingCheck, check_booking
from scheduler.channels import configured_channels
from scheduler.delivery import queue_deliveries
from scheduler.jobs import plan_hearing_jobs
from scheduler.notices import cancel_notices, issue_notices
from scheduler.services import SCHEDULING

__all__ = [
    "BookingCheck",
    "HearingChange",
    "after_hearing_saved",
    "check_booking",
    "notify",
    "on_hearing_changed",
]


class HearingChange(StrEnum):
    CREATED = "created"
    MOVED = "moved"  # new time or duration
    CHANGED = "changed"  # anything else (title, people): jobs re-planned, no amended notice
    CANCELLED = "cancelled"


async def after_hearing_saved(
    session: AsyncSession,
    hearing_id: str,
    change: HearingChange,
    *,
    settings: Settings,
    now: datetime,
    before: tuple[datetime, datetime] | None = None,
) -> int:
    """Re-plan the hearing's jobs; when it moved after notices went out, issue amended notices
    (new links and PINs; the old links stop working), and when it was cancelled, a
    cancellation to everyone who was served (no link, no PIN); queue their delivery. Returns
    the number of notices issued. Call inside the transaction that saved the hearing."""
    await plan_hearing_jobs(session, hearing_id, settings=settings, now=now)
    if change not in (HearingChange.MOVED, HearingChange.CANCELLED):
        return 0
    served = await session.scalar(
        select(NoticeRow.id).where(NoticeRow.hearing_id == hearing_id).limit(1)
    )
    hearing = await session.get(HearingRow, hearing_id)
    if served is None or hearing is None:
        return 0
    channels = configured_channels(settings)
    if change is HearingChange.CANCELLED:
        issued = await cancel_notices(session, hearing_id, settings=settings, now=now)
    else:
        old_start, old_end = before or (hearing.starts_at, hearing.ends_at)
        what = describe_changes(
            old_start, old_end, hearing.starts_at, hearing.ends_at, tz=settings.tz
        )
        if what is None:
            return 0
        issued = await issue_notices(
            session, hearing_id, settings=settings, now=now, channels=channels, changes=what
        )
    for notice in issued:
        await queue_deliveries(session, notice.row, channels, now)
    return len(issued)


async def on_hearing_changed(app: web.Application, event: HearingChanged) -> None:
    """Registered in conference.wiring.hooks.HEARING_HOOKS: runs after the hearing API committed."""
    change = {
        ApiChange.CREATED: HearingChange.CREATED,
        ApiChange.MOVED: HearingChange.MOVED,
        ApiChange.CANCELLED: HearingChange.CANCELLED,
    }.get(event.change, HearingChange.CHANGED)
    settings, now = app[SETTINGS], app[CLOCK]()
    async with app[SESSIONS]() as s, s.begin():
        before = None
        if event.previous_starts_at is not None:
            row = await s.get(HearingRow, event.hearing_id)
            if row is not None:
                duration = row.ends_at - row.starts_at
                before = (event.previous_starts_at, event.previous_starts_at + duration)
        await after_hearing_saved(
            s, event.hearing_id, change, settings=settings, now=now, before=before
        )
    notify(app)


def notify(app: web.Application) -> None:
    """After commit: wake this node's runner so new timers are armed at once (other nodes
    pick the change up at their next sync)."""
    services = app.get(SCHEDULING)
    if services is not None:
        services.poke()
