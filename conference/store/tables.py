"""Foundation tables: the court registry, staff and API tokens, cases, hearings, participants."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.store.base import Base, UtcDateTime, new_id


class CourtRow(Base):
    __tablename__ = "courts"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20), index=True)
    province: Mapped[str] = mapped_column(String(80), index=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("courts.code"), index=True)


class EndpointRow(Base):
    __tablename__ = "endpoints"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    court_code: Mapped[str] = mapped_column(ForeignKey("courts.code"), index=True)
    site_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), index=True)
    capabilities: Mapped[dict[str, Any]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)

    court: Mapped[CourtRow] = relationship(lazy="joined")


class StaffRow(Base):
    __tablename__ = "staff"

    username: Mapped[str] = mapped_column(String(60), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # admin, clerk, judge
    court_code: Mapped[str | None] = mapped_column(ForeignKey("courts.code"))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_username: Mapped[str | None] = mapped_column(ForeignKey("staff.username"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    case_type: Mapped[str] = mapped_column(String(20), index=True)
    court_code: Mapped[str] = mapped_column(ForeignKey("courts.code"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    confidentiality: Mapped[str] = mapped_column(String(20))
    judges: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    parties: Mapped[list[CasePartyRow]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        order_by="CasePartyRow.position",
        lazy="selectin",
    )


class CasePartyRow(Base):
    __tablename__ = "case_parties"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    id_number: Mapped[str | None] = mapped_column(String(40))

    case: Mapped[CaseRow] = relationship(back_populates="parties")


class HearingRow(Base):
    __tablename__ = "hearings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)
    court_code: Mapped[str] = mapped_column(ForeignKey("courts.code"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    central_endpoint: Mapped[str | None] = mapped_column(ForeignKey("endpoints.code"), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    case: Mapped[CaseRow | None] = relationship(lazy="joined")
    components: Mapped[list[HearingEndpointRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="HearingEndpointRow.endpoint_code"
    )
    participants: Mapped[list[ParticipantRow]] = relationship(
        back_populates="hearing",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ParticipantRow.position",
    )


class HearingEndpointRow(Base):
    """A component endpoint (điểm cầu thành phần) of a hearing or meeting."""

    __tablename__ = "hearing_endpoints"
    __table_args__ = (UniqueConstraint("hearing_id", "endpoint_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hearing_id: Mapped[str] = mapped_column(ForeignKey("hearings.id", ondelete="CASCADE"))
    endpoint_code: Mapped[str] = mapped_column(ForeignKey("endpoints.code"), index=True)


class ParticipantRow(Base):
    __tablename__ = "participants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    hearing_id: Mapped[str] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    staff_username: Mapped[str | None] = mapped_column(ForeignKey("staff.username"), index=True)
    endpoint_code: Mapped[str | None] = mapped_column(ForeignKey("endpoints.code"))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(40))
    interprets_for: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    hearing: Mapped[HearingRow] = relationship(back_populates="participants")
