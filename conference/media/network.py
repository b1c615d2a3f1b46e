"""The media server's sockets: where ICE gathers, how much UDP it buffers, and what it lets in.

aioice owns the UDP sockets. Its `StunProtocol.datagram_received` is where every datagram that
reaches a media port enters the process, and aioice 0.13 trusts it too much:

- a datagram that does not parse as STUN goes to the connection's data queue whatever its
  content and whoever sent it, and aiortc 1.16's DTLS transport reads `data[0]` of each: one
  zero-length datagram raises IndexError there, ends its receive task, and the connection
  never carries media again (any host that can reach the port could do it);
- a malformed STUN message can raise (struct.error) inside `datagram_received`, and the event
  loop logs a traceback per packet;
- the data queue is unbounded, so a flood from strangers grows memory before anything looks
  at it.

`guard_datagrams` replaces that method (process-wide, once) with one that sorts each datagram
by its first byte as RFC 7983 does, and lets through only:

- STUN (first byte 0-3) that parses: aioice answers requests (a stranger's check gets its
  400/401, which ICE needs for peer-reflexive discovery) and matches responses to its own
  transactions, as before;
- DTLS (20-63) and SRTP/SRTCP (128-191) from an address this connection's peer gave in its
  candidates or proved with an authenticated check (the check list and the nominated pair).

Everything else is dropped and counted in `dropped_datagrams` by reason. What a peer's own
address sends still meets DTLS record authentication and SRTP authentication downstream.

Read against aioice 0.13.0 (`ice.py`: `StunProtocol.datagram_received`, `Connection`
`_nominated`, `_remote_candidates`, `_early_checks`, `data_received`; `turn.py`, whose relay
protocol hands relayed datagrams to the same method with the peer's address).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import aioice.ice
import aioice.stun
import aioice.turn

from conference.media.pinned import check_versions  # noqa: F401  (the pin)

log = logging.getLogger(__name__)

# RFC 7983 section 7: the first byte says which protocol a datagram on a WebRTC port belongs to
STUN_FIRST = range(0, 4)
DTLS_FIRST = range(20, 64)
SRTP_FIRST = range(128, 192)

dropped_datagrams: Counter[str] = Counter()
"""Datagrams dropped at the socket, by reason: empty, unknown (no WebRTC protocol starts with
that byte), stun (malformed STUN), stun-handling (aioice failed on a parsed message), stranger
(DTLS or SRTP from an address that is not the peer's)."""

_guard_lock = threading.Lock()


def _from_peer(protocol: aioice.ice.StunProtocol, addr: tuple[Any, ...]) -> bool:
    """Whether `addr` is this connection's peer: the nominated pair (every media packet; checked
    first), a candidate the peer signalled or a peer-reflexive one it proved, or the source of
    an authenticated check still waiting for ICE to start."""
    connection = protocol.receiver
    for pair in connection._nominated.values():
        if pair.protocol is protocol and pair.remote_addr == addr:
            return True
    for candidate in connection._remote_candidates:
        if candidate.port == addr[1] and candidate._network_host == addr[0]:
            return True
    return any(a == addr and p is protocol for _, a, p in connection._early_checks)


def _datagram_received(self: aioice.ice.StunProtocol, data: bytes | str, addr: Any) -> None:
    addr = (addr[0], addr[1])  # an IPv6 four-tuple, as aioice does
    if not data or not isinstance(data, bytes):
        dropped_datagrams["empty"] += 1
        return
    first = data[0]
    if first in STUN_FIRST:
        try:
            message = aioice.stun.parse_message(data)
        except Exception:  # ValueError, struct.error, UnicodeDecodeError...
            dropped_datagrams["stun"] += 1
            return
        try:
            # what aioice's own datagram_received does with a parsed message
            if (
                message.message_class in (aioice.stun.Class.RESPONSE, aioice.stun.Class.ERROR)
                and message.transaction_id in self.transactions
            ):
                self.transactions[message.transaction_id].response_received(message, addr)
            elif message.message_class == aioice.stun.Class.REQUEST:
                self.receiver.request_received(message, addr, self)
        except Exception as exc:
            dropped_datagrams["stun-handling"] += 1
            log.debug("dropped a STUN message from %s: %r", addr, exc)
        return
    if first not in DTLS_FIRST and first not in SRTP_FIRST:
        dropped_datagrams["unknown"] += 1
        return
    if not _from_peer(self, addr):
        dropped_datagrams["stranger"] += 1
        return
    self.receiver.data_received(data, self.local_candidate.component)


def guard_datagrams() -> None:
    """Put the guarded `datagram_received` in place for every aioice socket (idempotent)."""
    protocol = aioice.ice.StunProtocol
    with _guard_lock:
        if getattr(protocol, "_vcourt_guarded", False):
            return
        protocol.datagram_received = _datagram_received  # type: ignore[method-assign,assignment]
        protocol._vcourt_guarded = True  # type: ignore[attr-defined]


def configure_network(gather_addresses: Sequence[str], rcvbuf_bytes: int) -> Callable[[], None]:
    """Apply the process-wide ICE settings; returns a function that undoes them (for tests).

    gather_addresses: the addresses ICE offers as host candidates (empty: aioice's own choice,
    every interface except loopback). rcvbuf_bytes: SO_RCVBUF for every ICE UDP socket (Linux
    caps it at net.core.rmem_max; raise that sysctl on a media server). The datagram guard
    stays: it is a fix, not a setting.
    """
    guard_datagrams()
    old_gather = aioice.ice.get_host_addresses
    old_rcvbuf = aioice.turn.UDP_SOCKET_BUFFER_SIZE
    if gather_addresses:
        addresses = list(gather_addresses)

        def get_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
            return [a for a in addresses if (":" in a and use_ipv6) or (":" not in a and use_ipv4)]

        aioice.ice.get_host_addresses = get_host_addresses
    aioice.turn.UDP_SOCKET_BUFFER_SIZE = rcvbuf_bytes
    _warn_if_capped(rcvbuf_bytes)

    def undo() -> None:
        aioice.ice.get_host_addresses = old_gather
        aioice.turn.UDP_SOCKET_BUFFER_SIZE = old_rcvbuf

    return undo


def _warn_if_capped(rcvbuf_bytes: int) -> None:
    try:
        with open("/proc/sys/net/core/rmem_max") as handle:
            cap = int(handle.read().strip())
    except (OSError, ValueError):
        return
    if cap < rcvbuf_bytes:
        log.warning(
            "UDP receive buffers are capped at %d bytes (net.core.rmem_max) below the configured"
            " %d; run: sysctl -w net.core.rmem_max=%d",
            cap,
            rcvbuf_bytes,
            rcvbuf_bytes,
        )
