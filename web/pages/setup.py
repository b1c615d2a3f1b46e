"""Wire the pages into the app: templates, static files, sign-in."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from conference.wiring.principals import AUTHENTICATORS
from web.pages import booking, fleet, join, room, schedule, signin
from web.pages.accounts import session_authenticator
from web.pages.render import PAGES, STATIC_PREFIX, Pages

STATIC = Path(__file__).parent.parent / "static"


def setup(app: web.Application) -> None:
    """Add page routes, static files and the cookie-session authenticator."""
    app[PAGES] = Pages()
    app[AUTHENTICATORS].append(session_authenticator)
    app.router.add_static(STATIC_PREFIX, STATIC, name="static", append_version=False)
    for table in (
        signin.routes,
        fleet.routes,
        schedule.routes,
        booking.routes,
        join.routes,
        room.routes,
    ):
        app.router.add_routes(table)
