"""Every object shared through the aiohttp application, behind a typed key (one place)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from conference.domain.clock import Clock
from conference.domain.hearings import HearingState
from conference.domain.links import JoinClaims
from conference.settings import Settings
from conference.store.tables import HearingRow

SETTINGS = web.AppKey("settings", Settings)
CLOCK: web.AppKey[Clock] = web.AppKey("clock")
ENGINE = web.AppKey("engine", AsyncEngine)
SESSIONS = web.AppKey("sessions", async_sessionmaker[AsyncSession])
# Feature areas (signalling, scheduler, media) keep their services here, keyed by name, so the
# app factory stays the one wiring point without this module importing them.
SERVICES = web.AppKey("services", dict[str, Any])

# --- where signalling and scheduling meet (neither imports the other's internals) -----------
# Each area registers its side in its setup(); create_app() creates the lists.

# Scheduling: a join link was used to join (signalling calls it inside the transaction that
# records the join): (session, claims of the link, now) -> notices' deliveries move to opened.
LinkOpenedHook = Callable[[AsyncSession, JoinClaims, datetime], Awaitable[object]]
LINK_OPENED_HOOKS: web.AppKey[list[LinkOpenedHook]] = web.AppKey("link_opened_hooks")
# Scheduling: an endpoint's stay in a hearing began (left_at None) or ended, inside the
# transaction that records it: (session, hearing_id, endpoint_code, joined_at, left_at).
SiteStayHook = Callable[[AsyncSession, str, str, datetime, datetime | None], Awaitable[object]]
SITE_STAY_HOOKS: web.AppKey[list[SiteStayHook]] = web.AppKey("site_stay_hooks")
# Signalling: extend the hearing record sent to the case system: (session, hearing, record).
RecordPart = Callable[[AsyncSession, HearingRow, dict[str, Any]], Awaitable[None]]
RECORD_PARTS: web.AppKey[list[RecordPart]] = web.AppKey("record_parts")


class RoomControl(Protocol):
    """Signalling: move a hearing's live room to `new` as the system (a scheduled job), under
    the room's lock: recorded in the hearing record, announced to connected people. Does
    nothing when the room is not in one of `only_from` (or already in `new`). Returns what
    happened, in words."""

    async def __call__(
        self, hearing_id: str, new: HearingState, only_from: frozenset[HearingState], reason: str
    ) -> str: ...


ROOM_CONTROL: web.AppKey[RoomControl] = web.AppKey("room_control")
