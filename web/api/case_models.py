"""Shapes of cases on the API. The case check itself (CaseIn, its rules and references) is
conference/store/case_check.py, shared with the import and scheduling's pull."""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError

from conference.domain.cases import CaseType, Confidentiality, PartyRole
from conference.store.case_check import CaseIn, CaseInvalid, PartyIn, structure_errors
from conference.store.tables import CaseRow
from web.api.common import CourtTime, Out, PageQuery, Strict
from web.problems import Problem


def case_problem(exc: CaseInvalid) -> Problem:
    """A case that failed its checks, as a 422 naming every field that is wrong."""
    detail = "; ".join(f"{e.field}: {e.message}" for e in exc.errors[:5])
    return Problem(422, "Invalid case", detail, errors=[e.model_dump() for e in exc.errors])


class CasePatch(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    court_code: str | None = Field(default=None, min_length=1, max_length=40)
    confidentiality: Confidentiality | None = None
    judges: list[str] | None = None
    parties: list[PartyIn] | None = Field(default=None, description="replaces the whole list")


class PartyOut(Out):
    name: str
    role: PartyRole
    email: str | None
    phone: str | None
    address: str | None
    id_number: str | None


class CaseOut(Out):
    id: str
    case_number: str
    case_type: CaseType
    court_code: str
    title: str
    confidentiality: Confidentiality
    judges: list[str]
    parties: list[PartyOut]
    created_at: CourtTime
    updated_at: CourtTime


class CaseQuery(PageQuery):
    court_code: str | None = None
    case_type: CaseType | None = None
    confidentiality: Confidentiality | None = None
    case_number: str | None = Field(default=None, description="exact case number")
    q: str | None = Field(default=None, description="text to find in the title or number")


def case_out(row: CaseRow) -> CaseOut:
    return CaseOut.model_validate(row)


def patched(row: CaseRow, patch: CasePatch) -> CaseIn:
    data: dict[str, Any] = {
        "case_number": row.case_number,
        "case_type": row.case_type,
        "court_code": row.court_code,
        "title": row.title,
        "confidentiality": row.confidentiality,
        "judges": list(row.judges),
        "parties": [PartyIn.model_validate(p, from_attributes=True) for p in row.parties],
    }
    data.update(patch.model_dump(exclude_unset=True))
    try:
        return CaseIn.model_validate(data)
    except ValidationError as exc:
        raise CaseInvalid(structure_errors(exc)) from exc
