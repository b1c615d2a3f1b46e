"""Demo staff sign-in: one account per role, with passwords printed by `make demo`.

The demo cases seed (api) may create these staff rows; if they are missing we create them, and we
only ever set a password where none is set, so a password changed with `vcourt staff
set-password` survives a second `vcourt seed`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from conference.store.tables import CourtRow, StaffRow
from web.pages.accounts import hash_password


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    court_code: str
    password: str


DEMO_COURT = "TAND-HN"
# The clerk and the judge are staff of the demo cases (web/seed/demo_cases.py): the judge presides
# over today's demo hearings at TAND-HN, the clerk books them.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "Quản trị hệ thống", "admin", DEMO_COURT, "demo-admin-password"),
    DemoAccount("ha.vt", "Vũ Thu Hà", "clerk", DEMO_COURT, "demo-clerk-password"),
    DemoAccount("hung.tq", "Trần Quốc Hùng", "judge", DEMO_COURT, "demo-judge-password"),
)


def credential_lines() -> list[str]:
    lines = ["Staff sign-in (pages):"]
    lines += [f"  {a.role:<6} {a.username} / {a.password}" for a in DEMO_ACCOUNTS]
    return lines


async def seed_demo_accounts(session: AsyncSession) -> int:
    """Create missing demo staff and set passwords that are not set; returns how many changed."""
    changed = 0
    court_known = await session.get(CourtRow, DEMO_COURT) is not None
    for account in DEMO_ACCOUNTS:
        staff = await session.get(StaffRow, account.username)
        if staff is None:
            staff = StaffRow(
                username=account.username,
                full_name=account.full_name,
                role=account.role,
                court_code=account.court_code if court_known else None,
                active=True,
            )
            session.add(staff)
        if staff.password_hash is None:
            staff.password_hash = hash_password(account.password)
            changed += 1
    return changed
