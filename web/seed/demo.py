"""`vcourt seed`: the registry, demo staff, a few cases and today's hearings. Idempotent."""

from __future__ import annotations

from datetime import datetime

from conference.domain.clock import system_clock
from conference.settings import Settings
from conference.store.db import create_engine, session_factory
from web.pages.demo_accounts import credential_lines, seed_demo_accounts
from web.seed.demo_cases import seed_demo_cases
from web.seed.loader import seed_registry

# Lines printed by `make demo`; pages add staff sign-in credentials here.
DEMO_CREDENTIALS: list[str] = [*credential_lines()]


async def seed_all(
    settings: Settings, *, registry_only: bool = False, now: datetime | None = None
) -> str:
    engine = create_engine(settings.effective_database_url)
    try:
        async with session_factory(engine)() as session:
            report = [str(await seed_registry(session))]
        if not registry_only:
            async with session_factory(engine)() as session:
                report.append(await seed_demo_cases(session, now or system_clock(), settings))
            async with session_factory(engine)() as session, session.begin():
                changed = await seed_demo_accounts(session)
                report.append(f"staff sign-in: {changed} demo passwords set")
    finally:
        await engine.dispose()
    return "\n".join(report)
