"""What every signalling message shares: the envelope, field limits, the ICE candidate.

Split from signaling/protocol.py so the media messages (signaling/protocol_media.py) can build
on it; import messages from signaling.protocol, which re-exports everything.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

VERSION = 1
ID = Annotated[str, Field(min_length=1, max_length=64)]
SDP = Annotated[str, Field(min_length=1, max_length=60_000)]
TEXT = Annotated[str, Field(max_length=500)]
# Each participant has two media connections to the server, one per kind (see docs/media.md).
KIND = Literal["audio", "video"]


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1]
    id: ID | None = None


class IceCandidate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    candidate: Annotated[str, Field(max_length=1000)]  # "" marks the end of candidates
    sdp_mid: Annotated[str, Field(max_length=64)] | None = None
    sdp_mline_index: Annotated[int, Field(ge=0, le=64)] | None = None
