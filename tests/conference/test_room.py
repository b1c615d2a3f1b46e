"""The live room's rules, driven through its commands (pure; the clock is passed in)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conference.domain import room_events as ev
from conference.domain.cases import Confidentiality
from conference.domain.errors import NotAllowed
from conference.domain.hearings import HearingState, Role
from conference.domain.room import Presence, Room, Seat
from conference.domain.roster import may_exchange_media, roster_for, routing_for

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

PEOPLE = {
    "judge": Role.PRESIDING_JUDGE,
    "clerk": Role.CLERK,
    "plaintiff": Role.PARTY,
    "lawyer": Role.LAWYER,
    "witness": Role.WITNESS,
    "observer": Role.OBSERVER,
    "interp": Role.INTERPRETER,
}


def make_room(confidentiality: Confidentiality = Confidentiality.PUBLIC) -> Room:
    seats = {
        pid: Seat(participant_id=pid, role=role, name=pid.title()) for pid, role in PEOPLE.items()
    }
    return Room(
        hearing_id="h1", state=HearingState.SCHEDULED, confidentiality=confidentiality, seats=seats
    )


def opened() -> Room:
    room = make_room()
    room.join("judge", T0)
    room.join("clerk", T0)
    room.open("judge", T0)
    return room


def in_session() -> Room:
    room = opened()
    room.start("judge", T0)
    return room


def checked_in(room: Room, pid: str) -> None:
    room.join(pid, T0)
    room.record_identity_check("clerk", pid, T0, document="CCCD 001", verified=True)
    room.admit("clerk", pid, T0)


def test_staff_enter_directly_others_wait() -> None:
    room = opened()
    assert room.seats["judge"].presence is Presence.ADMITTED
    events = room.join("plaintiff", T0)
    assert events == [ev.ParticipantJoined(at=T0, participant_id="plaintiff", presence="waiting")]
    assert room.seats["plaintiff"].presence is Presence.WAITING


def test_parties_cannot_join_before_the_waiting_room_opens() -> None:
    room = make_room()
    with pytest.raises(NotAllowed, match="waiting room opens"):
        room.join("plaintiff", T0)


def test_a_party_is_admitted_only_after_an_identity_check() -> None:
    room = opened()
    room.join("plaintiff", T0)
    with pytest.raises(NotAllowed, match="identity check"):
        room.admit("clerk", "plaintiff", T0)
    room.record_identity_check("clerk", "plaintiff", T0, document="CCCD 0790", verified=False)
    with pytest.raises(NotAllowed, match="failed"):
        room.admit("clerk", "plaintiff", T0)
    (checked,) = room.record_identity_check(
        "clerk", "plaintiff", T0 + timedelta(minutes=1), document="CCCD 0790", verified=True
    )
    assert isinstance(checked, ev.IdentityChecked) and checked.checked_by == "Clerk"
    room.admit("clerk", "plaintiff", T0)
    assert room.seats["plaintiff"].presence is Presence.ADMITTED


def test_a_lawyer_needs_no_check_but_only_runners_admit() -> None:
    room = opened()
    room.join("lawyer", T0)
    checked_in(room, "plaintiff")
    with pytest.raises(NotAllowed, match="party may not admit"):
        room.admit("plaintiff", "lawyer", T0)
    room.admit("judge", "lawyer", T0)
    assert room.seats["lawyer"].presence is Presence.ADMITTED


def test_a_witness_waits_outside_until_called_and_can_be_sent_out() -> None:
    room = in_session()
    checked_in(room, "witness")
    assert room.seats["witness"].presence is Presence.OUTSIDE
    assert routing_for(room, "witness").zone == "outside"
    assert [e.participant_id for e in roster_for(room, "witness")] == ["witness"]
    room.call_witness("judge", "witness", T0)
    assert room.seats["witness"].presence is Presence.ADMITTED
    room.send_out("judge", "witness", T0)
    assert room.seats["witness"].presence is Presence.OUTSIDE


def test_observers_are_refused_in_a_closed_hearing() -> None:
    room = make_room(Confidentiality.CLOSED)
    room.join("judge", T0)
    room.open("judge", T0)
    with pytest.raises(NotAllowed, match="in camera"):
        room.join("observer", T0)


def test_consultation_room_and_back() -> None:
    room = in_session()
    checked_in(room, "plaintiff")
    room.join("lawyer", T0)
    room.admit("clerk", "lawyer", T0)
    (moved,) = room.move_to_consultation("judge", ["plaintiff", "lawyer"], T0)
    assert isinstance(moved, ev.MovedToConsultation) and moved.consultation_room == "c1"
    assert routing_for(room, "plaintiff").zone == "consultation:c1"
    assert may_exchange_media(room, "plaintiff", "lawyer")
    assert not may_exchange_media(room, "plaintiff", "judge")
    room.return_from_consultation("judge", ["plaintiff", "lawyer"], T0)
    assert may_exchange_media(room, "plaintiff", "judge")
    with pytest.raises(NotAllowed, match="only parties"):
        room.move_to_consultation("judge", ["clerk"], T0)


def test_a_screened_witness_is_invisible_to_the_named_people() -> None:
    room = in_session()
    checked_in(room, "plaintiff")
    checked_in(room, "witness")
    room.screen_witness("clerk", "witness", ["plaintiff"], T0)
    room.call_witness("judge", "witness", T0)
    assert "witness" not in [e.participant_id for e in roster_for(room, "plaintiff")]
    assert "witness" in [e.participant_id for e in roster_for(room, "judge")]
    assert not may_exchange_media(room, "plaintiff", "witness")
    assert may_exchange_media(room, "judge", "witness")
    with pytest.raises(NotAllowed, match="court staff"):
        room.screen_witness("clerk", "witness", ["judge"], T0)


def test_mute_pause_and_routing() -> None:
    room = in_session()
    checked_in(room, "plaintiff")
    room.mute("clerk", "plaintiff", T0)
    assert not routing_for(room, "plaintiff").may_send_audio
    assert routing_for(room, "plaintiff").may_send_video
    room.unmute("clerk", "plaintiff", T0)
    assert routing_for(room, "plaintiff").may_send_audio
    room.pause("judge", T0)
    assert not routing_for(room, "plaintiff").may_send_audio
    assert routing_for(room, "judge").may_send_audio
    with pytest.raises(NotAllowed, match="paused"):
        room.pause("judge", T0)
    room.resume("judge", T0)
    assert room.state is HearingState.IN_SESSION


def test_observers_never_send() -> None:
    room = in_session()
    room.join("observer", T0)
    room.admit("clerk", "observer", T0)
    facts = routing_for(room, "observer")
    assert facts.may_receive and not facts.may_send_audio and not facts.may_send_video


def test_a_dropped_participant_returns_where_they_were() -> None:
    room = in_session()
    checked_in(room, "plaintiff")
    room.disconnect("plaintiff", T0)
    assert roster_for(room, "judge")[2].connection == "disconnected"
    assert room.expire_grace("plaintiff", T0 + timedelta(seconds=5), timedelta(seconds=30)) == []
    room.join("plaintiff", T0 + timedelta(seconds=10))
    assert room.seats["plaintiff"].presence is Presence.ADMITTED
    room.disconnect("plaintiff", T0 + timedelta(seconds=20))
    (left,) = room.expire_grace("plaintiff", T0 + timedelta(seconds=60), timedelta(seconds=30))
    assert isinstance(left, ev.ParticipantLeft)
    room.join("plaintiff", T0 + timedelta(seconds=70))
    assert room.seats["plaintiff"].presence is Presence.WAITING


def test_a_locked_room_lets_nobody_new_in() -> None:
    room = opened()
    room.lock("judge", T0)
    with pytest.raises(NotAllowed, match="locked"):
        room.join("plaintiff", T0)
    room.unlock("judge", T0)
    room.join("plaintiff", T0)


def test_removed_and_rejected_people_cannot_come_back() -> None:
    room = opened()
    room.join("lawyer", T0)
    room.reject("clerk", "lawyer", T0, "not the lawyer of record")
    with pytest.raises(NotAllowed, match="did not admit"):
        room.join("lawyer", T0)
    checked_in(room, "plaintiff")
    room.remove("judge", "plaintiff", T0, "disorder")
    with pytest.raises(NotAllowed, match="removed"):
        room.join("plaintiff", T0)


def test_interpreter_is_linked_to_a_participant() -> None:
    room = opened()
    (linked,) = room.link_interpreter("clerk", "interp", "plaintiff", T0)
    assert room.seats["interp"].interprets_for == "plaintiff"
    assert isinstance(linked, ev.InterpreterLinked)


def test_state_changes_follow_the_transition_table() -> None:
    room = in_session()
    room.adjourn("judge", T0, "next week")
    with pytest.raises(NotAllowed):
        room.start("judge", T0)
    room.close("judge", T0)
    assert room.state is HearingState.CLOSED


def test_replaying_events_rebuilds_the_room() -> None:
    room = in_session()
    events: list[ev.RoomEvent] = []
    events += room.join("plaintiff", T0)
    events += room.record_identity_check("clerk", "plaintiff", T0, document="x", verified=True)
    events += room.admit("clerk", "plaintiff", T0)
    copy = in_session()
    for event in events:
        copy.apply(ev.event_from_record(event.type, event.model_dump(mode="json")))
    assert copy == room


def test_in_a_multi_site_meeting_sites_see_the_court_not_each_other() -> None:
    from conference.domain.hearings import HearingKind

    room = make_room()
    room.kind = HearingKind.MEETING
    room.join("judge", T0)
    room.join("clerk", T0)
    room.open("judge", T0)
    for pid in ("lawyer", "observer"):
        room.join(pid, T0)
        room.admit("clerk", pid, T0)
    seen = {e.participant_id for e in roster_for(room, "lawyer")}
    assert seen == {"judge", "clerk", "lawyer"}
    assert {e.participant_id for e in roster_for(room, "clerk")} >= {"lawyer", "observer"}
