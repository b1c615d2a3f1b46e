"""Staff accounts: argon2 passwords, server-side sessions, lockout, and the API authenticator.

The session cookie holds a random id; the database holds only its SHA-256, the staff member it
belongs to, its CSRF token and its expiry. Every POST from a page carries the CSRF token (a form
field, or the X-CSRF-Token header for API calls made by page scripts).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import hdrs, web
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.access import ApiRole
from conference.domain.errors import Forbidden
from conference.domain.origins import origin_allowed
from conference.domain.signin import (
    LockoutPolicy,
    SignInAttempt,
    SignInLimits,
    sign_in_locked_until,
)
from conference.settings import Settings
from conference.store.accounts import SignInAttemptRow, StaffSessionRow
from conference.store.tables import StaffRow
from conference.wiring.keys import CLOCK, SESSIONS, SETTINGS
from conference.wiring.principals import Principal

SESSION_COOKIE = "vcourt_session"
ANON_CSRF_COOKIE = "vcourt_csrf"  # double-submit token for forms shown before sign-in
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_HASHER = PasswordHasher()
# Verified when the username is unknown, so both answers take as long.
_DUMMY_HASH = _HASHER.hash("not-a-real-password")


@dataclass(frozen=True)
class StaffSession:
    username: str
    full_name: str
    role: ApiRole
    court_code: str | None
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class SignInRefused:
    """Why a sign-in failed; `retry_at` is set when the account or address is locked."""

    retry_at: datetime | None = None


STAFF_SESSION = web.RequestKey("staff_session", object)  # StaffSession | None, cached


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def client_address(request: web.Request) -> str:
    """The client's address; behind a trusted proxy, the last hop it added to X-Forwarded-For
    (earlier entries are whatever the client claimed, so they are not trusted)."""
    remote = request.remote or "unknown"
    if remote in request.app[SETTINGS].trusted_proxies:
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
        hops = [h for h in hops if h]
        if hops:
            return hops[-1][:64]
    return remote[:64]


def limits(settings: Settings) -> SignInLimits:
    window = timedelta(minutes=settings.signin_window_minutes)
    lockout = timedelta(minutes=settings.signin_lockout_minutes)
    return SignInLimits(
        per_pair=LockoutPolicy(settings.signin_max_failures, window, lockout),
        per_account=LockoutPolicy(settings.signin_account_max_failures, window, lockout),
    )


async def _lock_time(
    session: AsyncSession,
    username: str,
    address: str,
    now: datetime,
    settings: Settings,
    besides: int | None = None,
) -> datetime | None:
    """When this account may try again from this address, counting every recorded attempt
    but `besides` (the caller's own, reserved one)."""
    rule = limits(settings)
    reach = max(p.window + p.lockout for p in (rule.per_pair, rule.per_account))
    rows = (
        await session.scalars(
            select(SignInAttemptRow).where(
                SignInAttemptRow.username == username,
                SignInAttemptRow.at >= now - reach,  # older attempts cannot lock any more
                SignInAttemptRow.id != besides if besides is not None else true(),
            )
        )
    ).all()
    history = [SignInAttempt(r.username, r.address, r.at, r.succeeded) for r in rows]
    return sign_in_locked_until(history, username, address, now, rule)


async def sign_in(
    request: web.Request, username: str, password: str
) -> tuple[str, StaffSession] | SignInRefused:
    """Check the password (unless locked out) and open a session: (cookie value, session).

    The attempt is recorded as a failure before anything is checked, and the lock is decided
    from every attempt recorded but this one: of N guesses sent at once, the last to look sees
    all the others, so no more than the limit are ever checked."""
    settings = request.app[SETTINGS]
    now = request.app[CLOCK]()
    address = client_address(request)
    username = username.strip().lower()[:60]
    sessions = request.app[SESSIONS]
    async with sessions() as session, session.begin():
        attempt = SignInAttemptRow(username=username, address=address, at=now, succeeded=False)
        session.add(attempt)
        await session.flush()
        attempt_id = attempt.id
    async with sessions() as session, session.begin():
        retry_at = await _lock_time(session, username, address, now, settings, attempt_id)
        if retry_at is not None:
            # refused unchecked: not a guess, so it does not lengthen the lock
            await session.execute(delete(SignInAttemptRow).where(SignInAttemptRow.id == attempt_id))
            return SignInRefused(retry_at)
        staff = await session.get(StaffRow, username) if username else None
    stored = staff.password_hash if staff is not None and staff.active else None
    if not await asyncio.to_thread(password_matches, stored, password) or staff is None:
        async with sessions() as session:
            return SignInRefused(await _lock_time(session, username, address, now, settings))
    async with sessions() as session, session.begin():
        await session.execute(
            update(SignInAttemptRow).where(SignInAttemptRow.id == attempt_id).values(succeeded=True)
        )
        if _HASHER.check_needs_rehash(stored or ""):
            await session.execute(
                update(StaffRow)
                .where(StaffRow.username == staff.username)
                .values(password_hash=await asyncio.to_thread(hash_password, password))
            )
        session_id = secrets.token_urlsafe(32)
        row = StaffSessionRow(
            id_hash=_digest(session_id),
            username=staff.username,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + timedelta(hours=settings.session_hours),
            address=address,
        )
        session.add(row)
        await session.execute(
            delete(StaffSessionRow).where(
                StaffSessionRow.username == staff.username, StaffSessionRow.expires_at <= now
            )
        )
        return session_id, _staff_session(staff, row)


def _staff_session(staff: StaffRow, row: StaffSessionRow) -> StaffSession:
    return StaffSession(
        username=staff.username,
        full_name=staff.full_name,
        role=ApiRole(staff.role),
        court_code=staff.court_code,
        csrf_token=row.csrf_token,
        expires_at=row.expires_at,
    )


async def current_session(request: web.Request) -> StaffSession | None:
    """The signed-in staff member of this request, looked up once."""
    if STAFF_SESSION in request:
        cached: StaffSession | None = request[STAFF_SESSION]  # type: ignore[assignment]
        return cached
    found: StaffSession | None = None
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        now = request.app[CLOCK]()
        async with request.app[SESSIONS]() as session:
            row = await session.get(StaffSessionRow, _digest(cookie))
            if row is not None and row.expires_at > now:
                staff = await session.get(StaffRow, row.username)
                if staff is not None and staff.active:
                    found = _staff_session(staff, row)
    request[STAFF_SESSION] = found
    return found


async def sign_out(request: web.Request) -> None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        async with request.app[SESSIONS]() as session, session.begin():
            await session.execute(
                delete(StaffSessionRow).where(StaffSessionRow.id_hash == _digest(cookie))
            )
    request[STAFF_SESSION] = None


def set_session_cookie(response: web.StreamResponse, value: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="Lax",
        secure=secure_cookies(settings),
        path="/",
    )


def secure_cookies(settings: Settings) -> bool:
    return (settings.public_url or "").startswith("https://")


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


async def session_authenticator(request: web.Request) -> Principal | None:
    """The API accepts a signed-in staff member; a changing call must carry the CSRF header,
    and the hearing socket (/ws) an Origin of this site."""
    if SESSION_COOKIE not in request.cookies:
        return None
    staff = await current_session(request)
    if staff is None:
        return None
    if _is_websocket(request) and not origin_allowed(
        request.headers.get(hdrs.ORIGIN), request.app[SETTINGS].site_origins
    ):
        # A browser always sends Origin on a WebSocket handshake; a socket that carries the
        # cookie without one did not come from a page of this site, so the cookie counts for
        # nothing. (A foreign Origin never gets this far: /ws refuses the handshake.)
        raise Forbidden(
            "a signed-in session joins a hearing only from this site's pages (the handshake"
            " carried no Origin header); a program joins with a bearer token instead"
        )
    if request.method not in SAFE_METHODS and not tokens_match(
        staff.csrf_token, request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden(
            f"a call from a signed-in page must send the {CSRF_HEADER} header with the page's"
            " token; reload the page and try again"
        )
    return Principal(role=staff.role, name=staff.full_name, staff_username=staff.username)


def _is_websocket(request: web.Request) -> bool:
    return request.headers.get(hdrs.UPGRADE, "").lower() == "websocket"


async def set_password(session: AsyncSession, username: str, password: str) -> None:
    staff = await session.get(StaffRow, username)
    if staff is None:
        raise LookupError(f"no staff member with username {username!r}")
    staff.password_hash = hash_password(password)
    # A new password ends every session opened with the old one.
    await session.execute(delete(StaffSessionRow).where(StaffSessionRow.username == username))
