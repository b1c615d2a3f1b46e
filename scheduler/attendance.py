"""Attendance per site: signalling records each endpoint's stays; the reports read them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.clock import to_utc
from conference.domain.errors import InvalidValue
from conference.domain.meetings import Site, Stay
from conference.store.scheduling import SiteAttendanceRow
from conference.store.tables import EndpointRow, HearingRow


async def record_site_attendance(
    session: AsyncSession,
    hearing_id: str,
    endpoint_code: str,
    joined_at: datetime,
    left_at: datetime | None,
) -> SiteAttendanceRow:
    """Signalling calls this when an endpoint joins (left_at None: a stay begins) and when it
    leaves (left_at given: the open stay that began at joined_at is closed, or a whole stay is
    recorded if none is open). Idempotent for a repeated call. Caller commits."""
    joined, left = to_utc(joined_at), to_utc(left_at) if left_at else None
    if left is not None and left < joined:
        raise InvalidValue("left_at is before joined_at", field="left_at")
    row = await session.scalar(
        select(SiteAttendanceRow).where(
            SiteAttendanceRow.hearing_id == hearing_id,
            SiteAttendanceRow.endpoint_code == endpoint_code,
            SiteAttendanceRow.joined_at == joined,
        )
    )
    if row is None:
        row = SiteAttendanceRow(
            hearing_id=hearing_id, endpoint_code=endpoint_code, joined_at=joined, left_at=left
        )
        session.add(row)
    elif left is not None:
        row.left_at = left
    await session.flush()
    return row


async def invited_sites(session: AsyncSession, hearing: HearingRow) -> list[Site]:
    codes = [
        *([hearing.central_endpoint] if hearing.central_endpoint else []),
        *sorted(c.endpoint_code for c in hearing.components),
    ]
    rows = {
        r.code: r
        for r in await session.scalars(select(EndpointRow).where(EndpointRow.code.in_(codes)))
    }
    return [
        Site(c, rows[c].site_name, rows[c].court_code, rows[c].court.name)
        for c in codes
        if c in rows
    ]


async def stays_of(session: AsyncSession, hearing_id: str) -> list[Stay]:
    rows = await session.scalars(
        select(SiteAttendanceRow)
        .where(SiteAttendanceRow.hearing_id == hearing_id)
        .order_by(SiteAttendanceRow.joined_at)
    )
    return [Stay(r.endpoint_code, r.joined_at, r.left_at) for r in rows]


async def record_site_stay(
    session: AsyncSession,
    hearing_id: str,
    endpoint_code: str,
    at: datetime,
    left_at: datetime | None,
) -> None:
    """conference.wiring.hooks.SiteStayHook, called by signalling in the transaction that records an
    endpoint's join (left_at None: a stay begins at `at`) or its leaving (the endpoint's open
    stay ends at left_at; nothing is open: nothing to end)."""
    if left_at is None:
        await record_site_attendance(session, hearing_id, endpoint_code, at, None)
        return
    open_stay = await session.scalar(
        select(SiteAttendanceRow)
        .where(
            SiteAttendanceRow.hearing_id == hearing_id,
            SiteAttendanceRow.endpoint_code == endpoint_code,
            SiteAttendanceRow.left_at.is_(None),
        )
        .order_by(SiteAttendanceRow.joined_at.desc())
        .limit(1)
    )
    if open_stay is not None:
        await record_site_attendance(
            session,
            hearing_id,
            endpoint_code,
            open_stay.joined_at,
            max(left_at, open_stay.joined_at),
        )
