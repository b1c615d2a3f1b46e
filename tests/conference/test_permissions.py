"""The room permission table, asserted for every role × hearing state × action."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from conference.domain.hearings import HearingState, Role
from conference.domain.permissions import RoomAction, may, refusal, render_table

# The documented table, written out independently of the code: who, and in which states.
RUNNERS = {"presiding_judge", "clerk"}
STAFF = {"presiding_judge", "panel_member", "clerk"}
ALL = {r.value for r in Role}
LIVE = {"open", "in_session", "paused"}
SESSION = {"in_session", "paused"}

EXPECTED: dict[str, tuple[set[str], set[str], set[str]]] = {
    # action: (roles, states for those roles, extra states for court staff only)
    "join": (ALL, LIVE, {"scheduled", "adjourned"}),
    "speak": (ALL - {"observer"}, LIVE, set()),
    "watch": (ALL, LIVE, set()),
    "open": (RUNNERS, {"scheduled", "adjourned"}, set()),
    "start": (RUNNERS, {"open"}, set()),
    "pause": (RUNNERS, {"in_session"}, set()),
    "resume": (RUNNERS, {"paused"}, set()),
    "adjourn": (RUNNERS, SESSION, set()),
    "close": (RUNNERS, LIVE | {"adjourned"}, set()),
    "admit": (RUNNERS, LIVE, set()),
    "reject": (RUNNERS, LIVE, set()),
    "mute": (RUNNERS, LIVE, set()),
    "unmute": (RUNNERS, LIVE, set()),
    "remove": (RUNNERS, LIVE, set()),
    "lock": (RUNNERS, LIVE, set()),
    "unlock": (RUNNERS, LIVE, set()),
    "call_witness": (RUNNERS, SESSION, set()),
    "send_out": (RUNNERS, SESSION, set()),
    "move_to_consultation": (RUNNERS, SESSION, set()),
    "return_from_consultation": (RUNNERS, SESSION, set()),
    "record_identity_check": (RUNNERS, LIVE, set()),
    "screen_witness": (RUNNERS, LIVE, set()),
    "link_interpreter": (RUNNERS, LIVE, set()),
    "record": (RUNNERS, SESSION, set()),  # the court's recording, on and off
}


def expected(role: Role, state: HearingState, action: RoomAction) -> bool:
    roles, states, staff_states = EXPECTED[action.value]
    if role.value not in roles:
        return False
    return state.value in states or (role.value in STAFF and state.value in staff_states)


def test_the_expected_table_names_every_action() -> None:
    assert set(EXPECTED) == {a.value for a in RoomAction}


@pytest.mark.parametrize("action", list(RoomAction), ids=lambda a: a.value)
def test_every_role_and_state(action: RoomAction) -> None:
    wrong = [
        (role.value, state.value, may(role, state, action))
        for role, state in itertools.product(Role, HearingState)
        if may(role, state, action) != expected(role, state, action)
    ]
    assert wrong == []


def test_observers_only_watch() -> None:
    for action, state in itertools.product(RoomAction, HearingState):
        if may(Role.OBSERVER, state, action):
            assert action in (RoomAction.JOIN, RoomAction.WATCH)


def test_nothing_happens_in_a_closed_or_cancelled_hearing() -> None:
    for role, action in itertools.product(Role, RoomAction):
        assert not may(role, HearingState.CLOSED, action)
        assert not may(role, HearingState.CANCELLED, action)


def test_refusals_say_who_may_and_when() -> None:
    assert "only: clerk, presiding judge" in refusal(
        Role.PARTY, HearingState.IN_SESSION, RoomAction.ADMIT
    )
    assert "possible when: in_session" in refusal(Role.CLERK, HearingState.OPEN, RoomAction.PAUSE)
    assert "only court staff" in refusal(Role.PARTY, HearingState.SCHEDULED, RoomAction.JOIN)


def test_the_docs_show_this_table() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "signaling.md").read_text()
    assert render_table() in doc
