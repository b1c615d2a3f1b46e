"""Multi-site meetings: whom they reach, when they recur, who attended (pure; no I/O).

A series targets endpoints by list, court, province, level or all, and recurs by an RFC 5545
RRULE (python-dateutil) expanded in court time from its first start. An occurrence that falls
on a day off or outside court hours is not booked: it is reported with the reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from conference.domain.calendar import CourtCalendar
from conference.domain.errors import InvalidValue

MAX_OCCURRENCES = 200
HORIZON = timedelta(days=366 * 2)


class TargetKind(StrEnum):
    LIST = "list"  # the endpoint codes given
    COURT = "court"  # every endpoint of the courts given
    PROVINCE = "province"  # every endpoint of the courts in the provinces given
    LEVEL = "level"  # every endpoint of the courts at the levels given
    ALL = "all"


@dataclass(frozen=True)
class Occurrence:
    sequence: int  # 1-based position in the rule's expansion
    starts_at: datetime
    ends_at: datetime
    skipped: str | None = None  # why it is not booked (day off, outside hours)


def expand(
    rrule: str | None,
    first_start: datetime,
    duration: timedelta,
    calendar: CourtCalendar,
    *,
    limit: int = MAX_OCCURRENCES,
) -> list[Occurrence]:
    """The occurrences of a series, in court time, each checked against the calendar.

    `rrule` is the RRULE value (`FREQ=WEEKLY;BYDAY=FR;COUNT=10`, with or without the `RRULE:`
    prefix); None or empty: the first start only. A rule without COUNT or UNTIL stops at
    `limit` occurrences or two years, whichever comes first."""
    if first_start.tzinfo is None:
        raise InvalidValue("first_start needs a time zone offset", field="starts_at")
    local = first_start.astimezone(calendar.tz)
    starts: list[datetime]
    if not rrule or not rrule.strip():
        starts = [local]
    else:
        text = rrule.strip()
        if text.upper().startswith("RRULE:"):
            text = text[6:]
        if any(part.upper().startswith("DTSTART") for part in text.split(";")):
            raise InvalidValue(
                "give the first start as starts_at, not DTSTART inside the rule", field="rrule"
            )
        naive = local.replace(tzinfo=None)  # expand in wall-clock court time
        try:
            rule = rrulestr(text, dtstart=naive)
        except (ValueError, TypeError) as exc:
            raise InvalidValue(
                f"recurrence rule {rrule!r} is not a valid RFC 5545 RRULE ({exc}); write e.g."
                " FREQ=WEEKLY;BYDAY=FR;COUNT=10",
                field="rrule",
            ) from exc
        until = naive + HORIZON
        starts = []
        for when in rule:
            if when > until or len(starts) >= limit:
                break
            starts.append(when.replace(tzinfo=calendar.tz))
        if not starts:
            raise InvalidValue(f"recurrence rule {rrule!r} gives no occurrence", field="rrule")
    return [
        Occurrence(n, s, s + duration, calendar.outside_hours(s, s + duration))
        for n, s in enumerate(starts, start=1)
    ]


@dataclass(frozen=True)
class Site:
    code: str
    name: str
    court_code: str
    court_name: str


@dataclass(frozen=True)
class Stay:
    endpoint_code: str
    joined_at: datetime
    left_at: datetime | None


@dataclass(frozen=True)
class SiteAttendance:
    site: Site
    minutes: int
    joins: int
    first_joined: datetime | None
    last_left: datetime | None

    @property
    def attended(self) -> bool:
        return self.joins > 0


def attendance(
    sites: Sequence[Site], stays: Iterable[Stay], *, ends_at: datetime
) -> list[SiteAttendance]:
    """Minutes per invited site (a stay still open counts to `ends_at`), in the order given;
    a site never seen has 0 minutes. Overlapping stays of one site (two devices) count once."""
    by_site: dict[str, list[tuple[datetime, datetime]]] = {}
    for s in stays:
        end = s.left_at or max(ends_at, s.joined_at)
        by_site.setdefault(s.endpoint_code, []).append((s.joined_at, end))
    known = {s.code for s in sites}
    extra = [Site(c, c, "", "") for c in sorted(by_site) if c not in known]
    out = []
    for site in [*sites, *extra]:
        spans = sorted(by_site.get(site.code, []))
        total = timedelta()
        cursor: datetime | None = None
        for a, b in spans:
            if cursor is not None and a < cursor:
                a = cursor
            if b > a:
                total += b - a
            cursor = max(cursor, b) if cursor else b
        out.append(
            SiteAttendance(
                site,
                round(total.total_seconds() / 60),
                len(spans),
                spans[0][0] if spans else None,
                max(b for _, b in spans) if spans else None,
            )
        )
    return out


CSV_HEADER = (
    "endpoint_code",
    "site",
    "court_code",
    "court",
    "attended",
    "joins",
    "minutes",
    "first_joined",
    "last_left",
)


def attendance_csv(rows: Sequence[SiteAttendance], tz: ZoneInfo) -> str:
    """CSV (UTF-8, header row; times in court time with offset)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for r in rows:
        w.writerow(
            [
                r.site.code,
                r.site.name,
                r.site.court_code,
                r.site.court_name,
                "yes" if r.attended else "no",
                r.joins,
                r.minutes,
                r.first_joined.astimezone(tz).isoformat() if r.first_joined else "",
                r.last_left.astimezone(tz).isoformat() if r.last_left else "",
            ]
        )
    return buf.getvalue()
