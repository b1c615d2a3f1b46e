"""The hearing record's hash chain in storage: append entries, read them back.

Each entry's hash is sha256(prev_hash + canonical JSON of the entry); the first entry's
prev_hash is 64 zeros. Signalling appends (under the room's lock) through its hub; a
scheduled job running where there is no hub appends its state change here directly, so a
room rebuilt from the record agrees. Verification and reports: signaling/record.py.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain import room_events as ev
from conference.store.records import HearingEventRow
from conference.store.tables import HearingRow

GENESIS = "0" * 64


def canonical(
    hearing_id: str, seq: int, at: datetime, actor: str | None, type_: str, data: dict[str, Any]
) -> bytes:
    entry = {
        "hearing_id": hearing_id,
        "seq": seq,
        "at": at.isoformat(),
        "actor": actor,
        "type": type_,
        "data": data,
    }
    return orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)


def chain_hash(prev_hash: str, entry: bytes) -> str:
    return hashlib.sha256(prev_hash.encode() + entry).hexdigest()


async def append(
    session: AsyncSession, hearing_id: str, events: list[ev.RoomEvent]
) -> list[HearingEventRow]:
    """Add events to the hearing's chain inside the caller's transaction; hearing state
    changes are written to hearings.state in the same transaction."""
    if not events:
        return []
    last = (
        await session.execute(
            select(HearingEventRow.seq, HearingEventRow.hash)
            .where(HearingEventRow.hearing_id == hearing_id)
            .order_by(HearingEventRow.seq.desc())
            .limit(1)
        )
    ).first()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    rows = []
    for event in events:
        seq += 1
        data = event.model_dump(mode="json", exclude={"type", "at", "actor"})
        digest = chain_hash(
            prev, canonical(hearing_id, seq, event.at, event.actor, event.type, data)
        )
        row = HearingEventRow(
            hearing_id=hearing_id,
            seq=seq,
            at=event.at,
            actor=event.actor,
            type=event.type,
            data=data,
            prev_hash=prev,
            hash=digest,
        )
        session.add(row)
        rows.append(row)
        prev = digest
        if isinstance(event, ev.HearingStateChanged):
            hearing = await session.get(HearingRow, hearing_id)
            if hearing is not None:
                hearing.state = event.new.value
                hearing.updated_at = event.at
    await session.flush()
    return rows


async def entries(session: AsyncSession, hearing_id: str) -> list[HearingEventRow]:
    result = await session.scalars(
        select(HearingEventRow)
        .where(HearingEventRow.hearing_id == hearing_id)
        .order_by(HearingEventRow.seq)
    )
    return list(result)
