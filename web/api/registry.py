"""A small route table that types each API call and describes it in OpenAPI.

Each route names the action it needs (checked against the pure permission table), its query and
body models (pydantic, unknown fields refused) and its response model; the same declaration
produces the OpenAPI document, so the description cannot drift from what the server checks.
"""

from __future__ import annotations

import re
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
    responses: dict[int, str] = field(default_factory=dict)  # other answers: status → why


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
                )
            )
            return handler

        return register

    def attach(self, app: web.Application, prefix: str = "/api/v1") -> None:
        for route in self.routes:
            app.router.add_route(route.method, prefix + route.path, _wrap(route))


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
        if route.body is not None and not (
            route.request_types and request.content_type in route.request_types
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


# --- OpenAPI -------------------------------------------------------------------------------

_PARAM = re.compile(r"{(\w+)}")


def openapi_document(tables: list[ApiRoutes], *, title: str, version: str) -> dict[str, Any]:
    from pydantic.json_schema import models_json_schema

    models: set[type[BaseModel]] = set()
    for table in tables:
        for r in table.routes:
            for m in (r.body, _model_of(r.response)):
                if m is not None:
                    models.add(m)
    ordered = sorted(models, key=lambda m: m.__name__)
    refs, defs = models_json_schema(
        [(m, "validation") for m in ordered], ref_template="#/components/schemas/{model}"
    )
    schemas = dict(defs.get("$defs", {}))
    schemas["Problem"] = _PROBLEM_SCHEMA

    def ref(model: Any) -> dict[str, Any]:
        inner = _model_of(model)
        if inner is None:
            return {}
        schema = refs[(inner, "validation")]
        if getattr(model, "__origin__", None) is list:
            return {"type": "array", "items": schema}
        return schema

    paths: dict[str, Any] = {}
    for table in tables:
        for r in table.routes:
            op: dict[str, Any] = {
                "summary": r.summary,
                "tags": [r.tag],
                "operationId": r.handler.__name__,
                "parameters": [
                    {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                    for n in _PARAM.findall(r.path)
                ],
            }
            if r.description:
                op["description"] = r.description
            if r.query is not None:
                schema = r.query.model_json_schema()
                for name, prop in schema.get("properties", {}).items():
                    op["parameters"].append(
                        {
                            "name": name,
                            "in": "query",
                            "required": name in schema.get("required", []),
                            "schema": prop,
                            "description": prop.get("description", ""),
                        }
                    )
            if r.body is not None:
                content = {"application/json": {"schema": ref(r.body)}}
                content.update(r.request_types)
                op["requestBody"] = {"required": True, "content": content}
            ok: dict[str, Any] = {"description": "OK"}
            if r.response is not None:
                ok["content"] = {r.response_type: {"schema": ref(r.response)}}
            problem = {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            }
            op["responses"] = {str(r.status): ok}
            if r.action is not None:
                op["security"] = [{"bearer": []}]
                op["responses"]["401"] = {"description": "No or unknown token", "content": problem}
                op["responses"]["403"] = {"description": "Role not allowed", "content": problem}
            if r.query or r.body or _PARAM.search(r.path):
                op["responses"]["422"] = {"description": "Invalid input", "content": problem}
            if _PARAM.search(r.path):
                op["responses"]["404"] = {"description": "Not found", "content": problem}
            for status, why in r.responses.items():
                op["responses"][str(status)] = {"description": why, "content": problem}
            paths.setdefault("/api/v1" + r.path, {})[r.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _model_of(value: Any) -> type[BaseModel] | None:
    if isinstance(value, type) and issubclass(value, BaseModel):
        return value
    args = getattr(value, "__args__", None)
    if args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0]
    return None


_PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "status": {"type": "integer"},
        "title": {"type": "string"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "required": ["status", "title", "detail"],
}
