"""Recordings and ICE servers."""

from __future__ import annotations

from web.api.registry import ApiRoutes

routes = ApiRoutes("media")
