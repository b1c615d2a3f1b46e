"""The one check every case passes before it is written (POST and PATCH of the API, each
imported or pulled row): structure by pydantic, rules by the domain, references (court,
judges) against the database. Errors are collected, not stopped at the first, so an import
report can list everything wrong with a row at once."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.cases import (
    Case,
    CaseNumber,
    CaseParty,
    CaseType,
    Confidentiality,
    PartyRole,
)
from conference.domain.errors import DomainError, NotAllowed
from conference.domain.inputs import Strict
from conference.store.cases_repo import court_exists, open_hearings_of, staff_by_username
from conference.store.tables import CaseRow

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 .-]{8,20}$")
_ID_NUMBER = re.compile(r"^(\d{9}|\d{12})$")


class FieldError(BaseModel):
    field: str
    message: str


class CaseInvalid(Exception):
    """A case failed its checks; `errors` names every field that is wrong."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class PartyIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    role: PartyRole
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=500)
    id_number: str | None = Field(default=None, description="CCCD (12 digits) or CMND (9)")

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is not None and not _EMAIL.match(v):
            raise ValueError(f"{v!r} is not an email address")
        return v

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        if v is not None and not _PHONE.match(v):
            raise ValueError(f"{v!r} is not a phone number (digits, e.g. 0912 345 678)")
        return v

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, v: str | None) -> str | None:
        if v is not None and not _ID_NUMBER.match(v):
            raise ValueError("an ID number is 12 digits (CCCD) or 9 digits (old CMND)")
        return v


class CaseIn(Strict):
    case_number: str = Field(
        min_length=1, max_length=40, description="số thụ lý, e.g. 12/2024/TLST-DS"
    )
    case_type: CaseType | None = Field(
        default=None, description="derived from the case number's type code when left out"
    )
    court_code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=300)
    confidentiality: Confidentiality = Confidentiality.PUBLIC
    judges: list[str] = Field(default_factory=list, description="staff usernames of judges")
    parties: list[PartyIn] = Field(default_factory=list)


def structure_errors(exc: ValidationError) -> list[FieldError]:
    return [
        FieldError(field=".".join(str(p) for p in e["loc"]) or "row", message=e["msg"])
        for e in exc.errors(include_url=False, include_input=False)
    ]


def parse_case_in(data: Any) -> CaseIn:
    """Structure only; raises CaseInvalid listing every field pydantic refused."""
    if not isinstance(data, dict):
        raise CaseInvalid([FieldError(field="row", message="a case is a JSON object")])
    try:
        return CaseIn.model_validate(data)
    except ValidationError as exc:
        raise CaseInvalid(structure_errors(exc)) from exc


async def check_case(session: AsyncSession, body: CaseIn) -> Case:
    """The domain rules and references; raises CaseInvalid with every problem found."""
    errors: list[FieldError] = []
    number: CaseNumber | None = None
    try:
        number = CaseNumber.parse(body.case_number)
    except DomainError as exc:
        errors.append(FieldError(field="case_number", message=exc.message))
    if not await court_exists(session, body.court_code):
        errors.append(
            FieldError(field="court_code", message=f"court {body.court_code!r} does not exist")
        )
    staff = await staff_by_username(session, body.judges)
    for i, username in enumerate(body.judges):
        row = staff.get(username)
        if row is None:
            message = f"staff member {username!r} does not exist"
        elif row.role != "judge":
            message = f"{username} ({row.full_name}) is a {row.role}, not a judge"
        else:
            continue
        errors.append(FieldError(field=f"judges.{i}", message=message))
    if len(set(body.judges)) != len(body.judges):
        errors.append(FieldError(field="judges", message="a judge is listed twice"))
    case: Case | None = None
    if number is not None:
        try:
            case = Case(
                case_number=number,
                case_type=body.case_type or number.case_type,
                court_code=body.court_code,
                title=body.title,
                confidentiality=body.confidentiality,
                judges=tuple(body.judges),
                parties=tuple(CaseParty(**p.model_dump()) for p in body.parties),
            )
        except DomainError as exc:
            errors.append(FieldError(field=exc.field or "row", message=exc.message))
    if errors or case is None:
        raise CaseInvalid(errors)
    return case


async def check_update(session: AsyncSession, row: CaseRow, case: Case) -> None:
    """A case cannot become a state secret while online hearings of it are still planned."""
    if case.confidentiality is Confidentiality.STATE_SECRET and row.confidentiality != (
        Confidentiality.STATE_SECRET.value
    ):
        planned = await open_hearings_of(session, row.id)
        if planned:
            raise NotAllowed(
                f"case {row.case_number} still has {planned} online hearing(s) planned; cancel"
                " them before classifying it as a state secret (online hearings are not allowed"
                " for state-secret cases)",
                field="confidentiality",
            )
