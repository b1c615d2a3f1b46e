"""Where signalling meets scheduling, through the hooks in conference/wiring/hooks.py (neither
area imports the other): a used link marks its notice opened; endpoints' stays feed the
per-site attendance; scheduled jobs move the live room; the hearing record goes to the case
system."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain import room_events as ev
from conference.domain.clock import Clock
from conference.domain.hearings import HearingState, Role
from conference.domain.room import Room
from conference.store.tables import HearingRow, ParticipantRow
from conference.wiring.hooks import LINK_OPENED_HOOKS, SITE_STAY_HOOKS
from signaling import record
from signaling.auth import Identity
from signaling.hub import Hub
from signaling.live import FINAL, Effect

_STARTS = (ev.ParticipantJoined, ev.ParticipantReconnected)
_ENDS = (
    ev.ParticipantDisconnected,
    ev.ParticipantLeft,
    ev.ParticipantRemoved,
    ev.ParticipantRejected,
)


def link_opened(app: web.Application, identity: Identity, clock: Clock) -> Effect | None:
    """The effect of a join by link: in the transaction that records the join, the notice
    that carried the link moves to `opened` (LINK_OPENED_HOOKS) — recorded with the join or
    not at all."""
    hooks, claims = app.get(LINK_OPENED_HOOKS, []), identity.link
    if claims is None or not hooks:
        return None

    async def effect(session: AsyncSession) -> None:
        for hook in hooks:
            await hook(session, claims, clock())

    return effect


def site_stays(app: web.Application) -> Any:
    """A record listener: an endpoint's join/reconnection begins a stay, its disconnection,
    leaving, removal or rejection ends it, and so does closing the hearing (SITE_STAY_HOOKS,
    in the same transaction as the record entries)."""

    async def listener(
        session: AsyncSession, hearing_id: str, events: list[ev.RoomEvent], room: Room
    ) -> None:
        hooks = app.get(SITE_STAY_HOOKS, [])
        if not hooks:
            return

        def endpoint(pid: str) -> bool:
            seat = room.seats.get(pid)
            return seat is not None and seat.role is Role.ENDPOINT

        stays: list[tuple[str, datetime, bool]] = []  # (participant, at, begins)
        for e in events:
            if isinstance(e, _STARTS) and endpoint(e.participant_id):
                stays.append((e.participant_id, e.at, True))
            elif isinstance(e, _ENDS) and endpoint(e.participant_id):
                stays.append((e.participant_id, e.at, False))
            elif isinstance(e, ev.HearingStateChanged) and e.new in FINAL:
                stays += [
                    (p, e.at, False) for p, s in room.seats.items() if endpoint(p) and s.connected
                ]
        if not stays:
            return
        found = await session.execute(
            select(ParticipantRow.id, ParticipantRow.endpoint_code).where(
                ParticipantRow.id.in_({p for p, _, _ in stays})
            )
        )
        codes: dict[str, str | None] = {row[0]: row[1] for row in found.all()}
        for pid, at, begins in stays:
            code = codes.get(pid)
            if code is None:
                continue
            for hook in hooks:
                await hook(session, hearing_id, code, at, None if begins else at)

    return listener


class HubRoomControl:
    """conference.wiring.hooks.RoomControl over this node's hub: the change runs under the
    hearing's lock like any command — recorded, saved for the other nodes, announced to
    everyone connected."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def __call__(
        self, hearing_id: str, new: HearingState, only_from: frozenset[HearingState], reason: str
    ) -> str:
        outcome: list[str] = []

        def change(room: Room) -> list[ev.RoomEvent]:
            if room.state is new:
                outcome.append(f"already {new.value}")
                return []
            if room.state not in only_from:
                outcome.append(f"skipped: the hearing is {room.state.value}")
                return []
            old = room.state
            events = room.system_change(new, self.hub.clock(), reason)
            outcome.append(f"{old.value} -> {new.value}")
            return events

        try:
            await self.hub.execute(hearing_id, change)
        finally:
            await self.hub.detach_if_idle(hearing_id)
        return outcome[0] if outcome else "nothing done"


_NUMBER = re.compile(r"\d{4,}")


def _mask(text: str | None) -> str | None:
    """Identity document numbers do not leave: all but their last 3 digits are masked."""
    if text is None:
        return None
    return _NUMBER.sub(lambda m: "•" * (len(m.group()) - 3) + m.group()[-3:], text)


async def hearing_record_part(
    session: AsyncSession, hearing: HearingRow, payload: dict[str, Any]
) -> None:
    """A conference.wiring.hooks.RecordPart: the hearing record (GET
    /api/v1/hearings/{id}/record's report, times in UTC) goes to the case system under
    `hearing_record`; the closing reason becomes the `outcome` when none is set."""
    rows = await record.entries(session, hearing.id)
    report = record.report(hearing, rows, utc=True)
    for check in report["identity_checks"]:
        check["document"], check["notes"] = _mask(check["document"]), _mask(check["notes"])
    report["verification"] = record.verify_rows(hearing.id, rows).__dict__
    payload["hearing_record"] = {
        k: report[k]
        for k in (
            "started_at",
            "closed_at",
            "duration_seconds",
            "attendance",
            "state_history",
            "identity_checks",
            "decisions",
            "entries",
            "last_hash",
            "verification",
        )
    }
    if payload.get("outcome") is None:
        closing = [s for s in report["state_history"] if s["to"] == HearingState.CLOSED.value]
        if closing and closing[-1]["reason"]:
            payload["outcome"] = closing[-1]["reason"]
