"""The hearing record: the tamper-evident event log of each hearing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from conference.store.base import Base, UtcDateTime


class HearingEventRow(Base):
    """One entry of a hearing's record. Append-only: each carries the hash of the one before,
    so changing or deleting an entry breaks the chain (`vcourt record verify`)."""

    __tablename__ = "hearing_events"
    __table_args__ = (UniqueConstraint("hearing_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hearing_id: Mapped[str] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, … per hearing
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str | None] = mapped_column(String(32))  # participant id; None: the system
    type: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# Join-link state moved to the shared participant-link store; re-exported for old imports.
from conference.store.participant_links import ParticipantLinkRow  # noqa: E402

__all__ = ["HearingEventRow", "ParticipantLinkRow"]
