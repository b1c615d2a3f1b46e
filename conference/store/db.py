"""Engine and sessions; migrations run through Alembic, configured in code (no alembic.ini)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from conference.store.busy import BookingSession

MIGRATIONS = Path(__file__).with_name("migrations")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep each hearing's busy intervals in step with it (see busy.py)."""
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=BookingSession)


def alembic_config(url: str, *, notice_keys: Sequence[bytes] = ()) -> Config:
    """`notice_keys`: for the migrations that seal stored notices (Settings.notice_keys())."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["notice_keys"] = list(notice_keys)
    return config


def upgrade(url: str, revision: str = "heads", *, notice_keys: Sequence[bytes] = ()) -> None:
    """Bring the schema up to date. Each feature area is its own Alembic branch off the
    foundation, so we upgrade to all heads. A migration that moves stored secrets needs the
    keys (`vcourt db upgrade` passes them; an empty database needs none)."""
    command.upgrade(alembic_config(url, notice_keys=notice_keys), revision)


async def upgrade_async(
    url: str, revision: str = "heads", *, notice_keys: Sequence[bytes] = ()
) -> None:
    await asyncio.to_thread(lambda: upgrade(url, revision, notice_keys=notice_keys))
