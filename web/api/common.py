"""Shared API shapes: strict input models, pages of results, court-time conversion."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from conference.domain.clock import COURT_TZ, to_court_time
from conference.domain.courts import CODE_PATTERN
from conference.domain.errors import NotFound
from conference.domain.inputs import Strict as Strict  # every API input shape builds on it

T = TypeVar("T")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# Times leave the API in court time with their offset (2026-11-23T09:00:00+07:00).
CourtTime = Annotated[
    datetime, PlainSerializer(lambda d: to_court_time(d, COURT_TZ).isoformat(), return_type=str)
]


# Times and days the API takes lie in these years: wide enough for any hearing, record or
# receipt, and far from the ends of the calendar, where shifting by an offset overflows.
FIRST_YEAR, LAST_YEAR = 2000, 2099
D = TypeVar("D", date, datetime)


def within_years(moment: D) -> D:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(f"must lie in the years {FIRST_YEAR} to {LAST_YEAR}")
    return moment


# ISO 8601 in; without an offset it is court time (Asia/Ho_Chi_Minh).
ApiTime = Annotated[datetime, AfterValidator(within_years)]
ApiDay = Annotated[date, AfterValidator(within_years)]


def _duration(minutes: int) -> int:
    if not 5 <= minutes <= 720:
        raise ValueError("planned duration must be between 5 minutes and 12 hours (720 minutes)")
    return minutes


# A hearing's planned length, as the domain allows it (conference.domain.hearings), checked
# here too so that no number is too large to become a time.
DurationMinutes = Annotated[
    int,
    AfterValidator(_duration),
    WithJsonSchema({"type": "integer", "minimum": 5, "maximum": 720}),
]


USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,59}$"


def _code(value: str) -> str:
    if not CODE_PATTERN.match(value):
        raise ValueError(
            f"{value!r} is not a code: 2-40 upper-case letters, digits, '.', '_' or '-' (e.g."
            " TAND-HN-P1)"
        )
    return value


def _username(value: str) -> str:
    if not re.match(USERNAME_PATTERN, value):
        raise ValueError(
            f"{value!r} is not a username: 3-60 lower-case letters, digits, '.', '_' or '-'"
            " (e.g. dung.lv)"
        )
    return value


# A court or endpoint named in a body, and a staff member: checked for form here (an empty or
# malformed one is refused with the rule), for existence by the call.
Code = Annotated[
    str,
    AfterValidator(_code),
    WithJsonSchema({"type": "string", "pattern": CODE_PATTERN.pattern}),
]
Username = Annotated[
    str,
    AfterValidator(_username),
    WithJsonSchema({"type": "string", "pattern": USERNAME_PATTERN}),
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


# Deeper than this a list is not paged but filtered; the bound keeps the number well inside
# the 64-bit integers every database takes.
MAX_OFFSET = 10_000_000


class PageQuery(Strict):
    limit: int = Field(default=50, ge=1, le=1000, description="how many items to return")
    offset: int = Field(
        default=0, ge=0, le=MAX_OFFSET, description="how many items to skip (filter past 10^7)"
    )


def page_of(items: list[T], total: int, query: PageQuery) -> Page[T]:
    """The page a list query asked for: its items and the total they were taken from."""
    return Page(items=items, total=total, limit=query.limit, offset=query.offset)


def found(value: T | None, what: str, key: str) -> T:
    if value is None:
        raise NotFound(f"{what} {key!r} does not exist")
    return value
