"""Booking conflicts and free slots: the pure rules, by table and by property."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conference.domain.booking import (
    Booking,
    ConflictCode,
    EndpointState,
    MediaNeeds,
    PersonKey,
    Resource,
    Seat,
    booking_from_plan,
    clashes,
    find_conflicts,
    free_slots,
    free_starts,
    holds_resources,
)
from conference.domain.calendar import CourtCalendar, parse_hours
from conference.domain.clock import COURT_TZ
from conference.domain.courts import Capabilities
from conference.domain.errors import InvalidValue
from conference.domain.hearings import HearingKind, HearingPlan, HearingState, Participant, Role

CAL = CourtCalendar()
MON = date(2026, 11, 23)  # a Monday, no holiday


def at(hhmm: str, day: date = MON) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), COURT_TZ)


def seat(role: Role, name: str, user: str | None = None, lang: str | None = None) -> Seat:
    key = PersonKey.for_participant(role, name, user, lang)
    assert key is not None
    return Seat(key, role, name, lang)


JUDGE = seat(Role.PRESIDING_JUDGE, "Nguyễn Văn An", "an.nv")
CLERK = seat(Role.CLERK, "Lê Thị Hoa", "hoa.lt")
LAWYER = seat(Role.LAWYER, "Trần  Minh")
INTERP_EN = seat(Role.INTERPRETER, "Phạm Lan", lang="en")
INTERP_FR = seat(Role.INTERPRETER, "Phạm Lan", lang="fr")
ENDPOINTS = {
    "P1": EndpointState("P1", True),
    "P2": EndpointState("P2", True),
    "OFF": EndpointState("OFF", False),
    "WEAK": EndpointState("WEAK", True, Capabilities("360p", ("VP8",), 256)),
}


def book(
    bid: str, start: str, end: str, *seats: Seat, eps: tuple[str, ...] = (), day: date = MON
) -> Booking:
    return Booking(bid, f"hearing {bid}", at(start, day), at(end, day), seats, frozenset(eps))


def codes(found: list) -> list[ConflictCode]:  # type: ignore[type-arg]
    return [c.code for c in found]


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (book("x", "09:00", "10:00", JUDGE), [ConflictCode.PERSON_BUSY]),
        (book("x", "09:59", "11:00", CLERK), [ConflictCode.PERSON_BUSY]),
        (book("x", "10:00", "11:00", JUDGE), []),  # touching is not overlapping
        (book("x", "08:00", "09:00", JUDGE), []),
        (book("x", "09:30", "09:45", seat(Role.LAWYER, "trần minh")), [ConflictCode.PERSON_BUSY]),
        (book("x", "09:30", "09:45", INTERP_EN), [ConflictCode.PERSON_BUSY]),
        (book("x", "09:30", "09:45", INTERP_FR), []),  # same name, other language: other person
        (book("x", "09:30", "09:45", eps=("P1",)), [ConflictCode.ENDPOINT_BUSY]),
        (book("x", "09:30", "09:45", eps=("P2",)), []),
        (
            book("x", "09:00", "10:00", JUDGE, LAWYER, eps=("P1",)),
            [ConflictCode.PERSON_BUSY, ConflictCode.PERSON_BUSY, ConflictCode.ENDPOINT_BUSY],
        ),
    ],
)
def test_who_and_what_clash(other: Booking, expected: list[ConflictCode]) -> None:
    proposed = book("p", "09:00", "10:00", JUDGE, CLERK, LAWYER, INTERP_EN, eps=("P1",))
    assert codes(clashes(proposed, other)) == expected


def test_message_names_the_person_and_the_other_hearing() -> None:
    proposed = book("p", "09:00", "10:00", INTERP_EN)
    [c] = clashes(proposed, book("x", "09:30", "11:00", INTERP_EN))
    assert c.message == (
        "interpreter Phạm Lan (en) is already booked for 'hearing x' at 2026-11-23 09:30-11:00"
    )
    assert c.other_booking_id == "x"


@pytest.mark.parametrize(
    ("start", "end", "day", "eps", "expected"),
    [
        ("08:00", "09:00", MON, ("P1",), []),
        ("07:00", "08:00", MON, (), [ConflictCode.OUTSIDE_HOURS]),
        ("11:00", "12:00", MON, (), [ConflictCode.OUTSIDE_HOURS]),  # runs into lunch
        ("16:30", "17:00", MON, (), []),
        ("09:00", "10:00", date(2026, 11, 28), (), [ConflictCode.OUTSIDE_HOURS]),  # Saturday
        ("09:00", "10:00", date(2026, 2, 17), (), [ConflictCode.OUTSIDE_HOURS]),  # Tết
        ("09:00", "10:00", date(2026, 9, 2), (), [ConflictCode.OUTSIDE_HOURS]),  # National Day
        ("09:00", "10:00", MON, ("OFF",), [ConflictCode.ENDPOINT_DISABLED]),
        ("09:00", "10:00", MON, ("NOPE",), [ConflictCode.ENDPOINT_UNKNOWN]),
        ("09:00", "10:00", MON, ("WEAK",), [ConflictCode.ENDPOINT_INCAPABLE]),
    ],
)
def test_calendar_and_endpoint_rules(
    start: str, end: str, day: date, eps: tuple[str, ...], expected: list[ConflictCode]
) -> None:
    proposed = book("p", start, end, eps=eps, day=day)
    needs = MediaNeeds("720p", ("H264",), 1024)
    found = find_conflicts(proposed, [], endpoints=ENDPOINTS, calendar=CAL, needs=needs)
    assert codes(found) == expected


def test_holiday_message_names_the_holiday_and_weak_endpoint_says_what_is_missing() -> None:
    tet = book("p", "09:00", "10:00", eps=("WEAK",), day=date(2026, 2, 17))
    found = find_conflicts(tet, [], endpoints=ENDPOINTS, calendar=CAL, needs=MediaNeeds("720p"))
    assert "public holiday (Lunar New Year)" in found[0].message
    assert found[1].message == (
        "endpoint WEAK cannot carry this meeting: resolution 360p below 720p;"
        " bandwidth 256 kbps below 512"
    )


def test_configured_days_off_and_make_up_days() -> None:
    saturday = date(2026, 11, 28)
    cal = CourtCalendar(extra_days_off=frozenset({MON}), working_days=frozenset({saturday}))
    reason = cal.outside_hours(at("09:00"), at("10:00"))
    assert reason == "2026-11-23 is a day off in the court calendar"
    assert cal.outside_hours(at("09:00", saturday), at("10:00", saturday)) is None


def test_in_the_past_is_refused() -> None:
    found = find_conflicts(
        book("p", "09:00", "10:00"), [], endpoints={}, calendar=CAL, now=at("09:30")
    )
    assert codes(found) == [ConflictCode.IN_THE_PAST]


def test_court_hours_parse_and_refuse_nonsense() -> None:
    hours = parse_hours("mon-fri 08:00-12:00,13:00-17:00; sat 08:00-11:00")
    assert hours[5] == ((time(8), time(11)),)
    assert len(hours) == 6
    with pytest.raises(InvalidValue, match="not valid"):
        parse_hours("weekdays 8-5")
    with pytest.raises(InvalidValue, match="ends before it starts"):
        parse_hours("mon 12:00-08:00")


def test_witnesses_do_not_tie_anyone_up() -> None:
    assert PersonKey.for_participant(Role.WITNESS, "Nguyễn Văn An", None, None) is None


def test_plan_becomes_booking_with_people_that_matter() -> None:
    plan = HearingPlan(
        kind=HearingKind.HEARING,
        title="12/2026/TLST-DS",
        starts_at=at("09:00"),
        duration=timedelta(hours=1),
        central_endpoint="P1",
        component_endpoints=("P2",),
        case_number="12/2026/TLST-DS",
        participants=(
            Participant(Role.PRESIDING_JUDGE, "Nguyễn Văn An", staff_username="an.nv"),
            Participant(Role.PARTY, "Bà Hồng"),
            Participant(Role.INTERPRETER, "Phạm Lan", language="EN"),
            Participant(Role.ENDPOINT, "Trại giam", endpoint_code="TG1"),
        ),
    )
    b = booking_from_plan(plan)
    assert b.endpoints == frozenset({"P1", "P2", "TG1"})
    assert b.people == frozenset(
        {PersonKey("staff", "an.nv"), PersonKey("interpreter", "phạm lan|en")}
    )
    # What storage keeps as busy intervals: every person and endpoint, each once.
    assert b.resources == frozenset(
        {
            Resource("staff", "an.nv"),
            Resource("interpreter", "phạm lan|en"),
            Resource("endpoint", "P1"),
            Resource("endpoint", "P2"),
            Resource("endpoint", "TG1"),
        }
    )


@pytest.mark.parametrize(
    ("state", "holds"),
    [
        (HearingState.SCHEDULED, True),
        (HearingState.OPEN, True),
        (HearingState.IN_SESSION, True),
        (HearingState.PAUSED, True),
        (HearingState.ADJOURNED, True),
        (HearingState.CLOSED, False),
        (HearingState.CANCELLED, False),
    ],
)
def test_cancelled_and_closed_hearings_free_their_people_and_endpoints(
    state: HearingState, holds: bool
) -> None:
    assert holds_resources(state) is holds
    assert holds_resources(state.value) is holds


def test_free_starts_read_only_busy_spans() -> None:
    busy = [(at("07:30"), at("09:00")), (at("08:30"), at("10:00")), (at("10:30"), at("11:00"))]
    slots = free_starts(busy, duration=timedelta(minutes=30), calendar=CAL, after=at("07:00"))
    assert slots == [at("10:00"), at("11:00"), at("13:30"), at("14:00"), at("14:30")]


def test_free_slots_skip_lunch_busy_people_and_holidays() -> None:
    proposed = book("p", "09:00", "10:00", JUDGE, eps=("P1",))
    existing = [
        book("a", "07:30", "09:30", JUDGE),
        book("b", "09:30", "10:30", eps=("P1",)),
        book("c", "10:30", "11:30", seat(Role.LAWYER, "someone else")),
    ]
    slots = free_slots(proposed, existing, calendar=CAL, after=at("07:00"), count=3)
    assert slots == [at("10:30"), at("13:30"), at("14:00")]
    friday = date(2026, 11, 27)
    later = free_slots(proposed, [], calendar=CAL, after=at("16:30", friday), count=1)
    assert later == [at("07:30", date(2026, 11, 30))]  # not Saturday or Sunday


# --- properties -----------------------------------------------------------------------------

PEOPLE = [JUDGE, CLERK, LAWYER, INTERP_EN, INTERP_FR, seat(Role.PANEL_MEMBER, "X", "x")]
EPS = ["P1", "P2", "P3"]


@st.composite
def bookings(draw: st.DrawFn, bid: str | None = None) -> Booking:
    start = draw(st.integers(0, 20)) * 30
    length = draw(st.integers(1, 6)) * 30
    s = datetime(2026, 11, 23, 0, 30, tzinfo=UTC) + timedelta(minutes=start)
    return Booking(
        bid or draw(st.uuids()).hex,
        "b",
        s,
        s + timedelta(minutes=length),
        tuple(draw(st.sets(st.sampled_from(PEOPLE), max_size=3))),
        frozenset(draw(st.sets(st.sampled_from(EPS), max_size=2))),
    )


@given(bookings("a"), bookings("b"))
def test_conflict_is_symmetric(a: Booking, b: Booking) -> None:
    assert bool(clashes(a, b)) == bool(clashes(b, a))
    assert len(clashes(a, b)) == len(clashes(b, a))


@given(bookings("p"), st.lists(bookings(), max_size=6), st.lists(bookings(), max_size=6))
def test_adding_bookings_never_removes_a_conflict(
    p: Booking, existing: list[Booking], more: list[Booking]
) -> None:
    before = find_conflicts(p, existing, endpoints={}, calendar=CAL)
    after = find_conflicts(p, existing + more, endpoints={}, calendar=CAL)
    assert set(before) <= set(after)


@settings(max_examples=50, deadline=None)
@given(bookings("p"), st.lists(bookings(), max_size=8))
def test_no_free_slot_offered_conflicts(p: Booking, existing: list[Booking]) -> None:
    slots = free_slots(p, existing, calendar=CAL, after=at("07:00"), count=4, horizon_days=3)
    assert slots == sorted(slots)
    for start in slots:
        moved = p.moved_to(start)
        assert CAL.outside_hours(moved.starts_at, moved.ends_at) is None
        assert not any(clashes(moved, b) for b in existing)


@given(bookings("a"), bookings("b"))
def test_bookings_clash_exactly_when_they_overlap_and_share_a_resource(
    a: Booking, b: Booking
) -> None:
    # Why storage may find clashes by looking up each resource's busy intervals.
    assert bool(clashes(a, b)) == (a.overlaps(b) and bool(a.resources & b.resources))


@settings(max_examples=50, deadline=None)
@given(bookings("p"), st.lists(bookings(), max_size=8))
def test_free_slots_leave_out_only_starts_that_clash(p: Booking, existing: list[Booking]) -> None:
    slots = free_slots(p, existing, calendar=CAL, after=at("07:00"), count=4, horizon_days=3)
    duration, step = p.ends_at - p.starts_at, timedelta(minutes=30)
    for start in CAL.candidate_starts(at("07:00"), duration, step, 3):
        if len(slots) == 4 and start > slots[-1]:
            break
        clash = any(clashes(p.moved_to(start), b) for b in existing)
        assert (start in slots) is not clash
