"""After a booking changes: the hooks other areas register (scheduling's reminder jobs).

Hooks run after the change is committed, in registration order. A failing hook is logged and
does not undo or fail the booking: the hearing is already stored, and a hook that must not
lose work keeps its own durable record (scheduling's job table) and reconciles at start.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from aiohttp import web

log = logging.getLogger(__name__)


class HearingChange(StrEnum):
    CREATED = "created"
    UPDATED = "updated"  # title, endpoints
    MOVED = "moved"  # start or duration changed
    PARTICIPANTS = "participants"  # a participant added, changed or removed
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class HearingChanged:
    hearing_id: str
    change: HearingChange
    version: int
    starts_at: datetime  # UTC, after the change
    previous_starts_at: datetime | None = None  # UTC, for MOVED


HearingHook = Callable[[web.Application, HearingChanged], Awaitable[None]]
HEARING_HOOKS: web.AppKey[list[HearingHook]] = web.AppKey("hearing_hooks")


async def after_hearing_changed(app: web.Application, event: HearingChanged) -> None:
    for hook in app.get(HEARING_HOOKS, []):
        try:
            await hook(app, event)
        except Exception:
            log.exception(
                "hook %s failed after hearing %s was %s",
                getattr(hook, "__qualname__", hook),
                event.hearing_id,
                event.change.value,
            )
