"""The migration that seals stored notices (c003_notice_secrets), on SQLite and PostgreSQL: a
database written by the previous version (link and PIN in clear in the text, the .ics and
`join_url`) comes out with the court's copy in clear and the served copy sealed; nothing else
changes, and a delivery still waiting goes out exactly as it would have. Without the notice
key the upgrade stops before changing anything."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from icalendar import Calendar, Event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.domain.notices import content_sha256
from conference.settings import Settings
from conference.store.db import alembic_config, create_engine, upgrade
from conference.store.scheduling import DeliveryEventRow, DeliveryRow, NoticeRow
from scheduler.channels import configured_channels
from scheduler.delivery import deliver_due
from scheduler.jobs import JobContext
from scheduler.notice_secrets import open_sealed
from tests.fixtures.database import run_in_thread
from tests.fixtures.scheduling import NOW, AddHearing, SmtpInbox

SEALING = "c003_notice_secrets"
PARTY = ("party", "Nguyễn Thị Hồng", None, None, "hong@example.test", None)
URL = "https://vcourt.test/join/eyJoIjoiNWYwYyIsInAiOiI5ZThkIn0.c2lnbmF0dXJl"
PIN = "482913"


def _before_sealing(url: str) -> None:
    """Every area's schema at its head, the scheduling branch stopped before sealing (c002)."""
    script = ScriptDirectory.from_config(alembic_config(url))
    for head in script.get_heads():
        behind = {r.revision for r in script.iterate_revisions(head, "base")}
        upgrade(url, "c002" if SEALING in behind else head)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'before.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        name = f"m_{uuid.uuid4().hex[:12]}"

        async def create() -> None:
            conn = await asyncpg.connect(server.admin_url)
            try:
                await conn.execute(f"CREATE DATABASE {name}")
            finally:
                await conn.close()

        run_in_thread(lambda: asyncio.run(create()))
        url = server.url(name)
    run_in_thread(lambda: _before_sealing(url))
    return url


def old_text(url: str, pin: str) -> str:
    """A summons as the previous version rendered and stored it."""
    return (
        "TAND Hà Nội\nGIẤY TRIỆU TẬP\n\nKính gửi: Nguyễn Thị Hồng (Đương sự)\n\n"
        "Tòa án triệu tập Ông/Bà tham gia phiên tòa trực tuyến:\n"
        "  Vụ án: 12/2026/TLST-DS — Tranh chấp hợp đồng\n\n"
        "Cách tham gia: mở đường liên kết cá nhân dưới đây bằng trình duyệt.\n"
        f"  Đường liên kết: {url}\n  Mã PIN: {pin}\n"
        "Không chia sẻ đường liên kết và mã PIN cho người khác.\n"
    )


def old_ics(url: str, pin: str) -> str:
    cal = Calendar()
    cal.add("prodid", "-//vcourt//notices//VI")
    cal.add("version", "2.0")
    cal.add("method", "REQUEST")
    event = Event()
    event.add("uid", "h.p@vcourt")
    event.add("sequence", 0)
    event.add("dtstamp", NOW)
    event.add("dtstart", NOW + timedelta(days=3))
    event.add("summary", "12/2026/TLST-DS — Tranh chấp hợp đồng")
    event.add("url", url)
    event.add("description", f"{url}\nPIN: {pin}")
    cal.add_component(event)
    return str(cal.to_ical().decode())


