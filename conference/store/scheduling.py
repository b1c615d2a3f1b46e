"""Scheduling tables: planned jobs, meeting series and attendance, notices, deliveries and
proof of service, endpoint pre-checks, and the outbox of hearing records.

Bookings themselves are the foundation's `hearings` rows; these tables hang off them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from conference.store.base import Base, UtcDateTime, new_id


class PlannedJobRow(Base):
    """The truth about time-driven work. APScheduler's job store only holds the timers; a job
    fires its effect once by flipping `state` pending -> done in the same transaction."""

    __tablename__ = "planned_jobs"
    __table_args__ = (Index("ix_planned_jobs_state_due", "state", "due_at"),)

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    hearing_id: Mapped[str | None] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(20), default="pending")
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    fired_by: Mapped[str | None] = mapped_column(String(120))
    result: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MeetingSeriesRow(Base):
    """A recurring multi-site meeting; each occurrence is a hearing of kind `meeting`."""

    __tablename__ = "meeting_series"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(300))
    court_code: Mapped[str] = mapped_column(ForeignKey("courts.code"))
    central_endpoint: Mapped[str | None] = mapped_column(ForeignKey("endpoints.code"))
    rrule: Mapped[str | None] = mapped_column(Text)
    first_start: Mapped[datetime] = mapped_column(UtcDateTime)
    duration_min: Mapped[int] = mapped_column(Integer)
    target: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MeetingOccurrenceRow(Base):
    __tablename__ = "meeting_occurrences"

    hearing_id: Mapped[str] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), primary_key=True
    )
    series_id: Mapped[str] = mapped_column(
        ForeignKey("meeting_series.id", ondelete="CASCADE"), index=True
    )
    sequence: Mapped[int] = mapped_column(Integer)


class SiteAttendanceRow(Base):
    """One stay of one endpoint in a meeting or hearing (signalling reports join and leave)."""

    __tablename__ = "site_attendance"
    __table_args__ = (Index("ix_site_attendance_hearing_endpoint", "hearing_id", "endpoint_code"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    hearing_id: Mapped[str] = mapped_column(ForeignKey("hearings.id", ondelete="CASCADE"))
    endpoint_code: Mapped[str] = mapped_column(ForeignKey("endpoints.code"))
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class EndpointPrecheckRow(Base):
    __tablename__ = "endpoint_prechecks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    hearing_id: Mapped[str] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    endpoint_code: Mapped[str] = mapped_column(String(40))
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ok: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(Text)


class NoticeRow(Base):
    """One version of the notice served on one participant. A new version supersedes the old
    one and rotates the participant's link (conference/store/participant_links.py, the one
    truth for link versions, revocation and PINs); `link_version` records which link version
    this notice carried (0: none — court staff sign in, a cancellation carries no link).

    `body_text` and `ics` are the court's copy: the link and the PIN left out. What was served,
    with them, is kept only in `sealed` (encrypted with the notice key; opened by the delivery
    worker alone, scheduler/notice_secrets.py) so that retries and reminders can send it again.
    """

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("participant_id", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    hearing_id: Mapped[str] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[str] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    link_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # summons, invitation
    language: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    ics: Mapped[str] = mapped_column(Text)
    sealed: Mapped[str | None] = mapped_column(Text)
    pin_sent_by: Mapped[str | None] = mapped_column(String(20))  # sms, with_link; None: no PIN
    changes: Mapped[str | None] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DeliveryRow(Base):
    """One attempt to serve one notice version over one channel; written before sending."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_state_next", "state", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    notice_id: Mapped[str] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    provider_message_id: Mapped[str | None] = mapped_column(String(200), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DeliveryEventRow(Base):
    """Append-only log of every state a delivery reached, with what the provider said."""

    __tablename__ = "delivery_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("deliveries.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    detail: Mapped[str | None] = mapped_column(Text)


class RecordOutboxRow(Base):
    """A hearing record waiting to be acknowledged by the case management system."""

    __tablename__ = "record_outbox"
    __table_args__ = (Index("ix_record_outbox_state_next", "state", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    hearing_id: Mapped[str] = mapped_column(ForeignKey("hearings.id"), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20))  # pending, acknowledged
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
