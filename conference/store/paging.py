"""One page of a list, and how many items the whole list has (every list API pages so)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

R = TypeVar("R")


async def one_page(
    session: AsyncSession,
    stmt: Select[R],
    *,
    order_by: Sequence[Any],
    limit: int,
    offset: int,
) -> tuple[list[R], int]:
    """The rows of `stmt` (already filtered) from `offset`, at most `limit`, in `order_by`
    order — which should end with a unique column, so pages neither repeat nor skip a row —
    and the count of all its rows. Rows loaded with joined relationships come once each."""
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = await session.scalars(stmt.order_by(*order_by).limit(limit).offset(offset))
    return list(rows.unique()), total