@pytest.fixture
async def sessions(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Plain sessions, as the previous version had: this database predates the busy intervals
    (c004_busy_intervals), which the product's sessions keep in step at every flush."""
    engine = create_engine(settings.effective_database_url)
    try:
        yield async_sessionmaker(engine, expire_on_commit=False)
    finally:
        await engine.dispose()


async def rows(sessions: async_sessionmaker[AsyncSession], table: str) -> list[tuple[Any, ...]]:
    async with sessions() as s:
        result = await s.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1"))
        return [tuple(r) for r in result]


async def test_stored_notices_are_sealed_and_still_go_out_unchanged(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    add_hearing: AddHearing,
    smtp_inbox: SmtpInbox,
) -> None:
    hid = await add_hearing(NOW + timedelta(days=3), 60, people=(PARTY,))
    text, ics = old_text(URL, PIN), old_ics(URL, PIN)
    subject = "GIẤY TRIỆU TẬP — 12/2026/TLST-DS"
    digest = content_sha256(subject, text, ics)
    async with sessions() as s, s.begin():
        pid = await s.scalar(
            sa.text("SELECT id FROM participants WHERE hearing_id = :h"), {"h": hid}
        )
        await s.execute(
            sa.text(
                "INSERT INTO notices (id, hearing_id, participant_id, version, link_version, kind,"
                " language, subject, body_text, body_html, ics, join_url, changes,"
                " content_sha256, created_at) VALUES ('n1', :h, :p, 1, 1, 'summons', 'vi', :s,"
                " :t, '', :i, :u, NULL, :d, :c)"
            ),
            {
                "h": hid,
                "p": pid,
                "s": subject,
                "t": text,
                "i": ics,
                "u": URL,
                "d": digest,
                "c": NOW,
            },
        )
        sent = DeliveryRow(
            notice_id="n1", channel="email", address=PARTY[4], idempotency_key="notice:n1:email",
            state="sent", attempts=1, next_attempt_at=NOW, provider_message_id="<m1@toaan.test>",
            content_sha256=digest, queued_at=NOW, sent_at=NOW,
        )  # fmt: skip
        waiting = DeliveryRow(
            notice_id="n1", channel="email", address=PARTY[4],
            idempotency_key="reminder60:n1:email", state="queued", attempts=0,
            next_attempt_at=NOW, content_sha256=digest, queued_at=NOW,
        )  # fmt: skip
        s.add_all([sent, waiting])
        await s.flush()
        for state in ("queued", "sending", "sent"):
            s.add(DeliveryEventRow(delivery_id=sent.id, state=state, at=NOW, detail=state))
        s.add(DeliveryEventRow(delivery_id=waiting.id, state="queued", at=NOW, detail="queued"))
    deliveries, events = await rows(sessions, "deliveries"), await rows(sessions, "delivery_events")
    url = settings.effective_database_url

    # Without the key nothing moves: the upgrade stops and says how to run it.
    with pytest.raises(RuntimeError, match="vcourt db upgrade"):
        run_in_thread(lambda: upgrade(url))
    async with sessions() as s:
        assert await s.scalar(sa.text("SELECT join_url FROM notices")) == URL

    run_in_thread(lambda: upgrade(url, notice_keys=settings.notice_keys()))

    async with sessions() as s:
        notice = await s.get(NoticeRow, "n1")
        assert notice is not None
        columns = {c["name"] for c in await s.run_sync(
            lambda sync: sa.inspect(sync.connection()).get_columns("notices")
        )}  # fmt: skip
    assert "join_url" not in columns
    # The court's copy: no link, no PIN, anywhere in the row.
    for stored in (notice.body_text, notice.ics, notice.subject):
        assert URL not in stored and PIN not in stored
    assert notice.body_text.count("[chỉ có trong bản gửi người nhận]") == 2
    assert "Kính gửi: Nguyễn Thị Hồng" in notice.body_text
    assert (
        "URL" not in notice.ics
        and "DESCRIPTION" not in notice.ics
        and "UID:h.p@vcourt" in notice.ics
    )
    assert (notice.version, notice.link_version, notice.content_sha256) == (1, 1, digest)
    assert notice.pin_sent_by == "with_link"
    # The served copy, sealed: exactly what was stored before.
    assert notice.sealed is not None and PIN not in notice.sealed
    served = open_sealed(settings, notice.sealed)
    assert (served.text, served.ics, served.join_url) == (text, ics, URL)
    # Deliveries and their proof of service are untouched.
    assert await rows(sessions, "deliveries") == deliveries
    assert await rows(sessions, "delivery_events") == events

    # The reminder that was waiting goes out as the previous version would have sent it.
    configured = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_inbox.port,  # type: ignore[attr-defined]
            "smtp_starttls": False,
        }
    )
    ctx = JobContext(sessions, configured, lambda: NOW, "migration-test")
    assert await deliver_due(ctx, configured_channels(configured)) == 1
    [mail] = smtp_inbox.messages
    body = next(p for p in mail.walk() if p.get_content_type() == "text/plain")
    assert body.get_payload(decode=True).decode() == text
