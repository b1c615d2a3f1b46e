"""Bearer tokens for the API: random, shown once, stored as SHA-256, carrying one role.

Who is calling (Principal), the authenticators, the token lookup and `require` live below the
areas in conference/wiring/principals.py, shared with signalling.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.access import ApiRole
from conference.domain.errors import Unauthorized
from conference.store.tables import ApiTokenRow
from conference.wiring.keys import CLOCK, SESSIONS
from conference.wiring.principals import Principal, hash_token, principal_for_token

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
        raise Unauthorized("use the header 'Authorization: Bearer <token>'")
    async with request.app[SESSIONS]() as session:
        principal = await principal_for_token(session, token.strip())
    if principal is None:
        raise Unauthorized(
            "the token is unknown or revoked; ask an administrator for a new one"
            " (vcourt token create --role …)"
        )
    return principal


def now(request: web.Request) -> datetime:
    return request.app[CLOCK]()
