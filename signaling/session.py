"""One WebSocket connection at /ws: validate each frame, dispatch it, answer every bad one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import Any

import orjson
from aiohttp import WSCloseCode, WSMsgType, hdrs, web

from conference.domain import room_events as ev
from conference.domain.errors import DomainError, NotAllowed
from conference.domain.origins import origin_allowed
from conference.domain.room import Room, Seat
from conference.domain.roster import may_exchange_media, roster_for
from conference.media.ice import ice_servers_for
from conference.store.tables import ParticipantRow
from conference.wiring.keys import CLOCK, SESSIONS, SETTINGS
from signaling import protocol as p
from signaling.auth import Identity, identify
from signaling.hub import Hub, LiveRoom, bye
from signaling.keys import HUB
from signaling.media import MediaBackend
from signaling.seams import link_opened

log = logging.getLogger(__name__)


class Session:
    """The server side of one connection; also the hub's `Connection`."""

    def __init__(self, request: web.Request, ws: web.WebSocketResponse, hub: Hub) -> None:
        self.request, self.ws, self.hub = request, ws, hub
        self.settings = request.app[SETTINGS]
        self.clock = request.app[CLOCK]
        self.id = uuid.uuid4().hex
        self.identity: Identity | None = None
        self.participant_id = ""
        self.media_started = False  # this connection sent a media offer
        self.tail: asyncio.Task[None] | None = None  # the last pipelined command's answer

    # --- Connection -------------------------------------------------------------------------

    async def send_text(self, text: str) -> None:
        if self.ws.closed:
            return
        with contextlib.suppress(ConnectionResetError, RuntimeError):
            await self.ws.send_str(text)

    async def send(self, message: p.Message) -> None:
        await self.send_text(p.encode(message))

    async def end(self, reason: str, message: str) -> None:
        await self.send_text(bye(reason, message))
        await self.ws.close(code=1000, message=reason.encode()[:100])

    async def drop(self) -> None:
        await self.ws.close(code=WSCloseCode.SERVICE_RESTART, message=b"rejoin")

    # --- the loop ---------------------------------------------------------------------------

    async def run(self) -> None:
        try:
            async for frame in self.ws:
                if frame.type is WSMsgType.TEXT:
                    await self.on_frame(frame.data)
                elif frame.type is WSMsgType.BINARY:
                    await self.send(
                        p.Error(
                            v=1,
                            code="binary_not_supported",
                            message="send messages as JSON text frames",
                        )
                    )
        finally:
            # The server may cancel this handler when the peer goes away; the cleanup (record
            # the disconnection, start the grace period) must still run to the end.
            cleanup = asyncio.ensure_future(self.closed())
            self.hub.tasks.add(cleanup)
            cleanup.add_done_callback(self.hub.tasks.discard)
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(cleanup)

    async def closed(self) -> None:
        if self.identity is None:
            return
        backend = self.backend()
        live = self.hub.rooms.get(self.identity.hearing_id)
        current = live is not None and live.connections.get(self.participant_id) is self
        if backend is not None and self.media_started and current:
            # not when a newer connection (a rejoin) already holds this participant's media
            with contextlib.suppress(Exception):
                await backend.close(self.identity.hearing_id, self.participant_id)
        await self.hub.connection_lost(self.identity.hearing_id, self)

    async def on_frame(self, data: str) -> None:
        message: p.ClientMessage | None = None
        try:
            message = p.decode(data, self.settings.signaling_max_frame_bytes)
            if self.identity is not None and message.type in p.COMMAND_TYPES:
                self.pipeline(message)
                return
            await self.settle()
            await self.dispatch(message)
        except Exception as exc:
            await self.settle()
            await self.refuse(message, exc)

    async def settle(self) -> None:
        """Answers go out in the order of the messages: wait for pipelined commands."""
        if self.tail is not None and not self.tail.done():
            await asyncio.wait([self.tail])

    def pipeline(self, message: p.ClientMessage) -> None:
        """Queue a command and read on; its `ack` or `error` follows the earlier answers."""
        live = self.hub.rooms[self.hearing_id]
        future = self.hub.submit(live, self.command(message))
        previous = self.tail

        async def answer() -> None:
            outcome: BaseException | None = None
            try:
                await future
            except Exception as exc:
                outcome = exc
            if previous is not None and not previous.done():
                await asyncio.wait([previous])
            if outcome is None:
                await self.ack(message)
            else:
                await self.refuse(message, outcome)

        self.tail = asyncio.ensure_future(answer())
        self.hub.tasks.add(self.tail)
        self.tail.add_done_callback(self.hub.tasks.discard)

    async def refuse(self, message: p.ClientMessage | None, exc: BaseException) -> None:
        match exc:
            case p.FrameError():
                await self.send(exc.reply())
            case DomainError() if message is not None:
                await self.send(
                    p.Error(
                        v=1,
                        code=exc.code,
                        message=exc.message,
                        re=message.id,
                        re_type=message.type,
                        field=exc.field,
                    )
                )
                if isinstance(exc, NotAllowed) and message.type in p.COMMAND_TYPES:
                    await self.record_refusal(message, exc)
            case _:
                log.error("signalling: failed to handle a message", exc_info=exc)
                await self.send(
                    p.Error(
                        v=1,
                        code="internal",
                        message="the server failed to handle this message; nothing was changed",
                        re=message.id if message else None,
                        re_type=message.type if message else None,
                    )
                )

    async def dispatch(self, message: p.ClientMessage) -> None:
        match message:
            case p.Ping():
                await self.send(p.Pong(v=1, re=message.id))
            case p.Join():
                if self.identity is not None:
                    raise _out_of_turn(message, "you have already joined on this connection")
                await self.join(message)
            case _ if self.identity is None:
                raise _out_of_turn(message, "send join first")
            case p.GetRoom():
                live, room = self.live()
                await self.send_text(self.hub.snapshot(live, room, self.participant_id, message.id))
            case p.Leave():
                await self.hub.execute(
                    self.hearing_id, lambda r: r.leave(self.participant_id, self.clock())
                )
                await self.ack(message)
                await self.end("left", "you left the hearing")
            case p.SignalOffer() | p.SignalAnswer() | p.SignalCandidate():
                await self.relay(message)
            case p.MediaOffer() | p.MediaAnswer() | p.MediaCandidate():
                await self.media(message)
            case _:
                await self.hub.execute(self.hearing_id, self.command(message))
                await self.ack(message)

    @property
    def hearing_id(self) -> str:
        assert self.identity is not None
        return self.identity.hearing_id

    def live(self) -> tuple[LiveRoom, Room]:
        live = self.hub.rooms[self.hearing_id]
        if live.room is None:
            raise DomainError("the room is being reloaded; try again")
        return live, live.room

    async def ack(self, message: p.Message) -> None:
        await self.send(p.Ack(v=1, re=message.id, re_type=getattr(message, "type", "")))

    # --- joining ----------------------------------------------------------------------------

    async def join(self, message: p.Join) -> None:
        async with self.hub.admission:  # a crowd joining at once queues here, not in the pool
            identity, refusal = await identify(self.request, message, self.settings, self.clock())
        if refusal is not None:
            if identity is not None:
                await self.hub.execute(
                    identity.hearing_id,
                    lambda r: [
                        ev.JoinRefused(
                            at=self.clock(),
                            participant_id=identity.participant_id,
                            reason=refusal.code,
                        )
                    ],
                )
                await self.hub.detach_if_idle(identity.hearing_id)
            raise refusal
        assert identity is not None
        pid = identity.participant_id
        missing = await self._seat_if_new(identity)

        def enter(room: Room) -> list[ev.RoomEvent]:
            if pid not in room.seats and missing is not None:
                self.hub.add_seat(room, missing)
            return room.join(pid, self.clock())

        async def greet(room: Room) -> None:
            live = self.hub.rooms[identity.hearing_id]
            await self.send(
                p.Welcome(
                    v=1,
                    id=message.id,
                    participant_id=pid,
                    role=identity.role.value,
                    name=room.seats[pid].name,
                    hearing=self.hub.view(live, room),
                    roster=roster_for(room, pid),
                    heartbeat_seconds=self.settings.signaling_heartbeat_seconds,
                    reconnect_grace_seconds=self.settings.signaling_reconnect_grace_seconds,
                    # only now, after the link's version and revocation were checked
                    ice_servers=[
                        s.as_json() for s in ice_servers_for(self.settings, pid, self.clock())
                    ],
                    media=self.backend() is not None,
                )
            )
            self.identity, self.participant_id = identity, pid
            await self.hub.register(live, self)

        try:
            await self.hub.execute(
                identity.hearing_id,
                enter,
                then=greet,
                effect=link_opened(self.request.app, identity, self.clock),
            )
        except NotAllowed as exc:
            why = exc.message
            await self.hub.execute(
                identity.hearing_id,
                lambda r: [ev.JoinRefused(at=self.clock(), participant_id=pid, reason=why)],
            )
            await self.hub.detach_if_idle(identity.hearing_id)
            raise p.FrameError("join_refused", exc.message, message.id, message.type) from None
        except DomainError:
            await self.hub.detach_if_idle(identity.hearing_id)
            raise

    async def _seat_if_new(self, identity: Identity) -> Seat | None:
        live = await self.hub.attach(identity.hearing_id)
        if live.room is not None and identity.participant_id in live.room.seats:
            return None
        async with self.request.app[SESSIONS]() as session:
            row = await session.get(ParticipantRow, identity.participant_id)
        if row is None:
            return None
        return Seat(participant_id=row.id, role=identity.role, name=row.name)

    # --- commands ---------------------------------------------------------------------------

    def command(self, message: p.ClientMessage) -> Any:
        me, now = self.participant_id, self.clock

        def run(room: Room) -> list[ev.RoomEvent]:
            match message:
                case p.Admit(participant_id=t):
                    return room.admit(me, t, now())
                case p.Reject(participant_id=t, reason=reason):
                    return room.reject(me, t, now(), reason)
                case p.Mute(participant_id=t, audio=a, video=v):
                    return room.mute(me, t, now(), audio=a, video=v)
                case p.Unmute(participant_id=t, audio=a, video=v):
                    return room.unmute(me, t, now(), audio=a, video=v)
                case p.Remove(participant_id=t, reason=reason):
                    return room.remove(me, t, now(), reason)
                case p.Lock():
                    return room.lock(me, now())
                case p.Unlock():
                    return room.unlock(me, now())
                case p.CallWitness(participant_id=t):
                    return room.call_witness(me, t, now())
                case p.SendOut(participant_id=t):
                    return room.send_out(me, t, now())
                case p.MoveToConsultation(participant_ids=ts):
                    return room.move_to_consultation(me, list(ts), now())
                case p.ReturnFromConsultation(participant_ids=ts):
                    return room.return_from_consultation(me, list(ts), now())
                case p.OpenRoom():
                    return room.open(me, now())
                case p.Start():
                    return room.start(me, now())
                case p.Pause(reason=reason):
                    return room.pause(me, now(), reason)
                case p.Resume():
                    return room.resume(me, now())
                case p.Adjourn(reason=reason):
                    return room.adjourn(me, now(), reason)
                case p.Close(reason=reason):
                    return room.close(me, now(), reason)
                case p.RecordIdentityCheck(participant_id=t) as m:
                    return room.record_identity_check(
                        me, t, now(), document=m.document, verified=m.verified, notes=m.notes
                    )
                case p.ScreenWitness(participant_id=t, hidden_from=hidden):
                    return room.screen_witness(me, t, list(hidden), now())
                case p.LinkInterpreter(interpreter_id=i, participant_id=t):
                    return room.link_interpreter(me, i, t, now())
                case p.StartRecording():
                    return room.start_recording(me, now())
                case p.StopRecording():
                    return room.stop_recording(me, now())
            raise p.FrameError("unknown_type", f"unknown message type {message.type!r}")

        return run

    async def record_refusal(self, message: p.ClientMessage, exc: NotAllowed) -> None:
        target = getattr(message, "participant_id", None)
        with contextlib.suppress(Exception):
            await self.hub.execute(
                self.hearing_id,
                lambda r: [
                    ev.CommandRefused(
                        at=self.clock(),
                        actor=self.participant_id,
                        action=message.type,
                        reason=exc.message,
                        participant_id=target if isinstance(target, str) else None,
                    )
                ],
            )

    # --- WebRTC relay and media -------------------------------------------------------------

    async def relay(self, message: p.SignalOffer | p.SignalAnswer | p.SignalCandidate) -> None:
        _, room = self.live()
        if message.to not in room.seats or not may_exchange_media(
            room, self.participant_id, message.to
        ):
            raise NotAllowed(
                "you may not exchange media with that participant now (they are elsewhere,"
                " not connected, or screened)",
                field="to",
            )
        sender = self.participant_id
        fields = message.model_dump(exclude={"to", "id"})
        fields["from"] = sender
        out: p.Message
        match message:
            case p.SignalOffer():
                out = p.RelayedOffer.model_validate(fields)
            case p.SignalAnswer():
                out = p.RelayedAnswer.model_validate(fields)
            case p.SignalCandidate():
                out = p.RelayedCandidate.model_validate(fields)
        await self.hub.send_to(self.hearing_id, message.to, out)

    def backend(self) -> MediaBackend | None:
        return self.hub.media()

    async def media(self, message: p.MediaOffer | p.MediaAnswer | p.MediaCandidate) -> None:
        backend = self.backend()
        if backend is None:
            raise p.FrameError(
                "media_unavailable",
                "this server has no media backend; connect to peers with signal.* messages",
                message.id,
                message.type,
            )
        hid, pid = self.hearing_id, self.participant_id
        match message:
            case p.MediaOffer(kind=kind, sdp=sdp):
                # Allowed from the waiting room on, so admission shows media at once; the
                # room's routing decides what is forwarded (nothing while waiting).
                self.media_started = True
                answer = await backend.connect(hid, pid, kind, sdp)
                await self.send(p.ServerMediaAnswer(v=1, id=message.id, kind=kind, sdp=answer))
            case p.MediaAnswer(kind=kind, sdp=sdp):
                await backend.accept_answer(hid, pid, kind, sdp)
                if message.id:
                    await self.ack(message)
            case p.MediaCandidate(kind=kind, candidate=candidate):
                await backend.add_candidate(hid, pid, kind, candidate)
                if message.id:
                    await self.ack(message)


