"""Issue notices (one version per participant per issue), and the link/acknowledgement calls.

Each issue supersedes the participant's previous notice and rotates the participant's join
link in the one participant-link store (conference/store/participant_links.py), with the
notice's PIN: that store is what /ws checks, so the old notice's link is refused as
superseded and the new one (with its PIN) works. `notices.link_version` only records which
link version a notice carried (so a used link can be traced to its notice: `opened`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.errors import NotFound
from conference.domain.hearings import HearingKind, Role
from conference.domain.links import JoinClaims
from conference.domain.notices import NoticeFacts, calendar_invitation, content_sha256, kind_for
from conference.settings import Settings
from conference.store import participant_links
from conference.store.scheduling import DeliveryEventRow, DeliveryRow, NoticeRow
from conference.store.tables import CourtRow, HearingRow

TEMPLATES = Path(__file__).with_name("templates")
_env = Environment(
    loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, keep_trailing_newline=True
)


def render_text(kind: str, language: str, variables: dict[str, object]) -> str:
    return _env.get_template(f"notices/{kind}.{language}.txt.j2").render(**variables)


@dataclass(frozen=True)
class IssuedNotice:
    row: NoticeRow
    pin: str  # shown once in the notice; only its hash is kept


async def issue_notices(
    session: AsyncSession,
    hearing_id: str,
    *,
    settings: Settings,
    now: datetime,
    changes: str | None = None,
    language: str = "vi",
) -> list[IssuedNotice]:
    """A new notice version for every participant who is a person (not an endpoint)."""
    hearing = await session.get(HearingRow, hearing_id)
    if hearing is None:
        raise NotFound(f"hearing {hearing_id!r} does not exist")
    court = await session.get(CourtRow, hearing.court_code)
    issued = []
    for p in hearing.participants:
        role = Role(p.role)
        if role is Role.ENDPOINT:
            continue
        last = await session.scalar(
            select(func.max(NoticeRow.version)).where(NoticeRow.participant_id == p.id)
        )
        version = (last or 0) + 1
        await session.execute(
            update(NoticeRow)
            .where(NoticeRow.participant_id == p.id, NoticeRow.superseded_at.is_(None))
            .values(superseded_at=now)
        )
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
        facts = NoticeFacts(
            hearing_id=hearing.id,
            participant_id=p.id,
            kind=kind_for(HearingKind(hearing.kind)),
            version=version,
            court_name=court.name if court else hearing.court_code,
            case_number=hearing.case.case_number if hearing.case else None,
            title=hearing.title,
            name=p.name,
            role=role,
            starts_at=hearing.starts_at,
            ends_at=hearing.ends_at,
            join_url=link.url,
            pin=pin,
            email=p.email,
            changes=changes,
            tz=settings.tz,
        )
        text = render_text(facts.kind.value, language, facts.template_vars())
        subject = text.splitlines()[1] + " — " + (facts.case_number or facts.title)
        organizer = settings.smtp_from.split("<")[-1].rstrip(">").strip()
        ics = calendar_invitation(facts, organizer, now)
        row = NoticeRow(
            hearing_id=hearing.id,
            participant_id=p.id,
            version=version,
            link_version=link.link_version,
            kind=facts.kind.value,
            language=language,
            subject=subject,
            body_text=text,
            body_html="",
            ics=ics,
            join_url=facts.join_url,
            changes=changes,
            content_sha256=content_sha256(subject, text, ics),
            created_at=now,
        )
        session.add(row)
        issued.append(IssuedNotice(row, pin))
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
        if d.state == "failed" or STATE_ORDER.index(d.state) >= STATE_ORDER.index(state):
            continue
        d.state = state
        setattr(d, f"{state}_at", now)
        session.add(DeliveryEventRow(delivery_id=d.id, state=state, at=now, detail=detail))
        moved += 1
    return moved
