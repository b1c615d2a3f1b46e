"""Fan-out: after a change, each of this node's connections gets what its person may see —
at most once per window per room, in one frame per connection."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from conference.domain import room_events as ev
from conference.domain.room import Room
from conference.domain.roster import IN_HEARING, entry, may_see, routing
from signaling.live import FINAL, MOVES, STAFF_ONLY, LiveRoom
from signaling.media import MediaBackend
from signaling.protocol import HearingView, RoomEventMessage, encode

log = logging.getLogger(__name__)


class FanOut:
    """Mixed into the Hub."""

    fan_out_window: float
    media: Callable[[], MediaBackend | None]

    def view(self, live: LiveRoom, room: Room) -> HearingView:
        raise NotImplementedError

    def snapshot(self, live: LiveRoom, room: Room, viewer: str, ref: str | None = None) -> str:
        raise NotImplementedError

    def _spawn(self, coro: Awaitable[Any]) -> None:
        raise NotImplementedError

    def _schedule_fan_out(self, live: LiveRoom, events: list[ev.RoomEvent]) -> None:
        """Fan out at most once per window per room: in a busy room each connection gets one
        frame for everything that happened meanwhile, instead of one frame per event."""
        live.outgoing += events
        if live.flush is not None:
            return
        loop = asyncio.get_running_loop()
        wait = max(0.0, live.last_flush + live.window - loop.time())
        live.flush = loop.call_later(wait, lambda: self._spawn(self._flush(live)))

    async def _flush(self, live: LiveRoom) -> None:
        live.flush = None
        live.last_flush = asyncio.get_running_loop().time()
        events, live.outgoing = live.outgoing, []
        if events:
            loop = asyncio.get_running_loop()
            started = loop.time()
            await self._fan_out(live, events)
            # a fan-out that took long means a big room: space them out so joins and
            # commands keep at least two thirds of this node's time
            live.window = max(self.fan_out_window, 2 * (loop.time() - started))

    async def _fan_out(self, live: LiveRoom, events: list[ev.RoomEvent]) -> None:
        room = live.room
        if room is None:
            return
        hearing = self.view(live, room)
        outbox: dict[str, list[str]] = {}
        for event in events:
            self._announce(live, room, hearing, event, outbox)
        for pid, texts in outbox.items():
            conn = live.connections.get(pid)
            if conn is None:
                continue
            if len(texts) == 1:
                await conn.send_text(texts[0])
            else:  # one frame for many messages: a busy room costs one write per connection
                await conn.send_text('{"v":1,"type":"batch","messages":[' + ",".join(texts) + "]}")
        for event in events:
            self._consequences(live, event)
        backend = self.media()
        if backend is not None:
            try:
                if room.state in FINAL:
                    await backend.end_hearing(live.hearing_id)
                else:
                    await backend.apply_room(live.hearing_id, routing(room), room.recording)
            except Exception:
                log.exception("media backend failed to apply the room's routing")

    def _announce(
        self,
        live: LiveRoom,
        room: Room,
        hearing: HearingView,
        event: ev.RoomEvent,
        outbox: dict[str, list[str]],
    ) -> None:
        subjects = [s for s in ev.subject_ids(event) if s in room.seats]
        data = event.model_dump(mode="json")
        staff_only = isinstance(event, STAFF_ONLY)
        moves = isinstance(event, MOVES)
        screened = any(room.seats[s].hidden_from for s in subjects)
        cache: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}
        by_class: dict[tuple[bool, bool], Any] = {}
        for pid in live.connections:
            viewer = room.seats.get(pid)
            if viewer is None:
                continue
            concerned = pid in subjects
            if staff_only and not viewer.is_staff and not concerned:
                if isinstance(event, ev.WitnessScreened) and pid in event.hidden_from:
                    outbox.setdefault(pid, []).append(self.snapshot(live, room, pid))
                continue
            inside = viewer.presence in IN_HEARING
            klass = (viewer.is_staff, inside)
            if screened or concerned or klass not in by_class:
                found = self._visibility(room, pid, subjects, inside)
                if not (screened or concerned):
                    by_class[klass] = found
            else:
                found = by_class[klass]
            if found is None:
                continue
            visible, hidden = found[0], found[1]
            text = cache.get((visible, hidden))
            if text is None:
                text = cache[(visible, hidden)] = encode(
                    RoomEventMessage(
                        v=1,
                        event=data,
                        entries=[entry(room.seats[s]) for s in visible],
                        hidden=list(hidden),
                        hearing=hearing,
                    )
                )
            out = outbox.setdefault(pid, [])
            out.append(text)
            if concerned and moves:
                out.append(self.snapshot(live, room, pid))

    @staticmethod
    def _visibility(room: Room, pid: str, subjects: list[str], inside: bool) -> Any:
        """(visible, hidden) subjects for this viewer, or None: tell them nothing."""
        unscreened = [s for s in subjects if pid not in room.seats[s].hidden_from]
        if subjects and not unscreened:
            return None
        visible = tuple(s for s in unscreened if may_see(room, pid, s))
        hidden = tuple(s for s in unscreened if s not in visible)
        if subjects and not visible and not inside:
            return None
        return (visible, hidden)

    def _consequences(self, live: LiveRoom, event: ev.RoomEvent) -> None:
        match event:
            case ev.ParticipantRemoved(participant_id=pid, reason=reason):
                self._end(live, pid, "removed", f"the court removed you from the hearing: {reason}")
            case ev.ParticipantRejected(participant_id=pid, reason=reason):
                self._end(live, pid, "rejected", f"the court did not admit you: {reason}")
            case ev.HearingStateChanged(new=new) if new in FINAL:
                for pid in list(live.connections):
                    self._end(live, pid, new.value, f"the hearing is {new.value}")

    def _end(self, live: LiveRoom, pid: str, reason: str, message: str) -> None:
        conn = live.connections.get(pid)
        if conn is not None:
            self._spawn(conn.end(reason, message))
