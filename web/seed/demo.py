"""`vcourt seed`: the registry, demo staff, a few cases and today's hearings. Idempotent."""

from __future__ import annotations

from conference.settings import Settings
from conference.store.db import create_engine, session_factory
from web.pages.demo_accounts import credential_lines, seed_demo_accounts
from web.seed.loader import seed_registry

# Lines printed by `make demo`; pages add staff sign-in credentials here.
DEMO_CREDENTIALS: list[str] = [*credential_lines()]


async def seed_all(settings: Settings, *, registry_only: bool = False) -> str:
    engine = create_engine(settings.effective_database_url)
    try:
        async with session_factory(engine)() as session:
            report = await seed_registry(session)
            if not registry_only:
                async with session.begin():
                    await seed_demo_accounts(session)
    finally:
        await engine.dispose()
    return str(report)
