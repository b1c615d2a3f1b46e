"""The OpenAPI 3.1 document, built from the same route declarations the server checks.

Every schema pydantic produces is hoisted into `components/schemas` (one naming for the whole
document, so `$ref`s resolve), and every status an operation can answer with is listed: the ones
its declaration implies (a body can be malformed, too large or of the wrong type; a path names
something that may not exist; a token may be missing or not allowed) and the ones its handler
declares itself (`responses=`). Errors are RFC 9457 problem documents.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from web.api.registry import ApiRoutes, Route
from web.problems import PROBLEM_TYPE

API_PREFIX = "/api/v1"
_PARAM = re.compile(r"{(\w+)}")
_REF = "#/components/schemas/{model}"


def path_parameters(route: Route) -> list[str]:
    return _PARAM.findall(route.path)


def statuses(route: Route) -> dict[int, str]:
    """Every status `route` can answer with, and when: implied by its declaration, then its own."""
    found: dict[int, list[str]] = {route.status: ["OK"]}

    def add(status: int, why: str) -> None:
        found.setdefault(status, []).append(why)

    if route.query is None:
        add(400, "query parameters given to a call that takes none")
    else:
        add(422, "a query parameter is invalid or out of bounds (the detail names the bound)")
    if route.body is not None:
        add(400, "the body is not valid JSON")
        add(413, "the body is larger than VCOURT_MAX_BODY_BYTES")
        add(415, "the body is not " + " or ".join(("application/json", *route.request_types)))
        add(422, "the body is invalid: wrong types, unknown fields, values out of bounds")
    if route.action is not None:
        add(401, "no token, or an unknown or revoked one")
        add(403, "the caller's role may not do this")
    if path_parameters(route):
        add(404, "what the path names does not exist")
    for status, why in route.responses.items():
        add(status, why)
    return {status: "; ".join(found[status]) for status in sorted(found)}


def openapi_document(tables: list[ApiRoutes], *, title: str, version: str) -> dict[str, Any]:
    routes = [r for table in tables for r in table.routes]
    schemas, ref = _component_schemas(routes)
    query_models = {r.query for r in routes if r.query is not None}
    paths: dict[str, Any] = {}
    for r in routes:
        op: dict[str, Any] = {
            "summary": r.summary,
            "tags": [r.tag],
            "operationId": r.handler.__name__,
            "parameters": [
                {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                for n in path_parameters(r)
            ],
        }
        if r.description:
            op["description"] = r.description
        if r.query is not None:
            op["parameters"] += _query_parameters(schemas[_name(ref(r.query, "validation"))])
        if r.body is not None:
            content = {"application/json": {"schema": ref(r.body, "validation")}}
            content.update(r.request_types)
            op["requestBody"] = {"required": True, "content": content}
        op["responses"] = _responses(r, ref)
        if r.action is not None:
            op["security"] = [{"bearer": []}]
        paths.setdefault(API_PREFIX + r.path, {})[r.method.lower()] = op
    for model in query_models:  # spread into parameters above; nothing refers to them
        schemas.pop(_name(ref(model, "validation")))
    schemas["Problem"] = _PROBLEM_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _component_schemas(routes: list[Route]) -> tuple[dict[str, Any], Any]:
    """All models in one pass, so one model has one name and every `$ref` points into
    components/schemas; returns the schemas and a function giving the schema of a declaration
    (a model, a list of models, or a plain dict/list of them)."""
    wanted: set[tuple[type[BaseModel], JsonSchemaMode]] = set()
    for r in routes:
        if r.query is not None:
            wanted.add((r.query, "validation"))
        if r.body is not None:
            wanted.add((r.body, "validation"))
        model = _model_of(r.response)
        if model is not None:
            wanted.add((model, "serialization"))
    ordered = sorted(wanted, key=lambda m: (m[0].__module__, m[0].__name__, m[1]))
    refs, defs = models_json_schema(ordered, ref_template=_REF)
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))

    def ref(declared: Any, mode: JsonSchemaMode) -> dict[str, Any]:
        model = _model_of(declared)
        origin = getattr(declared, "__origin__", declared)
        if model is None:
            return {"type": "array"} if origin is list else {"type": "object"}
        schema: dict[str, Any] = refs[(model, mode)]
        return {"type": "array", "items": schema} if origin is list else schema

    return schemas, ref


def _name(ref: dict[str, Any]) -> str:
    return str(ref["$ref"]).rsplit("/", 1)[1]


def _query_parameters(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema.get("properties", {}).items():
        param: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": _query_value(prop),
        }
        if "description" in prop:
            param["description"] = prop["description"]
        params.append(param)
    return params


def _query_value(prop: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is either sent or not: `X | None = None` is just an optional X."""
    schema = {k: v for k, v in prop.items() if k not in ("title", "description")}
    options = schema.get("anyOf")
    if options is not None:
        kept = [o for o in options if o != {"type": "null"}]
        del schema["anyOf"]
        if len(kept) == 1:
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept
    if schema.get("default", 0) is None:
        del schema["default"]
    return schema


def _responses(route: Route, ref: Any) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    problem = {PROBLEM_TYPE: {"schema": {"$ref": _REF.format(model="Problem")}}}
    for status, why in statuses(route).items():
        if status == route.status:
            answer: dict[str, Any] = {"description": why}
            if route.response is not None or route.response_type != "application/json":
                schema = (
                    ref(route.response, "serialization")
                    if route.response_type == "application/json"
                    else {"type": "string", "format": "binary"}
                )
                answer["content"] = {route.response_type: {"schema": schema}}
            responses[str(status)] = answer
            continue
        responses[str(status)] = {"description": why, "content": problem}
        if status == 401:
            responses["401"]["headers"] = {
                "WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}
            }
    return responses


def _model_of(value: Any) -> type[BaseModel] | None:
    if isinstance(value, type) and issubclass(value, BaseModel):
        return value
    args = getattr(value, "__args__", None)
    if args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return args[0]
    return None


_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "title": {"type": "string"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string", "description": "stable, for machines (e.g. conflict)"},
        "errors": {
            "type": "array",
            "description": "every field at fault; `field` is a dotted path (parties.0.email)",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
    },
    "required": ["type", "status", "title", "detail"],
}
