"""Where the areas meet without importing each other: typed hooks on the app.

The composition root (web/app.py) creates each list; an area appends its side in its
`setup(app)` and the other area calls what it finds there.

- HEARING_HOOKS: the hearing API changed a booking (after commit) -> scheduling re-plans its
  reminder jobs and amended notices.
- LINK_OPENED_HOOKS: signalling recorded a join by link -> scheduling marks the notice opened.
- SITE_STAY_HOOKS: signalling recorded an endpoint's stay -> scheduling's per-site attendance.
- RECORD_PARTS: scheduling pushes a hearing record to the case system -> signalling adds the
  hearing record itself.
- ROOM_CONTROL: a scheduled job opens or closes a hearing -> signalling's live room moves.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.hearings import HearingState
from conference.domain.links import JoinClaims
from conference.store.tables import HearingRow

log = logging.getLogger(__name__)


# --- after a booking changes ----------------------------------------------------------------
# Hooks run after the change is committed, in registration order. A failing hook is logged and
# does not undo or fail the booking: the hearing is already stored, and a hook that must not
# lose work keeps its own durable record (scheduling's job table) and reconciles at start.


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


# --- signalling -> scheduling, inside signalling's record transaction ------------------------

# A join link was used to join (signalling calls it inside the transaction that records the
# join): (session, claims of the link, now) -> the notices' deliveries move to opened.
LinkOpenedHook = Callable[[AsyncSession, JoinClaims, datetime], Awaitable[object]]
LINK_OPENED_HOOKS: web.AppKey[list[LinkOpenedHook]] = web.AppKey("link_opened_hooks")
# An endpoint's stay in a hearing began (left_at None) or ended, inside the transaction that
# records it: (session, hearing_id, endpoint_code, joined_at, left_at).
SiteStayHook = Callable[[AsyncSession, str, str, datetime, datetime | None], Awaitable[object]]
SITE_STAY_HOOKS: web.AppKey[list[SiteStayHook]] = web.AppKey("site_stay_hooks")


# --- scheduling -> signalling -----------------------------------------------------------------

# Extend the hearing record sent to the case system: (session, hearing, record).
RecordPart = Callable[[AsyncSession, HearingRow, dict[str, Any]], Awaitable[None]]
RECORD_PARTS: web.AppKey[list[RecordPart]] = web.AppKey("record_parts")


class RoomControl(Protocol):
    """Move a hearing's live room to `new` as the system (a scheduled job), under the room's
    lock: recorded in the hearing record, announced to connected people. Does nothing when
    the room is not in one of `only_from` (or already in `new`). Returns what happened, in
    words."""

    async def __call__(
        self, hearing_id: str, new: HearingState, only_from: frozenset[HearingState], reason: str
    ) -> str: ...


# Set by signalling's cleanup context; absent when no live rooms run (`vcourt scheduler run`).
ROOM_CONTROL: web.AppKey[RoomControl] = web.AppKey("room_control")
