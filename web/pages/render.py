"""Rendering pages: one Jinja2 environment per language (autoescaped, Babel's gettext), the
signed-in staff member, the CSRF token, and guards for page handlers."""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from babel.support import NullTranslations

from conference.domain.access import ApiRole
from conference.wiring.keys import SETTINGS
from web.pages.accounts import (
    ANON_CSRF_COOKIE,
    CSRF_FIELD,
    SAFE_METHODS,
    StaffSession,
    current_session,
    secure_cookies,
    tokens_match,
)
from web.pages.i18n import (
    LANG_COOKIE,
    LANGUAGE_NAMES,
    LANGUAGES,
    CourtTimeFormat,
    Language,
    choose_language,
    load_translations,
)

TEMPLATES = Path(__file__).parent.parent / "templates"
STATIC_PREFIX = "/static"

PageHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Pages:
    """The template environments, one per language, built once at start."""

    def __init__(self) -> None:
        self.environments: dict[Language, jinja2.Environment] = {}
        self.translations: dict[Language, NullTranslations] = {}
        for language in LANGUAGES:
            translations = load_translations(language)
            self.translations[language] = translations
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(TEMPLATES),
                autoescape=True,
                extensions=["jinja2.ext.i18n"],
                undefined=jinja2.StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
            self.environments[language] = env


PAGES = web.AppKey("pages", Pages)
LANGUAGE = web.RequestKey("language", str)


def route_exists(app: web.Application, method: str, path: str) -> bool:
    """Whether another area's route is installed (pages adapt before and after it lands)."""
    wanted = _PARAM.sub("{}", path)
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        found = str(info.get("path") or info.get("formatter") or "")
        if route.method == method and _PARAM.sub("{}", found) == wanted:
            return True
    return False


_PARAM = re.compile(r"\{[^}]*\}")


def request_language(request: web.Request) -> Language:
    language, _ = choose_language(request, request.app[SETTINGS].default_language)
    return language


def gettext_for(request: web.Request) -> Callable[..., str]:
    """`_` for messages built in Python (flash messages, errors), in the reader's language."""
    translations = request.app[PAGES].translations[request_language(request)]

    def gettext(message: str, **variables: object) -> str:
        text = translations.gettext(message)
        return text % variables if variables else text

    return gettext


def _switch_url(request: web.Request, language: str) -> str:
    query = dict(request.query)
    query["lang"] = language
    return str(request.rel_url.with_query(query))


async def render(
    request: web.Request, template: str, *, status: int = 200, **context: Any
) -> web.Response:
    settings = request.app[SETTINGS]
    language, asked = choose_language(request, settings.default_language)
    staff = await current_session(request)
    anon_csrf = request.cookies.get(ANON_CSRF_COOKIE) or secrets.token_urlsafe(32)
    env = request.app[PAGES].environments[language]
    html = env.get_template(template).render(
        lang=language,
        languages=[(code, LANGUAGE_NAMES[code], _switch_url(request, code)) for code in LANGUAGES],
        staff=staff,
        csrf_token=staff.csrf_token if staff else anon_csrf,
        fmt=CourtTimeFormat(language, settings.tz),
        static=STATIC_PREFIX,
        path=request.path,
        **context,
    )
    response = web.Response(text=html, status=status, content_type="text/html")
    response.headers["Cache-Control"] = "no-store"  # security headers: web/headers.py
    if asked:
        response.set_cookie(
            LANG_COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax", path="/"
        )
    if staff is None and ANON_CSRF_COOKIE not in request.cookies:
        response.set_cookie(
            ANON_CSRF_COOKIE,
            anon_csrf,
            httponly=True,
            samesite="Lax",
            secure=secure_cookies(settings),
            path="/",
        )
    return response


async def check_csrf(request: web.Request, staff: StaffSession | None) -> None:
    """Every POST from a page carries the token of its session (or the pre-sign-in cookie)."""
    if request.method in SAFE_METHODS:
        return
    form = await request.post()
    given = form.get(CSRF_FIELD)
    expected = staff.csrf_token if staff else request.cookies.get(ANON_CSRF_COOKIE)
    if not isinstance(given, str) or not tokens_match(expected, given):
        _ = gettext_for(request)
        raise web.HTTPForbidden(
            text=_(
                "This form has expired or did not come from this site. Go back, reload the page"
                " and send it again."
            )
        )


def public_page(handler: PageHandler) -> PageHandler:
    """A page anyone may open; its forms still carry a CSRF token."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        await check_csrf(request, await current_session(request))
        return await handler(request)

    return wrapped


def staff_page(*roles: ApiRole) -> Callable[[PageHandler], PageHandler]:
    """A page for signed-in staff (optionally only some roles); sends others to sign in."""
    allowed: Iterable[ApiRole] = roles or tuple(ApiRole)

    def decorate(handler: PageHandler) -> PageHandler:
        @functools.wraps(handler)
        async def wrapped(request: web.Request) -> web.StreamResponse:
            staff = await current_session(request)
            if staff is None:
                if request.method in SAFE_METHODS:
                    target = request.rel_url.with_query(
                        {k: v for k, v in request.query.items() if k != "lang"}
                    )
                    raise web.HTTPSeeOther(
                        str(request.app.router["signin"].url_for().with_query(next=str(target)))
                    )
                _ = gettext_for(request)
                raise web.HTTPForbidden(text=_("You are signed out. Sign in and try again."))
            await check_csrf(request, staff)
            if staff.role not in allowed:
                _ = gettext_for(request)
                return await render(
                    request, "forbidden.html", status=403, title=_("Not available to your role")
                )
            return await handler(request)

        return wrapped

    return decorate
