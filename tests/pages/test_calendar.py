"""The calendar layout, directly: positions in court time, overlapping hearings in lanes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from web.pages.calendar import Booked, days_for, lay_out

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2026, 3, 2)  # a Monday


def booked(name: str, start_hour: float, minutes: int) -> Booked:
    start = datetime(2026, 3, 2, tzinfo=TZ) + timedelta(hours=start_hour)
    return Booked(
        name,
        name,
        start.astimezone(UTC),
        (start + timedelta(minutes=minutes)).astimezone(UTC),
        "scheduled",
        "X",
    )


def test_a_hearing_sits_at_its_court_time() -> None:
    grid = lay_out([booked("a", 9, 60)], [DAY], TZ)
    assert (grid.first_hour, grid.last_hour) == (7, 18)
    [block] = grid.days[0].blocks
    assert block.top == 100 * 2 / 11  # 09:00 is 2 of 11 hours down
    assert block.height == 100 / 11
    assert (block.lane, block.lanes) == (0, 1)


def test_overlapping_hearings_share_the_width() -> None:
    grid = lay_out([booked("a", 9, 90), booked("b", 10, 60), booked("c", 12, 30)], [DAY], TZ)
    blocks = {b.booked.id: b for b in grid.days[0].blocks}
    assert (blocks["a"].lane, blocks["a"].lanes) == (0, 2)
    assert (blocks["b"].lane, blocks["b"].lanes) == (1, 2)
    assert (blocks["c"].lane, blocks["c"].lanes) == (0, 1)


def test_the_grid_grows_for_an_early_or_late_hearing() -> None:
    grid = lay_out([booked("a", 6.5, 30), booked("b", 19, 60)], [DAY], TZ)
    assert (grid.first_hour, grid.last_hour) == (6, 20)


def test_a_week_starts_on_monday_and_places_each_day() -> None:
    days = days_for("week", date(2026, 3, 5))
    assert days[0] == DAY and len(days) == 7
    grid = lay_out([booked("a", 9, 60)], days, TZ)
    assert [len(c.blocks) for c in grid.days] == [1, 0, 0, 0, 0, 0, 0]
