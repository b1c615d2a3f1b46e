"""The one store of a participant's join link: its current version (older links are
superseded), revocation, and the optional PIN with its failed-attempt counter.

Used by both sides: scheduling issues a link (with a PIN) in every notice version
(`issue_link(rotate=True, pin=…)`), the link API (POST/DELETE
/api/v1/hearings/{id}/participants/{pid}/link) issues, rotates and revokes, and signalling's
/ws join checks a presented link against it (`current_link`, `check_link`, `check_pin`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ForeignKey, Integer, String, case, or_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from conference.domain.errors import InvalidValue, NotAllowed, NotFound
from conference.domain.hearings import Role
from conference.domain.links import (
    JoinClaims,
    LinkRefused,
    check_current,
    joins_by_sign_in,
    sign_join_token,
)
from conference.settings import Settings
from conference.store.base import Base, UtcDateTime
from conference.store.tables import HearingRow, ParticipantRow


class ParticipantLinkRow(Base):
    """A participant's join-link state: the current version (older links are superseded),
    revocation, and the optional PIN with its failed-attempt counter. No row: version 1."""

    __tablename__ = "participant_links"

    participant_id: Mapped[str] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    link_version: Mapped[int] = mapped_column(Integer, default=1)
    link_revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    pin_attempts: Mapped[int] = mapped_column(Integer, default=0)
    pin_locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


_PINS = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@dataclass(frozen=True)
class IssuedLink:
    participant_id: str
    url: str
    token: str
    link_version: int
    expires_at: datetime
    has_pin: bool


async def _state(session: AsyncSession, participant_id: str, now: datetime) -> ParticipantLinkRow:
    row = await session.get(ParticipantLinkRow, participant_id)
    if row is None:
        row = ParticipantLinkRow(
            participant_id=participant_id, link_version=1, pin_attempts=0, updated_at=now
        )
        session.add(row)
    return row


async def issue_link(
    session: AsyncSession,
    settings: Settings,
    participant_id: str,
    now: datetime,
    *,
    rotate: bool = False,
    expires_at: datetime | None = None,
    pin: str | None = None,
) -> IssuedLink:
    """The participant's join link at its current version (rotate: a new version, which makes
    every earlier link stop working and lifts a revocation; the first link ever issued is
    version 1 either way). A PIN, if given, replaces the old one and clears its lockout."""
    participant = await session.get(ParticipantRow, participant_id)
    if participant is None:
        raise NotFound(f"participant {participant_id!r} does not exist")
    if joins_by_sign_in(Role(participant.role), participant.staff_username):
        raise NotAllowed(
            f"{participant.name} is court staff with an account ({participant.staff_username})"
            " and joins with their own sign-in; court staff are given no join link",
            field="participant_id",
        )
    fresh = await session.get(ParticipantLinkRow, participant_id) is None
    state = await _state(session, participant_id, now)
    if (rotate and not fresh) or state.link_revoked_at is not None:
        state.link_version += 1
        state.link_revoked_at = None
    if pin is not None:
        if not (pin.isdigit() and 4 <= len(pin) <= 12):
            raise InvalidValue("a PIN is 4 to 12 digits", field="pin")
        state.pin_hash = await asyncio.to_thread(_PINS.hash, pin)  # not on the event loop
        state.pin_attempts, state.pin_locked_until = 0, None
    state.updated_at = now
    valid_for = timedelta(hours=settings.signaling_link_valid_hours)
    if expires_at is None:
        hearing = await session.get(HearingRow, participant.hearing_id)
        ends_at = hearing.ends_at if hearing is not None else now
        expires_at = max(ends_at, now) + valid_for
    claims = JoinClaims(
        hearing_id=participant.hearing_id,
        participant_id=participant_id,
        role=Role(participant.role),
        link_version=state.link_version,
        expires_at=expires_at,
    )
    token = sign_join_token(claims, settings.signing_secret())
    await session.flush()
    return IssuedLink(
        participant_id=participant_id,
        url=f"{settings.base_url}/join/{token}",
        token=token,
        link_version=state.link_version,
        expires_at=expires_at,
        has_pin=state.pin_hash is not None,
    )


async def revoke_link(session: AsyncSession, participant_id: str, now: datetime) -> None:
    state = await _state(session, participant_id, now)
    state.link_revoked_at, state.updated_at = now, now
    await session.flush()


async def current_link(
    session: AsyncSession, participant_id: str
) -> tuple[int, bool, ParticipantLinkRow | None]:
    """(current version, revoked, state row) for checking a presented link."""
    row = await session.get(ParticipantLinkRow, participant_id)
    if row is None:
        return 1, False, None
    return row.link_version, row.link_revoked_at is not None, row


async def check_link(session: AsyncSession, claims: JoinClaims) -> ParticipantLinkRow | None:
    """After `verify_join_token`: raise LinkRefused(revoked | superseded) unless the link is
    the participant's current one. Returns the state row (for `check_pin`)."""
    version, revoked, row = await current_link(session, claims.participant_id)
    check_current(claims, version, revoked)
    return row


