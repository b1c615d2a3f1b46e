"""Hostile datagrams for a media port: every kind a tester (or a scanner) sends, made from one
seeded random source so a failure can be replayed.

Each maker returns one datagram. They cover what reaches a WebRTC port's demultiplexer
(RFC 7983: the first byte picks STUN 0-3, DTLS 20-63, RTP/RTCP 128-191): nothing at all, noise,
STUN cut short or lying about its lengths and attributes, DTLS records of each content type
with garbage inside, and RTP/RTCP with wrong versions, lengths, padding and SSRCs, or with a
header that looks right in front of garbage.
"""

from __future__ import annotations

import random
import socket
import struct
import time
from collections import Counter
from collections.abc import Callable, Sequence

COOKIE = 0x2112A442
BINDING_REQUEST, BINDING_RESPONSE, BINDING_ERROR, BINDING_INDICATION = (
    0x0001,
    0x0101,
    0x0111,
    0x0011,
)

Maker = Callable[[random.Random], bytes]


def empty(r: random.Random) -> bytes:
    return b""


def noise(r: random.Random) -> bytes:
    return r.randbytes(r.randint(1, 1500))


def _stun(r: random.Random, message_type: int, body: bytes, length: int | None = None) -> bytes:
    size = len(body) if length is None else length
    return struct.pack("!HHI", message_type, size, COOKIE) + r.randbytes(12) + body


def _attribute(kind: int, value: bytes, length: int | None = None) -> bytes:
    size = len(value) if length is None else length
    return struct.pack("!HH", kind, size) + value + b"\x00" * (-len(value) % 4)


def truncated_stun(r: random.Random) -> bytes:
    whole = _stun(r, r.choice([BINDING_REQUEST, BINDING_RESPONSE, BINDING_ERROR]), b"")
    return whole[: r.randint(1, 19)]


def bad_stun(r: random.Random) -> bytes:
    kind = r.choice([BINDING_REQUEST, BINDING_RESPONSE, BINDING_ERROR, BINDING_INDICATION])
    choice = r.randrange(9)
    if choice == 0:  # the length field says more (or less) than was sent
        return _stun(r, kind, r.randbytes(8 * r.randint(0, 20)), length=4 * r.randint(0, 400))
    if choice == 1:  # an attribute longer than the message
        return _stun(r, kind, struct.pack("!HH", 0x0006, 0xFFF0) + r.randbytes(8))
    if choice == 2:  # PRIORITY of 2 bytes instead of 4 (struct.error in aioice's parser)
        return _stun(r, kind, _attribute(0x0024, r.randbytes(2)))
    if choice == 3:  # XOR-MAPPED-ADDRESS of an unknown family, or cut short
        value = r.choice([b"\x00\x07" + r.randbytes(6), b"\x00\x01\x12", b""])
        return _stun(r, kind, _attribute(0x0020, value))
    if choice == 4:  # a USERNAME that is not UTF-8, with a random MESSAGE-INTEGRITY
        body = _attribute(0x0006, b"\xff\xfe\xc3\x28:" + r.randbytes(8))
        return _stun(r, BINDING_REQUEST, body + _attribute(0x0008, r.randbytes(20)))
    if choice == 5:  # a well-formed check with credentials the server never issued (401)
        body = _attribute(0x0006, b"abcd:efgh") + _attribute(0x0024, r.randbytes(4))
        body += _attribute(0x8029, r.randbytes(8)) + _attribute(0x0025, b"")
        return _stun(r, BINDING_REQUEST, body + _attribute(0x0008, r.randbytes(20)))
    if choice == 6:  # MESSAGE-INTEGRITY of the wrong size, FINGERPRINT that does not match
        body = _attribute(0x0008, r.randbytes(r.randint(0, 40)))
        return _stun(r, kind, body + _attribute(0x8028, r.randbytes(4)))
    if choice == 7:  # ERROR-CODE cut short, or with a reason that is not UTF-8
        return _stun(
            r, BINDING_ERROR, _attribute(0x0009, r.choice([b"\x00", b"\x00\x00\x04\x01\xff\xfe"]))
        )
    # an unknown method and class bits, attributes of random types and sizes
    body = b"".join(
        _attribute(r.randrange(0x10000), r.randbytes(r.randint(0, 30))) for _ in range(4)
    )
    return _stun(r, r.randrange(0x4000), body)


