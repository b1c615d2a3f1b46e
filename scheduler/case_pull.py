"""Pull cases from the court's case management system (`case_pull_url`) into `cases`.

The source answers GET with a JSON list of case objects (as for POST /api/v1/cases), a JSON
object `{"items": [...]}`, or CSV in the import format (by Content-Type). Each row goes
through the same check and upsert as the import API (conference/store/case_import.py), each in
its own transaction, and the report says what became of each row. A source that cannot be read (no
answer in time, an HTTP error, a body that is neither) raises `PullFailed` with the reason;
nothing is written then.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import aiohttp
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.errors import DomainError
from conference.settings import Settings
from conference.store.case_import import ImportReport, import_rows, rows_from_csv
from scheduler.jobs import JobContext

log = logging.getLogger("vcourt.scheduler.case_pull")


class PullFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PullReport(BaseModel):
    source: str
    fetched_at: datetime
    report: ImportReport


async def fetch_rows(settings: Settings) -> list[Any]:
    url = settings.case_pull_url
    if not url:
        raise PullFailed("VCOURT_CASE_PULL_URL is not set: there is no case system to pull from")
    headers = {"Accept": "application/json, text/csv"}
    if settings.case_pull_key is not None:
        headers["Authorization"] = f"Bearer {settings.case_pull_key.get_secret_value()}"
    timeout = aiohttp.ClientTimeout(total=settings.channel_timeout_s)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as http,
            http.get(url, headers=headers) as resp,
        ):
            raw = await resp.read()
            if resp.status != 200:
                text = raw[:200].decode("utf-8", "replace")
                raise PullFailed(f"the case system answered HTTP {resp.status}: {text}".strip())
            kind = resp.content_type
    except TimeoutError as exc:
        raise PullFailed(
            f"the case system did not answer within {settings.channel_timeout_s:g} s"
        ) from exc
    except aiohttp.ClientError as exc:
        raise PullFailed(f"the case system could not be reached: {exc}") from exc
    return _rows(raw, kind)


def _rows(raw: bytes, kind: str) -> list[Any]:
    if kind == "text/csv":
        try:
            return rows_from_csv(raw)
        except DomainError as exc:
            raise PullFailed(
                f"the case system sent CSV that cannot be read: {exc.message}"
            ) from exc
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PullFailed(
            f"the case system sent {kind or 'a body'} that is neither JSON nor CSV ({exc})"
        ) from exc
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        raise PullFailed(
            'the case system sent JSON that is not a list of cases or {"items": [...]}'
        )
    return data


async def pull_cases(
    sessions: Callable[[], AsyncSession], settings: Settings, now: datetime
) -> PullReport:
    rows = await fetch_rows(settings)
    report = await import_rows(sessions, now, rows)
    log.info(
        "pulled %d cases: %d created, %d updated, %d unchanged, %d refused",
        report.total,
        report.created,
        report.updated,
        report.unchanged,
        report.error,
    )
    assert settings.case_pull_url is not None
    return PullReport(source=settings.case_pull_url, fetched_at=now, report=report)


async def pull_job(ctx: JobContext) -> int:
    """The periodic pull (every `case_pull_interval_min`): failures are logged and retried at
    the next interval."""
    try:
        pulled = await pull_cases(ctx.sessions, ctx.settings, ctx.clock())
    except PullFailed as exc:
        log.warning("case pull failed: %s", exc.reason)
        return 0
    return pulled.report.total
