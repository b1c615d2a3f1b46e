"""One participant's RTCPeerConnection for one kind of media, and what the server keeps on it.

Topology: each participant has two connections to the server, one for audio and one for video.
Each carries the participant's own track up and one track per other participant down. aiortc
loses media when one connection carries several audio AND several video tracks (upstream #868);
with one kind per connection that case never arises, at the cost of one more ICE/DTLS handshake
per participant.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from enum import StrEnum

from aiortc import RTCPeerConnection, RTCRtpTransceiver
from aiortc.mediastreams import MediaStreamTrack

from conference.domain.media_routing import MediaKind
from conference.media.forwarding import Gate
from conference.media.passthrough import PassThroughSource

log = logging.getLogger(__name__)


class LinkState(StrEnum):
    NEW = "new"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    FAILED = "failed"
    CLOSED = "closed"


@dataclass
class Slot:
    """One publisher's media on its way down this connection."""

    publisher_id: str
    transceiver: RTCRtpTransceiver
    track: MediaStreamTrack  # a ForwardedTrack (the bench's MediaRelay baseline uses others)
    gate: Gate
    fed_by: PassThroughSource | None = None  # the publisher's source this slot listens to


@dataclass(frozen=True)
class Quality:
    """What the roster shows for one participant (both connections together)."""

    participant_id: str
    state: str  # worst of the two connections: failed > connecting > connected
    packets_lost: int  # upstream, as seen by the server
    fraction_lost: float  # upstream loss over the last interval, 0..1
    round_trip_ms: float | None  # downstream, from the participant's receiver reports
    bitrate_in_kbps: float  # what the participant sends us
    bitrate_out_kbps: float  # what we send the participant
    receiving: bool  # their media reached us in the last interval (False for observers)
    dropped_packets: int  # packets dropped because their downstream queues overflowed


@dataclass
class Counters:
    at: float = 0.0
    bytes_in: int = 0
    bytes_out: int = 0
    received: int = 0
    lost: int = 0


@dataclass
class Connection:
    hearing_id: str
    participant_id: str
    kind: MediaKind
    pc: RTCPeerConnection
    remote_track: MediaStreamTrack | None = None  # what the participant sends us
    source: PassThroughSource | None = None  # the same, undecoded
    slots: dict[str, Slot] = field(default_factory=dict)
    state: LinkState = LinkState.NEW
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    answer: asyncio.Future[str] | None = None
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    counters: Counters = field(default_factory=Counters)
    last: Quality | None = None

    @property
    def key(self) -> tuple[str, MediaKind]:
        return (self.participant_id, self.kind)

    def set_state(self, new: LinkState) -> bool:
        """Record a state change; True only when it changed (so callers emit once)."""
        if new == self.state or self.state is LinkState.CLOSED:
            return False
        log.info(
            "media %s/%s %s: %s -> %s",
            self.hearing_id,
            self.participant_id,
            self.kind.value,
            self.state.value,
            new.value,
        )
        self.state = new
        return True

    async def sample(self) -> Counters:
        """Totals from aiortc's getStats, plus the time they were read."""
        report = await self.pc.getStats()
        c = Counters(at=time.monotonic())
        for stat in report.values():
            kind = getattr(stat, "type", "")
            if kind == "inbound-rtp":
                c.received += stat.packetsReceived
                c.lost += max(stat.packetsLost, 0)
            elif kind == "outbound-rtp":
                c.bytes_out += stat.bytesSent
        if self.source is not None:
            c.bytes_in = self.source.bytes
        return c

    async def round_trip_ms(self) -> float | None:
        report = await self.pc.getStats()
        rtts = [
            s.roundTripTime
            for s in report.values()
            if getattr(s, "type", "") == "remote-inbound-rtp" and s.roundTripTime is not None
        ]
        return 1000 * sum(rtts) / len(rtts) if rtts else None
