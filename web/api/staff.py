"""Court staff (judges, clerks, administrators): list and add. Passwords belong to the pages."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field
from sqlalchemy import select

from conference.domain.access import Action
from conference.domain.errors import Conflict, InvalidValue
from conference.store.paging import one_page
from conference.store.tables import CourtRow, StaffRow
from web.api.common import Code, Out, Page, PageQuery, Strict, page_of
from web.api.registry import ApiRoutes, Call

routes = ApiRoutes("staff")


class StaffRole(StrEnum):
    ADMIN = "admin"
    CLERK = "clerk"
    JUDGE = "judge"


class StaffOut(Out):
    username: str
    full_name: str
    role: StaffRole
    court_code: str | None
    active: bool


class StaffIn(Strict):
    username: str = Field(
        pattern=r"^[a-z0-9][a-z0-9._-]{2,59}$",
        description="3-60 lower-case letters, digits, '.', '_' or '-', e.g. dung.lv",
    )
    full_name: str = Field(min_length=2, max_length=200)
    role: StaffRole
    court_code: Code | None = Field(default=None, description="needed for judges and clerks")


class StaffQuery(PageQuery):
    court_code: str | None = None
    role: StaffRole | None = None
    q: str | None = Field(default=None, description="text to find in the name or username")


@routes.route(
    "GET",
    "/staff",
    summary="List court staff",
    action=Action.READ_REGISTRY,
    query=StaffQuery,
    response=Page[StaffOut],
)
async def list_staff(call: Call[StaffQuery, None]) -> Page[StaffOut]:
    q = call.query
    stmt = select(StaffRow)
    if q.court_code:
        stmt = stmt.where(StaffRow.court_code == q.court_code)
    if q.role:
        stmt = stmt.where(StaffRow.role == q.role.value)
    if q.q:
        like = f"%{q.q}%"
        stmt = stmt.where(StaffRow.full_name.ilike(like) | StaffRow.username.ilike(like))
    async with call.session() as s:
        rows, total = await one_page(
            s, stmt, order_by=(StaffRow.username,), limit=q.limit, offset=q.offset
        )
    return page_of([StaffOut.model_validate(r) for r in rows], total, q)


@routes.route(
    "POST",
    "/staff",
    summary="Add a staff member (admin)",
    action=Action.EDIT_REGISTRY,
    body=StaffIn,
    response=StaffOut,
    status=201,
    responses={409: "a staff member with this username already exists"},
    description="Adds the account without a password; staff set one through the sign-in pages.",
)
async def create_staff(call: Call[None, StaffIn]) -> StaffOut:
    body = call.body
    if body.role is not StaffRole.ADMIN and not body.court_code:
        raise InvalidValue(
            f"a {body.role.value} belongs to a court: give court_code", field="court_code"
        )
    async with call.session() as s, s.begin():
        if await s.get(StaffRow, body.username):
            raise Conflict(f"staff member {body.username} already exists", field="username")
        if body.court_code and await s.get(CourtRow, body.court_code) is None:
            raise InvalidValue(f"court {body.court_code!r} does not exist", field="court_code")
        row = StaffRow(
            username=body.username,
            full_name=body.full_name,
            role=body.role.value,
            court_code=body.court_code,
            active=True,
        )
        s.add(row)
    return StaffOut.model_validate(row)
