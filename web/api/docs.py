"""The OpenAPI document and a readable page generated from it (no CDN: courts run offline)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import orjson
from aiohttp import web
from markupsafe import Markup

from web.api.openapi import openapi_document
from web.api.registry import ApiRoutes

OPENAPI = web.AppKey("openapi", dict[str, Any])
# The page's only style, inline so it needs nothing else; the Content-Security-Policy allows
# exactly this text by its hash (web/headers.py), so keep it a constant.
DOCS_STYLE = (
    "body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem;"
    " padding: 1rem; color: #1b1b1b; }"
    " h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem;"
    " border-bottom: 1px solid #ccc; }"
    " .op { border: 1px solid #ddd; border-radius: 6px; padding: .5rem 1rem; margin: .75rem 0; }"
    " .method { display: inline-block; min-width: 4.5rem; font-weight: 700;"
    " font-family: monospace; }"
    " .GET { color: #0b5394; } .POST { color: #38761d; } .PATCH, .PUT { color: #b45f06; }"
    " .DELETE { color: #990000; }"
    " code { background: #f3f3f3; padding: 0 .25rem; } table { border-collapse: collapse; }"
    " td, th { padding: .15rem .5rem; text-align: left; }"
)
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent.parent / "templates"),
    autoescape=True,
)


def setup(app: web.Application, tables: list[ApiRoutes]) -> None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        app_version = version("vcourt")
    except PackageNotFoundError:
        app_version = "0+unknown"
    app[OPENAPI] = openapi_document(tables, title="vcourt API", version=app_version)
    app.router.add_get("/api/v1/openapi.json", openapi_json)
    app.router.add_get("/api/v1/docs", docs_page)


async def openapi_json(request: web.Request) -> web.Response:
    return web.Response(body=orjson.dumps(request.app[OPENAPI]), content_type="application/json")


async def docs_page(request: web.Request) -> web.Response:
    doc = request.app[OPENAPI]
    operations = [
        {
            "method": method.upper(),
            "path": path,
            **op,
            "parameters": [
                {**p, "values": _values(p["schema"], doc["components"]["schemas"])}
                for p in op["parameters"]
            ],
        }
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
    ]
    html = _TEMPLATES.get_template("api_docs.html").render(
        doc=doc, operations=operations, style=Markup(DOCS_STYLE)
    )
    return web.Response(text=html, content_type="text/html")


def _values(schema: dict[str, Any], components: dict[str, Any]) -> str:
    """What a parameter takes, in a few words: its bounds, choices, form and default."""
    if "$ref" in schema:  # an enum, such as CourtLevel
        schema = {**components[schema["$ref"].rsplit("/", 1)[1]], **schema}
    parts = []
    if "minimum" in schema or "maximum" in schema:
        parts.append(f"{schema.get('minimum', '')}–{schema.get('maximum', '')}")
    if "enum" in schema:
        parts.append(" | ".join(str(v) for v in schema["enum"]))
    if "format" in schema:
        parts.append(str(schema["format"]))
    if "default" in schema:
        parts.append(f"default {schema['default']}")
    return ", ".join(parts)
