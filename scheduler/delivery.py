"""Serving notices: a delivery row is written (queued) before anything is attempted; each
attempt is claimed in the database first, so two workers never send the same one; failures
are retried on the backoff schedule; every state reached is logged as proof of service.

    queued -> sending -> sent -> delivered -> opened -> acknowledged
       ^         |
       +---------+ (error, retries left: next_attempt_at = now + backoff)
       |         +-> failed (no retries left, or a permanent refusal)
       +-> withdrawn (a newer version or a cancellation replaced the notice before it was sent)

The message is opened from the notice's sealed served copy here, and only here.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.jobs import retry_delay
from conference.domain.notices import NoticeKind, content_sha256
from conference.settings import Settings
from conference.store.scheduling import DeliveryEventRow, DeliveryRow, NoticeRow
from conference.store.tables import ParticipantRow
from scheduler.channels import Channel, ChannelError, Outbound
from scheduler.jobs import JobContext
from scheduler.notice_pdf import notice_pdf
from scheduler.notice_secrets import SealBroken, open_sealed

log = logging.getLogger("vcourt.scheduler.delivery")
STUCK_AFTER = timedelta(minutes=10)  # a `sending` claim older than this was a crash


def _event(session: AsyncSession, d: DeliveryRow, state: str, now: datetime, detail: str) -> None:
    session.add(DeliveryEventRow(delivery_id=d.id, state=state, at=now, detail=detail))


async def queue_deliveries(
    session: AsyncSession,
    notice: NoticeRow,
    channels: list[Channel],
    now: datetime,
    *,
    purpose: str = "notice",
) -> list[DeliveryRow]:
    """One delivery per channel that reaches the participant. The idempotency key is the
    notice version and channel (and purpose), so the same version is never queued twice."""
    participant = await session.get(ParticipantRow, notice.participant_id)
    assert participant is not None
    made = []
    for ch in channels:
        address = ch.address_for(participant.email, participant.phone)
        if not address:
            continue
        key = f"{purpose}:{notice.id}:{ch.name}"
        if await session.scalar(select(DeliveryRow.id).where(DeliveryRow.idempotency_key == key)):
            continue
        d = DeliveryRow(
            notice_id=notice.id,
            channel=ch.name,
            address=address,
            idempotency_key=key,
            state="queued",
            attempts=0,
            next_attempt_at=now,
            content_sha256=notice.content_sha256,
            queued_at=now,
        )
        session.add(d)
        await session.flush()
        _event(session, d, "queued", now, f"{purpose} to {address}")
        made.append(d)
    return made


def _outbound(d: DeliveryRow, n: NoticeRow, settings: Settings, now: datetime) -> Outbound:
    """The message for this delivery, from the notice's sealed served copy: the same bytes on
    every retry (the e-mail's Date aside, which is the time of the attempt)."""
    if n.sealed is None:
        raise SealBroken(f"notice {n.id} keeps no served copy; issue the notice again")
    served = open_sealed(settings, n.sealed)
    pdf = b"" if d.channel == "sms" else notice_pdf(served.text, served.join_url, title=n.subject)
    return Outbound(
        idempotency_key=d.idempotency_key,
        address=d.address,
        subject=n.subject,
        text=served.text,
        ics=served.ics,
        pdf=pdf,
        sms_text=served.sms_text,
        date=now.astimezone(settings.tz),
        ics_method="CANCEL" if n.kind == NoticeKind.CANCELLATION.value else "REQUEST",
    )


def served_sha256(channel: str, message: Outbound) -> str:
    """The fingerprint of what this channel hands over: the SMS its own text; the others the
    notice's (subject, text, .ics), which equals the notice's `content_sha256`."""
    if channel == "sms":
        return content_sha256(message.sms_text)
    return content_sha256(message.subject, message.text, message.ics)


async def deliver_due(ctx: JobContext, channels: list[Channel], limit: int = 100) -> int:
    """Attempt every delivery that is due; returns how many were handed over."""
    by_name = {c.name: c for c in channels}
    settings: Settings = ctx.settings
    now = ctx.clock()
    async with ctx.sessions() as s:
        due = list(
            await s.scalars(
                select(DeliveryRow.id)
                .where(
                    or_(
                        (DeliveryRow.state == "queued") & (DeliveryRow.next_attempt_at <= now),
                        (DeliveryRow.state == "sending")
                        & (DeliveryRow.next_attempt_at <= now - STUCK_AFTER),
                    )
                )
                .order_by(DeliveryRow.next_attempt_at)
                .limit(limit)
            )
        )
    sent = 0
    for delivery_id in due:
        sent += await _attempt(ctx, by_name, delivery_id, settings)
    return sent


async def _attempt(
    ctx: JobContext, channels: dict[str, Channel], delivery_id: str, settings: Settings
) -> int:
    now = ctx.clock()
    async with ctx.sessions() as s, s.begin():  # claim it: nobody else attempts it now
        d = await s.get(DeliveryRow, delivery_id)
        if d is None:
            return 0
        attempt = d.attempts + 1
        claimed = await s.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id == delivery_id, DeliveryRow.attempts == attempt - 1)
            .where(DeliveryRow.state.in_(["queued", "sending"]))
            .values(state="sending", attempts=attempt, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return 0
        notice = await s.get(NoticeRow, d.notice_id)
        assert notice is not None
        if notice.superseded_at is not None:  # a newer notice (or a cancellation) replaced it
            d.state = "withdrawn"
            d.last_error = f"notice version {notice.version} was replaced before it was sent"
            _event(s, d, "withdrawn", now, d.last_error)
            return 0
        _event(s, d, "sending", now, f"attempt {attempt}")
        channel = channels.get(d.channel)
        message: Outbound | None = None
        error: ChannelError | None = None
        try:
            message = _outbound(d, notice, settings, now)
            d.content_sha256 = served_sha256(d.channel, message)
        except SealBroken as exc:
            error = ChannelError(str(exc), retryable=False)
    provider_id = None
    if message is not None and channel is None:
        error = ChannelError(f"channel {d.channel} is not configured any more", retryable=False)
    elif message is not None and channel is not None:
        try:
            provider_id = await channel.send(message)
        except ChannelError as exc:
            error = exc
    now = ctx.clock()
    async with ctx.sessions() as s, s.begin():
        row = await s.get(DeliveryRow, delivery_id)
        assert row is not None
        if error is None:
            row.state, row.sent_at, row.provider_message_id = "sent", now, provider_id
            row.last_error = None
            _event(s, row, "sent", now, f"provider message id {provider_id}")
            return 1
        delay = retry_delay(attempt, tuple(settings.delivery_backoff_s))
        row.last_error = error.reason
        if error.retryable and delay is not None and attempt < settings.delivery_max_attempts:
            row.state, row.next_attempt_at = "queued", now + delay
            _event(s, row, "retry", now, f"{error.reason}; next attempt in {delay}")
        else:
            row.state, row.failed_at = "failed", now
            _event(s, row, "failed", now, error.reason)
        log.warning("delivery %s attempt %d failed: %s", delivery_id, attempt, error.reason)
    return 0


RECEIPT_STATES = {"delivered": "delivered", "read": "opened", "failed": "failed"}


async def record_receipt(
    session: AsyncSession, channel: str, message_id: str, status: str, now: datetime, reason: str
) -> DeliveryRow | None:
    """A provider's delivery receipt (SMS gateway, document exchange)."""
    d = await session.scalar(
        select(DeliveryRow).where(
            DeliveryRow.channel == channel, DeliveryRow.provider_message_id == message_id
        )
    )
    if d is None:
        return None
    state = RECEIPT_STATES[status]
    if state == "failed":
        d.state, d.failed_at, d.last_error = (
            "failed",
            now,
            reason or "the provider reported failure",
        )
    elif d.state in ("sent", "sending", "queued") or (state == "opened" and d.state == "delivered"):
        d.state = state
        setattr(d, f"{state}_at", now)
    _event(session, d, state, now, f"receipt: {status} {reason}".strip())
    return d
