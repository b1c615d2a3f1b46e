"""Delivery channels behind one small interface: email (SMTP), SMS (HTTP gateway), and the
national document exchange (HTTP). Each is configured from settings, never hard-coded.

The HTTP channels send the delivery's idempotency key (`Idempotency-Key` header), so a retry
after a lost answer cannot make the provider send twice; email carries it as the Message-ID,
the same on every attempt, so a mail server or client that got the first one drops the copy.
"""

from __future__ import annotations

import abc
import base64
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

import aiohttp
import aiosmtplib

from conference.settings import Settings


@dataclass(frozen=True)
class Outbound:
    idempotency_key: str
    address: str
    subject: str
    text: str
    ics: str
    pdf: bytes
    sms_text: str
    date: datetime  # when this attempt is made (the e-mail's Date:)
    ics_method: str = "REQUEST"  # CANCEL for a cancellation


def message_id(idempotency_key: str, sender: str) -> str:
    """The e-mail's Message-ID: the delivery's idempotency key at the sender's domain, so every
    retry of one delivery carries the same one (RFC 5322 §3.6.4)."""
    domain = sender.split("@")[-1].rstrip(">").strip() or "vcourt"
    return f"<{idempotency_key.replace(':', '.')}@{domain}>"


class ChannelError(Exception):
    def __init__(self, reason: str, *, retryable: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class Channel(abc.ABC):
    name: str

    @abc.abstractmethod
    def address_for(self, email: str | None, phone: str | None) -> str | None:
        """Where this channel reaches a participant, or None when it cannot."""

    @abc.abstractmethod
    async def send(self, message: Outbound) -> str:
        """Hand the message over; return the provider's message id. Raise ChannelError."""


class EmailChannel(Channel):
    name = "email"

    def __init__(self, settings: Settings) -> None:
        self.s = settings

    def address_for(self, email: str | None, phone: str | None) -> str | None:
        return email

    async def send(self, message: Outbound) -> str:
        s = self.s
        mail = EmailMessage()
        msgid = message_id(message.idempotency_key, s.smtp_from)
        mail["Message-ID"] = msgid
        mail["Date"] = format_datetime(message.date)
        mail["From"] = s.smtp_from
        mail["To"] = message.address
        mail["Subject"] = message.subject
        mail.set_content(message.text)
        mail.add_attachment(
            message.ics.encode(),
            maintype="text",
            subtype="calendar",
            filename="invite.ics",
            params={"method": message.ics_method},
        )
        mail.add_attachment(
            message.pdf, maintype="application", subtype="pdf", filename="notice.pdf"
        )
        try:
            await aiosmtplib.send(
                mail,
                hostname=s.smtp_host,
                port=s.smtp_port,
                start_tls=s.smtp_starttls,
                username=s.smtp_user,
                password=s.smtp_password.get_secret_value() if s.smtp_password else None,
                timeout=s.smtp_timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise ChannelError(
                f"the mail server refused {message.address}", retryable=False
            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise ChannelError(f"the mail server answered {exc.code} {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise ChannelError(f"SMTP: {exc}") from exc
        return msgid


class _HttpChannel(Channel):
    def __init__(self, url: str, key: str | None, timeout_s: float) -> None:
        self.url, self.key, self.timeout = url, key, aiohttp.ClientTimeout(total=timeout_s)

    async def _post(self, message: Outbound, payload: dict[str, object]) -> str:
        headers = {"Idempotency-Key": message.idempotency_key}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        try:
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as http,
                http.post(self.url, json=payload, headers=headers) as resp,
            ):
                if resp.status >= 500 or resp.status == 429:
                    raise ChannelError(f"{self.name} answered HTTP {resp.status}")
                if resp.status >= 400:
                    body = (await resp.text())[:200]
                    raise ChannelError(
                        f"{self.name} refused the message: HTTP {resp.status} {body}",
                        retryable=False,
                    )
                data = await resp.json()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ChannelError(f"{self.name} unreachable: {type(exc).__name__} {exc}") from exc
        msg_id = data.get("id") if isinstance(data, dict) else None
        if not msg_id:
            raise ChannelError(f"{self.name} answered without a message id")
        return str(msg_id)


class SmsChannel(_HttpChannel):
    name = "sms"

    def address_for(self, email: str | None, phone: str | None) -> str | None:
        return phone

    async def send(self, message: Outbound) -> str:
        return await self._post(message, {"to": message.address, "text": message.sms_text})


class DocExchangeChannel(_HttpChannel):
    """The national document exchange: the printable notice as a signed-off document."""

    name = "doc_exchange"

    def address_for(self, email: str | None, phone: str | None) -> str | None:
        return email or phone

    async def send(self, message: Outbound) -> str:
        return await self._post(
            message,
            {
                "recipient": message.address,
                "subject": message.subject,
                "body": message.text,
                "attachments": [
                    {
                        "filename": "notice.pdf",
                        "content_type": "application/pdf",
                        "data": base64.b64encode(message.pdf).decode(),
                    },
                    {
                        "filename": "invite.ics",
                        "content_type": "text/calendar",
                        "data": base64.b64encode(message.ics.encode()).decode(),
                    },
                ],
            },
        )


def configured_channels(settings: Settings) -> list[Channel]:
    channels: list[Channel] = []
    if settings.smtp_host:
        channels.append(EmailChannel(settings))
    if settings.sms_gateway_url:
        key = settings.sms_gateway_key.get_secret_value() if settings.sms_gateway_key else None
        sms = SmsChannel(settings.sms_gateway_url, key, settings.channel_timeout_s)
        channels.append(sms)
    if settings.doc_exchange_url:
        key = settings.doc_exchange_key.get_secret_value() if settings.doc_exchange_key else None
        channels.append(
            DocExchangeChannel(settings.doc_exchange_url, key, settings.channel_timeout_s)
        )
    return channels


def channel_key(settings: Settings, channel: str) -> bytes | None:
    """The shared secret a provider signs its delivery receipts with."""
    secret = {"sms": settings.sms_gateway_key, "doc_exchange": settings.doc_exchange_key}.get(
        channel
    )
    return secret.get_secret_value().encode() if secret else None
