"""Connection quality for the roster, from aiortc's getStats and the pass-through counters."""

from __future__ import annotations

import time

from conference.media.connection import Connection, LinkState, Quality
from conference.media.passthrough import ForwardedTrack

# the roster shows the worst state of the two connections
ORDER = [
    LinkState.FAILED,
    LinkState.NEW,
    LinkState.CONNECTING,
    LinkState.CONNECTED,
    LinkState.CLOSED,
]


async def measure(participant_id: str, conns: list[Connection], interval: float) -> Quality:
    """One roster entry from both of a participant's connections: loss and bitrates since the
    last sample, round trip from their receiver reports, and whether their media still arrives
    (aiortc keeps a dead track looking connected, so the packets are what is watched)."""
    lost = received = 0
    fraction = 0.0
    rate_in = rate_out = 0.0
    rtts: list[float] = []
    receiving = False
    dropped = 0
    for conn in conns:
        before = conn.counters
        now = await conn.sample()
        span = now.at - before.at if before.at else 0.0
        if span > 0:
            rate_in += 8 * (now.bytes_in - before.bytes_in) / span / 1000
            rate_out += 8 * (now.bytes_out - before.bytes_out) / span / 1000
            got = now.received - before.received
            missed = now.lost - before.lost
            if got + missed > 0:
                fraction = max(fraction, missed / (got + missed))
        conn.counters = now
        lost += now.lost
        received += now.received
        rtt = await conn.round_trip_ms()
        if rtt is not None:
            rtts.append(rtt)
        src = conn.source
        if src is not None and src.last_frame_at is not None:
            window = max(2 * interval, 1.0)
            receiving = receiving or time.monotonic() - src.last_frame_at < window
        dropped += sum(
            s.track.queue.dropped
            for s in conn.slots.values()
            if isinstance(s.track, ForwardedTrack)
        )
    state = min((c.state for c in conns), key=ORDER.index)
    return Quality(
        participant_id=participant_id,
        state=state.value,
        packets_lost=lost,
        fraction_lost=round(fraction, 4),
        round_trip_ms=round(sum(rtts) / len(rtts), 1) if rtts else None,
        bitrate_in_kbps=round(rate_in, 1),
        bitrate_out_kbps=round(rate_out, 1),
        receiving=receiving,
        dropped_packets=dropped,
    )
