"""The registry: courts and their endpoints (điểm cầu)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import aliased

from conference.domain.access import Action
from conference.domain.courts import (
    CODE_PATTERN,
    Capabilities,
    CourtLevel,
    EndpointKind,
    check_parent,
    validate_code,
)
from conference.domain.errors import Conflict, InvalidValue
from conference.store.paging import one_page
from conference.store.tables import CourtRow, EndpointRow
from web.api.common import Code, Out, Page, PageQuery, Strict, found, page_of
from web.api.registry import ApiRoutes, Call

routes = ApiRoutes("registry")


class CourtOut(Out):
    code: str
    name: str
    level: CourtLevel
    province: str
    parent_code: str | None


class CourtIn(Strict):
    code: str = Field(json_schema_extra={"pattern": CODE_PATTERN.pattern})
    name: str = Field(min_length=2, max_length=200)
    level: CourtLevel
    province: str = Field(min_length=2, max_length=80)
    parent_code: Code | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        return validate_code(v, "code")


class CourtQuery(PageQuery):
    level: CourtLevel | None = None
    province: str | None = None
    parent_code: str | None = None
    q: str | None = Field(default=None, description="text to find in the name or code")


class CapabilitiesIO(Strict):
    max_resolution: str = "720p"
    codecs: list[str] = Field(default_factory=lambda: ["VP8", "H264"])
    bandwidth_kbps: int = Field(default=2000, ge=64, le=100_000)

    def to_domain(self) -> Capabilities:
        return Capabilities(self.max_resolution, tuple(self.codecs), self.bandwidth_kbps)


class EndpointOut(Out):
    code: str
    court_code: str
    court_name: str
    province: str
    level: CourtLevel
    site_name: str
    kind: EndpointKind
    capabilities: dict[str, Any]
    enabled: bool


class EndpointIn(Strict):
    code: str = Field(json_schema_extra={"pattern": CODE_PATTERN.pattern})
    court_code: Code
    site_name: str = Field(min_length=2, max_length=200)
    kind: EndpointKind
    capabilities: CapabilitiesIO = Field(default_factory=CapabilitiesIO)
    enabled: bool = True

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        return validate_code(v, "code")


class EndpointPatch(Strict):
    site_name: str | None = Field(default=None, min_length=2, max_length=200)
    kind: EndpointKind | None = None
    capabilities: CapabilitiesIO | None = None
    enabled: bool | None = None


class EndpointQuery(PageQuery):
    court_code: str | None = None
    province: str | None = None
    level: CourtLevel | None = None
    kind: EndpointKind | None = None
    enabled: bool | None = None
    q: str | None = Field(default=None, description="text to find in the site name or code")


def endpoint_out(row: EndpointRow) -> EndpointOut:
    return EndpointOut(
        code=row.code,
        court_code=row.court_code,
        court_name=row.court.name,
        province=row.court.province,
        level=CourtLevel(row.court.level),
        site_name=row.site_name,
        kind=EndpointKind(row.kind),
        capabilities=row.capabilities,
        enabled=row.enabled,
    )


@routes.route(
    "GET",
    "/courts",
    summary="List courts",
    action=Action.READ_REGISTRY,
    query=CourtQuery,
    response=Page[CourtOut],
)
async def list_courts(call: Call[CourtQuery, None]) -> Page[CourtOut]:
    q = call.query
    stmt = select(CourtRow)
    if q.level:
        stmt = stmt.where(CourtRow.level == q.level.value)
    if q.province:
        stmt = stmt.where(CourtRow.province == q.province)
    if q.parent_code:
        stmt = stmt.where(CourtRow.parent_code == q.parent_code)
    if q.q:
        like = f"%{q.q}%"
        stmt = stmt.where(CourtRow.name.ilike(like) | CourtRow.code.ilike(like))
    async with call.session() as s:
        rows, total = await one_page(
            s, stmt, order_by=(CourtRow.code,), limit=q.limit, offset=q.offset
        )
    return page_of([CourtOut.model_validate(r) for r in rows], total, q)


@routes.route(
    "GET",
    "/courts/{code}",
    summary="Read a court",
    action=Action.READ_REGISTRY,
    response=CourtOut,
)
async def get_court(call: Call[None, None]) -> CourtOut:
    async with call.session() as s:
        row = found(await s.get(CourtRow, call.path("code")), "court", call.path("code"))
        return CourtOut.model_validate(row)


@routes.route(
    "POST",
    "/courts",
    summary="Add a court",
    action=Action.EDIT_REGISTRY,
    body=CourtIn,
    response=CourtOut,
    status=201,
    responses={
        409: "a court with this code already exists",
        422: "the parent court does not exist or cannot be the parent of this level",
    },
)
async def create_court(call: Call[None, CourtIn]) -> CourtOut:
    body = call.body
    async with call.session() as s, s.begin():
        if await s.get(CourtRow, body.code):
            raise Conflict(f"court {body.code} already exists", field="code")
        parent_level = None
        if body.parent_code:
            parent = await s.get(CourtRow, body.parent_code)
            if parent is None:
                raise InvalidValue(
                    f"parent court {body.parent_code!r} does not exist", field="parent_code"
                )
            parent_level = CourtLevel(parent.level)
        check_parent(body.level, parent_level)
        row = CourtRow(**body.model_dump())
        s.add(row)
    return CourtOut.model_validate(row)


@routes.route(
    "GET",
    "/endpoints",
    summary="List endpoints",
    action=Action.READ_REGISTRY,
    query=EndpointQuery,
    response=Page[EndpointOut],
    description="Filter by court, province, court level, kind or enabled; page with limit/offset.",
)
async def list_endpoints(call: Call[EndpointQuery, None]) -> Page[EndpointOut]:
    q = call.query
    court = aliased(CourtRow)
    stmt = select(EndpointRow).join(court, EndpointRow.court_code == court.code)
    if q.court_code:
        stmt = stmt.where(EndpointRow.court_code == q.court_code)
    if q.province:
        stmt = stmt.where(court.province == q.province)
    if q.level:
        stmt = stmt.where(court.level == q.level.value)
    if q.kind:
        stmt = stmt.where(EndpointRow.kind == q.kind.value)
    if q.enabled is not None:
        stmt = stmt.where(EndpointRow.enabled == q.enabled)
    if q.q:
        like = f"%{q.q}%"
        stmt = stmt.where(EndpointRow.site_name.ilike(like) | EndpointRow.code.ilike(like))
    async with call.session() as s:
        rows, total = await one_page(
            s, stmt, order_by=(EndpointRow.code,), limit=q.limit, offset=q.offset
        )
    return page_of([endpoint_out(r) for r in rows], total, q)


@routes.route(
    "GET",
    "/endpoints/{code}",
    summary="Read an endpoint",
    action=Action.READ_REGISTRY,
    response=EndpointOut,
)
async def get_endpoint(call: Call[None, None]) -> EndpointOut:
    async with call.session() as s:
        row = await s.get(EndpointRow, call.path("code"))
        return endpoint_out(found(row, "endpoint", call.path("code")))


@routes.route(
    "POST",
    "/endpoints",
    summary="Add an endpoint",
    action=Action.EDIT_REGISTRY,
    body=EndpointIn,
    response=EndpointOut,
    status=201,
    responses={409: "an endpoint with this code already exists", 422: "the court does not exist"},
)
async def create_endpoint(call: Call[None, EndpointIn]) -> EndpointOut:
    body = call.body
    caps = body.capabilities.to_domain()
    async with call.session() as s, s.begin():
        if await s.get(EndpointRow, body.code):
            raise Conflict(f"endpoint {body.code} already exists", field="code")
        if await s.get(CourtRow, body.court_code) is None:
            raise InvalidValue(f"court {body.court_code!r} does not exist", field="court_code")
        row = EndpointRow(
            code=body.code,
            court_code=body.court_code,
            site_name=body.site_name,
            kind=body.kind.value,
            capabilities=_caps_dict(caps),
            enabled=body.enabled,
        )
        s.add(row)
    async with call.session() as s:
        return endpoint_out(found(await s.get(EndpointRow, body.code), "endpoint", body.code))


@routes.route(
    "PATCH",
    "/endpoints/{code}",
    summary="Change an endpoint (enable, disable, capabilities)",
    action=Action.EDIT_REGISTRY,
    body=EndpointPatch,
    response=EndpointOut,
)
async def update_endpoint(call: Call[None, EndpointPatch]) -> EndpointOut:
    code, body = call.path("code"), call.body
    async with call.session() as s, s.begin():
        row = found(await s.get(EndpointRow, code), "endpoint", code)
        if body.site_name is not None:
            row.site_name = body.site_name
        if body.kind is not None:
            row.kind = body.kind.value
        if body.capabilities is not None:
            row.capabilities = _caps_dict(body.capabilities.to_domain())
        if body.enabled is not None:
            row.enabled = body.enabled
    async with call.session() as s:
        return endpoint_out(found(await s.get(EndpointRow, code), "endpoint", code))


def _caps_dict(caps: Capabilities) -> dict[str, Any]:
    return {
        "max_resolution": caps.max_resolution,
        "codecs": list(caps.codecs),
        "bandwidth_kbps": caps.bandwidth_kbps,
    }
