"""Feature areas' services by name (on the way out: each area is getting its own typed keys)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

# Feature areas (signalling, media) keep their services here, keyed by name.
SERVICES = web.AppKey("services", dict[str, Any])
