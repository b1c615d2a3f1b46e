"""Issue notices (one version per participant per issue), cancellations, and the
link/acknowledgement calls.

Each issue supersedes the participant's previous notice and rotates the participant's join
link in the one participant-link store (conference/store/participant_links.py), with a new
PIN: that store is what /ws checks, so the old notice's link is refused as superseded and the
new one (with its PIN) works. `notices.link_version` only records which link version a notice
carried (so a used link can be traced to its notice: `opened`); 0 when it carried none.

What is served (the link and the PIN in clear) is sealed before it is stored
(scheduler/notice_secrets.py); the row's text and .ics are the court's copy, without them.
Court staff who sign in get a notice without a link or PIN; a cancellation carries neither.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.errors import InvalidValue, NotAllowed, NotFound
from conference.domain.hearings import HearingKind, HearingState, Role
from conference.domain.links import JoinClaims, joins_by_sign_in
from conference.domain.notices import NoticeFacts, NoticeKind, kind_for, pin_route
from conference.settings import Settings
from conference.store import participant_links
from conference.store.scheduling import DeliveryEventRow, DeliveryRow, NoticeRow
from conference.store.tables import CourtRow, HearingRow, ParticipantRow
from scheduler.channels import Channel
from scheduler.notice_secrets import seal
from scheduler.notice_texts import render_notice, render_text

__all__ = [
    "IssuedNotice",
    "acknowledge_notice",
    "cancel_notices",
    "check_link",
    "issue_notices",
    "record_link_opened",
    "render_text",
]

# No notice summons anyone to a hearing that will not take place (a cancellation is sent
# through `cancel_notices`).
NO_SUMMONS_STATES = frozenset({HearingState.CANCELLED, HearingState.CLOSED})


@dataclass(frozen=True)
class IssuedNotice:
    row: NoticeRow


def _reaching(channels: Sequence[Channel], p: ParticipantRow) -> list[str]:
    return [c.name for c in channels if c.address_for(p.email, p.phone)]


def _organizer(settings: Settings) -> str:
    return settings.smtp_from.split("<")[-1].rstrip(">").strip()


async def _next_version(session: AsyncSession, participant_id: str, now: datetime) -> int:
    """The participant's next notice version; the current one is superseded."""
    last = await session.scalar(
        select(func.max(NoticeRow.version)).where(NoticeRow.participant_id == participant_id)
    )
    await session.execute(
        update(NoticeRow)
        .where(NoticeRow.participant_id == participant_id, NoticeRow.superseded_at.is_(None))
        .values(superseded_at=now)
    )
    return (last or 0) + 1


def _store(
    session: AsyncSession,
    facts: NoticeFacts,
    *,
    settings: Settings,
    language: str,
    link_version: int,
    now: datetime,
) -> NoticeRow:
    rendered = render_notice(facts, language, _organizer(settings), now)
    row = NoticeRow(
        hearing_id=facts.hearing_id,
        participant_id=facts.participant_id,
        version=facts.version,
        link_version=link_version,
        kind=facts.kind.value,
        language=language,
        subject=rendered.subject,
        body_text=rendered.court_text,
        body_html="",
        ics=rendered.court_ics,
        sealed=seal(settings, rendered.served),
        pin_sent_by=facts.pin_route.value if facts.pin else None,
        changes=facts.changes,
        content_sha256=rendered.content_sha256,
        created_at=now,
    )
    session.add(row)
    return row


async def _hearing(session: AsyncSession, hearing_id: str) -> tuple[HearingRow, str]:
    hearing = await session.get(HearingRow, hearing_id)
    if hearing is None:
        raise NotFound(f"hearing {hearing_id!r} does not exist")
    court = await session.get(CourtRow, hearing.court_code)
    return hearing, court.name if court else hearing.court_code


async def issue_notices(
    session: AsyncSession,
    hearing_id: str,
    *,
    settings: Settings,
    now: datetime,
    channels: Sequence[Channel] = (),
    changes: str | None = None,
    language: str | None = None,
    participant_ids: Collection[str] | None = None,
) -> list[IssuedNotice]:
    """A new notice version for every participant who is a person (not an endpoint), or for
    those named in `participant_ids` (a re-send on request): a new link and PIN each, the PIN
    routed by the `channels` that reach the person (conference.domain.notices.pin_route).
    `language` None: each person's current notice's language (an amended notice), else vi."""
    hearing, court_name = await _hearing(session, hearing_id)
    if HearingState(hearing.state) in NO_SUMMONS_STATES:
        raise NotAllowed(
            f"the hearing is {hearing.state}; no notice summons anyone to it any more",
            field="state",
        )
    people = [p for p in hearing.participants if Role(p.role) is not Role.ENDPOINT]
    if participant_ids is not None:
        known = {p.id for p in people}
        unknown = sorted(set(participant_ids) - known)
        if unknown:
            raise InvalidValue(
                f"not a person taking part in hearing {hearing_id}: {', '.join(unknown)}"
                " (endpoints get no notice)",
                field="participant_ids",
            )
        people = [p for p in people if p.id in set(participant_ids)]
    languages = {
        pid: lang
        for pid, lang in await session.execute(
            select(NoticeRow.participant_id, NoticeRow.language).where(
                NoticeRow.hearing_id == hearing_id, NoticeRow.superseded_at.is_(None)
            )
        )
    }
    issued = []
    for p in people:
        role = Role(p.role)
        version = await _next_version(session, p.id, now)
        join_url = pin = None
        link_version = 0
        reaching = _reaching(channels, p)
        if not joins_by_sign_in(role, p.staff_username):
            pin = f"{secrets.randbelow(10**6):06d}"
            link = await participant_links.issue_link(
                session,
                settings,
                p.id,
                now,
                rotate=True,
                expires_at=hearing.ends_at + timedelta(days=settings.notice_link_days_after),
                pin=pin,
            )
            join_url, link_version = link.url, link.link_version
        facts = NoticeFacts(
            hearing_id=hearing.id,
            participant_id=p.id,
            kind=kind_for(HearingKind(hearing.kind)),
            version=version,
            court_name=court_name,
            case_number=hearing.case.case_number if hearing.case else None,
            title=hearing.title,
            name=p.name,
            role=role,
            starts_at=hearing.starts_at,
            ends_at=hearing.ends_at,
            join_url=join_url,
            pin=pin,
            pin_route=pin_route(reaching),
            meeting=hearing.kind == HearingKind.MEETING.value,
            room_url=f"{settings.base_url}/hearings/{hearing.id}/room",
            email=p.email,
            changes=changes,
            tz=settings.tz,
        )
        row = _store(
            session,
            facts,
            settings=settings,
            language=language or languages.get(p.id, "vi"),
            link_version=link_version,
            now=now,
        )
        issued.append(IssuedNotice(row))
    await session.flush()
    return issued


