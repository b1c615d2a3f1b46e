"""Notices served for real: an aiosmtpd server receives the email, the test opens its .ics and
the link inside; a local HTTP server plays the SMS gateway and signs delivery receipts;
rescheduling issues an amended notice and the old link stops working."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta
from email.message import Message
from typing import Any

import orjson
import pytest
from icalendar import Calendar
from pydantic import SecretStr

from conference.domain.links import LinkRefused, verify_join_token
from conference.store.participant_links import ParticipantLinkRow, check_pin
from conference.store.tables import HearingRow
from scheduler.delivery import deliver_due
from scheduler.hooks import HearingChange, after_hearing_saved
from scheduler.notices import check_link, record_link_opened
from scheduler.services import SCHEDULING
from tests.fixtures.scheduling import NOW, AddHearing, FakeProvider, SmtpInbox
from web.app import create_app

PARTY = ("party", "Nguyễn Thị Hồng", None, None, "hong@example.test", "+84901234567")
LAWYER = ("lawyer", "Trần Minh", None, None, "minh@example.test", None)
JUDGE = ("presiding_judge", "Lê Văn An", "an.nv", None, None, None)


@pytest.fixture
async def app_client(
    settings: Any, smtp_inbox: SmtpInbox, provider: FakeProvider, aiohttp_client: Any
) -> Any:
    configured = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_inbox.port,  # type: ignore[attr-defined]
            "smtp_starttls": False,
            "smtp_from": "TAND Hà Nội <no-reply@toaan.test>",
            "sms_gateway_url": provider.url,
            "sms_gateway_key": SecretStr("sms-key"),
            "scheduler_enabled": False,  # the test drives delivery itself
            "public_url": "https://vcourt.test",
        }
    )
    return await aiohttp_client(create_app(configured, clock=lambda: NOW))


def attachment(msg: Message, ctype: str) -> bytes:
    for part in msg.walk():
        if part.get_content_type() == ctype:
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload
    raise AssertionError(f"no {ctype} part")


def email_to(inbox: SmtpInbox, address: str) -> list[Message]:
    return [m for m in inbox.messages if m["To"] == address]


async def test_summons_by_email_and_sms_with_proof_then_amended_on_reschedule(
    app_client: Any,
    clerk: dict[str, str],
    add_hearing: AddHearing,
    smtp_inbox: SmtpInbox,
    provider: FakeProvider,
    sessions: Any,
) -> None:
    start = NOW + timedelta(days=3, hours=1)
    hid = await add_hearing(start, 90, people=(JUDGE, PARTY, LAWYER), title="Tranh chấp hợp đồng")
    resp = await app_client.post(f"/api/v1/hearings/{hid}/notices", json={}, headers=clerk)
    assert resp.status == 201, await resp.text()
    notices = {n["participant_id"]: n for n in await resp.json()}
    assert len(notices) == 3
    ctx = app_client.app[SCHEDULING].ctx
    channels = app_client.app[SCHEDULING].channels
    assert await deliver_due(ctx, channels) == 3  # 2 emails (the judge has none) + 1 SMS
    assert await deliver_due(ctx, channels) == 0  # never sent twice

    [mail] = email_to(smtp_inbox, "hong@example.test")
    text = attachment(mail, "text/plain").decode()
    assert "GIẤY TRIỆU TẬP" in text and "Tranh chấp hợp đồng" in text
    assert "09 giờ 00, ngày 23/11/2026" in text  # court time, not UTC
    cal = Calendar.from_ical(attachment(mail, "text/calendar"))
    assert cal["method"] == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert int(event["sequence"]) == 0
    link = str(event["url"])
    assert link.startswith("https://vcourt.test/join/") and link in text
    assert attachment(mail, "application/pdf").startswith(b"%PDF")
    secret = b"test-signing-secret"
    claims = verify_join_token(link.rsplit("/", 1)[1], secret, NOW)
    async with sessions() as s:
        await check_link(s, claims)  # the current version: accepted
    # the PIN goes alone by SMS, the party's second channel; the e-mail and .ics never carry it
    [(headers, sms)] = provider.requests
    assert sms["to"] == "+84901234567" and link not in sms["text"]
    assert headers["Idempotency-Key"].startswith("notice:")
    found_pin = re.search(r": (\d{6})\b", sms["text"])
    assert found_pin, sms["text"]
    pin = found_pin.group(1)
    assert "Mã PIN: được gửi riêng cho Ông/Bà bằng tin nhắn SMS." in text
    assert pin not in text and pin not in attachment(mail, "text/calendar").decode()
    async with sessions() as s:
        state = await s.get(ParticipantLinkRow, claims.participant_id)
    await check_pin(sessions, state, pin, ctx.settings, NOW)  # the SMS's PIN is the link's PIN

    party_notice = next(n for n in notices.values() if n["body_text"].count("Hồng"))
    proof = await (
        await app_client.get(f"/api/v1/notices/{party_notice['id']}/proof", headers=clerk)
    ).json()
    by_channel = {d["channel"]: d for d in proof["deliveries"]}
    assert by_channel["email"]["state"] == "sent"
    assert by_channel["email"]["provider_message_id"] == mail["Message-ID"]
    assert by_channel["email"]["content_sha256"] == party_notice["content_sha256"]
    assert [e["state"] for e in by_channel["email"]["events"]] == ["queued", "sending", "sent"]

    # the gateway reports delivery with a signed receipt; a forged one is refused
    receipt = orjson.dumps({"message_id": "prov-1", "status": "delivered"})
    sig = "sha256=" + hmac.new(b"sms-key", receipt, hashlib.sha256).hexdigest()
    forged = await app_client.post(
        "/api/v1/deliveries/receipts/sms",
        data=receipt,
        headers={"Content-Type": "application/json", "X-Vcourt-Signature": "sha256=00"},
    )
    assert forged.status == 401
    ok = await app_client.post(
        "/api/v1/deliveries/receipts/sms",
        data=receipt,
        headers={"Content-Type": "application/json", "X-Vcourt-Signature": sig},
    )
    assert ok.status == 200 and (await ok.json())["state"] == "delivered"
    async with sessions() as s, s.begin():
        assert await record_link_opened(s, claims, NOW) == 2  # email + sms of that version
    ack = await app_client.post(f"/api/v1/notices/{party_notice['id']}/acknowledge", headers=clerk)
    states = {d["channel"]: d["state"] for d in (await ack.json())["deliveries"]}
    assert states == {"email": "acknowledged", "sms": "acknowledged"}

    # reschedule: an amended notice (version 2) says what changed; the old link is refused
    async with sessions() as s, s.begin():
        row = await s.get(HearingRow, hid)
        old = (row.starts_at, row.ends_at)
        row.starts_at, row.ends_at = old[0] + timedelta(days=1), old[1] + timedelta(days=1)
        amended = await after_hearing_saved(
            s, hid, HearingChange.MOVED, settings=ctx.settings, now=NOW, before=old
        )
    assert amended == 3
    async with sessions() as s:
        with pytest.raises(LinkRefused) as refused:
            await check_link(s, claims)
    assert refused.value.reason == "superseded"
    assert await deliver_due(ctx, channels) == 3
    [_, second] = email_to(smtp_inbox, "hong@example.test")
    body = attachment(second, "text/plain").decode()
    assert "SỬA ĐỔI, LẦN 2" in body and "moved from 23/11/2026 09:00 to 24/11/2026 09:00" in body
    [event2] = Calendar.from_ical(attachment(second, "text/calendar")).walk("VEVENT")
    assert event2["uid"] == event["uid"] and int(event2["sequence"]) == 1
    new_claims = verify_join_token(str(event2["url"]).rsplit("/", 1)[1], secret, NOW)
    async with sessions() as s:
        await check_link(s, new_claims)


async def test_sms_gateway_failures_are_retried_with_backoff_and_recorded(
    app_client: Any, clerk: dict[str, str], add_hearing: AddHearing, provider: FakeProvider
) -> None:
    party = ("party", "Hồng", None, None, None, "+84900000001")
    hid = await add_hearing(NOW + timedelta(days=3), people=(party,))
    resp = await app_client.post(f"/api/v1/hearings/{hid}/notices", json={}, headers=clerk)
    [notice] = await resp.json()
    provider.script = ["500", "hang"]
    services = app_client.app[SCHEDULING]
    settings = services.ctx.settings.model_copy(
        update={"delivery_backoff_s": [0, 0, 0], "channel_timeout_s": 0.5}
    )
    services.ctx.settings = settings
    from scheduler.channels import configured_channels

    services.channels = configured_channels(settings)
    assert await deliver_due(services.ctx, services.channels) == 0  # 500
    assert await deliver_due(services.ctx, services.channels) == 0  # timeout
    assert await deliver_due(services.ctx, services.channels) == 1  # recovered
    proof = await (
        await app_client.get(f"/api/v1/notices/{notice['id']}/proof", headers=clerk)
    ).json()
    [d] = proof["deliveries"]
    assert d["state"] == "sent" and d["attempts"] == 3 and d["provider_message_id"] == "prov-1"
    details = [e["detail"] for e in d["events"] if e["state"] == "retry"]
    assert "HTTP 500" in details[0] and "Timeout" in details[1]
    keys = {h["Idempotency-Key"] for h, _ in provider.requests}
    assert len(keys) == 1  # every attempt carried the same key: the gateway can deduplicate
