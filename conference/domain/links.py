"""Personal join links: signed, expiring, scoped to one hearing, one participant, one role.

A link carries the participant's link version; issuing a new version (an amended notice, a
revoked link) makes every older link stop working, which the caller checks against storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from itsdangerous import BadSignature, URLSafeSerializer

from conference.domain.errors import DomainError
from conference.domain.hearings import COURT_STAFF_ROLES, Role

_SALT = "vcourt.join-link.v1"


class LinkRefused(DomainError):
    """The link cannot be used; `reason` is one of forged, malformed, expired, superseded,
    revoked, wrong_hearing, staff_sign_in."""

    code = "link_refused"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def joins_by_sign_in(role: Role, staff_username: str | None) -> bool:
    """Court staff with an account join the room with their own sign-in (signalling accepts
    exactly these as staff), so they are never given a join link or a PIN. Court staff without
    an account (a people's assessor) and everyone else join through their personal link."""
    return role in COURT_STAFF_ROLES and bool(staff_username)


@dataclass(frozen=True)
class JoinClaims:
    hearing_id: str
    participant_id: str
    role: Role
    link_version: int
    expires_at: datetime


def sign_join_token(claims: JoinClaims, secret: bytes) -> str:
    payload = {
        "h": claims.hearing_id,
        "p": claims.participant_id,
        "r": claims.role.value,
        "v": claims.link_version,
        "e": int(claims.expires_at.timestamp()),
    }
    return str(URLSafeSerializer(secret, salt=_SALT).dumps(payload))


def verify_join_token(token: str, secret: bytes, now: datetime) -> JoinClaims:
    """Check the signature and expiry; storage checks (version, revocation) are the caller's."""
    try:
        payload = URLSafeSerializer(secret, salt=_SALT).loads(token)
    except BadSignature as exc:
        raise LinkRefused(
            "forged",
            "this link is not valid (its signature does not match); use the link"
            " from your notice exactly as it was sent",
        ) from exc
    try:
        claims = JoinClaims(
            hearing_id=str(payload["h"]),
            participant_id=str(payload["p"]),
            role=Role(payload["r"]),
            link_version=int(payload["v"]),
            expires_at=datetime.fromtimestamp(int(payload["e"]), UTC),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LinkRefused(
            "malformed", "this link is incomplete; ask the court for a new one"
        ) from exc
    if now >= claims.expires_at:
        raise LinkRefused(
            "expired",
            f"this link expired on {claims.expires_at:%Y-%m-%d %H:%M} UTC; ask the court clerk"
            " for a new notice",
        )
    return claims


def check_current(claims: JoinClaims, current_version: int, revoked: bool) -> None:
    if revoked:
        raise LinkRefused("revoked", "this link was revoked by the court; contact the clerk")
    if claims.link_version != current_version:
        raise LinkRefused(
            "superseded",
            "this link was replaced by a newer notice (the hearing may have been rescheduled);"
            " use the link in the latest notice you received",
        )
