"""Busy intervals: what each active hearing ties up, one row per person or endpoint, so that
finding a clash is an index lookup and two clashing bookings cannot both be stored.

`busy_intervals` is derived from the hearings and never written by hand: every flush that
adds, moves, cancels or closes a hearing, or changes its participants or endpoints, rewrites
that hearing's rows in the same transaction (`BookingSession`, the session class of every
session `conference.store.db.session_factory` makes). Which people and endpoints a hearing
ties up is the domain's rule (`conference.domain.booking.booking_of`, `Booking.resources`).

Check-then-save is made atomic per database: on PostgreSQL an exclusion constraint refuses
two overlapping rows of one resource, so of two bookings saved at the same moment one fails
(`is_double_booking`); on SQLite `hold_booking_lock` takes the database's write lock before
the check, so other writers wait until the booking is saved or refused.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    ForeignKey,
    Index,
    String,
    Text,
    bindparam,
    delete,
    event,
    insert,
    inspect,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column
from sqlalchemy.sql import Executable

from conference.domain.booking import Resource, booking_of, holds_resources
from conference.domain.hearings import MAX_DURATION
from conference.store.base import Base, UtcDateTime
from conference.store.tables import HearingEndpointRow, HearingRow, ParticipantRow

EXCLUSION_NAME = "busy_intervals_no_overlap"


class BusyIntervalRow(Base):
    """One resource (a person or an endpoint) tied up by one active hearing over its span."""

    __tablename__ = "busy_intervals"
    __table_args__ = (
        Index("ix_busy_intervals_resource", "resource_kind", "resource_key", "starts_at"),
        # Needs btree_gist (the migration creates it). Touching spans do not overlap: '[)'.
        ExcludeConstraint(
            ("resource_kind", "="),
            ("resource_key", "="),
            (text("tstzrange(starts_at, ends_at)"), "&&"),
            name=EXCLUSION_NAME,
            using="gist",
        ).ddl_if(dialect="postgresql"),
    )

    hearing_id: Mapped[str] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), primary_key=True
    )
    resource_kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    resource_key: Mapped[str] = mapped_column(Text, primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)


# --- kept in step with the hearings ---------------------------------------------------------


class _Attendee(NamedTuple):
    role: str
    name: str
    staff_username: str | None
    language: str | None
    endpoint_code: str | None


def rebuild(conn: Connection, hearing_ids: Collection[str]) -> int:
    """Rewrite the busy intervals of these hearings from what is stored now; returns the rows
    written. Rows are inserted in resource order, so that two transactions on PostgreSQL wait
    for each other's rows in the same order and never deadlock."""
    ids = sorted(set(hearing_ids))
    if not ids:
        return 0
    conn.execute(delete(BusyIntervalRow).where(BusyIntervalRow.hearing_id.in_(ids)))
    hearings = conn.execute(
        select(
            HearingRow.id,
            HearingRow.state,
            HearingRow.starts_at,
            HearingRow.ends_at,
            HearingRow.central_endpoint,
        ).where(HearingRow.id.in_(ids))
    ).all()
    active = [h for h in hearings if holds_resources(h.state)]
    if not active:
        return 0
    active_ids = [h.id for h in active]
    components: dict[str, list[str]] = defaultdict(list)
    for hid, code in conn.execute(
        select(HearingEndpointRow.hearing_id, HearingEndpointRow.endpoint_code).where(
            HearingEndpointRow.hearing_id.in_(active_ids)
        )
    ):
        components[hid].append(code)
    attendees: dict[str, list[_Attendee]] = defaultdict(list)
    for row in conn.execute(
        select(
            ParticipantRow.hearing_id,
            ParticipantRow.role,
            ParticipantRow.name,
            ParticipantRow.staff_username,
            ParticipantRow.language,
            ParticipantRow.endpoint_code,
        ).where(ParticipantRow.hearing_id.in_(active_ids))
    ):
        attendees[row[0]].append(_Attendee(*row[1:]))
    rows = [
        {
            "resource_kind": resource.kind,
            "resource_key": resource.key,
            "starts_at": h.starts_at,
            "ends_at": h.ends_at,
            "hearing_id": h.id,
        }
        for h in active
        for resource in booking_of(
            h.id,
            "",
            h.starts_at,
            h.ends_at,
            central_endpoint=h.central_endpoint,
            component_endpoints=components[h.id],
            attendees=attendees[h.id],
        ).resources
    ]
    rows.sort(key=lambda r: (r["resource_kind"], r["resource_key"], r["starts_at"]))
    if rows:
        conn.execute(insert(BusyIntervalRow), rows)
    return len(rows)


_HEARING_FIELDS = ("starts_at", "ends_at", "central_endpoint", "participants", "components")
_PARTICIPANT_FIELDS = ("hearing_id", "role", "name", "staff_username", "language", "endpoint_code")


def _changed(obj: object, fields: Iterable[str]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in fields)


def _hearing_ids_of(obj: object) -> set[str]:
    """The hearing(s) a participant or component row belongs to, before and after the flush,
    read without loading anything (the row may already be deleted)."""
    history = inspect(obj).attrs["hearing_id"].history
    return {v for v in (*history.added, *history.unchanged, *history.deleted) if v}


