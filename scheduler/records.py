"""The signed hearing record sent back to the case management system when a hearing closes.

An outbox row is written (`record_outbox`, one per hearing, its JSON payload built then) for
every closed hearing that has none — whoever closed it (the judge through signalling, or the
job that closes rooms left open); the periodic `records` work finds them by state, so no path
can forget. A push POSTs the payload to `record_webhook_url`, signed, and the row stays
`pending` (attempts, last status, next attempt on the backoff schedule, then every last
interval) until the receiver answers 2xx: the outbox is in the database, so a restart loses
nothing, and the receiver deduplicates on `X-Vcourt-Delivery`.

Signature: `X-Vcourt-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}." + body)>` with
`X-Vcourt-Timestamp: <unix seconds>`; see docs/cases-integration.md.

The record's content comes from `base_record` and then each `RecordHook` in turn (a hook may
add or replace keys: signalling adds its event log, outcome and recording hashes).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.hearings import HearingState
from conference.settings import Settings
from conference.store.scheduling import RecordOutboxRow, SiteAttendanceRow
from conference.store.tables import HearingRow
from scheduler.jobs import JobContext

log = logging.getLogger("vcourt.scheduler.records")

RECORD_VERSION = 1
RecordHook = Callable[[AsyncSession, HearingRow, dict[str, Any]], Awaitable[None]]


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _minutes(a: datetime, b: datetime) -> int:
    return max(0, round((b - a).total_seconds() / 60))


async def base_record(session: AsyncSession, hearing: HearingRow, now: datetime) -> dict[str, Any]:
    """What the database knows of a closed hearing: when, who, which sites were there."""
    stays = (
        await session.scalars(
            select(SiteAttendanceRow)
            .where(SiteAttendanceRow.hearing_id == hearing.id)
            .order_by(SiteAttendanceRow.joined_at, SiteAttendanceRow.endpoint_code)
        )
    ).all()
    attendance = [
        {
            "endpoint_code": a.endpoint_code,
            "joined_at": _iso(a.joined_at),
            "left_at": _iso(a.left_at),
            "minutes": round(
                ((a.left_at or hearing.updated_at) - a.joined_at).total_seconds() / 60
            ),
        }
        for a in stays
    ]
    if stays:
        began = min(a.joined_at for a in stays)
        ended = max((a.left_at or hearing.updated_at) for a in stays)
    else:
        began, ended = hearing.starts_at, hearing.ends_at
    return {
        "type": "hearing.record",
        "version": RECORD_VERSION,
        "hearing_id": hearing.id,
        "kind": hearing.kind,
        "title": hearing.title,
        "state": hearing.state,
        "case": (
            {"id": hearing.case.id, "case_number": hearing.case.case_number}
            if hearing.case is not None
            else None
        ),
        "court_code": hearing.court_code,
        "scheduled": {"starts_at": _iso(hearing.starts_at), "ends_at": _iso(hearing.ends_at)},
        "closed_at": _iso(hearing.updated_at),
        "duration_minutes": _minutes(began, ended),
        "participants": [
            {
                "role": p.role,
                "name": p.name,
                "staff_username": p.staff_username,
                "endpoint_code": p.endpoint_code,
                "language": p.language,
            }
            for p in sorted(hearing.participants, key=lambda p: p.position)
        ],
        "attendance": attendance,
        "outcome": None,
        "recording_hashes": [],
        "generated_at": _iso(now),
    }


async def build_record(
    session: AsyncSession, hearing: HearingRow, hooks: Sequence[RecordHook], now: datetime
) -> dict[str, Any]:
    record = await base_record(session, hearing, now)
    for hook in hooks:
        await hook(session, hearing, record)
    return record


async def enqueue_closed_records(ctx: JobContext, hooks: Sequence[RecordHook]) -> int:
    """Write an outbox row for every closed hearing that has none. Returns how many."""
    if not ctx.settings.record_webhook_url:
        return 0
    now = ctx.clock()
    async with ctx.sessions() as s, s.begin():
        waiting = (
            await s.scalars(
                select(HearingRow)
                .where(
                    HearingRow.state == HearingState.CLOSED.value,
                    ~exists().where(RecordOutboxRow.hearing_id == HearingRow.id),
                )
                .limit(200)
            )
        ).unique()
        made = 0
        for hearing in waiting:
            payload = await build_record(s, hearing, hooks, now)
            s.add(
                RecordOutboxRow(
                    hearing_id=hearing.id,
                    payload=payload,
                    state="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            made += 1
    return made


def record_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact, keys sorted, UTF-8."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def next_delay(attempts: int, schedule: Sequence[int]) -> timedelta:
    """Backoff after `attempts` failed tries: the schedule, then its last step for ever."""
    steps = list(schedule) or [60]
    return timedelta(seconds=steps[min(attempts, len(steps)) - 1])


async def push_due_records(ctx: JobContext, *, limit: int = 50) -> int:
    """POST every due pending record once. Returns how many were acknowledged."""
    s = ctx.settings
    if not s.record_webhook_url:
        return 0
    now = ctx.clock()
    async with ctx.sessions() as session:
        due = (
            await session.scalars(
                select(RecordOutboxRow)
                .where(RecordOutboxRow.state == "pending", RecordOutboxRow.next_attempt_at <= now)
                .order_by(RecordOutboxRow.next_attempt_at)
                .limit(limit)
            )
        ).all()
        work = [(r.id, r.payload) for r in due]
    acknowledged = 0
    timeout = aiohttp.ClientTimeout(total=s.channel_timeout_s)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        for outbox_id, payload in work:
            status, error = await _post(http, s, outbox_id, payload, now)
            async with ctx.sessions() as session, session.begin():
                row = await session.get(RecordOutboxRow, outbox_id)
                if row is None or row.state != "pending":
                    continue
                row.attempts += 1
                row.last_status = status
                if status is not None and 200 <= status < 300:
                    row.state, row.acknowledged_at, row.last_error = "acknowledged", now, None
                    row.next_attempt_at = None
                    acknowledged += 1
                else:
                    row.last_error = error
                    row.next_attempt_at = now + next_delay(row.attempts, s.delivery_backoff_s)
                    log.warning(
                        "hearing record %s not acknowledged (attempt %d): %s",
                        row.hearing_id,
                        row.attempts,
                        error,
                    )
    return acknowledged


async def _post(
    http: aiohttp.ClientSession,
    s: Settings,
    outbox_id: str,
    payload: dict[str, Any],
    now: datetime,
) -> tuple[int | None, str]:
    if s.record_webhook_secret is None or not s.record_webhook_secret.get_secret_value():
        return None, "VCOURT_RECORD_WEBHOOK_SECRET is not set: records are not sent unsigned"
    body = record_body(payload)
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Vcourt-Delivery": outbox_id,
        "X-Vcourt-Timestamp": str(timestamp),
        "X-Vcourt-Signature": sign(
            s.record_webhook_secret.get_secret_value().encode(), timestamp, body
        ),
    }
    assert s.record_webhook_url is not None
    try:
        async with http.post(s.record_webhook_url, data=body, headers=headers) as resp:
            text = (await resp.text(errors="replace"))[:200]
            if 200 <= resp.status < 300:
                return resp.status, ""
            return resp.status, f"the receiver answered HTTP {resp.status}: {text}".strip()
    except TimeoutError:
        return None, f"the receiver did not answer within {s.channel_timeout_s:g} s"
    except (aiohttp.ClientError, OSError) as exc:
        return None, f"the receiver could not be reached: {exc}"
