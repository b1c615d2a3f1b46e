"""Case records in the database: look-ups, listing and writing one case with its parties.

Shared by the API, the importer and the demo seed (and later by scheduling and signalling),
so every writer stores a case the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.cases import Case, CaseParty
from conference.domain.hearings import EDITABLE_STATES
from conference.store.paging import one_page
from conference.store.tables import CasePartyRow, CaseRow, CourtRow, HearingRow, StaffRow


@dataclass(frozen=True)
class CaseFilter:
    court_code: str | None = None
    case_type: str | None = None
    confidentiality: str | None = None
    case_number: str | None = None  # exact, canonical
    text: str | None = None  # in the title or the number
    limit: int = 50
    offset: int = 0


async def get_case(session: AsyncSession, case_id: str) -> CaseRow | None:
    return await session.get(CaseRow, case_id)


async def get_case_by_number(session: AsyncSession, case_number: str) -> CaseRow | None:
    return await session.scalar(select(CaseRow).where(CaseRow.case_number == case_number))


async def list_cases(session: AsyncSession, f: CaseFilter) -> tuple[list[CaseRow], int]:
    stmt = select(CaseRow)
    if f.court_code:
        stmt = stmt.where(CaseRow.court_code == f.court_code)
    if f.case_type:
        stmt = stmt.where(CaseRow.case_type == f.case_type)
    if f.confidentiality:
        stmt = stmt.where(CaseRow.confidentiality == f.confidentiality)
    if f.case_number:
        stmt = stmt.where(CaseRow.case_number == f.case_number)
    if f.text:
        like = f"%{f.text}%"
        stmt = stmt.where(or_(CaseRow.title.ilike(like), CaseRow.case_number.ilike(like)))
    order = (CaseRow.created_at.desc(), CaseRow.case_number)
    return await one_page(session, stmt, order_by=order, limit=f.limit, offset=f.offset)


async def court_exists(session: AsyncSession, code: str) -> bool:
    return await session.get(CourtRow, code) is not None


async def staff_by_username(session: AsyncSession, usernames: Iterable[str]) -> dict[str, StaffRow]:
    names = sorted(set(usernames))
    if not names:
        return {}
    rows = await session.scalars(select(StaffRow).where(StaffRow.username.in_(names)))
    return {r.username: r for r in rows}


async def open_hearings_of(session: AsyncSession, case_id: str) -> int:
    """Hearings of the case that are still to be held (scheduled or adjourned)."""
    stmt = select(func.count()).where(
        HearingRow.case_id == case_id,
        HearingRow.state.in_([s.value for s in EDITABLE_STATES]),
    )
    return await session.scalar(stmt) or 0


def _party_dict(p: CaseParty) -> dict[str, Any]:
    return {
        "name": p.name,
        "role": p.role.value,
        "email": p.email,
        "phone": p.phone,
        "address": p.address,
        "id_number": p.id_number,
    }


def case_fields(case: Case) -> dict[str, Any]:
    """What a case row holds, as plain values (to compare and to write)."""
    return {
        "case_number": str(case.case_number),
        "case_type": case.case_type.value,
        "court_code": case.court_code,
        "title": case.title,
        "confidentiality": case.confidentiality.value,
        "judges": list(case.judges),
        "parties": [_party_dict(p) for p in case.parties],
    }


def row_fields(row: CaseRow) -> dict[str, Any]:
    return {
        "case_number": row.case_number,
        "case_type": row.case_type,
        "court_code": row.court_code,
        "title": row.title,
        "confidentiality": row.confidentiality,
        "judges": list(row.judges),
        "parties": [
            {
                "name": p.name,
                "role": p.role,
                "email": p.email,
                "phone": p.phone,
                "address": p.address,
                "id_number": p.id_number,
            }
            for p in row.parties
        ],
    }


def write_case(session: AsyncSession, row: CaseRow | None, case: Case, now: datetime) -> CaseRow:
    """Insert the case, or overwrite `row` with it (parties replaced). The caller commits."""
    values = case_fields(case)
    parties = values.pop("parties")
    if row is None:
        row = CaseRow(created_at=now, **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
        row.parties.clear()
    row.updated_at = now
    row.parties.extend(CasePartyRow(position=i, **p) for i, p in enumerate(parties))
    return row