def touched_hearings(session: Session) -> set[str]:
    """The hearings whose busy intervals a flush may have changed."""
    ids: set[str] = set()
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, HearingRow):
            ids.add(obj.id)
        elif isinstance(obj, ParticipantRow | HearingEndpointRow):
            ids |= _hearing_ids_of(obj)
    for obj in session.dirty:
        if isinstance(obj, HearingRow):
            state = inspect(obj).attrs["state"].history
            was = [holds_resources(s) for s in (*state.deleted, *state.unchanged)]
            now = [holds_resources(s) for s in (*state.added, *state.unchanged)]
            if _changed(obj, _HEARING_FIELDS) or was != now:
                ids.add(obj.id)
        elif isinstance(obj, ParticipantRow) and _changed(obj, _PARTICIPANT_FIELDS):
            ids |= _hearing_ids_of(obj)
        elif isinstance(obj, HearingEndpointRow):
            ids |= _hearing_ids_of(obj)
    return ids


class BookingSession(Session):
    """The session every part of vcourt uses: after each flush, the busy intervals of the
    hearings it touched are rewritten on the same connection, in the same transaction."""


@event.listens_for(BookingSession, "after_flush")
def _keep_busy_intervals_in_step(session: Session, _flush: UOWTransaction) -> None:
    ids = touched_hearings(session)
    if ids:
        rebuild(session.connection(), ids)


# --- the check and the lock -----------------------------------------------------------------


@dataclass(frozen=True)
class BusySpan:
    hearing_id: str
    title: str  # the hearing's, to word a clash without loading the hearing
    resource: Resource
    starts_at: datetime
    ends_at: datetime


@lru_cache(maxsize=64)
def _overlapping(kinds: tuple[str, ...]) -> Executable:
    """The look-up for resources of these kinds, built once per set of kinds (building a
    statement costs more than running it): per kind, an index range on (kind, key, starts_at);
    the keys, the window and the hearing left out are parameters."""
    b, h = BusyIntervalRow.__table__.c, HearingRow.__table__.c
    parts = [
        select(h.id, h.title, b.resource_kind, b.resource_key, b.starts_at, b.ends_at)
        .join_from(BusyIntervalRow.__table__, HearingRow.__table__, h.id == b.hearing_id)
        .where(
            b.resource_kind == kind,
            b.resource_key.in_(bindparam(f"keys_{kind}", expanding=True)),
            b.starts_at >= bindparam("earliest"),
            b.starts_at < bindparam("end"),
            b.ends_at > bindparam("start"),
            b.hearing_id != bindparam("excluding"),
        )
        for kind in kinds
    ]
    return parts[0] if len(parts) == 1 else union_all(*parts)


async def busy_between(
    session: AsyncSession,
    resources: Iterable[Resource],
    start: datetime,
    end: datetime,
    *,
    excluding: str | None = None,
) -> list[BusySpan]:
    """The busy intervals of these resources that overlap [start, end), leaving out those of
    the hearing `excluding` (the one being changed). One index range per resource: a booking
    lasts at most MAX_DURATION, so the intervals that overlap start in [start - MAX, end)."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for r in resources:
        wanted[r.kind].append(r.key)
    if not wanted:
        return []
    kinds = tuple(sorted(wanted))
    params: dict[str, Any] = {f"keys_{kind}": sorted(wanted[kind]) for kind in kinds}
    params |= {
        "earliest": start - MAX_DURATION,
        "end": end,
        "start": start,
        "excluding": excluding or "",
    }
    conn = await session.connection()
    rows: Any = await conn.execute(_overlapping(kinds), params)
    return [BusySpan(hid, title, Resource(kind, key), a, z) for hid, title, kind, key, a, z in rows]


async def hold_booking_lock(session: AsyncSession) -> None:
    """Make the conflict check and the save that follows one step against other writers.

    SQLite: take the database's write lock now (`BEGIN IMMEDIATE`, waiting up to the busy
    timeout), so no other booking can be saved between this check and this save. Python's
    sqlite3 opens a transaction only before a write, and that write already took the lock,
    so a connection already in a transaction holds it. PostgreSQL: nothing to do; the
    exclusion constraint refuses the second of two clashing bookings when it is saved."""
    conn = await session.connection()
    if conn.dialect.name != "sqlite":
        return
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection
    if not driver.in_transaction:
        await conn.exec_driver_sql("BEGIN IMMEDIATE")


# PostgreSQL's detail of an exclusion violation: "Key (resource_kind, resource_key,
# tstzrange(starts_at, ends_at))=(endpoint, HN-P1, ["2026-11-23 02:00:00+00",…)) conflicts …"
_CLASHING_KEY = re.compile(r'\)=\((?P<kind>\w+), (?P<key>.*?), [\[(]"?\d{4}-')


def clashing_resource(exc: DBAPIError) -> Resource | None:
    """The person or endpoint PostgreSQL's exclusion constraint found booked twice."""
    found = _CLASHING_KEY.search(str(getattr(exc.orig, "detail", None) or ""))
    return Resource(found["kind"], found["key"]) if found else None


def is_double_booking(exc: DBAPIError) -> bool:
    """Whether PostgreSQL refused a save because another transaction booked one of the same
    resources at an overlapping time (the exclusion constraint), or because two such saves
    waited on each other (a deadlock, which it breaks by failing one)."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code == "40P01" or (code == "23P01" and EXCLUSION_NAME in str(exc.orig))