async def check_pin(
    sessions: async_sessionmaker[AsyncSession],
    state: ParticipantLinkRow | None,
    pin: str | None,
    settings: Settings,
    now: datetime,
) -> None:
    """Raise LinkRefused(pin_required | pin_locked | pin_wrong) unless `pin` is the link's PIN.

    Each check first reserves an attempt in one conditional UPDATE (committed before the slow
    argon2 check, which runs in a thread): of any number of guesses sent at once, exactly
    `signaling_pin_max_attempts` are checked and the rest are told the link is locked. A right
    PIN clears the counter."""
    for _ in range(3):  # again only if the PIN was replaced while we looked
        if state is None or state.pin_hash is None:
            return
        if state.pin_locked_until is not None and now < state.pin_locked_until:
            raise _locked(state.pin_locked_until)
        if not pin:
            raise LinkRefused("pin_required", "enter the PIN you received by SMS or e-mail")
        if await _check_reserved(
            sessions, state.participant_id, state.pin_hash, pin, settings, now
        ):
            return
        # No attempt left: locked by a parallel guess, or a new PIN was issued. Look again.
        async with sessions() as session:
            state = await session.get(ParticipantLinkRow, state.participant_id)
    raise LinkRefused("pin_wrong", "the PIN was just replaced; enter the PIN of the latest notice")


async def _check_reserved(
    sessions: async_sessionmaker[AsyncSession],
    participant_id: str,
    pin_hash: str,
    pin: str,
    settings: Settings,
    now: datetime,
) -> bool:
    """Reserve an attempt and check `pin`: True when it is right, False when no attempt
    could be reserved; LinkRefused(pin_wrong | pin_locked) when it is wrong."""
    reserved = await _reserve_attempt(sessions, participant_id, pin_hash, settings, now)
    if reserved is None:
        return False
    if await asyncio.to_thread(_pin_matches, pin_hash, pin):
        async with sessions() as session, session.begin():
            await session.execute(
                update(ParticipantLinkRow)
                .where(
                    ParticipantLinkRow.participant_id == participant_id,
                    ParticipantLinkRow.pin_hash == pin_hash,
                )
                .values(pin_attempts=0, pin_locked_until=None)
            )
        return True
    attempts, locked_until = reserved
    if locked_until is not None:
        raise LinkRefused(
            "pin_locked",
            f"wrong PIN; too many attempts, locked for"
            f" {settings.signaling_pin_lockout_seconds} seconds",
        )
    left = settings.signaling_pin_max_attempts - attempts
    raise LinkRefused("pin_wrong", f"wrong PIN; {left} attempt(s) left")


async def _reserve_attempt(
    sessions: async_sessionmaker[AsyncSession],
    participant_id: str,
    pin_hash: str,
    settings: Settings,
    now: datetime,
) -> tuple[int, datetime | None] | None:
    """Count one attempt at this PIN unless the link is locked: (attempts so far, the lock
    this attempt set if it was the last allowed), or None when no attempt is left. One
    statement, so parallel guesses cannot all read the same count."""
    row = ParticipantLinkRow
    last = row.pin_attempts + 1 >= settings.signaling_pin_max_attempts
    until = now + timedelta(seconds=settings.signaling_pin_lockout_seconds)
    async with sessions() as session, session.begin():
        reserved = (
            await session.execute(
                update(row)
                .where(
                    row.participant_id == participant_id,
                    row.pin_hash == pin_hash,
                    or_(row.pin_locked_until.is_(None), row.pin_locked_until <= now),
                )
                .values(
                    pin_attempts=case((last, 0), else_=row.pin_attempts + 1),
                    pin_locked_until=case((last, until), else_=None),
                    updated_at=now,
                )
                .returning(row.pin_attempts, row.pin_locked_until)
            )
        ).first()
    return (reserved[0], reserved[1]) if reserved is not None else None


def _pin_matches(pin_hash: str, pin: str) -> bool:
    try:
        return _PINS.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def _locked(until: datetime) -> LinkRefused:
    return LinkRefused(
        "pin_locked",
        f"too many wrong PINs; try again after {until:%H:%M:%S} UTC or ask the clerk",
    )
