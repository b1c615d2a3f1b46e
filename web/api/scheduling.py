"""Booking checks, free slots, meetings, notices and proof of service."""

from __future__ import annotations

from web.api.registry import ApiRoutes

routes = ApiRoutes("scheduling")
