"""Wire signalling into the app: WebSocket route, bus, rooms."""

from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Add routes, keys and cleanup_ctx entries for this area."""
