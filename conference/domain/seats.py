"""The people of a live hearing room: where each one is (presence) and what the room knows of
them (a seat). Split from room.py, which re-exports these names."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from conference.domain.hearings import COURT_STAFF_ROLES, Role


class Presence(StrEnum):
    AWAY = "away"  # not joined yet, or left
    WAITING = "waiting"  # in the waiting room
    ADMITTED = "admitted"  # in the main room
    OUTSIDE = "outside"  # admitted to the hearing but outside the room (witness not yet called)
    IN_CONSULTATION = "in_consultation"  # in a private consultation room
    REMOVED = "removed"
    REJECTED = "rejected"


# Who must have their identity checked by the clerk before they are admitted (or called in).
IDENTITY_CHECKED_ROLES = frozenset({Role.PARTY, Role.DEFENDANT, Role.WITNESS})
# Who may be sent to a private consultation room (a party with their lawyer and interpreter).
CONSULTING_ROLES = frozenset({Role.PARTY, Role.DEFENDANT, Role.LAWYER, Role.INTERPRETER})


class IdentityCheck(BaseModel):
    document: str
    checked_by: str
    at: datetime
    verified: bool
    notes: str = ""


class Seat(BaseModel):
    """One participant of the hearing, as the live room knows them."""

    participant_id: str
    role: Role
    name: str
    presence: Presence = Presence.AWAY
    connected: bool = False
    disconnected_at: datetime | None = None
    consultation_room: str | None = None
    audio_muted: bool = False
    video_muted: bool = False
    identity_check: IdentityCheck | None = None
    hidden_from: list[str] = Field(default_factory=list)  # screened witness: hidden from these
    interprets_for: str | None = None  # participant id

    @property
    def is_staff(self) -> bool:
        return self.role in COURT_STAFF_ROLES
