"""Wire the embedded media server into the app."""

from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Add routes, keys and cleanup_ctx entries for this area."""
