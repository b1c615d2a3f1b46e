"""RFC 9457 problem details: every error the API returns is application/problem+json."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web
from pydantic import ValidationError

from conference.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidValue,
    NotAllowed,
    NotFound,
    Unauthorized,
    Unreadable,
)

PROBLEM_TYPE = "application/problem+json"

_STATUS_FOR: dict[type[DomainError], int] = {
    Unreadable: 400,
    Unauthorized: 401,
    Forbidden: 403,
    InvalidValue: 422,
    NotAllowed: 409,
    Conflict: 409,
    NotFound: 404,
}
_TITLES = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    409: "Not allowed in the current state",
    422: "Invalid value",
}


class Problem(Exception):
    """Raise from a handler to answer with a problem document."""

    def __init__(self, status: int, title: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra


def problem_response(
    status: int,
    title: str,
    detail: str,
    instance: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> web.Response:
    body: dict[str, Any] = {"type": "about:blank", "status": status, "title": title}
    body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extra)
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return web.Response(
        status=status, body=orjson.dumps(body), content_type=PROBLEM_TYPE, headers=headers
    )


def from_validation_error(exc: ValidationError, where: str) -> Problem:
    errors = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = ".".join(str(p) for p in err["loc"]) or where
        errors.append({"field": loc, "message": err["msg"]})
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return Problem(422, f"Invalid {where}", detail, errors=errors)


def from_domain_error(exc: DomainError) -> Problem:
    status = next((s for cls, s in _STATUS_FOR.items() if isinstance(exc, cls)), 400)
    extra: dict[str, Any] = {"code": exc.code}
    if exc.field:
        extra["errors"] = [{"field": exc.field, "message": exc.message}]
    title = exc.title or _TITLES.get(status, "Bad request")
    return Problem(status, title, exc.message, **extra)


# Headers of aiohttp's own errors that carry meaning (RFC 9110: a 405 must say what is allowed).
_KEPT_HEADERS = frozenset({"Allow", "Retry-After"})


def _detail(exc: web.HTTPException) -> str:
    if isinstance(exc, web.HTTPMethodNotAllowed):
        allowed = ", ".join(sorted(exc.allowed_methods))
        return f"{exc.method} is not allowed here; this path takes {allowed}"
    return exc.text or exc.reason


@web.middleware
async def problem_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Turn every failure under /api into a problem document; never leak a traceback."""
    try:
        return await handler(request)
    except Problem as exc:
        return problem_response(exc.status, exc.title, exc.detail, request.path, **exc.extra)
    except DomainError as exc:
        p = from_domain_error(exc)
        return problem_response(p.status, p.title, p.detail, request.path, **p.extra)
    except web.HTTPRequestEntityTooLarge:
        return problem_response(
            413,
            "Request body too large",
            f"the body may be at most {request.app._client_max_size} bytes; split it (for"
            " example an import) into smaller parts",
            request.path,
        )
    except web.HTTPException as exc:
        if exc.status < 400 or not request.path.startswith("/api/"):
            raise
        return problem_response(
            exc.status,
            exc.reason,
            _detail(exc),
            request.path,
            headers={k: v for k, v in exc.headers.items() if k in _KEPT_HEADERS},
        )
    except Exception:
        request.app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if not request.path.startswith("/api/"):
            raise
        return problem_response(
            500,
            "Internal error",
            "the server failed to handle this request; nothing was changed. Try again, and tell"
            " your administrator if it keeps happening.",
            request.path,
        )
