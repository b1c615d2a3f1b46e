"""What a booking must refer to before it is stored: one function, `validate_booking`.

Creating a hearing, moving it, changing its endpoints or its participants all pass here (from
the booking use case, scheduler/booking.py `book`), so a rule added here holds for every path:
the case exists and may be heard online, the court, the endpoints exist and are enabled, the
staff accounts exist, are active and fit their roles. The pure shape of a plan is checked by
`HearingPlan` itself; conflicts (people, endpoints, court hours) are the use case's next step.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from conference.domain.cases import Confidentiality, ensure_may_hold_online
from conference.domain.errors import InvalidValue, NotAllowed
from conference.domain.hearings import JUDGE_ROLES, HearingKind, HearingPlan, Role
from conference.store.cases_repo import court_exists, get_case_by_number, staff_by_username
from conference.store.hearings_repo import endpoints_by_code
from conference.store.tables import CaseRow, EndpointRow, StaffRow

# Roles that must be filled by a staff account (they sign in), and the account's role.
STAFF_ACCOUNT_FOR: dict[Role, str] = {Role.PRESIDING_JUDGE: "judge", Role.CLERK: "clerk"}


@dataclass(frozen=True)
class ValidBooking:
    """A plan that passed every check, with the records it refers to."""

    plan: HearingPlan
    case: CaseRow | None
    court_code: str
    endpoints: dict[str, EndpointRow]
    staff: dict[str, StaffRow]


async def validate_booking(
    session: AsyncSession,
    plan: HearingPlan,
    *,
    hearing_id: str | None,
    court_code: str | None = None,
) -> ValidBooking:
    """Refuse (with a DomainError naming the field) a plan that cannot be booked.

    `hearing_id` is the hearing being changed (None for a new one), so that conflict checks
    can leave the hearing itself out. `court_code` is the court asked for by the caller."""
    case = await _check_case(session, plan)
    court = await _check_court(session, plan, case, court_code)
    endpoints = await _check_endpoints(session, plan)
    staff = await _check_staff(session, plan)
    return ValidBooking(plan, case, court, endpoints, staff)


async def _check_case(session: AsyncSession, plan: HearingPlan) -> CaseRow | None:
    if plan.case_number is None:
        return None
    if plan.kind is HearingKind.MEETING:
        raise InvalidValue(
            "a meeting does not belong to a case; leave out case_id/case_number or book a"
            " hearing (kind 'hearing')",
            field="case_number",
        )
    case = await get_case_by_number(session, plan.case_number)
    if case is None:
        raise InvalidValue(f"case {plan.case_number!r} does not exist", field="case_number")
    ensure_may_hold_online(Confidentiality(case.confidentiality))
    return case


async def _check_court(
    session: AsyncSession, plan: HearingPlan, case: CaseRow | None, asked: str | None
) -> str:
    if case is not None:
        if asked and asked != case.court_code:
            raise InvalidValue(
                f"case {case.case_number} belongs to court {case.court_code}, not {asked};"
                " leave out court_code for hearings",
                field="court_code",
            )
        return case.court_code
    if asked:
        if not await court_exists(session, asked):
            raise InvalidValue(f"court {asked!r} does not exist", field="court_code")
        return asked
    if plan.central_endpoint:
        central = (await endpoints_by_code(session, [plan.central_endpoint])).get(
            plan.central_endpoint
        )
        if central is not None:
            return central.court_code
        raise InvalidValue(
            f"endpoint {plan.central_endpoint!r} does not exist", field="central_endpoint"
        )
    raise InvalidValue(
        "a meeting needs the organising court: give court_code or central_endpoint",
        field="court_code",
    )


async def _check_endpoints(session: AsyncSession, plan: HearingPlan) -> dict[str, EndpointRow]:
    booked = [
        *([plan.central_endpoint] if plan.central_endpoint else []),
        *plan.component_endpoints,
    ]
    known = await endpoints_by_code(session, booked)
    for code in booked:
        where = "central_endpoint" if code == plan.central_endpoint else "component_endpoints"
        row = known.get(code)
        if row is None:
            raise InvalidValue(f"endpoint {code!r} does not exist", field=where)
        if not row.enabled:
            raise NotAllowed(
                f"endpoint {code} ({row.site_name}, {row.court.name}) is disabled (under"
                " maintenance); choose another endpoint or have an administrator enable it",
                field=where,
            )
    for p in plan.participants:
        if p.endpoint_code and p.endpoint_code not in known:
            raise InvalidValue(
                f"participant {p.name!r} is at endpoint {p.endpoint_code!r}, which is not one of"
                " this hearing's endpoints; add it to component_endpoints first",
                field="participants.endpoint_code",
            )
    return known


async def _check_staff(session: AsyncSession, plan: HearingPlan) -> dict[str, StaffRow]:
    staff = await staff_by_username(
        session, [p.staff_username for p in plan.participants if p.staff_username]
    )
    for p in plan.participants:
        account_role = STAFF_ACCOUNT_FOR.get(p.role)
        if p.staff_username is None:
            if account_role:
                raise InvalidValue(
                    f"the {p.role.value.replace('_', ' ')} signs in with a staff account:"
                    f" give staff_username for {p.name!r}",
                    field="participants.staff_username",
                )
            continue
        row = staff.get(p.staff_username)
        if row is None:
            raise InvalidValue(
                f"staff member {p.staff_username!r} does not exist",
                field="participants.staff_username",
            )
        if not row.active:
            raise NotAllowed(
                f"staff member {p.staff_username} ({row.full_name}) is no longer active",
                field="participants.staff_username",
            )
        needed = "judge" if p.role in JUDGE_ROLES else account_role
        if needed and row.role != needed:
            raise InvalidValue(
                f"{p.staff_username} ({row.full_name}) is a {row.role}, so cannot take part as"
                f" {p.role.value.replace('_', ' ')}",
                field="participants.role",
            )
    return staff
