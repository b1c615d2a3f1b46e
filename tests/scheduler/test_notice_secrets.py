"""Secrets shown once: a notice's link and PIN exist in clear only in the messages that deliver
them (a real SMTP server and a local SMS gateway receive them here). The API, the court's
copies (.ics, PDF) and the stored rows show that a notice went out, never its link or PIN; the
PIN travels by SMS apart from the link when the person has a phone; court staff sign in and get
no link; a re-send rotates both and says what it replaces; retries and reminders send the sealed
copy, which only the notice key opens."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import Message
from typing import Any

import pytest
from cryptography.fernet import Fernet
from icalendar import Calendar
from pydantic import SecretStr
from sqlalchemy import text

from conference.domain.access import ApiRole
from conference.domain.links import LinkRefused, verify_join_token
from conference.store.participant_links import ParticipantLinkRow, check_pin
from scheduler.delivery import deliver_due
from scheduler.notices import check_link
from scheduler.services import SCHEDULING
from tests.fixtures.app import MakeToken
from tests.fixtures.scheduling import NOW, AddHearing, FakeProvider, SmtpInbox
from tests.scheduler.pdf_text import MARGIN, printed_lines, printed_text
from web.app import create_app

PARTY = ("party", "Nguyễn Thị Hồng", None, None, "hong@example.test", "+84901234567")
LAWYER = ("lawyer", "Trần Minh", None, None, "minh@example.test", None)
CLERK = ("clerk", "Lê Thị Hoa", "hoa.lt", None, "hoa@toaan.test", "+84900000009")
ASSESSOR = ("panel_member", "Hội thẩm Đặng Văn Sơn", None, None, "son@example.test", None)
SECRET = b"test-signing-secret"


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


def part(msg: Message, ctype: str) -> bytes:
    for p in msg.walk():
        if p.get_content_type() == ctype:
            payload = p.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload
    raise AssertionError(f"no {ctype} part")


def mail_to(inbox: SmtpInbox, address: str) -> list[Message]:
    return [m for m in inbox.messages if m["To"] == address]


def link_in(text: str) -> str | None:
    found = re.search(r"https://vcourt\.test/join/\S+", text)
    return found.group(0) if found else None


def pin_in(text: str) -> str | None:
    """A PIN as the notices write it: after "PIN: " (or the SMS's ": ")."""
    found = re.search(r": (\d{6})\b", text)
    return found.group(1) if found else None


async def deliver(app_client: Any) -> int:
    services = app_client.app[SCHEDULING]
    return int(await deliver_due(services.ctx, services.channels))


async def test_the_api_copies_and_stored_rows_show_notices_went_out_never_a_link_or_pin(
    app_client: Any,
    clerk: dict[str, str],
    make_token: MakeToken,
    add_hearing: AddHearing,
    smtp_inbox: SmtpInbox,
    provider: FakeProvider,
    sessions: Any,
) -> None:
    hid = await add_hearing(NOW + timedelta(days=3), 60, people=(PARTY, LAWYER, CLERK))
    resp = await app_client.post(f"/api/v1/hearings/{hid}/notices", json={}, headers=clerk)
    assert resp.status == 201, await resp.text()
    assert await deliver(app_client) == 5  # 3 e-mails, 2 SMS (the party's PIN, the clerk's)

    # What the addressees received: the secrets this test must not find anywhere else.
    party_mail = part(mail_to(smtp_inbox, "hong@example.test")[0], "text/plain").decode()
    lawyer_mail = part(mail_to(smtp_inbox, "minh@example.test")[0], "text/plain").decode()
    party_sms = next(b["text"] for _, b in provider.requests if b["to"] == PARTY[5])
    party_link, lawyer_link = link_in(party_mail), link_in(lawyer_mail)
    party_pin, lawyer_pin = pin_in(party_sms), pin_in(lawyer_mail)
    assert party_link and lawyer_link and party_pin and lawyer_pin
    tokens = [u.rsplit("/", 1)[1] for u in (party_link, lawyer_link)]
    secrets = [*tokens, party_pin, lawyer_pin]

    # Every reader of hearings — judge, integration, clerk — sees that the notices went out.
    readers = [await make_token(ApiRole.JUDGE), await make_token(ApiRole.INTEGRATION), clerk]
    for who in readers:
        listed = await app_client.get(f"/api/v1/hearings/{hid}/notices", headers=who)
        assert listed.status == 200
        body = await listed.text()
        assert not [s for s in secrets if s in body], "a link or PIN in GET …/notices"
        notices = await listed.json()
        assert "join_url" not in notices[0]
        by_name = {n["participant_id"]: n for n in notices}
        assert len(by_name) == 3
        for n in notices:
            assert n["version"] == 1 and n["kind"] == "summons" and n["created_at"]
            assert {d["state"] for d in n["deliveries"]} == {"sent"}
            assert all(d["sent_at"] for d in n["deliveries"])
        for n in notices:
            for url in (
                f"/api/v1/notices/{n['id']}/proof",
                f"/api/v1/notices/{n['id']}/invite.ics",
            ):
                answer = await app_client.get(url, headers=who)
                assert answer.status == 200
                shown = await answer.text()
                assert not [s for s in secrets if s in shown], f"a link or PIN in {url}"
            printed = await app_client.get(f"/api/v1/notices/{n['id']}/notice.pdf", headers=who)
            copy = printed_text(await printed.read())
            assert "Bản lưu của Tòa án" in copy
            assert not [s for s in secrets if s in copy], "a link or PIN in the court's PDF"
    staff = next(n for n in notices if "Lê Thị Hoa" in n["body_text"])
    party = next(n for n in notices if "Nguyễn Thị Hồng" in n["body_text"])
    lawyer = next(n for n in notices if "Trần Minh" in n["body_text"])
    assert (staff["carries_link"], staff["pin_sent_by"]) == (False, None)
    assert (party["carries_link"], party["pin_sent_by"]) == (True, "sms")
    assert (lawyer["carries_link"], lawyer["pin_sent_by"]) == (True, "with_link")
    assert "[chỉ có trong bản gửi người nhận]" in lawyer["body_text"]

    # Nor does the database keep them in clear (the PIN only as its argon2 hash).
    async with sessions() as s:
        stored = []
        for table in ("notices", "deliveries", "delivery_events", "participant_links"):
            for row in await s.execute(text(f"SELECT * FROM {table}")):
                stored.append(" ".join(str(v) for v in row))
    dump = "\n".join(stored)
    assert not [s for s in secrets if s in dump], "a link or PIN stored in clear"

    # The links and PINs the addressees received work.
    async with sessions() as s:
        for link, pin in ((party_link, party_pin), (lawyer_link, lawyer_pin)):
            claims = verify_join_token(link.rsplit("/", 1)[1], SECRET, NOW)
            await check_link(s, claims)
            state = await s.get(ParticipantLinkRow, claims.participant_id)
            check_pin(state, pin, _s(app_client), NOW)


def _s(app_client: Any) -> Any:
    return app_client.app[SCHEDULING].ctx.settings


async def test_the_pin_goes_by_sms_apart_from_the_link_and_never_into_the_ics(
    app_client: Any,
    clerk: dict[str, str],
    add_hearing: AddHearing,
    smtp_inbox: SmtpInbox,
    provider: FakeProvider,
) -> None:
    hid = await add_hearing(NOW + timedelta(days=3), 60, people=(PARTY, LAWYER))
    assert (
        await app_client.post(f"/api/v1/hearings/{hid}/notices", json={}, headers=clerk)
    ).status == 201
    assert await deliver(app_client) == 3

    # With a phone: the e-mail has the link and says the PIN comes by SMS; the SMS has the PIN.
    [mail] = mail_to(smtp_inbox, "hong@example.test")
    body = part(mail, "text/plain").decode()
    ics = part(mail, "text/calendar").decode()
    [sms] = [b["text"] for _, b in provider.requests if b["to"] == PARTY[5]]
    pin = pin_in(sms)
    assert pin and link_in(body) and not link_in(sms)
    assert "Mã PIN: được gửi riêng cho Ông/Bà bằng tin nhắn SMS." in body and pin not in body
    assert str(Calendar.from_ical(ics).walk("VEVENT")[0]["url"]) == link_in(body)
    assert pin not in ics and "PIN" not in ics
    # The printed copy carries the whole link, every line inside the page, and no PIN.
    pdf = part(mail, "application/pdf")
    assert link_in(body) in printed_text(pdf) and pin not in printed_text(pdf)
    assert all(line.x1 <= line.page_width - MARGIN + 1 for line in printed_lines(pdf))

    # Without one (decided: the e-mail is the only channel, so the PIN is in its text beside
    # the link — still never in the .ics, which calendars copy to other services).
    [mail] = mail_to(smtp_inbox, "minh@example.test")
    body = part(mail, "text/plain").decode()
    ics = part(mail, "text/calendar").decode()
    pin = pin_in(body)
    assert pin and f"Mã PIN: {pin}" in body
    assert pin not in ics and "PIN" not in ics


async def test_court_staff_get_no_link_and_the_link_api_refuses_them(
    app_client: Any,
    clerk: dict[str, str],
    add_hearing: AddHearing,
    smtp_inbox: SmtpInbox,
    provider: FakeProvider,
) -> None:
    hid = await add_hearing(NOW + timedelta(days=3), 60, people=(CLERK, ASSESSOR))
    resp = await app_client.post(f"/api/v1/hearings/{hid}/notices", json={}, headers=clerk)
    by_name = {("Hoa" in n["body_text"]): n for n in await resp.json()}
    assert await deliver(app_client) == 3  # the clerk's e-mail and SMS, the assessor's e-mail

    # The clerk has an account: the summons says to sign in and open the hearing page.
    [mail] = mail_to(smtp_inbox, "hoa@toaan.test")
    body = part(mail, "text/plain").decode()
    assert "/join/" not in body and pin_in(body) is None
    assert f"https://vcourt.test/hearings/{hid}/room" in body
    assert "cán bộ Tòa án tham gia bằng tài khoản" in body
    assert "/join/" not in part(mail, "text/calendar").decode()
    [sms] = [b["text"] for _, b in provider.requests if b["to"] == CLERK[5]]
    assert "/join/" not in sms and pin_in(sms) is None
    # A people's assessor without an account cannot sign in: a link and PIN, like a party.
    body = part(mail_to(smtp_inbox, "son@example.test")[0], "text/plain").decode()
    assert link_in(body) and pin_in(body)

    staff_pid = by_name[True]["participant_id"]
    link_api = f"/api/v1/hearings/{hid}/participants/{staff_pid}/link"
    refused = await app_client.post(link_api, json={}, headers=clerk)
    assert refused.status == 409
    assert "joins with their own sign-in" in (await refused.json())["detail"]


async def test_a_resend_rotates_link_and_pin_and_says_what_it_replaces(
    app_client: Any,
    clerk: dict[str, str],
    add_hearing: AddHearing,
    smtp_inbox: SmtpInbox,
    provider: FakeProvider,
    sessions: Any,
) -> None:
    hid = await add_hearing(NOW + timedelta(days=3), 60, people=(PARTY, LAWYER))
    first = await app_client.post(
        f"/api/v1/hearings/{hid}/notices", json={"language": "en"}, headers=clerk
    )
    party_pid = next(n["participant_id"] for n in await first.json() if "Hồng" in n["body_text"])
    assert await deliver(app_client) == 3
    old_link = link_in(part(mail_to(smtp_inbox, "hong@example.test")[0], "text/plain").decode())
    assert old_link

    unknown = await app_client.post(
        f"/api/v1/hearings/{hid}/notices", json={"participant_ids": ["nobody"]}, headers=clerk
    )
    assert unknown.status == 422 and "nobody" in (await unknown.json())["detail"]

    # The party lost the notice: the clerk re-sends it to her alone.
    again = await app_client.post(
        f"/api/v1/hearings/{hid}/notices",
        json={"language": "en", "participant_ids": [party_pid]},
        headers=clerk,
    )
    assert again.status == 201, await again.text()
    [notice] = await again.json()
    assert (notice["version"], notice["replaces_version"]) == (2, 1)
    assert await deliver(app_client) == 2  # her e-mail and SMS; the lawyer gets nothing new
    [_, mail] = mail_to(smtp_inbox, "hong@example.test")
    body = part(mail, "text/plain").decode()
    assert "SUMMONS (AMENDED, VERSION 2)" in body
    assert (
        "This summons replaces summons version 1. The link and the PIN in the earlier summons"
        " no longer work." in body
    )
    new_link = link_in(body)
    assert new_link and new_link != old_link
    sms = [b["text"] for _, b in provider.requests if b["to"] == PARTY[5]][-1]
    assert "(replaces version 1)" in sms
    new_pin = pin_in(sms)
    async with sessions() as s:
        with pytest.raises(LinkRefused) as refused:
            await check_link(s, verify_join_token(old_link.rsplit("/", 1)[1], SECRET, NOW))
        assert refused.value.reason == "superseded"
        claims = verify_join_token(new_link.rsplit("/", 1)[1], SECRET, NOW)
        await check_link(s, claims)
        state = await s.get(ParticipantLinkRow, claims.participant_id)
        check_pin(state, new_pin, _s(app_client), NOW)
    assert len(mail_to(smtp_inbox, "minh@example.test")) == 1


async def test_reminders_and_retries_send_the_sealed_copy_that_only_the_notice_key_opens(
    app_client: Any,
    clerk: dict[str, str],
    add_hearing: AddHearing,
    smtp_inbox: SmtpInbox,
    sessions: Any,
) -> None:
    hid = await add_hearing(NOW + timedelta(days=3), 60, people=(LAWYER,))
    assert (
        await app_client.post(f"/api/v1/hearings/{hid}/notices", json={}, headers=clerk)
    ).status == 201
    assert await deliver(app_client) == 1
    services = app_client.app[SCHEDULING]
    async with sessions() as s, s.begin():
        assert await services.queue_reminders(s, hid, 60) == 1
    assert await deliver(app_client) == 1
    notice, reminder = mail_to(smtp_inbox, "minh@example.test")
    assert part(reminder, "text/plain") == part(notice, "text/plain")  # the same link and PIN
    assert reminder["Message-ID"] != notice["Message-ID"]  # another delivery, its own key

    # Another key cannot open it: the delivery fails and says which setting to fix.
    original = services.ctx.settings.notice_keys()[0].decode()
    other = Fernet.generate_key().decode()
    services.ctx.settings = services.ctx.settings.model_copy(
        update={"notice_key": SecretStr(other)}
    )
    async with sessions() as s, s.begin():
        assert await services.queue_reminders(s, hid, 30) == 1
    assert await deliver(app_client) == 0
    proof = await (
        await app_client.get(f"/api/v1/hearings/{hid}/notices", json={}, headers=clerk)
    ).json()
    failed = [d for d in proof[0]["deliveries"] if d["state"] == "failed"]
    assert len(failed) == 1 and "VCOURT_NOTICE_KEY" in failed[0]["last_error"]
    # A rotated key list (new first, the old one after it) opens what the old key sealed.
    services.ctx.settings = services.ctx.settings.model_copy(
        update={"notice_key": SecretStr(f"{other},{original}")}
    )
    async with sessions() as s, s.begin():
        assert await services.queue_reminders(s, hid, 15) == 1
    assert await deliver(app_client) == 1
    assert len(mail_to(smtp_inbox, "minh@example.test")) == 3
