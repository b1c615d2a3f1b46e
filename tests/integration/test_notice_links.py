"""A notice's link is the link /ws checks: the clerk serves a summons (a real SMTP server
receives it), the party joins with the link and PIN from the e-mail (the notice shows
`opened`), the hearing is moved, the amended notice's link works and the old one is refused
as superseded; revoking the link through the link API refuses it as revoked."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.domain.clock import to_court_time
from conference.settings import Settings
from conference.store.tables import CaseRow, HearingRow
from scheduler.delivery import deliver_due
from scheduler.services import SCHEDULING
from signaling.client import SignalingClient, SignalingError
from tests.fixtures.database import fresh_postgres_db, fresh_sqlite_db
from tests.fixtures.scheduling import NOW, AddHearing, SmtpInbox
from tests.integration.conftest import Clock, Connect, StaffToken
from web.app import create_app

JUDGE = ("presiding_judge", "Lê Văn An", "an.nv", None, None, None)
PARTY = ("party", "Nguyễn Thị Hồng", None, None, "hong@example.test", None)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> str:
    """This journey runs on SQLite and PostgreSQL (the link store and c002 on both)."""
    if request.param == "sqlite":
        return fresh_sqlite_db(sqlite_template, tmp_path)
    return fresh_postgres_db(request.getfixturevalue("postgres_template"))


def the_text(msg: Message) -> str:
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    raise AssertionError("no text part")


def link_and_pin(msg: Message) -> tuple[str, str, str]:
    """What the addressee reads: the link (its token is the last path segment) and the PIN."""
    text = the_text(msg)
    url = re.search(r"Đường liên kết: (\S+)", text)
    pin = re.search(r"Mã PIN: (\d+)", text)
    assert url and pin, text
    return url.group(1), url.group(1).rsplit("/", 1)[1], pin.group(1)


async def refused(c: SignalingClient, **join: Any) -> str:
    with pytest.raises(SignalingError) as info:
        await c.join(**join)
    return info.value.code


async def test_the_emailed_link_joins_then_is_superseded_by_the_amended_notice_and_revoked(
    settings: Settings,
    smtp_inbox: SmtpInbox,
    add_hearing: AddHearing,
    clerk: dict[str, str],
    staff_token: StaffToken,
    connect: Connect,
    clock: Clock,
    aiohttp_client: Any,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    configured = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_inbox.port,  # type: ignore[attr-defined]
            "smtp_starttls": False,
            "scheduler_enabled": False,  # the test drives delivery
            "public_url": "https://vcourt.test",
        }
    )
    client: TestClient[Any, Any] = await aiohttp_client(create_app(configured, clock=clock))
    services = client.app[SCHEDULING]
    hid = await add_hearing(NOW + timedelta(days=3), 90, people=(JUDGE, PARTY), title="Vụ 7")
    async with sessions() as s, s.begin():  # the hearing of a case (the registry's one case)
        hearing = await s.get(HearingRow, hid)
        assert hearing is not None
        hearing.case_id = await s.scalar(select(CaseRow.id))
    judge_token = await staff_token("an.nv")

    # 1. The clerk serves the summons; the party's mail server receives it.
    resp = await client.post(f"/api/v1/hearings/{hid}/notices", json={}, headers=clerk)
    assert resp.status == 201, await resp.text()
    party_notice = next(n for n in await resp.json() if "Hồng" in n["body_text"])
    assert await deliver_due(services.ctx, services.channels) == 1  # the judge has no e-mail
    [first] = smtp_inbox.messages
    url, token, pin = link_and_pin(first)
    assert url.startswith("https://vcourt.test/join/")

    # 2. The court opens the waiting room; the party joins with the link and the PIN.
    judge = await connect(client)
    await judge.join(bearer=judge_token, hearing_id=hid)
    await judge.request("open")
    party = await connect(client)
    assert await refused(party, token=token) == "link_pin_required"  # the notice's PIN counts
    assert await refused(party, token=token, pin="000000" if pin != "000000" else "111111") == (
        "link_pin_wrong"
    )
    welcome = await party.join(token=token, pin=pin)
    assert welcome.name == "Nguyễn Thị Hồng" and welcome.roster[0].presence == "waiting"
    joined_at = clock.now

    # 3. Proof of service: the link was used, so the e-mail delivery is `opened`, at that time.
    proof = await (
        await client.get(f"/api/v1/notices/{party_notice['id']}/proof", headers=clerk)
    ).json()
    [email] = proof["deliveries"]
    assert email["state"] == "opened"
    assert email["opened_at"] == to_court_time(joined_at).isoformat()
    assert [e["state"] for e in email["events"]] == ["queued", "sending", "sent", "opened"]

    # 4. The hearing is adjourned and moved two days: an amended notice with a new link and PIN.
    clock.advance(minutes=5)
    await judge.request("start")
    await judge.request("adjourn", reason="Hoãn để triệu tập người làm chứng")
    moved = (NOW + timedelta(days=5)).isoformat()  # Wednesday (the 24th is a holiday)
    resp = await client.patch(f"/api/v1/hearings/{hid}", json={"starts_at": moved}, headers=clerk)
    assert resp.status == 200, await resp.text()
    assert await deliver_due(services.ctx, services.channels) == 1
    [_, second] = smtp_inbox.messages
    assert "SỬA ĐỔI, LẦN 2" in the_text(second)
    _, new_token, new_pin = link_and_pin(second)
    assert new_token != token

    # 5. The old link is refused as superseded (even with its right PIN); the new one works.
    assert await refused(await connect(client), token=token, pin=pin) == "link_superseded"
    await judge.request("open")
    again = await connect(client)
    if new_pin != pin:
        assert await refused(again, token=new_token, pin=pin) == "link_pin_wrong"
    welcome = await again.join(token=new_token, pin=new_pin)
    assert welcome.participant_id == party_notice["participant_id"]
    amended = next(
        n
        for n in await (await client.get(f"/api/v1/hearings/{hid}/notices", headers=clerk)).json()
        if n["participant_id"] == welcome.participant_id and n["version"] == 2
    )
    proof = await (await client.get(f"/api/v1/notices/{amended['id']}/proof", headers=clerk)).json()
    assert [d["state"] for d in proof["deliveries"]] == ["opened"]

    # 6. The clerk revokes the party's link through the link API: refused as revoked.
    link_url = f"/api/v1/hearings/{hid}/participants/{welcome.participant_id}/link"
    assert (await client.delete(link_url, headers=clerk)).status == 204
    assert await refused(await connect(client), token=new_token, pin=new_pin) == "link_revoked"
