"""ICE servers for a participant: STUN, and TURN with coturn's time-limited REST credentials.

coturn (`use-auth-secret`, `static-auth-secret=S`) accepts username "<expiry unix time>:<anything>"
with password base64(HMAC-SHA1(S, username)) until that time. Nothing is stored per participant;
a leaked credential stops working at its expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from conference.domain.errors import InvalidValue
from conference.settings import Settings


@dataclass(frozen=True)
class IceServer:
    urls: list[str]
    username: str | None = None
    credential: str | None = None

    def as_json(self) -> dict[str, object]:
        """The RTCIceServer dictionary a browser's RTCPeerConnection takes."""
        out: dict[str, object] = {"urls": self.urls}
        if self.username is not None:
            out["username"] = self.username
            out["credential"] = self.credential
        return out


@dataclass(frozen=True)
class TurnCredentials:
    username: str
    password: str
    expires_at: datetime = field(compare=False)


def turn_credentials(
    secret: bytes, participant_id: str, now: datetime, ttl: timedelta
) -> TurnCredentials:
    if not secret:
        raise InvalidValue("the TURN shared secret is empty", field="media_turn_secret")
    if ":" in participant_id or not participant_id:
        raise InvalidValue(
            "a TURN username part must be a non-empty id without ':'", field="participant_id"
        )
    expires_at = now + ttl
    username = f"{int(expires_at.timestamp())}:{participant_id}"
    digest = hmac.new(secret, username.encode(), hashlib.sha1).digest()
    return TurnCredentials(username, base64.b64encode(digest).decode(), expires_at)


def ice_servers_for(settings: Settings, participant_id: str, now: datetime) -> list[IceServer]:
    """What a participant's browser (or agent) should use to reach the media server."""
    servers: list[IceServer] = []
    if settings.media_stun_urls:
        servers.append(IceServer(urls=list(settings.media_stun_urls)))
    if settings.media_turn_urls:
        if settings.media_turn_secret is None:
            raise InvalidValue(
                "VCOURT_MEDIA_TURN_URLS is set but VCOURT_MEDIA_TURN_SECRET is not; set the"
                " secret coturn has as static-auth-secret",
                field="media_turn_secret",
            )
        creds = turn_credentials(
            settings.media_turn_secret.get_secret_value().encode(),
            participant_id,
            now,
            timedelta(seconds=settings.media_turn_ttl_seconds),
        )
        servers.append(IceServer(list(settings.media_turn_urls), creds.username, creds.password))
    return servers
