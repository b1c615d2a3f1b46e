"""Cases (hồ sơ vụ án): create, read, update, list, bulk import."""

from __future__ import annotations

from conference.domain.access import Action
from conference.domain.cases import CaseNumber
from conference.domain.errors import Conflict
from conference.store import cases_repo
from conference.store.case_check import CaseIn, CaseInvalid, check_case, check_update
from conference.store.case_import import CSV_EXAMPLE, ImportReport
from web.api.case_import import ImportRows, import_cases
from web.api.case_models import CaseOut, CasePatch, CaseQuery, case_out, case_problem, patched
from web.api.common import Page, found, page_of
from web.api.registry import ApiRoutes, Call

routes = ApiRoutes("cases")


@routes.route(
    "POST",
    "/cases",
    summary="Create a case",
    action=Action.EDIT_CASES,
    body=CaseIn,
    response=CaseOut,
    status=201,
    responses={
        409: "a case with this number already exists",
        422: "the case number is malformed, or the court or a judge does not exist",
    },
    description="case_type may be left out: it follows from the case number's type code"
    " (12/2024/TLST-DS is civil). Judges are staff usernames of judges; the court must exist.",
)
async def create_case(call: Call[None, CaseIn]) -> CaseOut:
    async with call.session() as s, s.begin():
        try:
            case = await check_case(s, call.body)
        except CaseInvalid as exc:
            raise case_problem(exc) from exc
        existing = await cases_repo.get_case_by_number(s, str(case.case_number))
        if existing is not None:
            raise Conflict(
                f"case {case.case_number} already exists (id {existing.id}); change it with"
                f" PATCH /api/v1/cases/{existing.id} or the import",
                field="case_number",
            )
        row = cases_repo.write_case(s, None, case, call.now())
    return case_out(row)


@routes.route(
    "GET",
    "/cases",
    summary="List cases",
    action=Action.READ_CASES,
    query=CaseQuery,
    response=Page[CaseOut],
    description="Filter by court, type, confidentiality, exact case number, or text (q) in the"
    " title or number; newest first; page with limit/offset.",
)
async def list_cases(call: Call[CaseQuery, None]) -> Page[CaseOut]:
    q = call.query
    number = str(CaseNumber.parse(q.case_number)) if q.case_number else None
    f = cases_repo.CaseFilter(
        court_code=q.court_code,
        case_type=q.case_type.value if q.case_type else None,
        confidentiality=q.confidentiality.value if q.confidentiality else None,
        case_number=number,
        text=q.q,
        limit=q.limit,
        offset=q.offset,
    )
    async with call.session() as s:
        rows, total = await cases_repo.list_cases(s, f)
        items = [case_out(r) for r in rows]
    return page_of(items, total, q)


@routes.route(
    "GET", "/cases/{case_id}", summary="Read a case", action=Action.READ_CASES, response=CaseOut
)
async def get_case(call: Call[None, None]) -> CaseOut:
    case_id = call.path("case_id")
    async with call.session() as s:
        return case_out(found(await cases_repo.get_case(s, case_id), "case", case_id))


@routes.route(
    "PATCH",
    "/cases/{case_id}",
    summary="Change a case",
    action=Action.EDIT_CASES,
    body=CasePatch,
    response=CaseOut,
    responses={409: "the case cannot become a state secret while online hearings are planned"},
    description="Only the fields sent change; `parties` replaces the whole list. The case number"
    " (and so the type) cannot change: it identifies the case.",
)
async def update_case(call: Call[None, CasePatch]) -> CaseOut:
    case_id = call.path("case_id")
    async with call.session() as s, s.begin():
        row = found(await cases_repo.get_case(s, case_id), "case", case_id)
        try:
            case = await check_case(s, patched(row, call.body))
        except CaseInvalid as exc:
            raise case_problem(exc) from exc
        await check_update(s, row, case)
        if cases_repo.case_fields(case) != cases_repo.row_fields(row):
            cases_repo.write_case(s, row, case, call.now())
    return case_out(row)


@routes.route(
    "POST",
    "/cases/import",
    summary="Import cases from JSON or CSV",
    action=Action.IMPORT_CASES,
    body=ImportRows,
    response=ImportReport,
    request_types={"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}},
    responses={
        400: "the CSV is not UTF-8 or is malformed",
        422: "the CSV header has unknown, missing or repeated columns",
    },
    description="Send a JSON list of case objects (as for POST /cases) or a CSV file"
    " (Content-Type: text/csv; UTF-8; columns case_number, case_type, court_code, title,"
    " confidentiality, judges (separated by ';'), and per party partyN_name, partyN_role,"
    " partyN_email, partyN_phone, partyN_address, partyN_id_number). Rows are matched by case"
    " number: a new number is created, a known one updated. Each row is checked fully and"
    " written in its own transaction, or not at all; the answer reports every row.",
)
async def import_case_rows(call: Call[None, ImportRows | None]) -> ImportReport:
    return await import_cases(call)
