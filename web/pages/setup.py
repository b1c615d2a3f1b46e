"""Wire the pages into the app: templates, static files, sign-in."""

from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Add page routes, static files and the cookie-session authenticator."""
