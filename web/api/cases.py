"""Cases (hồ sơ vụ án): create, read, update, list, bulk import."""

from __future__ import annotations

from web.api.registry import ApiRoutes

routes = ApiRoutes("cases")
