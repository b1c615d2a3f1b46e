"""The node's hub: runs commands on hearing rooms under the bus lock, writes the record before
announcing, and fans events out to this node's connections, each seeing what they may."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.domain import room_events as ev
from conference.domain.cases import Confidentiality
from conference.domain.clock import Clock
from conference.domain.errors import NotFound
from conference.domain.hearings import HearingKind, HearingState, Role
from conference.domain.room import Presence, Room, Seat
from conference.domain.roster import roster_for
from conference.settings import Settings
from conference.store.tables import HearingRow
from signaling import record
from signaling.bus import Bus, holder
from signaling.fanout import FanOut
from signaling.live import (
    FINAL,
    MAX_GROUP,
    Command,
    Connection,
    Effect,
    LiveRoom,
    Queued,
    RecordListener,
)
from signaling.media import MediaBackend
from signaling.protocol import Bye, HearingView, RoomSnapshot, encode

log = logging.getLogger(__name__)


class Hub(FanOut):
    def __init__(
        self,
        settings: Settings,
        bus: Bus,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        media: Callable[[], MediaBackend | None] = lambda: None,
    ) -> None:
        self.settings, self.bus, self.sessions, self.clock = settings, bus, sessions, clock
        self.media = media
        self.rooms: dict[str, LiveRoom] = {}
        self.admission = asyncio.Semaphore(8)  # concurrent link checks (database reads)
        self.tasks: set[asyncio.Task[Any]] = set()
        self.grace = timedelta(seconds=settings.signaling_reconnect_grace_seconds)
        self.fan_out_window = settings.signaling_fan_out_window_seconds
        self.presence_ttl = max(5, int(settings.signaling_heartbeat_seconds * 3))
        # Run inside every record transaction (site attendance for scheduling, …).
        self.listeners: list[RecordListener] = []

    # --- rooms ------------------------------------------------------------------------------

    async def attach(self, hearing_id: str) -> LiveRoom:
        live = self.rooms.get(hearing_id)
        if live is None:
            live = self.rooms[hearing_id] = LiveRoom(hearing_id)
            await self.bus.subscribe(hearing_id, lambda m: self._on_bus(hearing_id, m))
            await self.bus.hold(hearing_id)  # if this node dies, the others sweep this hearing
        return live

    async def detach_if_idle(self, hearing_id: str) -> None:
        live = self.rooms.get(hearing_id)
        if live is not None and not live.connections and not live.timers and not live.queue:
            del self.rooms[hearing_id]
            await self.bus.unsubscribe(hearing_id)
            if hearing_id not in self.rooms:  # not attached again meanwhile
                await self.bus.release(hearing_id)

    async def execute(
        self,
        hearing_id: str,
        command: Command,
        *,
        guard: Callable[[], Awaitable[bool]] | None = None,
        then: Callable[[Room], Awaitable[None]] | None = None,
        effect: Effect | None = None,
        alone: bool = False,
    ) -> list[ev.RoomEvent]:
        """Run a command on the room under the hearing's lock: record, save, then announce.
        `guard` is checked under the lock first; `then` runs under the lock once the events
        are stored (e.g. greeting the joiner). Commands that arrive while one runs are run
        together next, in order, in one transaction (group commit): each still succeeds or
        fails on its own, and a crowd costs one database commit per batch, not per person.
        `effect`, if the command succeeds, runs in the transaction that records its events.
        `alone`: not grouped with others, so its guard sees every earlier command complete
        (a join's connection registered)."""
        live = await self.attach(hearing_id)
        return await self.submit(live, command, guard=guard, then=then, effect=effect, alone=alone)

    def submit(
        self,
        live: LiveRoom,
        command: Command,
        *,
        guard: Callable[[], Awaitable[bool]] | None = None,
        then: Callable[[Room], Awaitable[None]] | None = None,
        effect: Effect | None = None,
        alone: bool = False,
    ) -> asyncio.Future[list[ev.RoomEvent]]:
        """Queue a command without waiting (a connection pipelines its commands; they run
        in the order submitted)."""
        future: asyncio.Future[list[ev.RoomEvent]] = asyncio.get_running_loop().create_future()
        live.queue.append(Queued(command, guard, then, future, effect, alone))
        if live.worker is None or live.worker.done():
            live.worker = asyncio.create_task(self._drain(live))
            self.tasks.add(live.worker)
            live.worker.add_done_callback(self.tasks.discard)
        return future

    async def _drain(self, live: LiveRoom) -> None:
        while live.queue:
            size = next(
                (i or 1 for i, q in enumerate(live.queue[:MAX_GROUP]) if q.alone), MAX_GROUP
            )
            batch, live.queue = live.queue[:size], live.queue[size:]
            try:
                await self._run_batch(live, batch)
            except BaseException as exc:
                for item in batch:
                    if not item.future.done():
                        item.future.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise

    async def _run_batch(self, live: LiveRoom, batch: list[Queued]) -> None:
        hearing_id = live.hearing_id
        async with self.bus.lock(hearing_id):
            room, pending = await self._current(live)
            base = room.version - sum(1 for e in pending if _changes(e))
            events = list(pending)
            outcomes: list[list[ev.RoomEvent] | BaseException] = []
            for item in batch:
                try:
                    if item.guard is not None and not await item.guard():
                        outcomes.append([])
                        continue
                    done = item.command(room)
                except Exception as exc:  # this command is refused; the others go on
                    outcomes.append(exc)
                    continue
                events += done
                outcomes.append(done)
            if events:
                try:
                    async with self.sessions() as session, session.begin():
                        await record.append(session, hearing_id, events)
                        for item, outcome in zip(batch, outcomes, strict=True):
                            if item.effect is not None and not isinstance(outcome, BaseException):
                                await item.effect(session)
                        for listener in self.listeners:
                            await listener(session, hearing_id, events, room)
                    data = room.model_dump_json() if self.bus.stores_room_data else ""
                    await self.bus.save_room(hearing_id, room.version, data, self._room_ttl)
                except BaseException:
                    live.room = None  # the replica holds unsaved changes: reload next time
                    raise
                await self.bus.publish(
                    hearing_id,
                    {
                        "kind": "events",
                        "origin": self.bus.node_id,
                        "base": base,
                        "version": room.version,
                        "title": live.title,
                        "events": [e.model_dump(mode="json") for e in events],
                    },
                )
            for item, outcome in zip(batch, outcomes, strict=True):
                if isinstance(outcome, BaseException):
                    item.future.set_exception(outcome)
                    continue
                if item.then is not None:
                    try:
                        await item.then(room)
                    except Exception as exc:
                        item.future.set_exception(exc)
                        continue
                item.future.set_result(outcome)

    @property
    def _room_ttl(self) -> int:
        return self.settings.signaling_room_ttl_seconds

    async def _current(self, live: LiveRoom) -> tuple[Room, list[ev.RoomEvent]]:
        stored = await self.bus.room_version(live.hearing_id)
        if live.room is not None and stored == live.room.version:
            return live.room, []
        if stored is not None:
            loaded = await self.bus.load_room(live.hearing_id)
            if loaded is not None:
                live.room = Room.model_validate_json(loaded[1])
                if not live.title:
                    live.title = await self._title(live.hearing_id)
                return live.room, []
        return await self._rebuild(live)

    async def _title(self, hearing_id: str) -> str:
        async with self.sessions() as session:
            hearing = await session.get(HearingRow, hearing_id)
        return hearing.title if hearing else ""

    async def _rebuild(self, live: LiveRoom) -> tuple[Room, list[ev.RoomEvent]]:
        """No stored room (first use, or Redis lost it): build it from the database and replay
        the hearing record; people the record shows connected but no node holds are marked
        disconnected (their grace period starts now)."""
        async with self.sessions() as session:
            hearing = await session.get(HearingRow, live.hearing_id)
            if hearing is None:
                raise NotFound(f"hearing {live.hearing_id!r} does not exist")
            rows = await record.entries(session, live.hearing_id)
        by_name = {p.name: p.id for p in hearing.participants}
        seats = {
            p.id: Seat(
                participant_id=p.id,
                role=Role(p.role),
                name=p.name,
                interprets_for=by_name.get(p.interprets_for or ""),
            )
            for p in hearing.participants
        }
        confidentiality = (
            Confidentiality(hearing.case.confidentiality)
            if hearing.case
            else Confidentiality.PUBLIC
        )
        room = Room(
            hearing_id=hearing.id,
            kind=HearingKind(hearing.kind),
            state=HearingState(hearing.state),
            confidentiality=confidentiality,
            seats=seats,
        )
        for row in rows:
            room.apply(record.as_event(row))
        room.state = HearingState(hearing.state)
        live.room, live.title = room, hearing.title
        pending: list[ev.RoomEvent] = []
        for pid, seat in room.seats.items():
            if seat.connected and await self.bus.presence(live.hearing_id, pid) is None:
                pending += room.disconnect(pid, self.clock())
                self._start_grace(live, pid)
        return room, pending

    def add_seat(self, room: Room, seat: Seat) -> None:
        """A participant added after the room was built; the version bump makes other nodes
        reload the stored room."""
        room.seats[seat.participant_id] = seat
        room.version += 1

    # --- connections ------------------------------------------------------------------------

    def view(self, live: LiveRoom, room: Room) -> HearingView:
        return HearingView(
            hearing_id=room.hearing_id,
            title=live.title,
            state=room.state.value,
            locked=room.locked,
            version=room.version,
            recording=room.recording,
        )

    def snapshot(self, live: LiveRoom, room: Room, viewer: str, ref: str | None = None) -> str:
        return encode(
            RoomSnapshot(
                v=1, id=ref, hearing=self.view(live, room), roster=roster_for(room, viewer)
            )
        )

    async def register(self, live: LiveRoom, conn: Connection) -> None:
        """Called under the lock once the join is stored: this connection now holds the
        participant; an older one (here or on another node) is ended."""
        pid = conn.participant_id
        old = live.connections.get(pid)
        live.connections[pid] = conn
        timer = live.timers.pop(pid, None)
        if timer:
            timer.cancel()
        await self.bus.set_presence(live.hearing_id, pid, self.holder(conn), self.presence_ttl)
        if old is not None and old is not conn:
            self._spawn(old.end("replaced", "you joined again from another window or device"))
        await self.bus.publish(
            live.hearing_id, {"kind": "kick", "participant_id": pid, "except": conn.id}
        )

    async def connection_lost(self, hearing_id: str, conn: Connection) -> None:
        live = self.rooms.get(hearing_id)
        if live is None:
            return
        pid = conn.participant_id
        if live.connections.get(pid) is conn:
            del live.connections[pid]

        async def still_theirs() -> bool:
            return await self.bus.clear_presence(hearing_id, pid, self.holder(conn))

        def lost(room: Room) -> list[ev.RoomEvent]:
            if room.state in FINAL:
                return []
            events = room.disconnect(pid, self.clock())
            if events:
                self._start_grace(live, pid)
            return events

        try:
            await self.execute(hearing_id, lost, guard=still_theirs)
        finally:
            await self.detach_if_idle(hearing_id)

    def holder(self, conn: Connection) -> str:
        """What the presence key holds: this node and the connection (a node that dies is
        known by the presence keys it leaves)."""
        return holder(self.bus.node_id, conn.id)

    def _start_grace(self, live: LiveRoom, pid: str, delay: float | None = None) -> None:
        loop = asyncio.get_running_loop()
        old = live.timers.pop(pid, None)
        if old:
            old.cancel()
        live.timers[pid] = loop.call_later(
            self.grace.total_seconds() if delay is None else delay,
            lambda: self._spawn(self._expire(live.hearing_id, pid)),
        )

    def _grace_left(self, seat: Seat) -> float | None:
        """Seconds left of a dropped participant's grace period; None if it does not run."""
        dropped = seat.presence not in (Presence.AWAY, Presence.REMOVED, Presence.REJECTED)
        if seat.connected or seat.disconnected_at is None or not dropped:
            return None
        return (self.grace - (self.clock() - seat.disconnected_at)).total_seconds()

    def keep_grace(self, live: LiveRoom, room: Room) -> None:
        """Run a grace timer here for everyone dropped who has none here (timers taken over
        from a dead node; a second timer elsewhere is harmless: expiry happens once)."""
        if room.state in FINAL:
            return
        for pid, seat in room.seats.items():
            left = self._grace_left(seat)
            if left is not None and pid not in live.timers:
                self._start_grace(live, pid, max(0.0, left))

    async def _expire(self, hearing_id: str, pid: str) -> None:
        live = self.rooms.get(hearing_id)
        if live is not None:
            live.timers.pop(pid, None)

        async def not_yet(room: Room) -> None:
            # The disconnection was timed by another node's clock (a timer taken over from a
            # dead node): if its grace has not quite run out here, wait for the rest.
            left = self._grace_left(room.seats[pid]) if pid in room.seats else None
            if left is not None and left > 0 and room.state not in FINAL:
                self._start_grace(self.rooms[hearing_id], pid, left + 0.05)

        await self.execute(
            hearing_id, lambda r: r.expire_grace(pid, self.clock(), self.grace), then=not_yet
        )
        await self.detach_if_idle(hearing_id)

    async def refresh_presence(self) -> None:
        for live in list(self.rooms.values()):
            for pid, conn in list(live.connections.items()):
                await self.bus.set_presence(
                    live.hearing_id, pid, self.holder(conn), self.presence_ttl
                )

    async def send_to(self, hearing_id: str, participant_id: str, message: BaseModel) -> None:
        """Deliver one message to a participant on whichever node holds them."""
        text = encode(message)
        live = self.rooms.get(hearing_id)
        conn = live.connections.get(participant_id) if live else None
        if conn is not None:
            await conn.send_text(text)
        else:
            await self.bus.publish(hearing_id, {"kind": "send", "to": participant_id, "text": text})

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def close(self) -> None:
        """Let in-flight work (recording disconnections) finish, then stop the rest."""
        for live in self.rooms.values():
            for timer in live.timers.values():
                timer.cancel()
            if live.flush is not None:
                live.flush.cancel()
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=5)
        for task in list(self.tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # --- the bus ----------------------------------------------------------------------------

    async def _on_bus(self, hearing_id: str, messages: list[dict[str, Any]]) -> None:
        live = self.rooms.get(hearing_id)
        if live is None:
            return
        announced: list[ev.RoomEvent] = []
        for message in messages:
            match message.get("kind"):
                case "events":
                    events = [ev.EVENT_ADAPTER.validate_python(e) for e in message["events"]]
                    if message["origin"] != self.bus.node_id:
                        await self._follow(live, message, events)
                    announced += events
                case "send":
                    conn = live.connections.get(message["to"])
                    if conn is not None:
                        await conn.send_text(message["text"])
                case "kick":
                    conn = live.connections.get(message["participant_id"])
                    if conn is not None and conn.id != message["except"]:
                        del live.connections[conn.participant_id]
                        self._spawn(conn.end("replaced", "you joined again from another device"))
        if announced:
            self._schedule_fan_out(live, announced)

    async def _follow(
        self, live: LiveRoom, message: dict[str, Any], events: list[ev.RoomEvent]
    ) -> None:
        """Keep this node's replica in step with another node's change."""
        live.title = live.title or message.get("title", "")
        room = live.room
        if room is not None and room.version >= message["version"]:
            return
        if room is not None and room.version == message["base"]:
            for event in events:
                room.apply(event)
            return
        loaded = await self.bus.load_room(live.hearing_id)
        live.room = Room.model_validate_json(loaded[1]) if loaded else None


def _changes(event: ev.RoomEvent) -> bool:
    return not isinstance(event, ev.RECORDED_ONLY)


def bye(reason: str, message: str) -> str:
    return encode(Bye(v=1, reason=reason, message=message))
