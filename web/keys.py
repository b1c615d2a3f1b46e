"""Every object shared through the aiohttp application, behind a typed key (one place)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from conference.domain.clock import Clock
from conference.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
CLOCK: web.AppKey[Clock] = web.AppKey("clock")
ENGINE = web.AppKey("engine", AsyncEngine)
SESSIONS = web.AppKey("sessions", async_sessionmaker[AsyncSession])
# Feature areas (signalling, scheduler, media) keep their services here, keyed by name, so the
# app factory stays the one wiring point without this module importing them.
SERVICES = web.AppKey("services", dict[str, Any])
