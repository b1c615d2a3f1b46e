"""A node dies (kill -9) under a live hearing: real `vcourt serve` processes over one Redis.
The survivors mark its people disconnected within the grace period (recorded once, shown to
the court), their grace timers run on elsewhere, and a returning person keeps their place."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest

from conference.settings import Settings
from conference.store.db import create_engine, session_factory
from signaling import record
from signaling.client import SignalingClient
from tests.fixtures.servers import RedisServer, stop_process
from tests.fixtures.signaling import Hearing, Node, book_hearing, start_node

pytestmark = [pytest.mark.redis, pytest.mark.slow]

HEARTBEAT, DEAD_AFTER, GRACE = 0.5, 2.0, 8.0
TIMING = {
    "VCOURT_SIGNALING_NODE_HEARTBEAT_SECONDS": str(HEARTBEAT),
    "VCOURT_SIGNALING_NODE_DEAD_AFTER_SECONDS": str(DEAD_AFTER),
    "VCOURT_SIGNALING_RECONNECT_GRACE_SECONDS": str(GRACE),
}
# Generous: a loaded machine may be slow; what is asserted is that it happens, not how fast.
DEADLINE = GRACE + DEAD_AFTER + 30


@pytest.fixture
def start(settings: Settings, redis_server: RedisServer) -> Iterator[Callable[[], Node]]:
    started: list[Node] = []

    def start_one() -> Node:
        node = start_node(settings, redis_server.url, **TIMING)
        started.append(node)
        return node

    yield start_one
    for node in started:
        stop_process(node.process)


Connect = Callable[[Node], Awaitable[SignalingClient]]


@pytest.fixture
async def connect() -> AsyncIterator[Connect]:
    """Open a client to a node; closed at the end of the test."""
    opened: list[SignalingClient] = []

    async def connect_to(node: Node) -> SignalingClient:
        client = await SignalingClient.connect(node.url)
        opened.append(client)
        return client

    yield connect_to
    for client in opened:
        await client.close()


def kill(node: Node) -> None:
    node.process.send_signal(signal.SIGKILL)
    node.process.wait()


async def recorded(hearing: Hearing, participant_id: str) -> list[str]:
    """The record's entries about one participant (and that the chain still verifies)."""
    engine = create_engine(hearing.settings.effective_database_url)
    try:
        async with session_factory(engine)() as session:
            rows = await record.entries(session, hearing.id)
    finally:
        await engine.dispose()
    assert record.verify_rows(hearing.id, rows).ok
    return [row.type for row in rows if row.data.get("participant_id") == participant_id]


async def admit(judge: SignalingClient, hearing: Hearing, key: str, party: SignalingClient) -> None:
    """`key` joins (on `party`), has their identity checked and is admitted by the judge."""
    pid = hearing.pid[key]
    await party.join(token=hearing.links[key])
    await judge.wait_for_event("participant_joined", participant_id=pid)
    await judge.request("identity_check", participant_id=pid, document="CCCD 012", verified=True)
    await judge.request("admit", participant_id=pid)
    await party.wait_for_event("participant_admitted", participant_id=pid)


def seen(client: SignalingClient, event_type: str, participant_id: str) -> int:
    return sum(
        1
        for m in client.received
        if m.type == "room.event"
        and m.event["type"] == event_type
        and m.event.get("participant_id") == participant_id
    )


