"""Write finished recordings into the `recordings` table."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.media.recorder import RecordingInfo
from conference.store.media import RecordingRow


def relative_path(root: Path, path: Path) -> str:
    return str(path.resolve().relative_to(root.resolve()))


async def store_recording(
    sessions: async_sessionmaker[AsyncSession], root: Path, info: RecordingInfo
) -> RecordingRow:
    row = RecordingRow(
        hearing_id=info.hearing_id,
        participant_id=info.participant_id,
        kind=info.kind.value,
        path=relative_path(root, info.path),
        started_at=info.started_at,
        ended_at=info.ended_at,
        bytes=info.bytes,
        sha256=info.sha256,
        packets=info.packets,
        dropped=info.dropped,
    )
    async with sessions() as session, session.begin():
        session.add(row)
    return row
