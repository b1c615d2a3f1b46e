"""The hearing record: append events to the hash chain, verify it, and report attendance.

Each entry's hash is sha256(prev_hash + canonical JSON of the entry), the first entry's
prev_hash is 64 zeros. Entries are written (and committed) before anything is announced.
The chain's storage (append, entries) is conference/store/hearing_record.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain import room_events as ev
from conference.domain.clock import to_court_time
from conference.domain.hearings import HearingState
from conference.store.hearing_record import GENESIS, append, canonical, chain_hash, entries
from conference.store.records import HearingEventRow
from conference.store.tables import HearingRow

# The chain storage above is re-exported for signalling's callers (hub, record API, CLI).
__all__ = ["GENESIS", "append", "canonical", "chain_hash", "entries"]


def as_event(row: HearingEventRow) -> ev.RoomEvent:
    return ev.event_from_record(row.type, {**row.data, "at": row.at, "actor": row.actor})


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    problem: str | None = None
    seq: int | None = None  # the first entry that does not check out


def verify_rows(hearing_id: str, rows: list[HearingEventRow]) -> Verification:
    prev = GENESIS
    for expected_seq, row in enumerate(rows, start=1):
        if row.seq != expected_seq:
            return Verification(
                False, len(rows), f"entry {expected_seq} is missing (found {row.seq})", expected_seq
            )
        if row.prev_hash != prev:
            return Verification(
                False,
                len(rows),
                f"entry {row.seq} ({row.type}) does not follow entry {row.seq - 1}:"
                " an entry before it was changed or removed",
                row.seq,
            )
        digest = chain_hash(
            prev, canonical(hearing_id, row.seq, row.at, row.actor, row.type, row.data)
        )
        if digest != row.hash:
            return Verification(
                False,
                len(rows),
                f"entry {row.seq} ({row.type} at {row.at.isoformat()}) was changed after it"
                " was written",
                row.seq,
            )
        prev = row.hash
    return Verification(True, len(rows))


async def verify(session: AsyncSession, hearing_id: str) -> Verification:
    return verify_rows(hearing_id, await entries(session, hearing_id))


# --- the record as a report -----------------------------------------------------------------

_STARTS = (ev.ParticipantJoined, ev.ParticipantReconnected)
_ENDS = (
    ev.ParticipantDisconnected,
    ev.ParticipantLeft,
    ev.ParticipantRemoved,
    ev.ParticipantRejected,
)


def report(
    hearing: HearingRow, rows: list[HearingEventRow], *, utc: bool = False
) -> dict[str, Any]:
    """Attendance (join/leave times, total time per person), duration, state history,
    identity checks, admission and recording decisions, and the recorded files with their
    hashes, in court time (or UTC, for the case system)."""

    def court(moment: datetime | None) -> str | None:
        if moment is None:
            return None
        return (moment if utc else to_court_time(moment)).isoformat()

    names = {p.id: (p.name, p.role) for p in hearing.participants}
    open_since: dict[str, datetime] = {}
    spans: dict[str, list[dict[str, Any]]] = {pid: [] for pid in names}
    states, checks, decisions, recordings = [], [], [], []
    started = closed = None
    for row in rows:
        event = as_event(row)
        if isinstance(event, _STARTS) and event.participant_id not in open_since:
            open_since[event.participant_id] = event.at
        elif isinstance(event, _ENDS) and event.participant_id in open_since:
            since = open_since.pop(event.participant_id)
            spans[event.participant_id].append({"joined": since, "left": event.at})
        match event:
            case ev.HearingStateChanged(old=old, new=new, reason=reason):
                states.append(
                    {
                        "at": court(event.at),
                        "from": old.value,
                        "to": new.value,
                        "by": names.get(event.actor or "", ("system",))[0],
                        "reason": reason,
                    }
                )
                if new is HearingState.IN_SESSION and started is None:
                    started = event.at
                if new is HearingState.CLOSED:
                    closed = event.at
            case ev.IdentityChecked():
                checks.append(
                    {
                        "at": court(event.at),
                        "participant": names[event.participant_id][0],
                        "participant_id": event.participant_id,
                        "checked_by": event.checked_by,
                        "document": event.document,
                        "verified": event.verified,
                        "notes": event.notes,
                    }
                )
            case ev.RecordingStarted() | ev.RecordingStopped():
                decisions.append(
                    {
                        "at": court(event.at),
                        "decision": event.type,
                        "participant": None,
                        "by": names.get(event.actor or "", ("system",))[0],
                        "reason": getattr(event, "reason", None),
                    }
                )
            case ev.RecordingSaved():
                recordings.append(
                    {
                        "participant": names.get(event.speaker_id, ("?",))[0],
                        "participant_id": event.speaker_id,
                        "kind": event.kind,
                        "file": event.file,
                        "sha256": event.sha256,
                        "bytes": event.bytes,
                        "started_at": court(event.started_at),
                        "ended_at": court(event.ended_at),
                    }
                )
            case ev.ParticipantAdmitted() | ev.ParticipantRejected() | ev.ParticipantRemoved():
                decisions.append(
                    {
                        "at": court(event.at),
                        "decision": event.type,
                        "participant": names[event.participant_id][0],
                        "by": names.get(event.actor or "", ("system",))[0],
                        "reason": getattr(event, "reason", None),
                    }
                )
    end = closed or (rows[-1].at if rows else None)
    for pid, since in open_since.items():
        spans[pid].append({"joined": since, "left": end})
    attendance = []
    for pid, (name, role) in names.items():
        total = sum(((s["left"] or s["joined"]) - s["joined"]).total_seconds() for s in spans[pid])
        attendance.append(
            {
                "participant_id": pid,
                "name": name,
                "role": role,
                "periods": [
                    {"joined": court(s["joined"]), "left": court(s["left"])} for s in spans[pid]
                ],
                "total_seconds": round(total, 3),
            }
        )
    return {
        "hearing_id": hearing.id,
        "title": hearing.title,
        "case_number": hearing.case.case_number if hearing.case else None,
        "state": hearing.state,
        "final": hearing.state == HearingState.CLOSED.value,
        "started_at": court(started),
        "closed_at": court(closed),
        "duration_seconds": (closed - started).total_seconds() if started and closed else None,
        "attendance": attendance,
        "state_history": states,
        "identity_checks": checks,
        "decisions": decisions,
        "recordings": recordings,  # each file's SHA-256 as chained in the record
        "entries": len(rows),
        "last_hash": rows[-1].hash if rows else GENESIS,
    }
