"""Arbitrary frames thrown at a real server: bad JSON, wrong types, huge strings, messages in
any order. No handler crashes, every frame gets exactly one answer (every bad one an `error`
naming the problem), and the room stays consistent (replica = stored room = database)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import orjson
import pytest
from aiohttp import web
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from conference.settings import load_settings
from conference.store.db import create_engine, session_factory
from conference.store.tables import HearingRow
from signaling import protocol as p
from signaling import record
from signaling.client import SignalingClient
from signaling.hub import LiveRoom
from signaling.keys import BUS, HUB
from tests.fixtures.database import fresh_sqlite_db
from tests.fixtures.servers import free_port
from tests.fixtures.signaling import Hearing, book_hearing
from web.app import create_app

T = TypeVar("T")
ANSWERS = {"error", "ack", "pong", "welcome", "media.answer"}


class ThreadServer:
    """The app on a real port, in its own thread and event loop (hypothesis drives it)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module")
def server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    tmp = tmp_path_factory.mktemp("fuzz")
    settings = load_settings(
        data_dir=tmp / "data",
        database_url=fresh_sqlite_db(sqlite_template, tmp),
        secret_key="test-signing-secret",
        log_format="text",
    )
    ts = ThreadServer()
    port = free_port()
    state: dict[str, Any] = {}

    async def start() -> None:
        app = create_app(settings)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        hearing = await book_hearing(settings)
        judge = await SignalingClient.connect(f"http://127.0.0.1:{port}")
        await judge.join(bearer=hearing.bearers["judge"], hearing_id=hearing.id)
        await judge.request("open")
        await judge.request("start")
        state.update(app=app, runner=runner, hearing=hearing, judge=judge, settings=settings)

    async def stop() -> None:
        await state["judge"].close()
        await state["runner"].cleanup()

    ts.run(start())
    state["ts"], state["url"] = ts, f"http://127.0.0.1:{port}"
    yield state
    ts.run(stop())
    ts.stop()


def valid_messages(hearing: Hearing) -> st.SearchStrategy[dict[str, Any]]:
    ids = st.sampled_from([*hearing.pid.values(), "nobody", ""])
    kinds = st.sampled_from(
        [
            "join",
            "ping",
            "room.get",
            "admit",
            "reject",
            "mute",
            "unmute",
            "remove",
            "lock",
            "call_witness",
            "send_out",
            "move_to_consultation",
            "pause",
            "close",
            "identity_check",
            "screen_witness",
            "link_interpreter",
            "signal.offer",
            "signal.candidate",
            "media.offer",
        ]
    )
    return st.fixed_dictionaries(
        {"v": st.just(1), "type": kinds},
        optional={
            "id": st.text(max_size=8),
            "participant_id": ids,
            "participant_ids": st.lists(ids, max_size=3),
            "hidden_from": st.lists(ids, max_size=2),
            "to": ids,
            "sdp": st.text(max_size=20),
            "token": st.sampled_from([hearing.links["plaintiff"], "junk", ""]),
            "document": st.text(max_size=10),
            "verified": st.booleans(),
            "audio": st.booleans(),
        },
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


def frames(hearing: Hearing) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=50),  # mostly not JSON
        json_values.map(lambda v: orjson.dumps(v).decode()),  # JSON of any shape
        valid_messages(hearing).map(lambda v: orjson.dumps(v).decode()),  # near-valid messages
        st.integers(60_000, 80_000).map(  # huge strings
            lambda n: orjson.dumps({"v": 1, "type": "ping", "id": "x", "pad": "é" * n}).decode()
        ),
    )


async def exchange(url: str, sent: list[str]) -> list[list[p.ServerMessage]]:
    """Send each frame followed by a ping barrier; return the answers to each frame."""
    answers: list[list[p.ServerMessage]] = []
    async with await SignalingClient.connect(url) as c:
        for n, frame in enumerate(sent):
            await c.send_raw(frame)
            barrier = f"barrier-{n}"
            await c.send(p.Ping(v=1, type="ping", id=barrier))
            got: list[p.ServerMessage] = []
            while True:
                try:
                    m = await c.recv(within=10)
                except ConnectionError:
                    return [*answers, got]
                if isinstance(m, p.Pong) and m.re == barrier:
                    break
                if m.type in ANSWERS or (m.type == "room.snapshot" and m.id is not None):
                    got.append(m)
            answers.append(got)
        assert c.unreadable == []
    return answers


async def consistent(state: dict[str, Any]) -> None:
    hearing: Hearing = state["hearing"]
    hub = state["app"][HUB]
    async with state["app"][BUS].lock(hearing.id):  # no command runs while we look
        live = hub.rooms[hearing.id]
        assert live.room is not None
        assert await state["app"][BUS].room_version(hearing.id) == live.room.version
        # the live room is exactly what the hearing record says happened
        rebuilt, pending = await hub._rebuild(LiveRoom(hearing.id))
        assert pending == [] and rebuilt == live.room
        engine = create_engine(state["settings"].effective_database_url)
        try:
            async with session_factory(engine)() as session:
                row = await session.get(HearingRow, hearing.id)
                assert row is not None and row.state == live.room.state.value
                assert (await record.verify(session, hearing.id)).ok
        finally:
            await engine.dispose()
    pong = await state["judge"].request("ping")
    assert isinstance(pong, p.Pong)


@hsettings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_arbitrary_frames(server: dict[str, Any], data: st.DataObject) -> None:
    sent = data.draw(st.lists(frames(server["hearing"]), min_size=1, max_size=12))
    answers = server["ts"].run(exchange(server["url"], sent))
    for frame, got in zip(sent, answers, strict=False):
        assert len(got) == 1, (frame[:200], got)
        try:
            message = p.decode(frame, 64 * 1024)
        except p.FrameError as exc:
            assert isinstance(got[0], p.Error) and got[0].code == exc.code, (frame[:200], got)
            assert got[0].message
        else:
            if message.id is not None and isinstance(got[0], p.Error | p.Ack | p.Pong):
                assert got[0].re == message.id
            assert not (isinstance(got[0], p.Error) and got[0].code == "internal"), got
    server["ts"].run(consistent(server))
