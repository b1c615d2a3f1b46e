"""Meeting recurrence against the court calendar, and attendance per site (pure)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conference.domain.calendar import CourtCalendar
from conference.domain.clock import COURT_TZ
from conference.domain.errors import InvalidValue
from conference.domain.meetings import HORIZON, Site, Stay, attendance, attendance_csv, expand

CAL = CourtCalendar()
HOUR = timedelta(hours=1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=COURT_TZ)


@pytest.mark.parametrize(
    ("rule", "first", "duration", "expected"),
    [
        (None, "2030-03-15T09:00", HOUR, [("2030-03-15 09:00", None)]),
        (
            "FREQ=WEEKLY;BYDAY=FR;COUNT=3",
            "2030-01-25T09:00",
            HOUR,
            [
                ("2030-01-25 09:00", None),
                ("2030-02-01 09:00", "2030-02-01 is a public holiday (Lunar New Year's Eve)"),
                ("2030-02-08 09:00", None),
            ],
        ),
        (
            "RRULE:FREQ=DAILY;COUNT=3",
            "2030-03-15T09:00",
            HOUR,
            [
                ("2030-03-15 09:00", None),
                ("2030-03-16 09:00", "2030-03-16 is a Saturday, when the court does not sit"),
                ("2030-03-17 09:00", "2030-03-17 is a Sunday, when the court does not sit"),
            ],
        ),
        (
            "FREQ=WEEKLY;INTERVAL=2;COUNT=2",
            "2030-04-19T16:00",
            2 * HOUR,
            [
                (
                    "2030-04-19 16:00",
                    "16:00-18:00 on Fri 2030-04-19 is outside court hours (07:30-11:30,"
                    " 13:30-17:00)",
                ),
                (
                    "2030-05-03 16:00",
                    "16:00-18:00 on Fri 2030-05-03 is outside court hours"
                    " (07:30-11:30, 13:30-17:00)",
                ),
            ],
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=30;UNTIL=20300601T000000",
            "2030-04-30T14:00",
            HOUR,
            [
                (
                    "2030-04-30 14:00",
                    "2030-04-30 is a public holiday (Liberation Day/Reunification Day)",
                ),
                ("2030-05-30 14:00", None),
            ],
        ),
    ],
)
def test_occurrences_meet_the_calendar(
    rule: str | None, first: str, duration: timedelta, expected: list[tuple[str, str | None]]
) -> None:
    got = expand(rule, at(first), duration, CAL)
    assert [(f"{o.starts_at:%Y-%m-%d %H:%M}", o.skipped) for o in got] == expected
    assert [o.sequence for o in got] == list(range(1, len(expected) + 1))
    assert all(o.ends_at - o.starts_at == duration for o in got)
    assert all(o.starts_at.utcoffset() == timedelta(hours=7) for o in got)


def test_a_make_up_saturday_is_worked_and_an_open_rule_is_capped() -> None:
    saturday = date(2030, 3, 16)
    cal = CourtCalendar(working_days=frozenset({saturday}))
    got = expand("FREQ=DAILY;COUNT=2", at("2030-03-15T09:00"), HOUR, cal)
    assert [o.skipped for o in got] == [None, None]
    endless = expand("FREQ=WEEKLY", at("2030-03-15T09:00"), HOUR, CAL)
    assert len(endless) == 105  # two years of weeks
    assert len(expand("FREQ=DAILY", at("2030-03-15T09:00"), HOUR, CAL)) == 200


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("FREQ=SOMETIMES", "is not a valid RFC 5545 RRULE"),
        ("FREQ=WEEKLY;COUNT=x", "is not a valid RFC 5545 RRULE"),
        ("DTSTART=20300101T090000;FREQ=DAILY", "not DTSTART inside the rule"),
        ("FREQ=DAILY;UNTIL=20200101T000000", "gives no occurrence"),
    ],
)
def test_bad_rules_are_named(rule: str, says: str) -> None:
    with pytest.raises(InvalidValue) as err:
        expand(rule, at("2030-03-15T09:00"), HOUR, CAL)
    assert says in err.value.message and err.value.field == "rrule"


SITES = [
    Site("HN-P1", "Phòng xử án số 1", "TAND-HN", "TAND Hà Nội"),
    Site("DN-P1", "Phòng xử án Đà Nẵng", "TAND-DN", "TAND Đà Nẵng"),
    Site("TG-1", "Trại giam", "TAND-HN", "TAND Hà Nội"),
]


def test_attendance_counts_minutes_per_site() -> None:
    start = at("2030-03-15T09:00")
    m = lambda n: start + timedelta(minutes=n)  # noqa: E731
    stays = [
        Stay("HN-P1", m(0), m(30)),
        Stay("HN-P1", m(20), m(50)),  # a second device overlapping: counted once
        Stay("HN-P1", m(70), m(80)),
        Stay("TG-1", m(45), None),  # still in at the end: counted to the end
        Stay("XX-9", m(5), m(6)),  # not invited, still shown
    ]
    rows = attendance(SITES, stays, ends_at=m(60))
    assert [(r.site.code, r.joins, r.minutes, r.attended) for r in rows] == [
        ("HN-P1", 3, 60, True),
        ("DN-P1", 0, 0, False),
        ("TG-1", 1, 15, True),
        ("XX-9", 1, 1, True),
    ]
    assert rows[0].first_joined == m(0) and rows[0].last_left == m(80)

    parsed = list(csv.DictReader(io.StringIO(attendance_csv(rows, COURT_TZ))))
    assert parsed[0] == {
        "endpoint_code": "HN-P1",
        "site": "Phòng xử án số 1",
        "court_code": "TAND-HN",
        "court": "TAND Hà Nội",
        "attended": "yes",
        "joins": "3",
        "minutes": "60",
        "first_joined": "2030-03-15T09:00:00+07:00",
        "last_left": "2030-03-15T10:20:00+07:00",
    }
    assert [(r["endpoint_code"], r["attended"], r["first_joined"]) for r in parsed[1:2]] == [
        ("DN-P1", "no", "")
    ]


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(date(2027, 1, 1), date(2031, 12, 31)),
    minute=st.integers(6 * 60, 18 * 60),
    duration=st.integers(5, 240),
    freq=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]),
    count=st.integers(1, 30),
)
def test_every_booked_occurrence_is_inside_court_hours(
    day: date, minute: int, duration: int, freq: str, count: int
) -> None:
    first = datetime.combine(day, datetime.min.time(), COURT_TZ) + timedelta(minutes=minute)
    got = expand(f"FREQ={freq};COUNT={count}", first, timedelta(minutes=duration), CAL)
    assert got[0].starts_at == first and got[-1].starts_at - first <= HORIZON
    assert len(got) == count if freq != "MONTHLY" else 1 <= len(got) <= count  # 2-year cap
    assert all(a.starts_at < b.starts_at for a, b in pairwise(got))
    for o in got:
        reason = CAL.outside_hours(o.starts_at, o.ends_at)
        assert o.skipped == reason  # booked exactly when the calendar allows it
        assert (o.starts_at.hour, o.starts_at.minute) == (first.hour, first.minute)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 120), st.integers(0, 60)), max_size=8))
def test_a_sites_minutes_never_exceed_the_span_it_was_present(spans: list[tuple[int, int]]) -> None:
    start = at("2030-03-15T09:00")
    stays = [
        Stay("HN-P1", start + timedelta(minutes=a), start + timedelta(minutes=a + n))
        for a, n in spans
    ]
    (row, *_) = attendance(SITES, stays, ends_at=start + timedelta(hours=3))
    assert row.joins == len(spans)
    covered = {m for a, n in spans for m in range(a, a + n)}
    assert row.minutes == len(covered)  # overlaps counted once, gaps not at all
