"""Hearing states, booking plans and the permission table, checked directly."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from conference.domain.access import PERMISSIONS, Action, ApiRole, may
from conference.domain.errors import InvalidValue, NotAllowed
from conference.domain.hearings import (
    EDITABLE_STATES,
    TRANSITIONS,
    HearingKind,
    HearingPlan,
    HearingState,
    Participant,
    Role,
    check_transition,
    ensure_editable,
)

S = HearingState
ALLOWED = {
    (S.SCHEDULED, S.OPEN),
    (S.SCHEDULED, S.CANCELLED),
    (S.OPEN, S.IN_SESSION),
    (S.OPEN, S.CLOSED),
    (S.OPEN, S.CANCELLED),
    (S.IN_SESSION, S.PAUSED),
    (S.IN_SESSION, S.ADJOURNED),
    (S.IN_SESSION, S.CLOSED),
    (S.PAUSED, S.IN_SESSION),
    (S.PAUSED, S.ADJOURNED),
    (S.PAUSED, S.CLOSED),
    (S.ADJOURNED, S.OPEN),
    (S.ADJOURNED, S.CLOSED),
}


@pytest.mark.parametrize(("old", "new"), list(itertools.product(S, S)))
def test_every_transition(old: HearingState, new: HearingState) -> None:
    if (old, new) in ALLOWED:
        check_transition(old, new)
    else:
        with pytest.raises(NotAllowed) as err:
            check_transition(old, new)
        assert f"cannot go from {old.value} to {new.value}" in err.value.message
        assert err.value.field == "state"


def test_the_table_covers_every_state_and_final_states_say_so() -> None:
    assert set(TRANSITIONS) == set(S)
    with pytest.raises(NotAllowed, match="none \\(final state\\)"):
        check_transition(S.CLOSED, S.OPEN)


@pytest.mark.parametrize("state", list(S))
def test_only_scheduled_or_adjourned_hearings_are_editable(state: HearingState) -> None:
    if state in (S.SCHEDULED, S.ADJOURNED):
        ensure_editable(state)
    else:
        with pytest.raises(NotAllowed, match=f"the hearing is {state.value}"):
            ensure_editable(state)
    assert EDITABLE_STATES == {S.SCHEDULED, S.ADJOURNED}


START = datetime(2030, 3, 15, 2, 0, tzinfo=UTC)
JUDGE = Participant(Role.PRESIDING_JUDGE, "Trần Quốc Hùng", staff_username="hung.tq")


def plan(**over: Any) -> HearingPlan:
    values: dict[str, Any] = {
        "kind": HearingKind.HEARING,
        "title": "Xét xử sơ thẩm",
        "starts_at": START,
        "duration": timedelta(hours=2),
        "central_endpoint": "TAND-HN-P1",
        "component_endpoints": ("TAND-HN-TTG",),
        "case_number": "210/2026/TLST-HS",
        "participants": (JUDGE,),
    }
    values.update(over)
    return HearingPlan(**values)


def test_a_good_plan_ends_after_its_duration() -> None:
    assert plan().ends_at == START + timedelta(hours=2)
    assert plan(kind=HearingKind.MEETING, case_number=None).case_number is None


@pytest.mark.parametrize(
    ("over", "field", "says"),
    [
        ({"starts_at": datetime(2030, 3, 15, 9)}, "starts_at", "needs a time zone offset"),
        ({"duration": timedelta(minutes=4)}, "duration_minutes", "between 5 minutes"),
        ({"duration": timedelta(hours=12, minutes=1)}, "duration_minutes", "and 12 hours"),
        ({"case_number": None}, "case_number", "a hearing belongs to a case"),
        (
            {"component_endpoints": ("TAND-HN-P1",)},
            "component_endpoints",
            "both the central and a component",
        ),
        (
            {"component_endpoints": ("TAND-HN-TTG", "TAND-HN-TTG")},
            "component_endpoints",
            "listed twice",
        ),
        ({"participants": (JUDGE, JUDGE)}, "participants", "one presiding judge"),
    ],
)
def test_bad_plans_name_the_field(over: dict[str, Any], field: str, says: str) -> None:
    with pytest.raises(InvalidValue) as err:
        plan(**over)
    assert says in err.value.message
    assert err.value.field == field


def test_duration_bounds_are_inclusive() -> None:
    plan(duration=timedelta(minutes=5))
    plan(duration=timedelta(hours=12))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": Role.ENDPOINT, "name": "Trại tạm giam"}, "endpoint_code"),
        ({"role": Role.INTERPRETER, "name": "Y Điêng"}, "language"),
        ({"role": Role.WITNESS, "name": "  "}, "name"),
    ],
)
def test_participants_need_what_their_role_needs(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValue) as err:
        Participant(**kwargs)
    assert err.value.field == field


ROLE_TABLE: dict[ApiRole, set[Action]] = {
    ApiRole.ADMIN: set(Action),
    ApiRole.CLERK: {
        Action.READ_REGISTRY,
        Action.READ_CASES,
        Action.EDIT_CASES,
        Action.IMPORT_CASES,
        Action.READ_HEARINGS,
        Action.EDIT_HEARINGS,
    },
    ApiRole.JUDGE: {Action.READ_REGISTRY, Action.READ_CASES, Action.READ_HEARINGS},
    ApiRole.INTEGRATION: {
        Action.READ_REGISTRY,
        Action.READ_CASES,
        Action.IMPORT_CASES,
        Action.READ_HEARINGS,
    },
}


@pytest.mark.parametrize(("role", "action"), list(itertools.product(ApiRole, Action)))
def test_access_table(role: ApiRole, action: Action) -> None:
    assert may(role, action) is (action in ROLE_TABLE[role])


def test_every_action_has_a_rule() -> None:
    assert set(PERMISSIONS) == set(Action)
