"""Who is joining: a participant with their link token (and PIN), or court staff with their
own credentials (API bearer token, or a cookie session the pages add to AUTHENTICATORS)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlalchemy import select

from conference.domain.errors import Forbidden, Unauthorized
from conference.domain.hearings import COURT_STAFF_ROLES, HearingState, Role
from conference.domain.links import (
    JoinClaims,
    LinkRefused,
    check_current,
    joins_by_sign_in,
    verify_join_token,
)
from conference.settings import Settings
from conference.store.participant_links import ParticipantLinkRow, check_pin
from conference.store.tables import HearingRow, ParticipantRow
from conference.wiring.keys import SESSIONS
from conference.wiring.principals import AUTHENTICATORS, Principal, principal_for_token
from signaling.protocol import FrameError, Join


@dataclass(frozen=True)
class Identity:
    hearing_id: str
    participant_id: str
    role: Role
    name: str
    link: JoinClaims | None = None  # joined with this link (None: court staff credentials)


def _refused(exc: LinkRefused, msg: Join) -> FrameError:
    return FrameError(f"link_{exc.reason}", exc.message, msg.id, msg.type, "token")


async def identify(
    request: web.Request, msg: Join, settings: Settings, now: datetime
) -> tuple[Identity | None, FrameError | None]:
    """The joining identity, or the refusal. A refusal of a genuine link for a known
    participant is returned with that identity too, so the caller can record it."""
    if msg.token:
        return await _by_link(request, msg, settings, now)
    return await _as_staff(request, msg), None


async def _by_link(
    request: web.Request, msg: Join, settings: Settings, now: datetime
) -> tuple[Identity | None, FrameError | None]:
    assert msg.token is not None
    try:
        claims = verify_join_token(msg.token, settings.signing_secret(), now)
    except LinkRefused as exc:
        raise _refused(exc, msg) from None
    async with request.app[SESSIONS]() as session:
        found = (
            await session.execute(
                select(ParticipantRow, ParticipantLinkRow, HearingRow.state)
                .join(HearingRow, HearingRow.id == ParticipantRow.hearing_id)
                .outerjoin(
                    ParticipantLinkRow, ParticipantLinkRow.participant_id == ParticipantRow.id
                )
                .where(ParticipantRow.id == claims.participant_id)
            )
        ).first()  # one round trip: the participant, their link state, the hearing's state
        participant, state = (found[0], found[1]) if found else (None, None)
        if participant is None or participant.hearing_id != claims.hearing_id:
            raise FrameError(
                "link_wrong_hearing",
                "this link is for a participant who is no longer part of the hearing",
                msg.id,
                msg.type,
                "token",
            )
        if found is not None and found[2] == HearingState.CANCELLED.value:
            # every link of a cancelled hearing, current or not: nothing to join, no PIN asked
            raise FrameError(
                "hearing_cancelled",
                "the court cancelled this hearing; it will not take place, so there is nothing"
                " to join. A new notice will come if the court sets a new date.",
                msg.id,
                msg.type,
                "token",
            )
        if joins_by_sign_in(Role(participant.role), participant.staff_username):
            raise FrameError(
                "link_staff_sign_in",
                "court staff join with their own sign-in (a session or bearer token and the"
                " hearing_id), never with a join link",
                msg.id,
                msg.type,
                "token",
            )
        identity = Identity(
            participant.hearing_id,
            participant.id,
            Role(participant.role),
            participant.name,
            claims,
        )
        version = state.link_version if state else 1
        revoked = state is not None and state.link_revoked_at is not None
    try:
        check_current(claims, version, revoked)
        # after the read above has ended: the PIN check keeps its own short transactions
        await check_pin(request.app[SESSIONS], state, msg.pin, settings, now)
    except LinkRefused as exc:
        return identity, _refused(exc, msg)
    return identity, None


async def _as_staff(request: web.Request, msg: Join) -> Identity:
    principal = await _principal(request, msg)
    if principal is None:
        raise FrameError(
            "unauthenticated",
            "join with the token from your join link, or as court staff with your own"
            " credentials (bearer token or signed-in session) and the hearing_id",
            msg.id,
            msg.type,
        )
    if not msg.hearing_id:
        raise FrameError(
            "invalid_message",
            "staff name the hearing: give hearing_id",
            msg.id,
            msg.type,
            "hearing_id",
        )
    if not principal.staff_username:
        raise FrameError(
            "not_a_participant",
            "this credential belongs to no staff member; staff join with their own account",
            msg.id,
            msg.type,
        )
    async with request.app[SESSIONS]() as session:
        participant = await session.scalar(
            select(ParticipantRow).where(
                ParticipantRow.hearing_id == msg.hearing_id,
                ParticipantRow.staff_username == principal.staff_username,
            )
        )
    if participant is None or Role(participant.role) not in COURT_STAFF_ROLES:
        raise FrameError(
            "not_a_participant",
            f"{principal.staff_username} is not court staff of hearing {msg.hearing_id}",
            msg.id,
            msg.type,
            "hearing_id",
        )
    return Identity(
        participant.hearing_id, participant.id, Role(participant.role), participant.name
    )


async def _principal(request: web.Request, msg: Join) -> Principal | None:
    if msg.bearer:
        async with request.app[SESSIONS]() as session:
            principal = await principal_for_token(session, msg.bearer)
        if principal is None:
            raise FrameError(
                "unauthenticated",
                "the bearer token is unknown or revoked",
                msg.id,
                msg.type,
                "bearer",
            )
        return principal
    for authenticator in request.app[AUTHENTICATORS]:
        try:
            found = await authenticator(request)
        except (Unauthorized, Forbidden) as exc:
            raise FrameError("unauthenticated", exc.message, msg.id, msg.type) from None
        if found is not None:
            return found
    return None
