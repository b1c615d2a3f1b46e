"""Laying hearings out on a time grid: pure functions, no I/O, court time passed in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_START = 7  # hours shown by default, court time
DAY_END = 18


@dataclass(frozen=True)
class Booked:
    id: str
    title: str
    starts_at: datetime  # aware
    ends_at: datetime
    state: str
    where: str  # the central endpoint or court, for the label


@dataclass(frozen=True)
class Block:
    booked: Booked
    top: float  # percent of the day column
    height: float
    lane: int
    lanes: int

    @property
    def left(self) -> float:
        return 100 * self.lane / self.lanes

    @property
    def width(self) -> float:
        return 100 / self.lanes


@dataclass
class DayColumn:
    day: date
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Grid:
    first_hour: int
    last_hour: int
    days: list[DayColumn]

    @property
    def hours(self) -> list[int]:
        return list(range(self.first_hour, self.last_hour))

    def hour_top(self, hour: int) -> float:
        return 100 * (hour - self.first_hour) / (self.last_hour - self.first_hour)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def days_for(view: str, day: date) -> list[date]:
    if view == "week":
        first = week_start(day)
        return [first + timedelta(days=i) for i in range(7)]
    return [day]


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, start + timedelta(days=1)


def lay_out(booked: Iterable[Booked], days: list[date], tz: ZoneInfo) -> Grid:
    """Place each hearing in its day's column; overlapping hearings share the width in lanes."""
    items = sorted(booked, key=lambda b: (b.starts_at, b.ends_at))
    first, last = DAY_START, DAY_END
    per_day: dict[date, list[tuple[float, float, Booked]]] = {d: [] for d in days}
    for b in items:
        for d in days:
            lo, hi = day_bounds(d, tz)
            if b.ends_at <= lo or b.starts_at >= hi:
                continue
            s = max(b.starts_at, lo).astimezone(tz)
            e = min(b.ends_at, hi).astimezone(tz)
            s_h = s.hour + s.minute / 60
            e_h = 24.0 if e >= hi else e.hour + e.minute / 60
            first = min(first, int(s_h))
            last = max(last, min(24, int(e_h) + (0 if e_h == int(e_h) else 1)))
            per_day[d].append((s_h, e_h, b))
    span = last - first
    columns = []
    for d in days:
        column = DayColumn(d)
        for s_h, e_h, b, lane, lanes in assign_lanes(per_day[d]):
            column.blocks.append(
                Block(
                    b,
                    top=100 * (s_h - first) / span,
                    height=max(100 * (e_h - s_h) / span, 1.5),
                    lane=lane,
                    lanes=lanes,
                )
            )
        columns.append(column)
    return Grid(first, last, columns)


def assign_lanes(
    spans: list[tuple[float, float, Booked]],
) -> list[tuple[float, float, Booked, int, int]]:
    """Overlapping hearings (a cluster) share the column: each gets the first free lane, and
    every member of a cluster gets the cluster's lane count. `spans` are sorted by start."""
    placed: list[tuple[float, float, Booked, int, int]] = []
    cluster: list[tuple[float, float, Booked, int]] = []
    cluster_end = -1.0
    for s_h, e_h, b in [*spans, (float("inf"), float("inf"), None)]:
        if cluster and s_h >= cluster_end:
            lanes = 1 + max(c[3] for c in cluster)
            placed += [(cs, ce, cb, lane, lanes) for cs, ce, cb, lane in cluster]
            cluster = []
        if b is None:
            break
        busy = {c[3] for c in cluster if c[1] > s_h}
        lane = next(i for i in range(len(cluster) + 1) if i not in busy)
        cluster.append((s_h, e_h, b, lane))
        cluster_end = max(cluster_end, e_h) if len(cluster) > 1 else e_h
    return placed
