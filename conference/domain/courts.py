"""Courts and their video endpoints (điểm cầu)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from conference.domain.errors import InvalidValue


class CourtLevel(StrEnum):
    SUPREME = "supreme"
    HIGH = "high"
    PROVINCIAL = "provincial"
    DISTRICT = "district"


# A court may only sit under a court of the level above it.
PARENT_LEVEL: dict[CourtLevel, CourtLevel | None] = {
    CourtLevel.SUPREME: None,
    CourtLevel.HIGH: CourtLevel.SUPREME,
    CourtLevel.PROVINCIAL: CourtLevel.HIGH,
    CourtLevel.DISTRICT: CourtLevel.PROVINCIAL,
}


class EndpointKind(StrEnum):
    COURTROOM = "courtroom"
    MEETING_ROOM = "meeting_room"
    DETENTION_FACILITY = "detention_facility"
    TRAINING_HALL = "training_hall"


CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]{1,39}$")


def validate_code(code: str, what: str = "code") -> str:
    """Codes are upper-case identifiers such as `TAND-HN` or `TAND-HN-BD-P1`."""
    if not CODE_PATTERN.match(code):
        raise InvalidValue(
            f"{what} {code!r} is not valid: use 2-40 upper-case letters, digits, '.', '_' or '-',"
            " starting with a letter or digit (e.g. 'TAND-HN-P1')",
            field=what,
        )
    return code


def check_parent(level: CourtLevel, parent_level: CourtLevel | None) -> None:
    expected = PARENT_LEVEL[level]
    if expected != parent_level:
        if expected is None:
            raise InvalidValue("the supreme court has no parent court", field="parent_code")
        raise InvalidValue(
            f"a {level.value} court must sit under a {expected.value} court"
            + (f", not a {parent_level.value} court" if parent_level else ""),
            field="parent_code",
        )


VIDEO_RESOLUTIONS = ("360p", "480p", "720p", "1080p")
VIDEO_CODECS = ("VP8", "VP9", "H264", "AV1")


@dataclass(frozen=True)
class Capabilities:
    """What an endpoint's room system can do; bookings check against it."""

    max_resolution: str = "720p"
    codecs: tuple[str, ...] = ("VP8", "H264")
    bandwidth_kbps: int = 2000

    def __post_init__(self) -> None:
        if self.max_resolution not in VIDEO_RESOLUTIONS:
            raise InvalidValue(
                f"max_resolution must be one of {', '.join(VIDEO_RESOLUTIONS)}",
                field="max_resolution",
            )
        unknown = [c for c in self.codecs if c not in VIDEO_CODECS]
        if unknown or not self.codecs:
            raise InvalidValue(
                f"codecs must be a non-empty list drawn from {', '.join(VIDEO_CODECS)}",
                field="codecs",
            )
        if not 64 <= self.bandwidth_kbps <= 100_000:
            raise InvalidValue(
                "bandwidth_kbps must be between 64 and 100000", field="bandwidth_kbps"
            )

    def resolution_at_least(self, wanted: str) -> bool:
        return VIDEO_RESOLUTIONS.index(self.max_resolution) >= VIDEO_RESOLUTIONS.index(wanted)


@dataclass(frozen=True)
class Court:
    code: str
    name: str
    level: CourtLevel
    province: str
    parent_code: str | None = None


@dataclass(frozen=True)
class Endpoint:
    code: str
    court_code: str
    site_name: str
    kind: EndpointKind
    capabilities: Capabilities = field(default_factory=Capabilities)
    enabled: bool = True
