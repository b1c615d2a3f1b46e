"""A notice rendered from its templates: the messages served to the addressee (with the link
and the PIN where they belong), and the court's copy, the same text with both left out.

Templates: scheduler/templates/notices/{summons,invitation,cancellation,sms}.{vi,en}.txt.j2.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from conference.domain.notices import (
    WITHHELD,
    NoticeFacts,
    NoticeKind,
    PinRoute,
    calendar_cancellation,
    calendar_invitation,
    content_sha256,
)
from scheduler.notice_secrets import ServedNotice

TEMPLATES = Path(__file__).with_name("templates")
_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_text(kind: str, language: str, variables: dict[str, object]) -> str:
    return _env.get_template(f"notices/{kind}.{language}.txt.j2").render(**variables)


@dataclass(frozen=True)
class RenderedNotice:
    subject: str
    served: ServedNotice  # what the addressee receives; sealed before it is stored
    court_text: str  # the court's copy: the link and the PIN left out
    court_ics: str
    content_sha256: str  # over the subject, the served text and the served .ics


def render_notice(
    facts: NoticeFacts, language: str, organizer_email: str, dtstamp: datetime
) -> RenderedNotice:
    kind = facts.kind.value
    text = render_text(kind, language, facts.template_vars())
    court_text = render_text(kind, language, facts.template_vars(withheld=WITHHELD[language]))
    subject = text.splitlines()[1] + " — " + (facts.case_number or facts.title)
    if facts.kind is NoticeKind.CANCELLATION:
        ics = court_ics = calendar_cancellation(facts, organizer_email, dtstamp)
    else:
        ics = calendar_invitation(facts, organizer_email, dtstamp)
        court_ics = calendar_invitation(facts, organizer_email, dtstamp, with_link=False)
    sms_vars = facts.template_vars()
    if facts.pin_route is PinRoute.SMS:
        sms_vars["join_url"] = None  # the SMS is the PIN's own channel; the link goes apart
    sms_vars["cancelled"] = facts.kind is NoticeKind.CANCELLATION
    sms = render_text("sms", language, sms_vars).strip()
    return RenderedNotice(
        subject=subject,
        served=ServedNotice(text=text, ics=ics, sms_text=sms, join_url=facts.join_url),
        court_text=court_text,
        court_ics=court_ics,
        content_sha256=content_sha256(subject, text, ics),
    )
