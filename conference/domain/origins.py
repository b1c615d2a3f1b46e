"""Web origins (scheme://host[:port]): which sites' pages may open the hearing socket.

A browser sends `Origin` on every WebSocket handshake, and sends the court's cookies with it
whatever page opened the socket; comparing the origin with the site's own (and a configured
list) is what stops another site's page from joining a hearing as the signed-in judge.
"""

from __future__ import annotations

from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def origin_of(url: str, *, with_path: bool = False) -> str:
    """The normalised origin of `url`: lower-case scheme and host, the port only when it is
    not the scheme's default. ValueError when `url` is not an http(s) URL with a host, or
    carries more than an origin would (user, query, fragment; a path unless `with_path`)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{url!r} is not a URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{url!r} is not an origin: write it as https://host or https://host:port")
    extra_path = parts.path not in ("", "/") and not with_path
    if parts.username or parts.password or parts.query or parts.fragment or extra_path:
        raise ValueError(f"{url!r} is not an origin: give only the scheme, host and port")
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    shown_port = "" if port in (None, _DEFAULT_PORTS[scheme]) else f":{port}"
    return f"{scheme}://{host}{shown_port}"


def site_origins(base_url: str, extra: list[str]) -> frozenset[str]:
    """The origins whose pages may use the site: the public URL's, the configured extras, and
    — when the public URL is a loopback address (a demo on one machine) — the other spellings
    of loopback on the same port, which are the same machine."""
    own = origin_of(base_url, with_path=True)
    allowed = {own, *(origin_of(o) for o in extra)}
    parts = urlsplit(own)
    if parts.hostname is not None and _is_loopback(parts.hostname):
        port = f":{parts.port}" if parts.port else ""
        allowed.update(f"{parts.scheme}://{name}{port}" for name in _LOOPBACK_NAMES)
    return frozenset(allowed)


def origin_allowed(origin: str | None, allowed: frozenset[str]) -> bool:
    """Whether a request's `Origin` header names one of the allowed origins. A missing header
    or the opaque "null" origin (sandboxed frames, file: pages) is not allowed."""
    if not origin or origin.strip() == "null":
        return False
    try:
        return origin_of(origin) in allowed
    except ValueError:
        return False


def _is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")
