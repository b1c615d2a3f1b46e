"""The live state a node keeps per hearing, and what a connection offers the hub."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain import room_events as ev
from conference.domain.hearings import HearingState
from conference.domain.room import Room

Command = Callable[[Room], list[ev.RoomEvent]]
# Work done in the transaction that records a command's events (e.g. a notice opened).
Effect = Callable[[AsyncSession], Awaitable[None]]
# Called in every record transaction with all its events and the room after them.
RecordListener = Callable[[AsyncSession, str, list[ev.RoomEvent], Room], Awaitable[None]]
# Events that change what the subject sees: they get a fresh snapshot.
MOVES = (
    ev.ParticipantAdmitted,
    ev.WitnessCalled,
    ev.ParticipantSentOut,
    ev.MovedToConsultation,
    ev.ReturnedFromConsultation,
)
STAFF_ONLY = (
    ev.JoinRefused,
    ev.CommandRefused,
    ev.IdentityChecked,
    ev.WitnessScreened,
    ev.RecordingSaved,
)
FINAL = (HearingState.CLOSED, HearingState.CANCELLED)


class Connection(Protocol):
    id: str
    participant_id: str

    async def send_text(self, text: str) -> None: ...

    async def end(self, reason: str, message: str) -> None: ...

    async def drop(self) -> None:
        """Close without a `bye`: the client takes it for a dropped connection and rejoins."""


@dataclass
class LiveRoom:
    hearing_id: str
    title: str = ""
    room: Room | None = None
    connections: dict[str, Connection] = field(default_factory=dict)
    timers: dict[str, asyncio.TimerHandle] = field(default_factory=dict)
    queue: list[Queued] = field(default_factory=list)  # commands waiting for the lock
    worker: asyncio.Task[None] | None = None
    outgoing: list[ev.RoomEvent] = field(default_factory=list)  # events not yet fanned out
    flush: asyncio.TimerHandle | None = None
    last_flush: float = 0.0
    window: float = 0.0  # current fan-out spacing (grows with the room's fan-out cost)


@dataclass
class Queued:
    command: Command
    guard: Callable[[], Awaitable[bool]] | None
    then: Callable[[Room], Awaitable[None]] | None
    future: asyncio.Future[list[ev.RoomEvent]]
    effect: Effect | None = None
    alone: bool = False  # run in a group of its own (its guard sees earlier joins registered)


MAX_GROUP = 200  # commands per group commit
