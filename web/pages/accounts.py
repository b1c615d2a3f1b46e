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

from aiohttp import web
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.access import ApiRole
from conference.domain.errors import Forbidden
from conference.domain.signin import Attempt, LockoutPolicy, locked_until
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


def policies(settings: Settings) -> tuple[LockoutPolicy, LockoutPolicy]:
    window = timedelta(minutes=settings.signin_window_minutes)
    lockout = timedelta(minutes=settings.signin_lockout_minutes)
    return (
        LockoutPolicy(settings.signin_max_failures, window, lockout),
        LockoutPolicy(settings.signin_ip_max_failures, window, lockout),
    )


async def _lock_time(
    session: AsyncSession, username: str, address: str, now: datetime, settings: Settings
) -> datetime | None:
    per_user, per_address = policies(settings)
    since = now - per_user.window - per_user.lockout
    rows = (
        await session.scalars(
            select(SignInAttemptRow).where(
                SignInAttemptRow.at >= since,
                or_(SignInAttemptRow.username == username, SignInAttemptRow.address == address),
            )
        )
    ).all()
    by_user = [Attempt(r.at, r.succeeded) for r in rows if r.username == username]
    # From one address, a success for one person does not excuse guessing at others.
    by_address = [Attempt(r.at, False) for r in rows if r.address == address and not r.succeeded]
    times = [
        t
        for t in (
            locked_until(by_user, now, per_user),
            locked_until(by_address, now, per_address),
        )
        if t is not None
    ]
    return max(times) if times else None


async def sign_in(
    request: web.Request, username: str, password: str
) -> tuple[str, StaffSession] | SignInRefused:
    """Check the password (unless locked out) and open a session: (cookie value, session)."""
    settings = request.app[SETTINGS]
    now = request.app[CLOCK]()
    address = client_address(request)
    username = username.strip().lower()[:60]
    async with request.app[SESSIONS]() as session, session.begin():
        retry_at = await _lock_time(session, username, address, now, settings)
        if retry_at is not None:
            return SignInRefused(retry_at)
        staff = await session.get(StaffRow, username) if username else None
        stored = staff.password_hash if staff is not None and staff.active else None
        ok = await asyncio.to_thread(password_matches, stored, password)
        session.add(SignInAttemptRow(username=username, address=address, at=now, succeeded=ok))
        if not ok or staff is None:
            await session.flush()
            retry_at = await _lock_time(session, username, address, now, settings)
            return SignInRefused(retry_at)
        if _HASHER.check_needs_rehash(staff.password_hash or ""):
            staff.password_hash = hash_password(password)
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
    """The API accepts a signed-in staff member; a changing call must carry the CSRF header."""
    if SESSION_COOKIE not in request.cookies:
        return None
    staff = await current_session(request)
    if staff is None:
        return None
    if request.method not in SAFE_METHODS and not tokens_match(
        staff.csrf_token, request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden(
            f"a call from a signed-in page must send the {CSRF_HEADER} header with the page's"
            " token; reload the page and try again"
        )
    return Principal(role=staff.role, name=staff.full_name, staff_username=staff.username)


async def set_password(session: AsyncSession, username: str, password: str) -> None:
    staff = await session.get(StaffRow, username)
    if staff is None:
        raise LookupError(f"no staff member with username {username!r}")
    staff.password_hash = hash_password(password)
    # A new password ends every session opened with the old one.
    await session.execute(delete(StaffSessionRow).where(StaffSessionRow.username == username))
