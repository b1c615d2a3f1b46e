"""Hearing records: the event log, attendance and its verification."""

from __future__ import annotations

from web.api.registry import ApiRoutes

routes = ApiRoutes("records")
