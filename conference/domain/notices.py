"""What a notice says (pure): its facts, what changed since the last version, its calendar
invitation, and the fingerprint that proves what was served."""

from __future__ import annotations

import hashlib
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


def kind_for(hearing_kind: HearingKind) -> NoticeKind:
    return NoticeKind.SUMMONS if hearing_kind is HearingKind.HEARING else NoticeKind.INVITATION


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
    join_url: str
    pin: str
    email: str | None = None
    changes: str | None = None
    tz: ZoneInfo = COURT_TZ

    def template_vars(self) -> dict[str, object]:
        local = self.starts_at.astimezone(self.tz)
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
            "join_url": self.join_url,
            "pin": self.pin,
            "version": self.version,
            "changes": self.changes,
        }


def describe_changes(
    old_start: datetime,
    old_end: datetime,
    new_start: datetime,
    new_end: datetime,
    *,
    cancelled: bool = False,
    tz: ZoneInfo = COURT_TZ,
) -> str | None:
    """What an amended notice says changed; None when nothing a party cares about did."""
    if cancelled:
        return "the hearing is cancelled / phiên tòa bị hủy"
    parts = []
    if old_start != new_start:
        a, b = old_start.astimezone(tz), new_start.astimezone(tz)
        parts.append(f"moved from {a:%d/%m/%Y %H:%M} to {b:%d/%m/%Y %H:%M}")
    if (old_end - old_start) != (new_end - new_start):
        minutes = int((new_end - new_start).total_seconds() // 60)
        parts.append(f"planned duration now {minutes} minutes")
    return "; ".join(parts) or None


def calendar_invitation(facts: NoticeFacts, organizer_email: str, dtstamp: datetime) -> str:
    """An iCalendar REQUEST; UID stable per hearing and participant, SEQUENCE the version."""
    cal = Calendar()
    cal.add("prodid", "-//vcourt//notices//VI")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"{facts.hearing_id}.{facts.participant_id}@vcourt")
    event.add("sequence", facts.version - 1)
    event.add("dtstamp", dtstamp)
    event.add("dtstart", facts.starts_at)
    event.add("dtend", facts.ends_at)
    summary = f"{facts.case_number} — {facts.title}" if facts.case_number else facts.title
    event.add("summary", summary)
    event.add("location", vText(facts.court_name))
    event.add("url", facts.join_url)
    event.add("description", f"{facts.join_url}\nPIN: {facts.pin}")
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText(facts.court_name)
    event.add("organizer", organizer)
    if facts.email:
        attendee = vCalAddress(f"mailto:{facts.email}")
        attendee.params["cn"] = vText(facts.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    alarm_before = timedelta(minutes=15)
    event.add("x-vcourt-open-before", str(int(alarm_before.total_seconds() // 60)))
    cal.add_component(event)
    return cal.to_ical().decode()


def content_sha256(*parts: str | bytes) -> str:
    """The fingerprint of what was served: each part length-prefixed, then hashed."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()
