"""Who is calling: a principal (an API token's role, or a signed-in staff member), found by
the authenticators the areas register, and whether their role may do an action. The API
(web/auth.py) and signalling's staff join (signaling/auth.py) both look bearer tokens up here,
once. Refusals are domain errors (Unauthorized, Forbidden): web/problems.py answers them with
401 and 403 problem documents, signalling with error frames.

Tokens are 256-bit random strings, so a fast hash is enough to store them (a password KDF
would only slow every request); staff passwords use argon2 in the pages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.access import Action, ApiRole, may
from conference.domain.errors import Forbidden, Unauthorized
from conference.store.tables import ApiTokenRow


@dataclass(frozen=True)
class Principal:
    role: ApiRole
    name: str
    token_id: str | None = None
    staff_username: str | None = None


PRINCIPAL = web.RequestKey("principal", Principal)
# The API's bearer authenticator first, then the pages' cookie session; the first that
# answers wins. An authenticator returns None when its credential is absent, and raises
# conference.domain.errors.Unauthorized / Forbidden when it is present but refused.
Authenticator = Callable[[web.Request], Awaitable[Principal | None]]
AUTHENTICATORS: web.AppKey[list[Authenticator]] = web.AppKey("authenticators")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def principal_for_token(session: AsyncSession, token: str) -> Principal | None:
    """The principal a bearer token stands for; None when it is unknown or revoked."""
    row = await session.scalar(
        select(ApiTokenRow).where(ApiTokenRow.token_hash == hash_token(token))
    )
    if row is None or row.revoked_at is not None:
        return None
    return Principal(
        role=ApiRole(row.role), name=row.name, token_id=row.id, staff_username=row.staff_username
    )


async def authenticate(request: web.Request) -> Principal:
    """The caller, by the first authenticator that answers; Unauthorized when none does."""
    if PRINCIPAL in request:
        principal: Principal = request[PRINCIPAL]
        return principal
    for authenticator in request.app[AUTHENTICATORS]:
        found = await authenticator(request)
        if found is not None:
            request[PRINCIPAL] = found
            return found
    raise Unauthorized("this needs a token: send 'Authorization: Bearer <token>'")


async def require(request: web.Request, action: Action) -> Principal:
    """The caller, if their role may do `action` (conference/domain/access.py); Forbidden
    when it may not."""
    principal = await authenticate(request)
    if not may(principal.role, action):
        raise Forbidden(f"the {principal.role.value} role may not {action.value.replace('_', ' ')}")
    return principal
