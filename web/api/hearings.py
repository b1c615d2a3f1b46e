"""Hearings and meetings: book, read, update, cancel, list; their participants."""

from __future__ import annotations

from web.api.registry import ApiRoutes

routes = ApiRoutes("hearings")
