"""Helpers for page tests: staff with passwords, hearings in a database, CSRF tokens in HTML."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from conference.store.db import create_engine, session_factory
from conference.store.tables import HearingRow, ParticipantRow, StaffRow
from web.pages.accounts import hash_password

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, "the page has no CSRF token field"
    return found.group(1)


async def add_staff(
    db_url: str,
    username: str,
    password: str,
    *,
    role: str = "clerk",
    full_name: str = "Lê Văn Test",
    court_code: str | None = None,
) -> None:
    engine = create_engine(db_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            session.add(
                StaffRow(
                    username=username,
                    full_name=full_name,
                    role=role,
                    court_code=court_code,
                    password_hash=hash_password(password),
                    active=True,
                )
            )
    finally:
        await engine.dispose()


async def add_hearing(
    db_url: str,
    *,
    court_code: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    judge: str | None = None,
    judge_name: str | None = None,
    endpoint: str | None = None,
    state: str = "scheduled",
) -> str:
    engine = create_engine(db_url)
    now = datetime.now(UTC)
    try:
        async with session_factory(engine)() as session, session.begin():
            row = HearingRow(
                kind="hearing",
                court_code=court_code,
                title=title,
                starts_at=starts_at,
                ends_at=ends_at,
                central_endpoint=endpoint,
                state=state,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            await session.flush()
            if judge:
                session.add(
                    ParticipantRow(
                        hearing_id=row.id,
                        position=0,
                        role="presiding_judge",
                        name=judge_name or judge,
                        staff_username=judge,
                        created_at=now,
                    )
                )
            return row.id
    finally:
        await engine.dispose()


async def add_participant(
    db_url: str, hearing_id: str, name: str, role: str = "party", email: str | None = None
) -> str:
    engine = create_engine(db_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            row = ParticipantRow(
                hearing_id=hearing_id,
                position=10,
                role=role,
                name=name,
                email=email,
                created_at=datetime.now(UTC),
            )
            session.add(row)
            await session.flush()
            return row.id
    finally:
        await engine.dispose()


def join_token(
    secret: str, hearing_id: str, participant_id: str, *, hours: float = 24, role: str = "party"
) -> str:
    from datetime import timedelta

    from conference.domain.hearings import Role
    from conference.domain.links import JoinClaims, sign_join_token

    claims = JoinClaims(
        hearing_id=hearing_id,
        participant_id=participant_id,
        role=Role(role),
        link_version=1,
        expires_at=datetime.now(UTC) + timedelta(hours=hours),
    )
    return sign_join_token(claims, secret.encode())
