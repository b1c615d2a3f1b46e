"""Bad frames get an error naming what was wrong, and the connection and room carry on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient

from signaling import protocol as p
from signaling.client import SignalingClient, SignalingError
from signaling.keys import HUB
from tests.fixtures.signaling import Hearing, JoinAs

Connect = Callable[[], Awaitable[SignalingClient]]


async def error_for(c: SignalingClient, frame: str | bytes) -> p.Error:
    await c.send_raw(frame)
    message = await c.wait_for("error")
    assert isinstance(message, p.Error)
    return message


@pytest.mark.parametrize(
    ("frame", "code", "words"),
    [
        ("{not json", "bad_json", "not valid JSON"),
        ("[1, 2]", "bad_message", "JSON object"),
        ('{"type": "ping"}', "unsupported_version", "protocol version 1"),
        ('{"v": 2, "type": "ping", "id": "x"}', "unsupported_version", '"v": 1'),
        ('{"v": 1, "type": "dance", "id": "d1"}', "unknown_type", "'dance'"),
        (
            '{"v": 1, "type": "admit", "id": "a1"}',
            "invalid_message",
            "participant_id: Field required",
        ),
        ('{"v": 1, "type": "mute", "participant_id": 5}', "invalid_message", "participant_id"),
        ('{"v": 1, "type": "ping", "extra": true}', "invalid_message", "extra: Extra inputs"),
        ('{"v": 1, "type": "admit", "participant_id": "x"}', "out_of_turn", "send join first"),
    ],
)
async def test_bad_frames_are_answered_precisely(
    frame: str, code: str, words: str, connect: Connect
) -> None:
    c = await connect()
    error = await error_for(c, frame)
    assert error.code == code
    assert words in error.message
    # the connection carries on
    assert isinstance(await c.request("ping"), p.Pong)


async def test_errors_name_the_message_they_answer(connect: Connect) -> None:
    c = await connect()
    error = await error_for(c, '{"v": 1, "type": "admit", "id": "a1"}')
    assert (error.re, error.re_type, error.field) == ("a1", "admit", "participant_id")


async def test_oversized_and_binary_frames(connect: Connect) -> None:
    c = await connect()
    huge = orjson.dumps({"v": 1, "type": "ping", "id": "x" * 70_000}).decode()
    error = await error_for(c, huge)
    assert error.code == "frame_too_large" and "at most 65536 bytes" in error.message
    error = await error_for(c, b"\x00\x01")
    assert error.code == "binary_not_supported"
    assert isinstance(await c.request("ping"), p.Pong)


async def test_joining_twice_is_out_of_turn(hearing: Hearing, join: JoinAs) -> None:
    judge = await join("judge")
    with pytest.raises(SignalingError) as info:
        await judge.join(bearer=hearing.bearers["judge"], hearing_id=hearing.id)
    assert info.value.code == "out_of_turn"


async def test_media_without_a_backend_is_a_clear_error(
    hearing: Hearing, join: JoinAs, client: TestClient[Any, Any]
) -> None:
    client.app[HUB].media = lambda: None  # as with VCOURT_MEDIA_ENABLED=false
    judge = await join("judge")
    welcome = next(m for m in judge.received if isinstance(m, p.Welcome))
    assert not welcome.media  # the page knows to connect peer to peer instead
    with pytest.raises(SignalingError) as info:
        await judge.request("media.offer", kind="video", sdp="v=0")
    assert info.value.code == "media_unavailable"


async def test_relay_only_between_people_who_may_see_each_other(
    hearing: Hearing, join: JoinAs
) -> None:
    judge, clerk = await join("judge"), await join("clerk")
    await judge.request("open")
    await judge.request("start")
    await judge.send(judge.message("signal.offer", to=hearing.pid["clerk"], sdp="v=0 offer"))
    offer = await clerk.wait_for("signal.offer")
    assert offer.from_ == hearing.pid["judge"] and offer.sdp == "v=0 offer"
    await clerk.send(
        clerk.message(
            "signal.candidate",
            to=hearing.pid["judge"],
            candidate={"candidate": "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "sdp_mid": "0"},
        )
    )
    candidate = await judge.wait_for("signal.candidate")
    assert candidate.candidate.sdp_mid == "0"
    plaintiff = await join("plaintiff")  # waiting: nobody may talk to them yet
    with pytest.raises(SignalingError, match="may not exchange media"):
        await judge.request("signal.offer", to=hearing.pid["plaintiff"], sdp="v=0")
    with pytest.raises(SignalingError, match="may not exchange media"):
        await plaintiff.request("signal.offer", to=hearing.pid["judge"], sdp="v=0")


def test_every_message_type_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "signaling.md").read_text()
    kinds = {
        a.model_fields["type"].annotation.__args__[0] for a in p.ClientMessage.__origin__.__args__
    }  # type: ignore[attr-defined]
    kinds |= {
        a.model_fields["type"].annotation.__args__[0] for a in p.ServerMessage.__origin__.__args__
    }  # type: ignore[attr-defined]
    missing = sorted(k for k in kinds if f"`{k}`" not in doc)
    assert missing == []
