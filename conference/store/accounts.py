"""Staff accounts for the pages: sessions and sign-in attempts.

A session row is keyed by the SHA-256 of the random id in the cookie, so a copy of the database
does not hand out live sessions. Sign-in attempts are kept (username, address, outcome) both for
the lockout rule and as an audit trail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from conference.store.base import Base, UtcDateTime


class StaffSessionRow(Base):
    __tablename__ = "staff_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(
        ForeignKey("staff.username", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    address: Mapped[str | None] = mapped_column(String(64))


class SignInAttemptRow(Base):
    __tablename__ = "sign_in_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
