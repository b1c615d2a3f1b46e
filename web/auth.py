"""Bearer tokens for the API: random, shown once, stored as SHA-256, carrying one role.

Who is calling (Principal), the authenticators and the token lookup live below the areas in
conference/wiring/principals.py, shared with signalling's staff join.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.access import Action, ApiRole, may
from conference.store.tables import ApiTokenRow
from conference.wiring.keys import CLOCK, SESSIONS
from conference.wiring.principals import (
    AUTHENTICATORS,
    PRINCIPAL,
    Principal,
    hash_token,
    principal_for_token,
)
from web.problems import Problem

TOKEN_PREFIX = "vct_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


async def create_token(
    session: AsyncSession,
    *,
    role: ApiRole,
    name: str,
    now: datetime,
    token: str | None = None,
    staff_username: str | None = None,
) -> str:
    """Store a token (hashed) and return its plain text, which is never stored."""
    token = token or new_token()
    existing = await session.scalar(
        select(ApiTokenRow).where(ApiTokenRow.token_hash == hash_token(token))
    )
    if existing is None:
        session.add(
            ApiTokenRow(
                name=name,
                role=role.value,
                token_hash=hash_token(token),
                staff_username=staff_username,
                created_at=now,
            )
        )
    return token


async def bearer_authenticator(request: web.Request) -> Principal | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "Unauthorized", "use the header 'Authorization: Bearer <token>'")
    async with request.app[SESSIONS]() as session:
        principal = await principal_for_token(session, token.strip())
    if principal is None:
        raise Problem(
            401,
            "Unauthorized",
            "the token is unknown or revoked; ask an administrator for a new one"
            " (vcourt token create --role …)",
        )
    return principal


async def authenticate(request: web.Request) -> Principal:
    if PRINCIPAL in request:
        principal: Principal = request[PRINCIPAL]
        return principal
    for authenticator in request.app[AUTHENTICATORS]:
        found = await authenticator(request)
        if found is not None:
            request[PRINCIPAL] = found
            return found
    raise Problem(401, "Unauthorized", "this needs a token: send 'Authorization: Bearer <token>'")


async def require(request: web.Request, action: Action) -> Principal:
    principal = await authenticate(request)
    if not may(principal.role, action):
        raise Problem(
            403,
            "Forbidden",
            f"the {principal.role.value} role may not {action.value.replace('_', ' ')}",
        )
    return principal


def now(request: web.Request) -> datetime:
    return request.app[CLOCK]()
