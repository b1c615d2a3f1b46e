"""An asyncio client for the signalling protocol (tests, endpoint agents, the load generator).

    async with await SignalingClient.connect("http://127.0.0.1:8080") as c:
        welcome = await c.join(token=link_token)
        await c.request("admit", participant_id=pid)          # ack, or raises SignalingError
        event = await c.wait_for("room.event", lambda m: m.event["type"] == "hearing_state_changed")

The client keeps the roster and hearing state it is shown up to date (`c.roster`, `c.hearing`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable
from types import TracebackType
from typing import Any

import aiohttp
import orjson
from pydantic import ValidationError

from conference.domain.roster import RosterEntry
from signaling import protocol as p

Predicate = Callable[[Any], bool]


class SignalingError(Exception):
    """The server answered with an `error` message."""

    def __init__(self, error: p.Error) -> None:
        super().__init__(f"{error.code}: {error.message}")
        self.error = error
        self.code = error.code


class SignalingClient:
    def __init__(
        self,
        ws: aiohttp.ClientWebSocketResponse,
        session: aiohttp.ClientSession | None,
        *,
        light: bool = False,
    ) -> None:
        self.ws, self._session = ws, session
        # light: a load-generator participant; room events about others are only counted
        self.light = light
        self.events_seen = 0
        self.inbox: asyncio.Queue[p.ServerMessage | None] = asyncio.Queue()
        self.received: list[p.ServerMessage] = []
        self.unreadable: list[str] = []
        self.pending: dict[str, asyncio.Future[p.ServerMessage]] = {}
        self.roster: dict[str, RosterEntry] = {}
        self.hearing: p.HearingView | None = None
        self.participant_id: str | None = None
        self.closed_reason: str | None = None
        # called with every message as it arrives (e.g. a media agent answering the server's
        # media.offer), before it is queued for wait_for
        self.listeners: list[Callable[[p.ServerMessage], None]] = []
        self._ids = itertools.count(1)
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(
        cls,
        base_url: str,
        *,
        session: aiohttp.ClientSession | None = None,
        headers: dict[str, str] | None = None,
        heartbeat: float | None = None,
        light: bool = False,
    ) -> SignalingClient:
        """Open /ws on the server at base_url (http(s)://host:port)."""
        own = session is None
        session = session or aiohttp.ClientSession()
        url = base_url.rstrip("/").replace("http", "ws", 1) + "/ws"
        try:
            ws = await session.ws_connect(url, headers=headers, heartbeat=heartbeat)
        except Exception:
            if own:
                await session.close()
            raise
        return cls(ws, session if own else None, light=light)

    async def __aenter__(self) -> SignalingClient:
        return self

    async def __aexit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        if self._session is not None:
            await self._session.close()

    # --- sending ----------------------------------------------------------------------------

    def message(self, message_type: str, /, **fields: Any) -> p.ClientMessage:
        """Build (and validate, here) a client message with a fresh id."""
        fields.setdefault("id", f"c{next(self._ids)}")
        return p.CLIENT.validate_python({"v": 1, "type": message_type, **fields})

    async def send(self, message: p.ClientMessage | p.Message) -> None:
        await self.ws.send_str(p.encode(message))

    async def send_raw(self, text: str | bytes) -> None:
        if isinstance(text, bytes):
            await self.ws.send_bytes(text)
        else:
            await self.ws.send_str(text)

    async def request(
        self,
        message_type: str,
        /,
        within: float = 10.0,
        **fields: Any,
    ) -> p.ServerMessage:
        """Send a message and wait for the answer carrying its id; an `error` raises."""
        message = self.message(message_type, **fields)
        assert message.id is not None
        future: asyncio.Future[p.ServerMessage] = asyncio.get_running_loop().create_future()
        self.pending[message.id] = future
        try:
            await self.send(message)
            answer = await asyncio.wait_for(future, within)
        finally:
            self.pending.pop(message.id, None)
        if isinstance(answer, p.Error):
            raise SignalingError(answer)
        return answer

    async def join(
        self,
        *,
        token: str | None = None,
        pin: str | None = None,
        bearer: str | None = None,
        hearing_id: str | None = None,
        within: float = 10.0,
    ) -> p.Welcome:
        fields = {"token": token, "pin": pin, "bearer": bearer, "hearing_id": hearing_id}
        answer = await self.request(
            "join", within, **{k: v for k, v in fields.items() if v is not None}
        )
        assert isinstance(answer, p.Welcome)
        return answer

    # --- receiving --------------------------------------------------------------------------

    async def recv(self, within: float = 10.0) -> p.ServerMessage:
        message = await asyncio.wait_for(self.inbox.get(), within)
        if message is None:
            self.inbox.put_nowait(None)  # stay closed for the next reader
            raise ConnectionError(f"the server closed the connection ({self.closed_reason})")
        return message

    async def wait_for(
        self,
        kind: str | None = None,
        predicate: Predicate | None = None,
        within: float = 10.0,
    ) -> Any:
        """The next message of this type (and matching predicate); earlier ones are skipped
        (all stay in `received`)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            message = await self.recv(max(0.0, deadline - loop.time()))
            if (kind is None or message.type == kind) and (predicate is None or predicate(message)):
                return message

    async def wait_for_event(
        self,
        event_type: str,
        within: float = 10.0,
        **match: Any,
    ) -> p.RoomEventMessage:
        def wanted(m: p.RoomEventMessage) -> bool:
            e = m.event
            return e["type"] == event_type and all(e.get(k) == v for k, v in match.items())

        result: p.RoomEventMessage = await self.wait_for("room.event", wanted, within)
        return result

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                if frame.type is not aiohttp.WSMsgType.TEXT:
                    continue
                if self.light and self._skippable(frame.data):
                    self.events_seen += 1
                    continue
                try:
                    raw = orjson.loads(frame.data)
                except orjson.JSONDecodeError:
                    self.unreadable.append(frame.data)  # a server bug: tests assert it is empty
                    continue
                batch = (
                    raw["messages"]
                    if isinstance(raw, dict) and raw.get("type") == "batch"
                    else [raw]
                )
                for item in batch:
                    self._receive(item)
        finally:
            self.closed_reason = self.closed_reason or f"code {self.ws.close_code}"
            self.inbox.put_nowait(None)
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("the connection closed"))

    def _receive(self, raw: Any) -> None:
        if self.light and self._about_others(raw):
            self.events_seen += 1
            return
        try:
            message = p.SERVER.validate_python(raw)
        except ValidationError:
            self.unreadable.append(orjson.dumps(raw).decode())
            return
        self._track(message)
        for listener in self.listeners:
            listener(message)
        self.received.append(message)
        self.inbox.put_nowait(message)
        ref = getattr(message, "re", None) or (
            message.id if isinstance(message, p.Welcome | p.RoomSnapshot) else None
        )
        if ref is None and isinstance(message, p.ServerMediaAnswer):
            ref = message.id
        future = self.pending.get(ref) if ref else None
        if future is not None and not future.done():
            future.set_result(message)

    def _skippable(self, data: str) -> bool:
        """Light mode: room pushes that do not mention me are counted, not even decoded."""
        head = data[:48]
        if '"id":null,"type":"room.snapshot"' in head:
            return True  # the roster is not tracked in light mode
        pushed = '"type":"room.event"' in head or '"type":"batch"' in head
        return pushed and self.participant_id is not None and self.participant_id not in data

    def _about_others(self, raw: Any) -> bool:
        if not isinstance(raw, dict):
            return False
        if raw.get("type") == "room.snapshot" and raw.get("id") is None:
            return True
        if raw.get("type") != "room.event":
            return False
        event = raw.get("event") or {}
        me = self.participant_id
        return event.get("participant_id") != me and me not in (event.get("participant_ids") or ())

    def _track(self, message: p.ServerMessage) -> None:
        match message:
            case p.Welcome(participant_id=pid, roster=roster, hearing=hearing):
                self.participant_id, self.hearing = pid, hearing
                self.roster = {e.participant_id: e for e in roster}
            case p.RoomSnapshot(roster=roster, hearing=hearing):
                self.hearing = hearing
                self.roster = {e.participant_id: e for e in roster}
            case p.RoomEventMessage(entries=entries, hidden=hidden, hearing=hearing):
                if self.hearing is None or hearing.version >= self.hearing.version:
                    self.hearing = hearing
                for e in entries:
                    self.roster[e.participant_id] = e
                for pid in hidden:
                    self.roster.pop(pid, None)
            case p.Bye(reason=reason):
                self.closed_reason = reason
