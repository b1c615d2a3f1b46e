"""Cancelling a hearing cancels it for everyone who was summoned: a real SMTP server and a
local SMS gateway receive a cancellation (METHOD:CANCEL, same UID, higher SEQUENCE; vi and
en) with no link and no PIN; a summons still waiting to go out is withdrawn; every link served
for the hearing, the latest and older ones, opens a page that says it is cancelled, and /ws
refuses it with `hearing_cancelled`. Court staff who sign in are refused a link at /ws."""

from __future__ import annotations

import re
from datetime import timedelta
from email.header import decode_header, make_header
from email.message import Message
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from icalendar import Calendar
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.domain.hearings import Role
from conference.domain.links import JoinClaims, sign_join_token
from conference.settings import Settings
from conference.store.tables import CaseRow, HearingRow, ParticipantRow
from scheduler.delivery import deliver_due
from scheduler.services import SCHEDULING
from signaling.client import SignalingClient, SignalingError
from tests.fixtures.scheduling import NOW, AddHearing, FakeProvider, SmtpInbox
from tests.integration.conftest import Clock, Connect
from web.app import create_app

JUDGE = ("presiding_judge", "Lê Văn An", "an.nv", None, None, None)
PARTY = ("party", "Nguyễn Thị Hồng", None, None, "hong@example.test", "+84901234567")
LAWYER = ("lawyer", "John Carter", None, None, "carter@example.test", None)


async def app(
    settings: Settings, smtp: SmtpInbox, provider: FakeProvider, clock: Clock, aiohttp_client: Any
) -> TestClient[Any, Any]:
    configured = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,  # type: ignore[attr-defined]
            "smtp_starttls": False,
            "sms_gateway_url": provider.url,
            "sms_gateway_key": SecretStr("sms-key"),
            "scheduler_enabled": False,  # the test drives delivery
            "public_url": "https://vcourt.test",
        }
    )
    client: TestClient[Any, Any] = await aiohttp_client(create_app(configured, clock=clock))
    return client


def part(msg: Message, ctype: str) -> Message:
    return next(p for p in msg.walk() if p.get_content_type() == ctype)


def decoded(msg: Message, ctype: str) -> str:
    payload = part(msg, ctype).get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def token_in(msg: Message) -> str:
    found = re.search(r"https://vcourt\.test/join/(\S+)", decoded(msg, "text/plain"))
    assert found
    return found.group(1)


async def deliver(client: TestClient[Any, Any]) -> int:
    services = client.app[SCHEDULING]
    return int(await deliver_due(services.ctx, services.channels))


async def refused(c: SignalingClient, **join: Any) -> str:
    with pytest.raises(SignalingError) as info:
        await c.join(**join)
    return info.value.code


