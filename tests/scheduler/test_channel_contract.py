"""One contract for every delivery channel, each against a real server on loopback: email
through aiosmtpd, the SMS gateway and the document exchange through small local HTTP servers.

Every channel: the delivery is recorded before any attempt; the provider sees the idempotency
key; a failure keeps its reason and is retried on the backoff schedule, not before; once sent,
never sent again; a permanent refusal fails at once with the reason."""

from __future__ import annotations

import email
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conference.settings import Settings
from conference.store.scheduling import DeliveryEventRow, DeliveryRow
from scheduler.channels import configured_channels
from scheduler.delivery import deliver_due, queue_deliveries
from scheduler.jobs import JobContext
from scheduler.notices import issue_notices
from tests.fixtures.scheduling import NOW, AddHearing, FakeProvider, SmtpInbox
from tests.fixtures.servers import free_port

PARTY = ("party", "Nguyễn Thị Hồng", None, None, "hong@example.test", "+84901234567")


class FlakyInbox(SmtpInbox):
    """An SMTP server that can answer the next message with a temporary failure, or refuse
    the next recipient for good."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_next = False
        self.refuse_next = False
        self.attempts: list[Message] = []  # every message whose data arrived, kept or not

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse_next:
            self.refuse_next = False
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.attempts.append(email.message_from_bytes(envelope.content))
        if self.fail_next:
            self.fail_next = False
            return "451 4.3.0 mailbox busy, try again later"
        return await super().handle_DATA(server, session, envelope)


@dataclass
class Harness:
    """What the contract needs to know of one channel and its server."""

    name: str
    settings: dict[str, Any]
    temporary_reason: str
    permanent_reason: str
    inbox: FlakyInbox | None = None
    provider: FakeProvider | None = None
    refusals: int = 0  # answered with a failure (they come first in these tests)

    def fail_next(self) -> None:
        self.refusals += 1
        if self.inbox:
            self.inbox.fail_next = True
        else:
            assert self.provider is not None
            self.provider.script.append("500")

    def refuse_next(self) -> None:
        self.refusals += 1
        if self.inbox:
            self.inbox.refuse_next = True
        else:
            assert self.provider is not None
            self.provider.script.append("400")

    def attempted_keys(self) -> list[str]:
        """The idempotency key the provider saw on every attempt that reached it (for e-mail
        the Message-ID of each message whose data the SMTP server received, kept or not)."""
        if self.inbox:
            return [str(m["Message-ID"]) for m in self.inbox.attempts]
        assert self.provider is not None
        return [h["Idempotency-Key"] for h, _ in self.provider.requests]

    def accepted_keys(self) -> list[str]:
        """The idempotency key of every message the provider accepted."""
        if self.inbox:
            return [str(m["Message-ID"]) for m in self.inbox.messages]
        return self.attempted_keys()[self.refusals :]


@pytest.fixture(params=["email", "sms", "doc_exchange"])
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    if request.param == "email":
        from aiosmtpd.controller import Controller

        inbox = FlakyInbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        try:
            yield Harness(
                "email",
                {"smtp_host": "127.0.0.1", "smtp_port": controller.port, "smtp_starttls": False},
                "the mail server answered 451 4.3.0 mailbox busy",
                "the mail server refused hong@example.test",
                inbox=inbox,
            )
        finally:
            controller.stop()
        return
    provider = await FakeProvider().start()
    url_key = {"sms": "sms_gateway_url", "doc_exchange": "doc_exchange_url"}[request.param]
    try:
        yield Harness(
            request.param,
            {url_key: provider.url},
            f"{request.param} answered HTTP 500",
            f"{request.param} refused the message: HTTP 400",
            provider=provider,
        )
    finally:
        await provider.stop()


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


async def served(
    harness: Harness,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    add_hearing: AddHearing,
) -> tuple[JobContext, Clock, str, Any]:
    configured = Settings(
        **{**settings.model_dump(), **harness.settings, "delivery_backoff_s": [30, 120]}
    )
    channels = configured_channels(configured)
    assert [c.name for c in channels] == [harness.name]
    hid = await add_hearing(NOW + timedelta(days=3), 60, people=(PARTY,))
    async with sessions() as s, s.begin():
        (notice,) = await issue_notices(s, hid, settings=configured, now=NOW, channels=channels)
        (made,) = await queue_deliveries(s, notice.row, channels, NOW)
        again = await queue_deliveries(s, notice.row, channels, NOW)
        assert again == []  # the same notice version is never queued twice
        delivery_id = made.id
    clock = Clock()
    return JobContext(sessions, configured, clock, "contract"), clock, delivery_id, channels


async def row(sessions: async_sessionmaker[AsyncSession], delivery_id: str) -> DeliveryRow:
    async with sessions() as s:
        d = await s.get(DeliveryRow, delivery_id)
        assert d is not None
        return d


async def test_a_failed_delivery_is_retried_on_schedule_and_sent_once(
    harness: Harness,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    add_hearing: AddHearing,
) -> None:
    ctx, clock, delivery_id, channels = await served(harness, settings, sessions, add_hearing)
    d = await row(sessions, delivery_id)
    assert (d.state, d.attempts, d.channel) == ("queued", 0, harness.name)
    assert harness.accepted_keys() == []  # recorded before anything was attempted
    key = d.idempotency_key

    harness.fail_next()
    assert await deliver_due(ctx, channels) == 0
    d = await row(sessions, delivery_id)
    assert (d.state, d.attempts) == ("queued", 1)
    assert d.last_error is not None and harness.temporary_reason in d.last_error
    assert d.next_attempt_at == NOW + timedelta(seconds=30)
    assert await deliver_due(ctx, channels) == 0  # not before the backoff
    assert (await row(sessions, delivery_id)).attempts == 1

    clock.now += timedelta(seconds=30)
    assert await deliver_due(ctx, channels) == 1
    d = await row(sessions, delivery_id)
    assert (d.state, d.attempts, d.last_error) == ("sent", 2, None)
    assert d.provider_message_id and d.sent_at == clock.now
    accepted = harness.accepted_keys()
    assert len(accepted) == 1 and key.replace(":", ".") in accepted[0].replace(":", ".")
    attempted = harness.attempted_keys()
    assert len(attempted) == 2 and len(set(attempted)) == 1  # a retry carries the same key
    if harness.inbox:  # every e-mail says when it was sent: this attempt, in court time
        dates = [parsedate_to_datetime(str(m["Date"])) for m in harness.inbox.attempts]
        assert dates == [NOW, NOW + timedelta(seconds=30)]
        assert all(str(m["Date"]).endswith("+0700") for m in harness.inbox.attempts)

    clock.now += timedelta(hours=2)
    assert await deliver_due(ctx, channels) == 0
    assert len(harness.accepted_keys()) == 1  # never twice
    async with sessions() as s:
        states = list(
            await s.scalars(
                select(DeliveryEventRow.state)
                .where(DeliveryEventRow.delivery_id == delivery_id)
                .order_by(DeliveryEventRow.id)
            )
        )
    assert states == ["queued", "sending", "retry", "sending", "sent"]


async def test_a_permanent_refusal_fails_at_once_with_the_reason(
    harness: Harness,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    add_hearing: AddHearing,
) -> None:
    ctx, clock, delivery_id, channels = await served(harness, settings, sessions, add_hearing)
    harness.refuse_next()
    assert await deliver_due(ctx, channels) == 0
    d = await row(sessions, delivery_id)
    assert (d.state, d.attempts, d.failed_at) == ("failed", 1, NOW)
    assert d.last_error is not None and harness.permanent_reason in d.last_error
    clock.now += timedelta(days=1)
    assert await deliver_due(ctx, channels) == 0
    assert (await row(sessions, delivery_id)).attempts == 1
    assert harness.accepted_keys() == []
