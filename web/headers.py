"""Security headers on every response the server sends: pages, API, static files, errors, the
WebSocket handshake. Added in `on_response_prepare`, the one hook every response passes
(a middleware would miss responses aiohttp makes itself, like a 404 or a static file).

- Content-Security-Policy: scripts and styles from this site only; the two pages whose style
  is inline (the printable hearing record, the API docs) are allowed that exact text by its
  hash. Style *attributes* stay allowed: the calendar places its blocks with them, and an
  attribute cannot load or run anything the rest of the policy forbids. No framing, no
  plugins, no <base>, forms post only here.
- Referrer-Policy: no-referrer, because join links carry their token in the path.
- Permissions-Policy: camera, microphone and screen sharing for this site's own pages only.
"""

from __future__ import annotations

import base64
import hashlib

from aiohttp import web

from signaling.record_page import RECORD_STYLE
from web.api.docs import DOCS_STYLE


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' {_hash(RECORD_STYLE)} {_hash(DOCS_STYLE)}",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self'",
        "media-src 'self' blob: mediastream:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": (
        "camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(),"
        " usb=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)


def setup(app: web.Application) -> None:
    app.on_response_prepare.append(add_security_headers)