async def cancel_notices(
    session: AsyncSession, hearing_id: str, *, settings: Settings, now: datetime
) -> list[IssuedNotice]:
    """A cancellation for every participant whose notice is current: it replaces that notice
    (a new version, in the notice's language), carries no link and no PIN, and its .ics
    cancels the calendar event (METHOD:CANCEL, same UID, higher SEQUENCE). The links already
    served stay as they are: the join page and /ws refuse every link of a cancelled hearing."""
    hearing, court_name = await _hearing(session, hearing_id)
    current = {
        n.participant_id: n
        for n in await session.scalars(
            select(NoticeRow).where(
                NoticeRow.hearing_id == hearing_id, NoticeRow.superseded_at.is_(None)
            )
        )
    }
    issued = []
    for p in hearing.participants:
        served = current.get(p.id)
        if served is None or served.kind == NoticeKind.CANCELLATION.value:
            continue
        version = await _next_version(session, p.id, now)
        facts = NoticeFacts(
            hearing_id=hearing.id,
            participant_id=p.id,
            kind=NoticeKind.CANCELLATION,
            version=version,
            court_name=court_name,
            case_number=hearing.case.case_number if hearing.case else None,
            title=hearing.title,
            name=p.name,
            role=Role(p.role),
            starts_at=hearing.starts_at,
            ends_at=hearing.ends_at,
            join_url=None,
            pin=None,
            meeting=hearing.kind == HearingKind.MEETING.value,
            email=p.email,
            changes=None,
            tz=settings.tz,
        )
        row = _store(
            session, facts, settings=settings, language=served.language, link_version=0, now=now
        )
        issued.append(IssuedNotice(row))
    await session.flush()
    return issued


async def current_link_version(session: AsyncSession, participant_id: str) -> int:
    version, _, _ = await participant_links.current_link(session, participant_id)
    return version


async def check_link(session: AsyncSession, claims: JoinClaims) -> NoticeRow | None:
    """After verify_join_token: refuse a link that is not the participant's current one
    (LinkRefused superseded / revoked, from the participant-link store); return the current
    notice that carried this link (None: the link came from the link API, not a notice)."""
    await participant_links.check_link(session, claims)
    row: NoticeRow | None = await session.scalar(
        select(NoticeRow).where(
            NoticeRow.participant_id == claims.participant_id,
            NoticeRow.link_version == claims.link_version,
            NoticeRow.superseded_at.is_(None),
        )
    )
    return row


async def record_link_opened(session: AsyncSession, claims: JoinClaims, now: datetime) -> int:
    """Signalling calls this (through LINK_OPENED_HOOKS, in the transaction that records the
    join) when a current link is used: the deliveries of the notice that carried it move to
    `opened` — evidence the notice reached its addressee. Returns how many moved."""
    notice = await check_link(session, claims)
    if notice is None:
        return 0
    return await _advance(session, notice.id, "opened", now, "the personal link was used")


async def acknowledge_notice(session: AsyncSession, notice_id: str, now: datetime) -> int:
    """The addressee confirmed receipt (on the join page, or the clerk recorded it)."""
    return await _advance(session, notice_id, "acknowledged", now, "receipt acknowledged")


STATE_ORDER = ("queued", "sending", "sent", "delivered", "opened", "acknowledged")


async def _advance(
    session: AsyncSession, notice_id: str, state: str, now: datetime, detail: str
) -> int:
    rows = await session.scalars(select(DeliveryRow).where(DeliveryRow.notice_id == notice_id))
    moved = 0
    for d in rows:
        if d.state not in STATE_ORDER or STATE_ORDER.index(d.state) >= STATE_ORDER.index(state):
            continue  # failed or withdrawn: nothing reached the addressee
        d.state = state
        setattr(d, f"{state}_at", now)
        session.add(DeliveryEventRow(delivery_id=d.id, state=state, at=now, detail=detail))
        moved += 1
    return moved
