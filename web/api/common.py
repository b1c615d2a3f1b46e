"""Shared API shapes: strict input models, pages of results, court-time conversion."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from conference.domain.clock import COURT_TZ, to_court_time
from conference.domain.errors import NotFound
from conference.domain.inputs import Strict as Strict  # every API input shape builds on it

T = TypeVar("T")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# Times leave the API in court time with their offset (2026-11-23T09:00:00+07:00).
CourtTime = Annotated[
    datetime, PlainSerializer(lambda d: to_court_time(d, COURT_TZ).isoformat(), return_type=str)
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class PageQuery(Strict):
    limit: int = Field(default=50, ge=1, le=1000, description="how many items to return")
    offset: int = Field(default=0, ge=0, description="how many items to skip")


def page_of(items: list[T], total: int, query: PageQuery) -> Page[T]:
    """The page a list query asked for: its items and the total they were taken from."""
    return Page(items=items, total=total, limit=query.limit, offset=query.offset)


def found(value: T | None, what: str, key: str) -> T:
    if value is None:
        raise NotFound(f"{what} {key!r} does not exist")
    return value
