"""The court's recording switch: who may turn it on, and that adjourning or closing turns it
off in the record itself (so a replayed room never believes it is still recording)."""

from __future__ import annotations

import pytest

from conference.domain import room_events as ev
from conference.domain.errors import NotAllowed
from conference.domain.hearings import HearingState
from conference.domain.media_routing import OUTSIDE
from conference.domain.room import Room
from conference.domain.roster import media_facts, routing_for
from tests.conference.test_room import T0, checked_in, in_session, make_room, opened


def replayed(events: list[ev.RoomEvent]) -> Room:
    room = make_room()
    for event in events:
        room.apply(event)
    return room


def test_judge_or_clerk_record_during_the_session_only() -> None:
    room = opened()
    with pytest.raises(NotAllowed, match="while the hearing is open"):
        room.start_recording("judge", T0)
    room.start("judge", T0)
    checked_in(room, "plaintiff")
    with pytest.raises(NotAllowed, match="a party may not record"):
        room.start_recording("plaintiff", T0)
    [started] = room.start_recording("clerk", T0)
    assert isinstance(started, ev.RecordingStarted) and room.recording
    with pytest.raises(NotAllowed, match="already being recorded"):
        room.start_recording("judge", T0)
    room.pause("judge", T0)
    assert room.recording  # a pause is part of the session; the judge decides
    room.resume("judge", T0)
    [stopped] = room.stop_recording("judge", T0)
    assert isinstance(stopped, ev.RecordingStopped) and not room.recording
    with pytest.raises(NotAllowed, match="not being recorded"):
        room.stop_recording("judge", T0)


@pytest.mark.parametrize("end", ["adjourn", "close"])
def test_adjourning_or_closing_stops_the_recording_in_the_record(end: str) -> None:
    room = in_session()
    log = room.start_recording("judge", T0)
    log += getattr(room, end)("judge", T0, "hết giờ")
    assert not room.recording
    stop, change = log[-2:]
    assert isinstance(stop, ev.RecordingStopped) and stop.reason == f"the hearing is {room.state}"
    assert isinstance(change, ev.HearingStateChanged)
    assert not replayed(log).recording


def test_a_closing_job_stops_the_recording_too() -> None:
    room = in_session()
    room.start_recording("judge", T0)
    events = room.system_change(HearingState.CLOSED, T0, "scheduled end")
    assert isinstance(events[0], ev.RecordingStopped) and events[0].actor is None
    assert not room.recording


def test_a_saved_file_is_recorded_without_changing_the_room() -> None:
    room = in_session()
    version = room.version
    room.apply(
        ev.RecordingSaved(
            at=T0,
            speaker_id="judge",
            kind="audio",
            file="h1/a.webm",
            sha256="0" * 64,
            bytes=10,
            started_at=T0,
            ended_at=T0,
        )
    )
    assert room.version == version


def test_media_facts_put_everyone_not_in_a_room_outside() -> None:
    room = in_session()
    room.join("plaintiff", T0)
    assert media_facts(routing_for(room, "plaintiff")).zone == OUTSIDE  # waiting
    room.record_identity_check("clerk", "plaintiff", T0, document="CCCD 001", verified=True)
    room.admit("clerk", "plaintiff", T0)
    room.mute("judge", "plaintiff", T0, audio=True, video=False)
    facts = media_facts(routing_for(room, "plaintiff"))
    assert facts.zone == "main" and not facts.may_send_audio and facts.may_send_video
    checked_in(room, "lawyer")
    room.move_to_consultation("judge", ["plaintiff", "lawyer"], T0)
    assert media_facts(routing_for(room, "lawyer")).zone.startswith("consultation:")
    room.disconnect("lawyer", T0)
    assert media_facts(routing_for(room, "lawyer")).zone == OUTSIDE
    room.adjourn("judge", T0)
    assert media_facts(routing_for(room, "judge")).zone == OUTSIDE  # nothing flows
