"""Every refusal of the permission table, over a real connection: each role that may not run
the room tries every command and is told why; the refusal goes into the record."""

from __future__ import annotations

import pytest

from conference.domain.hearings import HearingState, Role
from conference.domain.permissions import RoomAction, may
from signaling.client import SignalingClient, SignalingError
from tests.fixtures.signaling import Hearing, JoinAs

# protocol message → the table's action, with the fields it needs
COMMANDS: dict[str, tuple[RoomAction, dict[str, object]]] = {
    "admit": (RoomAction.ADMIT, {"participant_id": "witness"}),
    "reject": (RoomAction.REJECT, {"participant_id": "witness"}),
    "mute": (RoomAction.MUTE, {"participant_id": "judge"}),
    "unmute": (RoomAction.UNMUTE, {"participant_id": "judge"}),
    "remove": (RoomAction.REMOVE, {"participant_id": "clerk"}),
    "lock": (RoomAction.LOCK, {}),
    "unlock": (RoomAction.UNLOCK, {}),
    "call_witness": (RoomAction.CALL_WITNESS, {"participant_id": "witness"}),
    "send_out": (RoomAction.SEND_OUT, {"participant_id": "clerk"}),
    "move_to_consultation": (RoomAction.MOVE_TO_CONSULTATION, {"participant_ids": ["clerk"]}),
    "return_from_consultation": (
        RoomAction.RETURN_FROM_CONSULTATION,
        {"participant_ids": ["clerk"]},
    ),
    "open": (RoomAction.OPEN, {}),
    "start": (RoomAction.START, {}),
    "pause": (RoomAction.PAUSE, {}),
    "resume": (RoomAction.RESUME, {}),
    "adjourn": (RoomAction.ADJOURN, {}),
    "close": (RoomAction.CLOSE, {}),
    "identity_check": (
        RoomAction.RECORD_IDENTITY_CHECK,
        {"participant_id": "witness", "document": "CCCD 1", "verified": True},
    ),
    "screen_witness": (RoomAction.SCREEN_WITNESS, {"participant_id": "witness", "hidden_from": []}),
    "link_interpreter": (
        RoomAction.LINK_INTERPRETER,
        {"interpreter_id": "interpreter", "participant_id": "plaintiff"},
    ),
}


def resolve(hearing: Hearing, fields: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in fields.items():
        if key in ("participant_id", "interpreter_id") and isinstance(value, str):
            out[key] = hearing.pid[value]
        elif key in ("participant_ids", "hidden_from") and isinstance(value, list):
            out[key] = [hearing.pid[v] for v in value]
        else:
            out[key] = value
    return out


async def in_session(hearing: Hearing, join: JoinAs) -> tuple[SignalingClient, SignalingClient]:
    judge, clerk = await join("judge"), await join("clerk")
    await judge.request("open")
    await judge.request("start")
    return judge, clerk


async def admitted(
    hearing: Hearing, clerk: SignalingClient, join: JoinAs, key: str
) -> SignalingClient:
    c = await join(key)
    if key in ("plaintiff", "defendant", "witness"):
        await clerk.request(
            "identity_check", participant_id=hearing.pid[key], document="CCCD", verified=True
        )
    if c.roster[hearing.pid[key]].presence == "waiting":
        await clerk.request("admit", participant_id=hearing.pid[key])
    return c


@pytest.mark.parametrize(
    "key", ["assessor", "procurator", "plaintiff", "lawyer", "interpreter", "observer"]
)
async def test_people_who_do_not_run_the_room_are_refused_every_command(
    key: str, hearing: Hearing, join: JoinAs
) -> None:
    judge, clerk = await in_session(hearing, join)
    await join("witness")  # waiting, a target for admit/reject/identity_check
    person = await admitted(hearing, clerk, join, key)
    role = Role(person.roster[hearing.pid[key]].role)
    for kind, (action, fields) in COMMANDS.items():
        assert not may(role, HearingState.IN_SESSION, action)
        with pytest.raises(SignalingError) as info:
            await person.request(kind, **resolve(hearing, fields))
        assert info.value.code == "not_allowed", kind
        assert f"may not {action.value.replace('_', ' ')}" in info.value.error.message
        assert info.value.error.re_type == kind
    # the court sees the refusals (recorded before they are announced)
    refusal = await judge.wait_for_event("command_refused", action="link_interpreter")
    assert refusal.event["actor"] == hearing.pid[key]
    assert judge.hearing is not None and judge.hearing.state == "in_session"


async def test_state_refusals_name_the_states_that_would_allow_it(
    hearing: Hearing, join: JoinAs
) -> None:
    judge = await join("judge")
    for kind in ("start", "pause", "resume", "adjourn", "call_witness", "move_to_consultation"):
        action, fields = COMMANDS[kind]
        assert not may(Role.PRESIDING_JUDGE, HearingState.SCHEDULED, action)
        with pytest.raises(SignalingError) as info:
            await judge.request(kind, **resolve(hearing, fields))
        assert "while the hearing is scheduled; possible when" in info.value.error.message


async def test_rules_about_people_are_enforced_too(hearing: Hearing, join: JoinAs) -> None:
    judge, clerk = await in_session(hearing, join)
    await join("plaintiff")
    with pytest.raises(SignalingError, match="record an identity check"):
        await clerk.request("admit", participant_id=hearing.pid["plaintiff"])
    with pytest.raises(SignalingError, match="not part of this hearing"):
        await clerk.request("admit", participant_id="nobody")
    with pytest.raises(SignalingError, match="they are away, not waiting outside"):
        await judge.request("call_witness", participant_id=hearing.pid["witness"])
