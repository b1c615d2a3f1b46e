"""Staff sign-in and sign-out, and the landing page after signing in."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from aiohttp import web

from conference.domain.access import ApiRole
from conference.wiring.keys import SETTINGS
from web.pages.accounts import (
    SESSION_COOKIE,
    SignInRefused,
    current_session,
    set_session_cookie,
    sign_in,
    sign_out,
)
from web.pages.i18n import CourtTimeFormat
from web.pages.render import gettext_for, public_page, render, request_language

routes = web.RouteTableDef()

LANDING: dict[ApiRole, str] = {
    ApiRole.ADMIN: "/fleet",
    ApiRole.CLERK: "/schedule",
    ApiRole.JUDGE: "/schedule",
    ApiRole.INTEGRATION: "/schedule",
}


# What a path and query on this site are made of (RFC 3986 pchar, "/", "?", "#", "%"). Anything
# else — whitespace and control characters (browsers drop tabs and newlines, so "/\t/evil"
# becomes "//evil"), backslashes (read as "/"), non-ASCII — is refused, not cleaned up.
_SITE_PATH = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@/?#%]*")
_LONGEST_NEXT = 2000


def safe_next(value: str | None) -> str | None:
    """`value` if it is a clean absolute path on this site, else None (the caller falls back
    to the landing page): sign-in must never redirect to another site."""
    if not value or len(value) > _LONGEST_NEXT or not _SITE_PATH.fullmatch(value):
        return None
    parts = urlsplit(value)
    if value.startswith("//") or parts.scheme or parts.netloc:
        return None
    return value


@routes.get("/", name="home")
async def home(request: web.Request) -> web.StreamResponse:
    staff = await current_session(request)
    if staff is None:
        raise web.HTTPSeeOther("/signin")
    raise web.HTTPSeeOther(LANDING[staff.role])


@routes.get("/signin", name="signin")
@public_page
async def signin_form(request: web.Request) -> web.StreamResponse:
    if await current_session(request) is not None:
        raise web.HTTPSeeOther(safe_next(request.query.get("next")) or "/")
    return await render(
        request, "signin.html", next=safe_next(request.query.get("next")) or "", error=None
    )


@routes.post("/signin")
@public_page
async def signin_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    username = str(form.get("username", ""))
    password = str(form.get("password", ""))
    target = safe_next(str(form.get("next", ""))) or "/"
    _ = gettext_for(request)
    result = await sign_in(request, username, password)
    if isinstance(result, SignInRefused):
        if result.retry_at is not None:
            settings = request.app[SETTINGS]
            when = CourtTimeFormat(request_language(request), settings.tz).time(
                result.retry_at, "HH:mm:ss"
            )
            error = _(
                "Too many failed attempts. Sign-in is locked for this account or this computer"
                " until %(time)s (court time). Try again then, or ask your administrator.",
                time=when,
            )
            status = 429
        else:
            error = _("The username or password is not right. Check them and try again.")
            status = 401
        return await render(
            request, "signin.html", status=status, next=target, error=error, username=username
        )
    session_id, _staff = result
    response = web.HTTPSeeOther(target)
    set_session_cookie(response, session_id, request.app[SETTINGS])
    raise response


@routes.post("/signout", name="signout")
@public_page
async def signout(request: web.Request) -> web.StreamResponse:
    await sign_out(request)
    response = web.HTTPSeeOther("/signin")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response
