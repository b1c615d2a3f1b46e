"""Signalling's objects on the app, each behind a typed key (set by signaling/setup.py)."""

from __future__ import annotations

from aiohttp import web

from signaling.bus import Bus
from signaling.fleet import FleetView
from signaling.hub import Hub
from signaling.media import MediaBackend

BUS = web.AppKey("signaling_bus", Bus)
HUB = web.AppKey("signaling_hub", Hub)
# This node's load and connected endpoints, for the IT view (web/pages/fleet.py).
FLEET = web.AppKey("signaling_fleet", FleetView)
# Where `media.*` messages go; absent when media is off (VCOURT_MEDIA_ENABLED=false): then
# media.offer is answered `media_unavailable` and pages connect peer to peer.
MEDIA_BACKEND: web.AppKey[MediaBackend] = web.AppKey("signaling_media_backend")
