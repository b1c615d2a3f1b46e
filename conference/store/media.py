"""Media tables: recordings and their hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from conference.store.base import Base, UtcDateTime, new_id


class RecordingRow(Base):
    """One recorded file: a participant's audio or video in a hearing. The file lives under the
    recordings directory at `path` (relative, so the data dir can move); `sha256` is the hash
    computed when the file was closed, the one written into the hearing record."""

    __tablename__ = "recordings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # no cascade: a recording is evidence and outlives nothing silently
    hearing_id: Mapped[str] = mapped_column(ForeignKey("hearings.id"), index=True)
    participant_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500), unique=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime)
    bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    packets: Mapped[int] = mapped_column(Integer)
    dropped: Mapped[int] = mapped_column(Integer)
