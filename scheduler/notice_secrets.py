"""A notice's served messages, sealed at rest.

The link and the PIN exist in clear only in the messages that deliver them. The server must
send those messages again (a retry after a failure, a reminder), so it keeps them, but only
sealed with the notice key (`VCOURT_NOTICE_KEY`, Fernet: AES-128-CBC with HMAC-SHA256): the
issuer seals (scheduler/notices.py) and only the delivery worker opens
(scheduler/delivery.py). The API and the pages read the court's copy, which leaves both out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import orjson
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from conference.settings import Settings


@dataclass(frozen=True)
class ServedNotice:
    """Exactly what goes to the addressee: the long text (e-mail, document exchange, PDF),
    the .ics, the SMS, and the link for the PDF's QR code (None: the notice has no link)."""

    text: str
    ics: str
    sms_text: str
    join_url: str | None


class SealBroken(Exception):
    """The sealed notice cannot be opened: the notice key is not the one that sealed it."""


def _keys(settings: Settings) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.notice_keys()])


def seal(settings: Settings, served: ServedNotice) -> str:
    return _keys(settings).encrypt(orjson.dumps(asdict(served))).decode()


def open_sealed(settings: Settings, sealed: str) -> ServedNotice:
    """For the delivery worker only."""
    try:
        data = orjson.loads(_keys(settings).decrypt(sealed.encode()))
    except InvalidToken:
        raise SealBroken(
            "the notice was sealed with another key: set VCOURT_NOTICE_KEY to the key it was"
            " sealed with (comma-separated after the current one), or issue the notice again"
        ) from None
    return ServedNotice(**data)
