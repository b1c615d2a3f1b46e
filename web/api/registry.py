"""A small route table that types each API call and describes it in OpenAPI.

Each route names the action it needs (checked against the pure permission table), its query and
body models (pydantic, unknown fields refused), its response model and the other answers its
handler gives; the same declaration produces the OpenAPI document (web/api/openapi.py), so the
description cannot drift from what the server checks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

import orjson
from aiohttp import web
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.access import Action
from conference.wiring.keys import CLOCK, SESSIONS, SETTINGS
from conference.wiring.principals import Principal, require
from web.problems import Problem, from_validation_error

Q = TypeVar("Q", bound=BaseModel | None)
B = TypeVar("B", bound=BaseModel | None)


@dataclass
class Call(Generic[Q, B]):
    """One API call, parsed and authorised."""

    request: web.Request
    principal: Principal | None
    query: Q
    body: B

    @property
    def app(self) -> web.Application:
        return self.request.app

    def session(self) -> AsyncSession:
        return self.request.app[SESSIONS]()

    def now(self) -> datetime:
        return self.request.app[CLOCK]()

    def path(self, name: str) -> str:
        return self.request.match_info[name]

    @property
    def settings(self) -> Any:
        return self.request.app[SETTINGS]


Handler = Callable[[Call[Any, Any]], Awaitable[Any]]


@dataclass
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    action: Action | None
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    response: Any
    status: int
    tag: str
    description: str = ""
    request_types: dict[str, Any] = field(default_factory=dict)  # extra media types (CSV)
    response_type: str = "application/json"
    # Other answers: statuses the handler itself gives (beyond those its declaration implies),
    # status → why.
    responses: dict[int, str] = field(default_factory=dict)
    # The handler reads the body itself (to check a signature over the exact bytes first);
    # `body` then only describes it.
    raw_body: bool = False


def dump(value: Any) -> bytes:
    if isinstance(value, BaseModel):
        return orjson.dumps(value.model_dump(mode="json"))
    if isinstance(value, list):
        return orjson.dumps(
            [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
        )
    return orjson.dumps(value)


def json_response(value: Any, status: int = 200) -> web.Response:
    return web.Response(body=dump(value), status=status, content_type="application/json")


async def read_json_body(request: web.Request, also: tuple[str, ...] = ()) -> Any:
    ctype = request.content_type
    if ctype != "application/json":
        accepted = " or ".join(("application/json", *also))
        raise Problem(
            415,
            "Unsupported media type",
            f"send the body as {accepted} (got {ctype or 'no content type'})",
        )
    raw = await request.read()
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Problem(400, "Malformed JSON", f"the body is not valid JSON: {exc}") from exc


class ApiRoutes:
    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.routes: list[Route] = []

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        action: Action | None,
        query: type[BaseModel] | None = None,
        body: type[BaseModel] | None = None,
        response: Any = None,
        status: int = 200,
        description: str = "",
        request_types: dict[str, Any] | None = None,
        response_type: str = "application/json",
        responses: dict[int, str] | None = None,
        raw_body: bool = False,
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes.append(
                Route(
                    method,
                    path,
                    handler,
                    summary,
                    action,
                    query,
                    body,
                    response,
                    status,
                    self.tag,
                    description or (handler.__doc__ or "").strip(),
                    request_types or {},
                    response_type,
                    responses or {},
                    raw_body,
                )
            )
            return handler

        return register


def attach(app: web.Application, tables: list[ApiRoutes], prefix: str = "/api/v1") -> None:
    """One resource per path, its methods, then a catch-all that answers 405 naming exactly
    those methods. Without it a literal path that a parameter path also matches (`/cases/import`
    and `/cases/{case_id}`) would take the other path's methods: GET /cases/import would look
    for a case called "import", and a 405 would list methods the path does not have."""
    by_path: dict[str, list[Route]] = {}
    for table in tables:
        for route in table.routes:
            by_path.setdefault(route.path, []).append(route)
    for path, routes in by_path.items():
        resource = app.router.add_resource(prefix + path)
        for route in routes:
            resource.add_route(route.method, _wrap(route))
        allowed = sorted(r.method for r in routes)
        resource.add_route("*", _not_allowed(allowed))


def _not_allowed(allowed: list[str]) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def not_allowed(request: web.Request) -> web.StreamResponse:
        raise web.HTTPMethodNotAllowed(request.method, allowed)

    return not_allowed


def _wrap(route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        principal = await require(request, route.action) if route.action else None
        query = None
        if route.query is not None:
            try:
                query = route.query.model_validate(dict(request.query))
            except ValidationError as exc:
                raise from_validation_error(exc, "query parameters") from exc
        elif request.query:
            names = ", ".join(sorted(request.query))
            raise Problem(400, "Unknown query parameters", f"this call takes none (got {names})")
        body = None
        if (
            route.body is not None
            and not route.raw_body
            and request.content_type not in route.request_types
        ):
            data = await read_json_body(request, tuple(route.request_types))
            try:
                body = route.body.model_validate(data)
            except ValidationError as exc:
                raise from_validation_error(exc, "request body") from exc
        result = await route.handler(Call(request, principal, query, body))
        if isinstance(result, web.StreamResponse):
            return result
        return json_response(result, route.status)

    handle.__name__ = route.handler.__name__
    return handle
