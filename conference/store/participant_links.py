"""The one store of a participant's join link: its current version (older links are
superseded), revocation, and the optional PIN with its failed-attempt counter.

Used by both sides: scheduling issues a link (with a PIN) in every notice version
(`issue_link(rotate=True, pin=…)`), the link API (POST/DELETE
/api/v1/hearings/{id}/participants/{pid}/link) issues, rotates and revokes, and signalling's
/ws join checks a presented link against it (`current_link`, `check_link`, `check_pin`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.ext.asyncio import AsyncSession
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
        state.pin_hash = _PINS.hash(pin)
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


def check_pin(
    state: ParticipantLinkRow | None, pin: str | None, settings: Settings, now: datetime
) -> None:
    """Raise LinkRefused(pin_required | pin_locked | pin_wrong); counts attempts on `state`
    (the caller commits). A right PIN resets the counter."""
    if state is None or state.pin_hash is None:
        return
    if state.pin_locked_until is not None and now < state.pin_locked_until:
        raise LinkRefused(
            "pin_locked",
            f"too many wrong PINs; try again after {state.pin_locked_until:%H:%M:%S} UTC or"
            " ask the clerk",
        )
    if not pin:
        raise LinkRefused("pin_required", "enter the PIN you received by SMS or e-mail")
    try:
        _PINS.verify(state.pin_hash, pin)
    except VerificationError:
        state.pin_attempts += 1
        left = settings.signaling_pin_max_attempts - state.pin_attempts
        if left <= 0:
            state.pin_attempts = 0
            state.pin_locked_until = now + timedelta(seconds=settings.signaling_pin_lockout_seconds)
            raise LinkRefused(
                "pin_locked",
                f"wrong PIN; too many attempts, locked for"
                f" {settings.signaling_pin_lockout_seconds} seconds",
            ) from None
        raise LinkRefused("pin_wrong", f"wrong PIN; {left} attempt(s) left") from None
    state.pin_attempts, state.pin_locked_until = 0, None