def _out_of_turn(message: p.ClientMessage, why: str) -> p.FrameError:
    return p.FrameError("out_of_turn", f"{message.type}: {why}", message.id, message.type)


def foreign_origin(request: web.Request) -> web.Response | None:
    """403 when a browser page of another site opens the socket. Browsers always send Origin
    on a WebSocket handshake (and the court's cookies with it, whichever page asked), so this
    is what stops another site joining as the signed-in judge. Agents and scripts send none
    and then join with a link or bearer token only: a cookie session also needs the Origin
    (web/pages/accounts.py)."""
    origin = request.headers.get(hdrs.ORIGIN)
    settings = request.app[SETTINGS]
    if origin is None or origin_allowed(origin, settings.site_origins):
        return None
    allowed = ", ".join(sorted(settings.site_origins))
    detail = (
        f"a page from {origin[:200]!r} may not open the hearing socket; only pages of this"
        f" site ({allowed}) may. If this is another name of this server, add it to"
        " VCOURT_ALLOWED_ORIGINS"
    )
    log.warning("signalling: refused a handshake from origin %r", origin[:200])
    body = {"type": "about:blank", "status": 403, "title": "Origin not allowed", "detail": detail}
    return web.Response(
        status=403, body=orjson.dumps(body), content_type="application/problem+json"
    )


async def websocket(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    refusal = foreign_origin(request)
    if refusal is not None:
        return refusal  # before the handshake: nothing of the room is touched
    ws = web.WebSocketResponse(
        heartbeat=settings.signaling_heartbeat_seconds,
        max_msg_size=settings.signaling_max_frame_bytes * 4,
    )
    await ws.prepare(request)
    await Session(request, ws, request.app[HUB]).run()
    return ws
