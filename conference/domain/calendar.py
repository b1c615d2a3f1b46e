"""Court hours and days off: when a hearing may be booked (pure; no I/O, no clock).

Working hours are per weekday in court time; public holidays come from the `holidays` package
(Vietnam, Tết included) plus configured extra days off, minus configured make-up working days
(the Saturdays the government swaps in for a bridge day).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from conference.domain.clock import COURT_TZ
from conference.domain.errors import InvalidValue

Span = tuple[time, time]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_HOURS: dict[int, tuple[Span, ...]] = {
    d: ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0))) for d in range(5)
}


def parse_hours(text: str) -> dict[int, tuple[Span, ...]]:
    """`mon-fri 07:30-11:30,13:30-17:00; sat 08:00-11:00` -> {weekday: spans}."""
    hours: dict[int, tuple[Span, ...]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        try:
            days_text, spans_text = part.split(None, 1)
            first, _, last = days_text.lower().partition("-")
            lo, hi = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
            spans = []
            for span in spans_text.split(","):
                a, b = span.strip().split("-")
                spans.append((time.fromisoformat(a), time.fromisoformat(b)))
        except ValueError as exc:
            raise InvalidValue(
                f"court hours {part!r} are not valid; write e.g."
                " 'mon-fri 07:30-11:30,13:30-17:00; sat 08:00-11:00'",
                field="court_hours",
            ) from exc
        if any(a >= b for a, b in spans):
            raise InvalidValue(f"in {part!r} a span ends before it starts", field="court_hours")
        for day in range(lo, hi + 1):
            hours[day] = tuple(sorted(spans))
    return hours


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int) -> dict[date, str]:
    import holidays

    return dict(holidays.country_holidays(country, years=year).items())


@dataclass(frozen=True)
class CourtCalendar:
    hours: dict[int, tuple[Span, ...]] = field(default_factory=lambda: dict(DEFAULT_HOURS))
    country: str | None = "VN"  # None: no public holidays
    extra_days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()  # make-up days: worked even if weekend/holiday
    tz: ZoneInfo = COURT_TZ

    def day_off_reason(self, day: date) -> str | None:
        """Why nobody sits on this day, or None when it is a working day."""
        if day in self.working_days:
            return None
        if day in self.extra_days_off:
            return "a day off in the court calendar"
        if self.country:
            name = _public_holidays(self.country, day.year).get(day)
            if name:
                return f"a public holiday ({name})"
        if not self.hours.get(day.weekday()):
            return f"a {day.strftime('%A')}, when the court does not sit"
        return None

    def spans_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The sitting spans of one day as aware datetimes; empty on a day off."""
        if self.day_off_reason(day) is not None:
            return []
        spans = self.hours.get(day.weekday()) or DEFAULT_HOURS[0]
        return [
            (datetime.combine(day, a, self.tz), datetime.combine(day, b, self.tz)) for a, b in spans
        ]

    def outside_hours(self, starts_at: datetime, ends_at: datetime) -> str | None:
        """None if [starts_at, ends_at) lies inside one sitting span, else the reason."""
        start, end = starts_at.astimezone(self.tz), ends_at.astimezone(self.tz)
        reason = self.day_off_reason(start.date())
        if reason:
            return f"{start:%Y-%m-%d} is {reason}"
        if end.date() != start.date() and end.time() != time(0):
            return "the booking runs past midnight"
        spans = self.spans_on(start.date())
        if any(a <= start and end <= b for a, b in spans):
            return None
        shown = ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in spans)
        return f"{start:%H:%M}-{end:%H:%M} on {start:%a %Y-%m-%d} is outside court hours ({shown})"

    def candidate_starts(
        self, after: datetime, duration: timedelta, step: timedelta, days: int
    ) -> Iterable[datetime]:
        """Every start on the step grid, from `after`, whose whole booking fits a span."""
        first = after.astimezone(self.tz)
        for offset in range(days + 1):
            day = first.date() + timedelta(days=offset)
            for a, b in self.spans_on(day):
                t = a
                while t + duration <= b:
                    if t >= first:
                        yield t
                    t += step