async def test_a_cancelled_hearing_sends_a_cancellation_and_every_link_says_so(
    settings: Settings,
    smtp_inbox: SmtpInbox,
    provider: FakeProvider,
    add_hearing: AddHearing,
    clerk: dict[str, str],
    connect: Connect,
    clock: Clock,
    aiohttp_client: Any,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    client = await app(settings, smtp_inbox, provider, clock, aiohttp_client)
    hid = await add_hearing(
        NOW + timedelta(days=3), 90, people=(JUDGE, PARTY, LAWYER), title="Vụ 7"
    )
    async with sessions() as s, s.begin():
        hearing = await s.get(HearingRow, hid)
        assert hearing is not None
        hearing.case_id = await s.scalar(select(CaseRow.id))
    notices = f"/api/v1/hearings/{hid}/notices"

    # The summons goes out (the lawyer's in English), then the party's again: she holds two
    # links, the older one superseded. A third version for her is still queued at the cancel.
    first = await (await client.post(notices, json={}, headers=clerk)).json()
    by_name = {n["body_text"].split("Kính gửi: ")[1].split(" (")[0]: n for n in first}
    party_pid = by_name["Nguyễn Thị Hồng"]["participant_id"]
    lawyer_pid = by_name["John Carter"]["participant_id"]
    assert await deliver(client) == 3  # the party's e-mail and SMS, the lawyer's e-mail
    for again in (
        {"language": "en", "participant_ids": [lawyer_pid]},
        {"participant_ids": [party_pid]},
    ):
        assert (await client.post(notices, json=again, headers=clerk)).status == 201
        assert await deliver(client) >= 1
    summonses = [m for m in smtp_inbox.messages if m["To"] == PARTY[4]]
    old_token, new_token = token_in(summonses[0]), token_in(summonses[1])
    [event] = Calendar.from_ical(decoded(summonses[1], "text/calendar")).walk("VEVENT")
    party_sms = [b["text"] for _, b in provider.requests if b["to"] == PARTY[5]]
    pin = re.search(r": (\d{6})\b", party_sms[-1])
    assert pin
    pending = await client.post(notices, json={"participant_ids": [party_pid]}, headers=clerk)
    [pending_notice] = await pending.json()

    # The clerk cancels the hearing through the API.
    resp = await client.post(
        f"/api/v1/hearings/{hid}/cancel", json={"reason": "Nguyên đơn rút đơn"}, headers=clerk
    )
    assert resp.status == 200, await resp.text()
    before = len(smtp_inbox.messages), len(provider.requests)
    assert await deliver(client) == 3  # the party's e-mail and SMS, the lawyer's e-mail
    assert len(smtp_inbox.messages) - before[0] == 2 and len(provider.requests) - before[1] == 1

    # The waiting summons (version 3) was withdrawn, never sent.
    proof = await (
        await client.get(f"/api/v1/notices/{pending_notice['id']}/proof", headers=clerk)
    ).json()
    assert {d["state"] for d in proof["deliveries"]} == {"withdrawn"}
    assert not [m for m in smtp_inbox.messages if "LẦN 3" in decoded(m, "text/plain")]

    # The party's cancellation, in Vietnamese: it says cancelled, carries no link and no PIN.
    cancellation = [m for m in smtp_inbox.messages if m["To"] == PARTY[4]][-1]
    text = decoded(cancellation, "text/plain")
    assert "THÔNG BÁO HỦY PHIÊN TÒA" in text and "triệu tập Ông/Bà" not in text
    assert "đã bị hủy và sẽ không diễn ra" in text
    assert "/join/" not in text and "PIN" not in text
    subject = str(make_header(decode_header(str(cancellation["Subject"]))))
    assert subject.startswith("THÔNG BÁO HỦY PHIÊN TÒA")
    ics = decoded(cancellation, "text/calendar")
    cal = Calendar.from_ical(ics)
    [cancelled] = cal.walk("VEVENT")
    assert cal["method"] == "CANCEL" and cancelled["status"] == "CANCELLED"
    assert cancelled["uid"] == event["uid"]
    assert int(cancelled["sequence"]) == 3 > int(event["sequence"])  # after versions 1-3
    assert "URL" not in cancelled and "/join/" not in ics
    assert part(cancellation, "text/calendar").get_param("method") == "CANCEL"
    sms = provider.requests[-1][1]["text"]
    assert "đã bị HỦY" in sms and "/join/" not in sms and not re.search(r"\d{6}", sms)
    # …and the lawyer's, in English, the language of his current notice.
    text = decoded([m for m in smtp_inbox.messages if m["To"] == LAWYER[4]][-1], "text/plain")
    assert "HEARING CANCELLED" in text and "is cancelled and will not take place" in text
    assert "/join/" not in text

    listed = await (await client.get(notices, headers=clerk)).json()
    current = [n for n in listed if n["superseded_at"] is None]
    assert {n["kind"] for n in current} == {"cancellation"}
    assert all(not n["carries_link"] and n["pin_sent_by"] is None for n in current)

    # Every link the party holds opens a page that says the hearing is cancelled.
    for token in (old_token, new_token):
        page = await client.get(f"/join/{token}?lang=vi")
        html = await page.text()
        assert page.status == 410
        assert "Phiên tòa này đã bị hủy" in html and "Vụ 7" in html
        assert 'src="/static/js/join.js"' not in html
        page = await client.get(f"/join/{token}?lang=en")
        assert "This hearing has been cancelled" in await page.text()
    # …and /ws refuses each of them, PIN or not, with a code that says why.
    party = await connect(client)
    assert await refused(party, token=new_token, pin=pin.group(1)) == "hearing_cancelled"
    assert await refused(party, token=old_token) == "hearing_cancelled"

    # No new summons for a cancelled hearing.
    again = await client.post(notices, json={}, headers=clerk)
    assert again.status == 409 and "cancelled" in (await again.json())["detail"]


async def test_court_staff_with_an_account_cannot_join_with_a_link(
    settings: Settings,
    add_hearing: AddHearing,
    connect: Connect,
    clock: Clock,
    aiohttp_client: Any,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A validly signed link for a clerk (one issued before staff were refused links, or one
    that leaked) does not join: staff join with their sign-in."""
    client: TestClient[Any, Any] = await aiohttp_client(create_app(settings, clock=clock))
    clerk = ("clerk", "Lê Thị Hoa", "hoa.lt", None, None, None)
    hid = await add_hearing(NOW + timedelta(hours=1), 60, people=(clerk,))
    async with sessions() as s:
        pid = await s.scalar(select(ParticipantRow.id).where(ParticipantRow.hearing_id == hid))
    assert pid is not None
    claims = JoinClaims(hid, pid, Role.CLERK, 1, NOW + timedelta(days=1))
    token = sign_join_token(claims, settings.signing_secret())
    assert await refused(await connect(client), token=token) == "link_staff_sign_in"
