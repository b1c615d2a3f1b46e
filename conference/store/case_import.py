"""Bulk import of cases, with a report per row: the import API (web/api/cases.py, JSON or CSV)
and scheduling's pull from the case management system (scheduler/case_pull.py) both call it.

Each row is checked fully (structure, case-number form, court, judges) and written in its own
transaction, or not at all: a bad row never stops the good ones, and never leaves half a case.
Rows are matched on the canonical case number (upsert). A CSV file that cannot be read at all
raises Unreadable (not UTF-8, malformed) or InvalidValue (its header); nothing is written then.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.errors import DomainError, InvalidValue, Unreadable
from conference.store import cases_repo
from conference.store.case_check import (
    CaseInvalid,
    FieldError,
    check_case,
    check_update,
    parse_case_in,
)

log = logging.getLogger(__name__)

CASE_COLUMNS = ("case_number", "case_type", "court_code", "title", "confidentiality", "judges")
REQUIRED_COLUMNS = ("case_number", "court_code", "title")
PARTY_FIELDS = ("name", "role", "email", "phone", "address", "id_number")
_BAD_HEADER = "Invalid CSV header"
_PARTY_COLUMN = re.compile(r"^party(\d{1,2})_(" + "|".join(PARTY_FIELDS) + r")$")

CSV_EXAMPLE = (
    "case_number,court_code,title,confidentiality,judges,party1_name,party1_role,party1_email\n"
    "125/2026/TLST-DS,TAND-HN-BADINH,Tranh chấp hợp đồng vay tài sản,public,dung.lv,"
    "Nguyễn Văn Bình,plaintiff,binh.nv@example.vn\n"
)


class ImportStatus(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


class ImportRowReport(BaseModel):
    row: int = Field(description="1-based position among the data rows (CSV: header not counted)")
    case_number: str | None
    status: ImportStatus
    case_id: str | None = None
    errors: list[FieldError] = Field(default_factory=list)


class ImportReport(BaseModel):
    rows: list[ImportRowReport]
    total: int
    created: int
    updated: int
    unchanged: int
    error: int


def rows_from_csv(raw: bytes) -> list[Any]:
    """CSV (UTF-8, header row) to case objects; empty cells are left out."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(
            f"the file is not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'",
            title="CSV is not UTF-8",
        ) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        _check_header(header)
        return [_csv_row(record) for record in reader]
    except csv.Error as exc:
        raise Unreadable(f"line {reader.line_num}: {exc}", title="Malformed CSV") from exc


def _check_header(header: list[str]) -> None:
    if not header:
        raise InvalidValue("the file is empty: it needs a header row", title=_BAD_HEADER)
    unknown = [h for h in header if h not in CASE_COLUMNS and not _PARTY_COLUMN.match(h)]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    problems = []
    if unknown:
        problems.append("unknown column(s): " + ", ".join(repr(u) for u in unknown))
    if missing:
        problems.append("missing column(s): " + ", ".join(missing))
    if len(set(header)) != len(header):
        problems.append("a column is named twice")
    if problems:
        raise InvalidValue(
            "; ".join(problems)
            + ". Columns: "
            + ", ".join(CASE_COLUMNS)
            + ", and per party partyN_"
            + "/partyN_".join(PARTY_FIELDS)
            + " (N = 1, 2, …)",
            title=_BAD_HEADER,
        )


def _csv_row(record: dict[str | Any, Any]) -> Any:
    if None in record:  # more cells than the header
        return {"_csv": f"the row has {len(record[None])} more cell(s) than the header"}
    row: dict[str, Any] = {}
    parties: dict[int, dict[str, str]] = {}
    for key, value in record.items():
        cell = (value or "").strip()
        if not cell:
            continue
        if match := _PARTY_COLUMN.match(key):
            parties.setdefault(int(match[1]), {})[match[2]] = cell
        elif key == "judges":
            row["judges"] = [j.strip() for j in cell.split(";") if j.strip()]
        else:
            row[key] = cell
    if parties:
        row["parties"] = [parties[n] for n in sorted(parties)]
    return row


async def import_rows(
    sessions: Callable[[], AsyncSession], now: datetime, rows: list[Any]
) -> ImportReport:
    """Check and upsert each row in its own transaction; the report says what became of each.
    Used by the import API and by scheduling's pull from the case management system."""
    reports = [await import_row(sessions, now, n, data) for n, data in enumerate(rows, start=1)]
    counts = {s: sum(1 for r in reports if r.status is s) for s in ImportStatus}
    return ImportReport(
        rows=reports,
        total=len(reports),
        created=counts[ImportStatus.CREATED],
        updated=counts[ImportStatus.UPDATED],
        unchanged=counts[ImportStatus.UNCHANGED],
        error=counts[ImportStatus.ERROR],
    )


async def import_row(
    sessions: Callable[[], AsyncSession], now: datetime, n: int, data: Any
) -> ImportRowReport:
    number = data.get("case_number") if isinstance(data, dict) else None
    number = number if isinstance(number, str) else None
    if isinstance(data, dict) and "_csv" in data:
        return _error(n, number, [FieldError(field="row", message=data["_csv"])])
    try:
        body = parse_case_in(data)
        async with sessions() as s, s.begin():
            case = await check_case(s, body)
            number = str(case.case_number)
            row = await cases_repo.get_case_by_number(s, number)
            if row is None:
                row = cases_repo.write_case(s, None, case, now)
                status = ImportStatus.CREATED
            elif cases_repo.case_fields(case) == cases_repo.row_fields(row):
                status = ImportStatus.UNCHANGED
            else:
                await check_update(s, row, case)
                cases_repo.write_case(s, row, case, now)
                status = ImportStatus.UPDATED
            await s.flush()
            case_id = row.id
    except CaseInvalid as exc:
        return _error(n, number, exc.errors)
    except DomainError as exc:
        return _error(n, number, [FieldError(field=exc.field or "row", message=exc.message)])
    except SQLAlchemyError as exc:
        log.exception("import row %d (%s) could not be stored", n, number)
        message = f"could not be stored ({type(exc).__name__}); nothing was written for this row"
        return _error(n, number, [FieldError(field="row", message=message)])
    return ImportRowReport(row=n, case_number=number, status=status, case_id=case_id)


def _error(n: int, number: str | None, errors: list[FieldError]) -> ImportRowReport:
    return ImportRowReport(row=n, case_number=number, status=ImportStatus.ERROR, errors=errors)