def dtls_junk(r: random.Random) -> bytes:
    content_type = r.randint(20, 23)  # change_cipher_spec, alert, handshake, application_data
    version = r.choice([b"\xfe\xfd", b"\xfe\xff", b"\x03\x03", r.randbytes(2)])
    epoch = r.choice([0, 1, r.randrange(0x10000)])
    body = r.randbytes(r.randint(0, 1200))
    if content_type == 22 and r.random() < 0.5:  # a ClientHello/HelloRequest-looking handshake
        body = bytes([r.choice([0, 1, 2, 11, 16, 20])]) + r.randbytes(11) + body
    length = len(body) if r.random() < 0.5 else r.randrange(0x10000)
    header = bytes([content_type]) + version + struct.pack("!H", epoch) + r.randbytes(6)
    return header + struct.pack("!H", length) + body


def _rtp_header(r: random.Random, *, first: int, ssrc: int | None = None) -> bytes:
    marker_pt = r.choice([96, 97, 111, 0x80 | 96, r.randrange(256)])
    ssrc = r.randrange(1 << 32) if ssrc is None else ssrc
    return struct.pack("!BBHII", first, marker_pt, r.randrange(0x10000), r.randrange(1 << 32), ssrc)


def bad_rtp(r: random.Random) -> bytes:
    choice = r.randrange(7)
    if choice == 0:  # version 0, 1 or 3
        first = (r.choice([0, 1, 3]) << 6) | r.randrange(64)
        return _rtp_header(r, first=first) + r.randbytes(r.randint(0, 1200))
    if choice == 1:  # shorter than an RTP header
        return bytes([0x80 | r.randrange(64)]) + r.randbytes(r.randint(0, 10))
    if choice == 2:  # 15 CSRCs announced, few sent
        return _rtp_header(r, first=0x8F) + r.randbytes(r.randint(0, 40))
    if choice == 3:  # a header extension whose length runs past the end
        ext = struct.pack("!HH", 0xBEDE, 0xFFFF) + r.randbytes(4)
        return _rtp_header(r, first=0x90) + ext + r.randbytes(r.randint(0, 20))
    if choice == 4:  # padding longer than the packet
        return _rtp_header(r, first=0xA0) + r.randbytes(r.randint(0, 30)) + b"\xff"
    if choice == 5:  # everything looks right but the SSRC is unknown and the tag is garbage
        return _rtp_header(r, first=0x80) + r.randbytes(r.randint(20, 1200))
    # a padding + extension + CSRC soup
    return _rtp_header(r, first=0x80 | r.randrange(64)) + r.randbytes(r.randint(0, 200))


def bad_rtcp(r: random.Random) -> bytes:
    packet_type = r.randint(192, 208)  # FIR .. XR, including SR 200, RR 201, RTPFB/PSFB 205/206
    count = r.randrange(32)
    length_words = r.choice([0, 1, r.randrange(0x10000)])
    header = struct.pack(
        "!BBH", 0x80 | count | (0x20 if r.random() < 0.2 else 0), packet_type, length_words
    )
    body = r.randbytes(r.randint(0, 400))
    if r.random() < 0.5:  # SRTCP trailer: the E bit and an index, then a 10-byte tag
        body += struct.pack("!I", 0x80000000 | r.randrange(1 << 31)) + r.randbytes(10)
    return (header + body)[: r.choice([2, 4, 8, 10_000])]


def wrong_range(r: random.Random) -> bytes:
    """First bytes no WebRTC protocol uses (ZRTP 16-19, TURN channels 64-79, the rest)."""
    first = r.choice([*range(4, 20), *range(64, 128), *range(192, 256)])
    return bytes([first]) + r.randbytes(r.randint(0, 600))


MAKERS: tuple[Maker, ...] = (
    empty,
    noise,
    truncated_stun,
    bad_stun,
    dtls_junk,
    bad_rtp,
    bad_rtcp,
    wrong_range,
)


def flood(
    sources: Sequence[socket.socket],
    targets: Sequence[tuple[str, int]],
    count: int,
    *,
    seed: int = 12,
    batch: int = 200,
    pause: float = 0.002,
) -> Counter[str]:
    """Send `count` hostile datagrams, every kind from every source to every target in turn,
    in batches with a short pause (a loaded network, not a dead one). Returns what was sent, by
    kind. Blocking: run it in a thread."""
    r = random.Random(seed)
    sent: Counter[str] = Counter()
    for i in range(count):
        maker = MAKERS[i % len(MAKERS)]
        source = sources[(i // len(MAKERS)) % len(sources)]
        target = targets[(i // (len(MAKERS) * len(sources))) % len(targets)]
        try:
            source.sendto(maker(r), target)
        except BlockingIOError:  # our own send buffer is full: skip this one
            time.sleep(pause)
            continue
        sent[maker.__name__] += 1
        if i % batch == batch - 1:
            time.sleep(pause)
    return sent
