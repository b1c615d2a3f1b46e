"""What a notice says (pure): its facts, where its secrets travel, what changed since the last
version, its calendar invitation or cancellation, and the fingerprint that proves what was
served.

A notice's secrets are the personal link and the PIN. They exist in clear only in the messages
that deliver them: the court's copy of a notice is the same text with both left out. The PIN
travels on a second channel when the person has one (SMS), apart from the link; it never goes
into the calendar invitation, which calendars sync to third-party clouds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from conference.domain.clock import COURT_TZ
from conference.domain.hearings import HearingKind, Role


class NoticeKind(StrEnum):
    SUMMONS = "summons"  # giấy triệu tập: a hearing
    INVITATION = "invitation"  # giấy mời: a meeting
    CANCELLATION = "cancellation"  # thông báo hủy: the hearing or meeting will not take place


class PinRoute(StrEnum):
    """Where a notice's PIN travels."""

    SMS = "sms"  # alone by SMS; the other channels carry the link and say the PIN comes by SMS
    WITH_LINK = "with_link"  # no second channel: in the text beside the link (never the .ics)


ROLE_VI = {
    Role.PRESIDING_JUDGE: "Thẩm phán chủ tọa",
    Role.PANEL_MEMBER: "Hội thẩm",
    Role.CLERK: "Thư ký",
    Role.PROCURATOR: "Kiểm sát viên",
    Role.PARTY: "Đương sự",
    Role.DEFENDANT: "Bị cáo",
    Role.LAWYER: "Luật sư",
    Role.WITNESS: "Người làm chứng",
    Role.INTERPRETER: "Người phiên dịch",
    Role.OBSERVER: "Người quan sát",
    Role.ENDPOINT: "Điểm cầu",
}

# What the court's copy shows where the served message had the link or the PIN.
WITHHELD = {
    "vi": "[chỉ có trong bản gửi người nhận]",
    "en": "[only in the copy sent to the addressee]",
}


def kind_for(hearing_kind: HearingKind) -> NoticeKind:
    return NoticeKind.SUMMONS if hearing_kind is HearingKind.HEARING else NoticeKind.INVITATION


def pin_route(reaching: Collection[str]) -> PinRoute:
    """`reaching`: the names of the channels that reach the person. With SMS and another
    channel, the PIN goes by SMS alone and the link by the others; otherwise (SMS only, or no
    SMS) each message carries both, in its text."""
    return PinRoute.SMS if "sms" in reaching and len(reaching) > 1 else PinRoute.WITH_LINK


@dataclass(frozen=True)
class NoticeFacts:
    hearing_id: str
    participant_id: str
    kind: NoticeKind
    version: int
    court_name: str
    case_number: str | None
    title: str
    name: str
    role: Role
    starts_at: datetime
    ends_at: datetime
    join_url: str | None  # None: no link (court staff sign in; a cancellation)
    pin: str | None
    pin_route: PinRoute = PinRoute.WITH_LINK
    meeting: bool = False  # a multi-site meeting, not a hearing
    room_url: str | None = None  # staff: the hearing page they open after signing in
    email: str | None = None
    changes: str | None = None
    tz: ZoneInfo = COURT_TZ

    @property
    def uid(self) -> str:
        return f"{self.hearing_id}.{self.participant_id}@vcourt"

    @property
    def replaces(self) -> int | None:
        """The version this notice replaces (its link and PIN stop working)."""
        return self.version - 1 if self.version > 1 else None

    def template_vars(self, *, withheld: str | None = None) -> dict[str, object]:
        """The template's variables; `withheld` in place of the link and the PIN makes the
        court's copy."""
        local = self.starts_at.astimezone(self.tz)
        join_url = withheld if withheld and self.join_url else self.join_url
        pin = withheld if withheld and self.pin else self.pin
        return {
            "court_name": self.court_name,
            "case_number": self.case_number or "",
            "title": self.title,
            "name": self.name,
            "role_vi": ROLE_VI[self.role],
            "role_en": self.role.value.replace("_", " "),
            "when_vi": f"{local:%H giờ %M}, ngày {local:%d/%m/%Y}",
            "when_en": f"{local:%A %d %B %Y, %H:%M}",
            "minutes": int((self.ends_at - self.starts_at).total_seconds() // 60),
            "join_url": join_url,
            "pin": pin,
            "pin_by_sms": self.join_url is not None and self.pin_route is PinRoute.SMS,
            "room_url": self.room_url,
            "meeting": self.meeting,
            "version": self.version,
            "replaces": self.replaces,
            "changes": self.changes,
        }


def describe_changes(
    old_start: datetime,
    old_end: datetime,
    new_start: datetime,
    new_end: datetime,
    *,
    tz: ZoneInfo = COURT_TZ,
) -> str | None:
    """What an amended notice says changed; None when nothing a party cares about did."""
    parts = []
    if old_start != new_start:
        a, b = old_start.astimezone(tz), new_start.astimezone(tz)
        parts.append(f"moved from {a:%d/%m/%Y %H:%M} to {b:%d/%m/%Y %H:%M}")
    if (old_end - old_start) != (new_end - new_start):
        minutes = int((new_end - new_start).total_seconds() // 60)
        parts.append(f"planned duration now {minutes} minutes")
    return "; ".join(parts) or None


def _calendar(facts: NoticeFacts, organizer_email: str, dtstamp: datetime) -> Event:
    event = Event()
    event.add("uid", facts.uid)
    event.add("sequence", facts.version - 1)
    event.add("dtstamp", dtstamp)
    event.add("dtstart", facts.starts_at)
    event.add("dtend", facts.ends_at)
    summary = f"{facts.case_number} — {facts.title}" if facts.case_number else facts.title
    event.add("summary", summary)
    event.add("location", vText(facts.court_name))
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText(facts.court_name)
    event.add("organizer", organizer)
    if facts.email:
        attendee = vCalAddress(f"mailto:{facts.email}")
        attendee.params["cn"] = vText(facts.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    return event


def _serialise(event: Event, method: str) -> str:
    cal = Calendar()
    cal.add("prodid", "-//vcourt//notices//VI")
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add_component(event)
    return str(cal.to_ical().decode())


def calendar_invitation(
    facts: NoticeFacts, organizer_email: str, dtstamp: datetime, *, with_link: bool = True
) -> str:
    """An iCalendar REQUEST; UID stable per hearing and participant, SEQUENCE the version.
    It carries the link (when the notice has one and `with_link`) and never the PIN."""
    event = _calendar(facts, organizer_email, dtstamp)
    if facts.join_url and with_link:
        event.add("url", facts.join_url)
        event.add("description", facts.join_url)
    elif facts.room_url:
        event.add("description", facts.room_url)
    alarm_before = timedelta(minutes=15)
    event.add("x-vcourt-open-before", str(int(alarm_before.total_seconds() // 60)))
    return _serialise(event, "REQUEST")


def calendar_cancellation(facts: NoticeFacts, organizer_email: str, dtstamp: datetime) -> str:
    """An iCalendar CANCEL of the event the earlier notices put in the calendar: the same UID,
    a higher SEQUENCE (this notice's version), STATUS:CANCELLED; no link."""
    event = _calendar(facts, organizer_email, dtstamp)
    event.add("status", "CANCELLED")
    return _serialise(event, "CANCEL")


def content_sha256(*parts: str | bytes) -> str:
    """The fingerprint of what was served: each part length-prefixed, then hashed."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()
