"""Who hears and sees whom: the forwarding rules of a hearing's media, as a pure function.

Signalling knows the room (who is muted, who waits outside, who is in a consultation room, whom
a protected witness is screened from); the media server only needs the result: the set of
(publisher, subscriber, kind) forwards. Keeping that step pure lets a table test check every
rule without a single packet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from conference.domain.errors import InvalidValue

MAIN = "main"  # the hearing room itself
OUTSIDE = "outside"  # e.g. a witness not yet called: sends nothing, receives nothing
# Any other zone value names a consultation room; its media stays inside it.


class MediaKind(StrEnum):
    AUDIO = "audio"
    VIDEO = "video"


@dataclass(frozen=True)
class MediaFacts:
    """What the room says about one participant, as far as media is concerned.

    may_send_audio is False for a muted participant and for observers; may_send_video is False
    for observers and for anyone whose camera the judge has turned off. screened_from holds the
    participant ids a protected witness's video must never reach.
    """

    participant_id: str
    may_send_audio: bool
    may_send_video: bool
    zone: str = MAIN
    screened_from: frozenset[str] = field(default_factory=frozenset)

    def may_send(self, kind: MediaKind) -> bool:
        return self.may_send_audio if kind is MediaKind.AUDIO else self.may_send_video


@dataclass(frozen=True, order=True)
class Forward:
    publisher: str
    subscriber: str
    kind: MediaKind


def consultation_zone(room_id: str) -> str:
    """The zone value for a consultation room (kept apart from main/outside)."""
    if not room_id.strip():
        raise InvalidValue("a consultation room needs an id", field="zone")
    return f"consultation:{room_id}"


def _checked(facts: Iterable[MediaFacts]) -> list[MediaFacts]:
    listed = list(facts)
    seen: set[str] = set()
    for f in listed:
        if not f.participant_id:
            raise InvalidValue("a participant in the routing has no id", field="participant_id")
        if f.participant_id in seen:
            raise InvalidValue(
                f"participant {f.participant_id} appears twice in the routing facts",
                field="participant_id",
            )
        if not f.zone.strip():
            raise InvalidValue(
                f"participant {f.participant_id} has an empty zone; use 'main', 'outside' or"
                " consultation_zone(room)",
                field="zone",
            )
        seen.add(f.participant_id)
    return listed


def may_forward(publisher: MediaFacts, subscriber: MediaFacts, kind: MediaKind) -> bool:
    """One rule, read as a question: may this publisher's `kind` reach this subscriber?"""
    if publisher.participant_id == subscriber.participant_id:
        return False
    if publisher.zone == OUTSIDE or subscriber.zone == OUTSIDE:
        return False
    if publisher.zone != subscriber.zone:
        return False
    if not publisher.may_send(kind):
        return False
    return not (kind is MediaKind.VIDEO and subscriber.participant_id in publisher.screened_from)


def route(facts: Iterable[MediaFacts]) -> frozenset[Forward]:
    """Every (publisher, subscriber, kind) the server must forward, and nothing else."""
    listed = _checked(facts)
    return frozenset(
        Forward(p.participant_id, s.participant_id, kind)
        for p in listed
        for s in listed
        for kind in MediaKind
        if may_forward(p, s, kind)
    )


def recorded(facts: Iterable[MediaFacts]) -> frozenset[tuple[str, MediaKind]]:
    """What the court's recording keeps: what is said and shown in the hearing room itself.

    Consultation rooms are private (lawyer and client, the panel deliberating) and people waiting
    outside take no part, so neither is recorded. A screened witness is recorded: the screen
    protects them from the parties, not from the court's own record.
    """
    return frozenset(
        (f.participant_id, kind)
        for f in _checked(facts)
        for kind in MediaKind
        if f.zone == MAIN and f.may_send(kind)
    )