async def test_a_dead_nodes_party_is_marked_disconnected_and_rejoins_through_another(
    settings: Settings, start: Callable[[], Node], connect: Connect
) -> None:
    a, b = start(), start()
    hearing = await book_hearing(settings)
    pid = hearing.pid["plaintiff"]
    judge = await connect(a)
    await judge.join(bearer=hearing.bearers["judge"], hearing_id=hearing.id)
    await judge.request("open")
    await judge.request("start")
    await admit(judge, hearing, "plaintiff", await connect(b))
    assert judge.roster[pid].connection == "connected"

    kill(b)
    await judge.wait_for_event("participant_disconnected", DEADLINE, participant_id=pid)
    assert judge.roster[pid].connection == "disconnected"
    assert judge.roster[pid].presence == "admitted"  # still holds their place

    again = await connect(a)
    await again.join(token=hearing.links["plaintiff"])
    assert again.roster[pid].presence == "admitted"  # not in the waiting room
    assert hearing.pid["judge"] in again.roster  # in the hearing, seeing the court
    await judge.wait_for_event("participant_reconnected", participant_id=pid)
    assert judge.roster[pid].connection == "connected"
    assert judge.roster[pid].presence == "admitted"

    assert seen(judge, "participant_disconnected", pid) == 1
    assert (await recorded(hearing, pid)).count("participant_disconnected") == 1


async def test_with_two_survivors_a_dead_nodes_people_are_swept_once_and_leave_after_grace(
    settings: Settings, start: Callable[[], Node], connect: Connect
) -> None:
    a, b, c = start(), start(), start()
    hearing = await book_hearing(settings)
    plaintiff, defendant = hearing.pid["plaintiff"], hearing.pid["defendant"]
    judge, clerk = await connect(a), await connect(c)
    await judge.join(bearer=hearing.bearers["judge"], hearing_id=hearing.id)
    await clerk.join(bearer=hearing.bearers["clerk"], hearing_id=hearing.id)
    await judge.request("open")
    await judge.request("start")
    await admit(judge, hearing, "plaintiff", await connect(b))
    await admit(judge, hearing, "defendant", drops := await connect(b))
    await drops.close()  # node B records it and holds the grace timer …
    await judge.wait_for_event("participant_disconnected", participant_id=defendant)

    kill(b)  # … and dies with it, and with the plaintiff's connection
    await clerk.wait_for_event("participant_disconnected", DEADLINE, participant_id=plaintiff)
    await clerk.wait_for_event("participant_left", DEADLINE, participant_id=defendant)
    await clerk.wait_for_event("participant_left", DEADLINE, participant_id=plaintiff)
    snapshot = await judge.request("room.get")
    roster = {e.participant_id: e for e in snapshot.roster}
    assert roster[plaintiff].presence == roster[defendant].presence == "away"

    for who in (plaintiff, defendant):
        entries = await recorded(hearing, who)
        assert entries.count("participant_disconnected") == 1
        assert entries.count("participant_left") == 1
        assert seen(judge, "participant_disconnected", who) == 1
        assert seen(judge, "participant_left", who) == 1


async def test_a_stalled_node_given_up_for_dead_lets_its_people_rejoin(
    settings: Settings, start: Callable[[], Node], connect: Connect
) -> None:
    a, b = start(), start()
    hearing = await book_hearing(settings)
    pid = hearing.pid["plaintiff"]
    judge = await connect(a)
    await judge.join(bearer=hearing.bearers["judge"], hearing_id=hearing.id)
    await judge.request("open")
    await admit(judge, hearing, "plaintiff", party := await connect(b))

    b.process.send_signal(signal.SIGSTOP)  # alive, but silent past the dead-after time
    try:
        await judge.wait_for_event("participant_disconnected", DEADLINE, participant_id=pid)
    finally:
        b.process.send_signal(signal.SIGCONT)
    with pytest.raises(ConnectionError):  # node B closes it on waking, without a bye …
        await party.wait_for("bye", within=DEADLINE)
    assert party.closed_reason == "code 1012"

    again = await connect(b)  # … so the client rejoins, here through the same node
    await again.join(token=hearing.links["plaintiff"])
    assert again.roster[pid].presence == "admitted"
    await judge.wait_for_event("participant_reconnected", participant_id=pid)
    assert judge.roster[pid].connection == "connected"
    assert seen(judge, "participant_disconnected", pid) == 1
    assert (await recorded(hearing, pid)).count("participant_disconnected") == 1
